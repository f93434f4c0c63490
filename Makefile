# Two commands for a fresh clone: `make demo` and `make test`. Each creates .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip

.PHONY: demo test lint typecheck unit browser screenshots train bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(PIP) install --quiet -e ".[dev,api,dask]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/reviewbait score data/sample/posts_export.csv --text-column message -o $(VENV)/demo_scored.csv --overwrite
	$(BIN)/reviewbait report $(VENV)/demo_scored.csv

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy src

unit: $(VENV)/.installed-dev browser
	$(BIN)/pytest

# The page's end-to-end tests drive Debian's chromium (never a browser Playwright downloads).
browser:
	@command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium)

test: lint typecheck unit

# The README's pictures of the moderators' page, taken by its browser tests; commit docs/img/ afterwards.
# (with CJK and emoji fonts, so the sample's Chinese posts and emoji are drawn, not boxes)
screenshots: $(VENV)/.installed-dev browser
	@dpkg -s fonts-noto-cjk fonts-noto-color-emoji >/dev/null 2>&1 || (apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends fonts-noto-cjk fonts-noto-color-emoji)
	REVIEWBAIT_SCREENSHOTS=docs/img $(BIN)/pytest tests/api/test_page_browser.py

# Rebuild the shipped model from data/ (deterministic, seeded); commit src/reviewbait/models/ afterwards.
train: $(VENV)/.installed
	$(BIN)/reviewbait train

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_reviews.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
