# Two commands do everything on a fresh machine:
#   make run    set up, ingest the sample document, serve the UI on http://127.0.0.1:8080/
#   make test   set up and run the tests
VENV ?= .venv
PY := $(VENV)/bin/python
ARCHIVE ?= muragat-data
PORT ?= 8080

.PHONY: run test setup setup-dev bench clean

$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt requirements-cluster.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
setup-dev: $(VENV)/.installed-dev

run: setup
	$(VENV)/bin/muragat ingest samples/ --metadata samples/manifest.csv --archive $(ARCHIVE)
	$(VENV)/bin/muragat serve --archive $(ARCHIVE) --port $(PORT)

test: setup-dev
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) $(ARCHIVE)
