# Two commands for a fresh clone with Python >= 3.12:  `make run`  and  `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test setup lint test-only e2e messages clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime
	$(BIN)/python manage.py compiletranslations
	$(BIN)/python manage.py migrate --noinput

## make run: set up, load the demo data, serve on http://127.0.0.1:8000 with a background worker.
run: setup
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ with a background worker (Ctrl-C stops both)."
	DEBUG=1 $(BIN)/python manage.py run_huey & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: set up, then ruff, the import contract and the whole test suite.
test: $(VENV)/.dev setup lint test-only

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test-only: $(VENV)/.dev
	$(BIN)/pytest $(PYTEST_ARGS)

## make e2e: only the real-browser tests.
e2e: $(VENV)/.dev setup
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

## make messages: extract new strings into locale/zh_Hans (needs GNU gettext; developers only).
messages: $(VENV)/.dev
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=static/vendor --ignore=staticfiles --ignore=tests --ignore=benchmarks --ignore=deploy
	$(BIN)/python manage.py makemessages -d djangojs -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=static/vendor --ignore=staticfiles --ignore=tests --ignore=benchmarks

clean:
	rm -rf $(VENV) staticfiles var/test-db-*.sqlite3
