# Two commands for a newcomer: `make deck` and `make test`. Each sets up .venv when needed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
ARGS   ?=

.PHONY: deck test cards fetch lint bench preview format clean

$(VENV)/.runtime: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	@touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.runtime
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

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

.PHONY: card
card: $(VENV)/.runtime  ## a new card with a never-used id: make card SOURCE=deck Q="What is …?" [REF=43 SECTION=…]
	$(PY) build_deck.py new "$$SOURCE" "$$Q" $(if $(REF),--ref "$$REF") $(if $(SECTION),--section "$$SECTION")

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
