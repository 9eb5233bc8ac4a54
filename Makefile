# Platsa: `make run` serves the app with demo data; `make test` runs the whole suite; `make lint` runs
# ruff and mypy. All set everything up first (virtualenv, Python and npm dependencies, translations).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: setup run test lint messages migrate demo worker beat serve loadtest loadtest-topology clean

setup: $(VENV)/.installed node_modules/.installed locale/sv/LC_MESSAGES/django.mo

# uv installs the packages (progress shown; .ci/install-python-deps tells how it finds pip's indexes).
$(VENV)/.installed: requirements.txt requirements-dev.txt .ci/install-python-deps
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	.ci/install-python-deps $(PY)
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

locale/sv/LC_MESSAGES/django.mo: locale/sv/LC_MESSAGES/django.po $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate: setup
	$(PY) manage.py migrate --noinput -v 0

# The migrations load the whole SSYK 2012 and its synonyms (taxonomy/data); `manage.py load_ssyk [FILE]` refreshes it.
demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@echo "Platsa on http://127.0.0.1:$(PORT)/ — demo users koordinator, handledare, chef, regionchef, koordinator-bracke, … (password platsa-demo; README \"Demo logins\")"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# pytest exits 5 when it collected no tests; that is not a failure of the suite.
test: setup
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(VENV)/bin/pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; rc=0; fi; exit $$rc

# ruff (lint and format) and mypy (pyproject.toml [tool.mypy]: strict on accounts/ and the services and
# selectors); bandit and pip-audit run in .ci/run.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

messages: setup
	$(PY) manage.py makemessages -l sv --ignore=.venv --ignore=node_modules --ignore=staticfiles --no-obsolete

# Production-style processes (configure DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS).
serve: setup
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py collectstatic --noinput -v 0
	DJANGO_SETTINGS_MODULE=config.settings.production $(VENV)/bin/gunicorn -c config/gunicorn.conf.py config.wsgi --bind 127.0.0.1:$(PORT)

worker: setup
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: setup
	$(VENV)/bin/celery -A config beat --loglevel=INFO

# Load test (loadtest/run.sh, README "Benchmarks"): gunicorn + PostgreSQL (DATABASE_URL, or a throw-away
# cluster) seeded with the demo, and locust headless. E.g. make loadtest USERS=100 DURATION=5m
USERS ?= 50
DURATION ?= 2m
PARTICIPANTS ?= 20000
loadtest: setup
	LOADTEST_USERS=$(USERS) LOADTEST_DURATION=$(DURATION) LOADTEST_PARTICIPANTS=$(PARTICIPANTS) loadtest/run.sh

# The same journeys against two gunicorn nodes behind HAProxy, a PostgreSQL primary and streaming replica,
# Redis and a Celery worker, stopping one node half-way (loadtest/topology.sh, README "Load test").
TOPOLOGY_USERS ?= 150
TOPOLOGY_DURATION ?= 3m
loadtest-topology: setup
	LOADTEST_TOPOLOGY=1 LOADTEST_USERS=$(TOPOLOGY_USERS) LOADTEST_DURATION=$(TOPOLOGY_DURATION) \
	  LOADTEST_PARTICIPANTS=$(PARTICIPANTS) loadtest/run.sh

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
