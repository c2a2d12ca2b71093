# Two commands do everything on a fresh machine:
#   make run    set up, ingest the sample document, serve the UI on http://127.0.0.1:8080/
#   make test   set up and run the tests
#   make bench  the search-quality evaluation (bench/README.md), about 15 s
VENV ?= .venv
PY := $(VENV)/bin/python
ARCHIVE ?= muragat-data
PORT ?= 8080
# The shared Kazakh corpus the search-quality collection takes its documents from.
CORPUS ?= ../shared/corpus/kk_corpus.txt

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

# Muragat against plain whoosh on 72 judged queries over 890 passages: MRR@10 and recall@10 by query kind.
bench: setup
	@test -f $(CORPUS) || { echo "make bench: no corpus at $(CORPUS); give it: make bench CORPUS=PATH/kk_corpus.txt" >&2; exit 1; }
	$(PY) bench/search_quality/evaluate.py --corpus $(CORPUS)

clean:
	rm -rf $(VENV) $(ARCHIVE)
