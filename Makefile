# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test install migrate demo worker beat messages check clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

## Serve the embedded portal (SQLite, in-process tasks) with the demo city on http://$(HOST)
run: demo
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py runserver $(HOST)

## The whole suite: PostgreSQL and Redis when they answer (required under CI=true), SQLite otherwise
test: install
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) -m eap_portal.testrun -n 2 --dist loadfile

## With DATABASE_URL and REDIS_URL set: the Celery worker and beat (see Procfile)
worker: install
	$(VENV)/bin/celery -A eap_portal worker -l info
beat: install
	$(VENV)/bin/celery -A eap_portal beat -l info

## Refresh the zh-Hant message catalogue after changing user-facing strings
messages: install
	$(PY) manage.py makemessages -l zh_Hant --ignore=.venv --ignore=staticfiles --no-obsolete

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
