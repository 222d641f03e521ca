# Two commands matter: `make run` and `make test`. Both create or update the local virtualenv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test openapi lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

run: $(VENV)/.installed ## serve on http://$(HOST):$(PORT) through gunicorn
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --config python:service.gunicorn_conf 'service:create_app()'

test: $(VENV)/.installed-test ## the whole test suite
	$(BIN)/python -m pytest

openapi: $(VENV)/.installed ## regenerate openapi/openapi.json from the code
	FLASK_APP='service:create_app()' $(BIN)/flask openapi write --format=json openapi/openapi.json

lint: $(VENV)/.installed-test ## ruff and mypy
	$(BIN)/ruff check service tests
	$(BIN)/ruff format --check service tests > /dev/null
	$(BIN)/mypy service

bench: $(VENV)/.installed ## service vs baselines under wrk, scaling, engine (BENCH_ARGS=--quick for a smoke run)
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .ci-out .hypothesis .schemathesis build *.egg-info
