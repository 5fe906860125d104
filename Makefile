# Qudao — the commands a developer and CI use. Only python3 (3.11) is needed to start.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
TEST_ARGS ?=

.PHONY: run serve test bench lint format catalogs messages i18n-check clean

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

catalogs: $(VENV)/.installed
	@$(PY) manage.py compile_catalogs >/dev/null

## make run: install, migrate, load demo data if the database is empty, and serve it as
## production does (scripts/serve.sh: gunicorn, the task worker and the daily scheduler).
run: catalogs
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_accounts --url "http://127.0.0.1:$(PORT)"
	PORT=$(PORT) PY=$(PY) ./scripts/serve.sh

## make serve: production (README, "Production"): install, migrate, serve; no demo data.
serve: catalogs
	$(PY) manage.py migrate --noinput
	PORT=$(PORT) PY=$(PY) ./scripts/serve.sh

## make test: the whole suite (browser tests are skipped, and say so, without Chromium).
test: catalogs
	$(PY) -m pytest -n 2 $(TEST_ARGS)

## make bench: benchmarks on a scaled database; results in bench/results/latest.json,
## bench/results/projects.json (1,000,000 projects, bench/PROJECTS.md) and
## bench/results/performance.json (dashboards and scorecards, bench/PERFORMANCE.md).
bench: catalogs
	$(PY) bench/run.py
	$(PY) bench/projects.py
	$(PY) bench/performance.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make messages: refresh the catalogs from the code (needs GNU gettext's xgettext).
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore ".venv/*" --ignore "static/*"

## make i18n-check: every user-visible string has its translation.
i18n-check: messages
	$(PY) manage.py compile_catalogs --check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
