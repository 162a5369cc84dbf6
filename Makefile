# Two commands on a fresh machine (each bootstraps .venv from requirements.lock):
#   make demo   start the API on SQLite with demo data (GraphiQL at http://localhost:8000/graphql)
#   make test   run the test suite (SQLite; set TEST_DATABASE_URL for PostgreSQL)
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-12)

.PHONY: demo test check venv lock schema bench soak screenshots

$(STAMP): requirements.lock
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/python cli.py migrate
	$(VENV)/bin/python cli.py demo
	$(VENV)/bin/python cli.py serve

test: $(STAMP)
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# Lint, format, types and layers (configured in pyproject.toml); CI runs it and wants zero findings.
check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(VENV)/bin/python bench/run.py

# Ten minutes (SOAK_SECONDS) of load through nginx, two servers and a worker on PostgreSQL and Redis (needs nginx and
# redis-server: .ci/install-test-tools); fails on a 5xx, an ERROR log line or RSS growing over 5%; writes RELIABILITY.md.
soak: $(STAMP)
	$(VENV)/bin/python bench/soak.py

# The README's pictures of the panel (docs/panel-*.png) from the demo data, in Chromium; look at them, then commit.
screenshots: $(STAMP)
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider tests/screenshots.py

schema: $(STAMP)
	$(VENV)/bin/python cli.py export-schema

# Re-pin after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra test --extra check -o requirements.lock --python-version 3.11
