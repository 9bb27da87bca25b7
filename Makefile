# nufa — run `make help` for the targets.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

.DEFAULT_GOAL := help

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,docs]'  # docs too: the tests build the user documentation
	touch $(STAMP)

.PHONY: help
help: ## Show this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: install
install: $(STAMP) ## Create .venv and install nufa with its test tools (from PyPI)

.PHONY: build
build: $(STAMP) ## Check and build every sample meeting into build/ (DOCX and PDF)
	$(BIN)/nufa build

.PHONY: check
check: $(STAMP) ## Check the sample sources
	$(BIN)/nufa check

.PHONY: test
test: $(STAMP) ## Run the linter, the type checker and every test (real pandoc and typst)
	$(BIN)/ruff check nufa_cli tests tools
	$(BIN)/mypy
	$(BIN)/pytest -q

.PHONY: test-fast
test-fast: $(STAMP) ## Run the linter and the unit tests (no pandoc, typst or git repositories)
	$(BIN)/ruff check nufa_cli tests tools
	$(BIN)/pytest -q -m unit

.PHONY: bench
bench: $(STAMP) ## Time check and build: the sample, against the floor, edits, a growing archive
	$(BIN)/python tools/bench.py

.PHONY: golden
golden: $(STAMP) ## Refresh the golden Markdown files after an intended template change
	$(BIN)/python tests/refresh_golden.py

.PHONY: axe
axe: $(STAMP) ## Build the site and run axe-core on every page (needs chromium; npm ci in tools/axe/)
	$(BIN)/nufa site
	$(BIN)/python tools/axe/axe_site.py build/site

.PHONY: docs
docs: $(STAMP) ## Build the user documentation (docs/) into site/ with mkdocs-material
	$(BIN)/mkdocs build --strict

.PHONY: schemas
schemas: $(STAMP) ## Regenerate the JSON Schemas in schemas/
	$(BIN)/nufa schema schemas

.PHONY: clean
clean: ## Remove build output and caches (keeps .venv)
	rm -rf build site .pytest_cache .ruff_cache .mypy_cache .hypothesis
