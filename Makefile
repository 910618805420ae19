# Two commands for a newcomer: `make deck` and `make test`. Each sets up .venv when needed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
ARGS   ?=

.PHONY: deck test cards fetch lint bench preview format clean

# Dependencies come from the lock files (exact versions and hashes, one set for Python 3.10-3.13,
# so a commit builds the same bytes everywhere); `make lock` re-pins them from pyproject.toml.
LOCK_DECK := requirements/deck.txt
LOCK_DEV  := requirements/dev.txt

$(VENV)/.runtime: $(LOCK_DECK) pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes -r $(LOCK_DECK)
	$(PY) -m pip install -q --no-deps -e .
	@touch $@

$(VENV)/.dev: $(LOCK_DEV) $(VENV)/.runtime
	$(PY) -m pip install -q --require-hashes -r $(LOCK_DEV)
	@touch $@

.PHONY: lock check
lock: $(VENV)/.runtime  ## re-pin requirements/*.txt from pyproject.toml (uv, with hashes)
	$(PY) -m pip install -q uv
	$(PY) -m uv pip compile pyproject.toml --python-version 3.10 --generate-hashes -q -o $(LOCK_DECK)
	$(PY) -m uv pip compile pyproject.toml --extra dev --python-version 3.10 --generate-hashes -q -o $(LOCK_DEV)

check: $(VENV)/.dev  ## the quick loop before a pull request: ruff, card lint, snippets and the fast tests
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) build_deck.py lint
	$(PY) -m pytest -q -m "not slow and not browser" $(ARGS)

# MathJax 3 as Anki ships it and the Roboto font, for the layout test (tests/layout.py): npm, pinned by the lock.
MATHJAX := tools/mathjax/node_modules/mathjax/es5/tex-chtml.js

$(MATHJAX): tools/mathjax/package.json tools/mathjax/package-lock.json
	npm ci --prefix tools/mathjax --no-audit --no-fund --loglevel=error
	@touch $@

deck: $(VENV)/.runtime  ## build dist/*.apkg from cards/
	$(PY) build_deck.py build $(ARGS)

test: $(VENV)/.dev $(MATHJAX)  ## lint the code and run the whole test suite
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest $(ARGS)

cards: $(VENV)/.runtime  ## snapshots in sources/ -> card files in cards/ (never overwrites edits)
	$(PY) build_deck.py scrape $(ARGS)

fetch: $(VENV)/.runtime  ## refresh one snapshot from the live page: make fetch SOURCE=upwork [URL=...]
	$(PY) build_deck.py fetch $(SOURCE) $(if $(URL),--url $(URL))

lint: $(VENV)/.runtime  ## check every card file
	$(PY) build_deck.py lint $(ARGS)

preview: $(VENV)/.runtime  ## every card as Anki shows it, light and night: build/preview/index.html
	$(PY) build_deck.py preview $(ARGS)

.PHONY: layout
layout: $(VENV)/.dev $(MATHJAX)  ## how every note fits a phone: heights, cut formulas; screenshots in build/screens/layout/
	$(PY) -m tests.layout_report $(ARGS)

bench: $(VENV)/.dev  ## print build speed and size figures
	$(PY) -m tests.bench $(ARGS)

format: $(VENV)/.dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf build dist
