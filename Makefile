# Two commands for a newcomer: `make deck` and `make test`. Each sets up .venv when needed.
# `make help` lists every command: the text after `##` on a target's line.
# Windows without make: see CONTRIBUTING.md ("On Windows").
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
ARGS   ?=
# Quiet: setuptools' notice about editable installs is not the user's problem.
PIP    := PYTHONWARNINGS=ignore $(PY) -m pip install -q --disable-pip-version-check

.DEFAULT_GOAL := help
.PHONY: help deck test check lock card cards fetch lint bench preview layout format readme release clean distclean

help:  ## this list
	@echo "make <command> [ARGS=...]   (ARGS go to build_deck.py; \`$(PY) build_deck.py <command> --help\`)"
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-z][a-z-]*:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Dependencies come from the lock files (exact versions and hashes, one set for Python 3.10-3.13,
# so a commit builds the same bytes everywhere); `make lock` re-pins them from pyproject.toml.
LOCK_DECK := requirements/deck.txt
LOCK_DEV  := requirements/dev.txt

# A venv that could not be made (Debian/Ubuntu without python3-venv) is removed at once, and
# one that has no pip is named, so a failed setup never loops on "No module named pip".
$(VENV)/.runtime: $(LOCK_DECK) pyproject.toml
	@test -x $(PY) || { echo "Setting up $(VENV) (first run only: about 180 MB, a minute or two)..."; \
	  $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "error: '$(PYTHON) -m venv' failed: install python3-venv (apt-get install python3-venv), then run make again" >&2; \
	  exit 1; }; }
	@$(PY) -m pip --version >/dev/null 2>&1 || { \
	  echo "error: $(VENV) has no pip (made without python3-venv?): install python3-venv, run 'make distclean', then make again" >&2; \
	  exit 1; }
	$(PIP) --require-hashes -r $(LOCK_DECK)
	$(PIP) --no-deps -e .
	@touch $@

$(VENV)/.dev: $(LOCK_DEV) $(VENV)/.runtime
	$(PIP) --require-hashes -r $(LOCK_DEV)
	@touch $@

lock: $(VENV)/.runtime  ## re-pin requirements/*.txt from pyproject.toml (uv, with hashes)
	$(PIP) uv
	$(PY) -m uv pip compile pyproject.toml --python-version 3.10 --generate-hashes -q -o $(LOCK_DECK)
	$(PY) -m uv pip compile pyproject.toml --extra dev --python-version 3.10 --generate-hashes -q -o $(LOCK_DEV)

# The tests run in one process per core (pytest-xdist; `make test JOBS=0` runs them in this one).
# --dist loadgroup keeps each xdist_group (tests/conftest.py, test_preview.py, test_hostile.py)
# in one process, so an expensive fixture they share is built once.
JOBS   ?= auto
PYTEST := $(PY) -m pytest -n $(JOBS) --dist loadgroup

check: $(VENV)/.dev  ## the quick loop before a pull request: ruff, card lint, the fast tests
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) build_deck.py lint
	$(PYTEST) -q -m "not slow and not browser" $(ARGS)

# MathJax 3 as Anki ships it and the Roboto font, for the layout test (tests/layout.py) and the
# preview's maths: npm, pinned by the lock. Without npm the preview falls back to MathML.
MATHJAX := tools/mathjax/node_modules/mathjax/es5/tex-chtml.js

$(MATHJAX): tools/mathjax/package.json tools/mathjax/package-lock.json
	npm ci --prefix tools/mathjax --no-audit --no-fund --loglevel=error
	@touch $@

deck: $(VENV)/.runtime  ## build dist/ml-interview-questions.apkg from cards/
	$(PY) build_deck.py build $(ARGS)

test: $(VENV)/.dev $(MATHJAX)  ## ruff check, ruff format --check (code and card snippets), the whole test suite
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PYTEST) $(ARGS)

format: $(VENV)/.dev  ## fix what `make test` checks with ruff: formatting (incl. Python blocks in cards) and fixable lint
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

cards: $(VENV)/.runtime  ## snapshots in sources/ -> card files in cards/ (never overwrites edits)
	$(PY) build_deck.py scrape $(ARGS)

fetch: $(VENV)/.runtime  ## refresh one snapshot from the live page: make fetch SOURCE=upwork [URL=...]
	$(PY) build_deck.py fetch $(SOURCE) $(if $(URL),--url $(URL))

.PHONY: card
card: $(VENV)/.runtime  ## a new card with a never-used id: make card SOURCE=deck Q="What is …?" [REF=43 SECTION=…]
	$(PY) build_deck.py new "$$SOURCE" "$$Q" $(if $(REF),--ref "$$REF") $(if $(SECTION),--section "$$SECTION")

lint: $(VENV)/.runtime  ## check every card file
	$(PY) build_deck.py lint $(ARGS)

preview: $(VENV)/.runtime  ## every card as Anki shows it, light and night: build/preview/index.html
	@test -f $(MATHJAX) || echo "note: MathJax is not installed (npm ci --prefix tools/mathjax): maths shown as MathML"
	$(PY) build_deck.py preview $(ARGS)

layout: $(VENV)/.dev $(MATHJAX)  ## how every note fits a phone: heights, cut formulas; screenshots in build/screens/layout/
	$(PY) -m tests.layout_report $(ARGS)

bench: $(VENV)/.dev  ## print build speed and size figures
	$(PY) -m tests.bench $(ARGS)

readme: $(VENV)/.runtime  ## regenerate the deck summary in README.md (counts, download link) from cards/
	$(PY) build_deck.py readme $(ARGS)

release: $(VENV)/.runtime  ## rehearse a release from a clean clone: make release VERSION=1.0.0 -> dist/
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=X.Y.Z" >&2; exit 2; }
	$(PY) build_deck.py release $(VERSION) $(ARGS)

clean:  ## remove build/ and dist/ (caches, preview, packages)
	rm -rf build dist

distclean: clean  ## also remove .venv and tools/mathjax/node_modules: the next make sets them up again
	rm -rf $(VENV) tools/mathjax/node_modules
