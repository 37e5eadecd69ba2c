# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test install migrate demo worker beat messages check clean browser bench

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# The zh-Hant catalogue, compiled; msgfmt comes from Debian's gettext.
MO := locale/zh_Hant/LC_MESSAGES/django.mo
$(MO): locale/zh_Hant/LC_MESSAGES/django.po | $(VENV)/.installed
	command -v msgfmt >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext)
	$(PY) manage.py compilemessages --ignore=.venv -v0

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

## Serve the embedded portal (SQLite, in-process tasks) with the demo city on http://$(HOST)
run: $(MO) demo
	$(PY) manage.py runserver $(HOST)

## The whole suite: PostgreSQL and Redis when they answer (required under CI=true), SQLite otherwise.
## The browser tests need Debian's chromium: `make browser` installs it (CI's .ci/run does too).
test: install $(MO)
	$(PY) -m eap_portal.testrun -n 2 --dist loadfile

browser:
	[ -x /usr/bin/chromium ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

## With DATABASE_URL and REDIS_URL set: the Celery worker and beat (see Procfile)
worker: install
	$(VENV)/bin/celery -A eap_portal worker -l info
beat: install
	$(VENV)/bin/celery -A eap_portal beat -l info

## Refresh the zh-Hant message catalogue after changing user-facing strings
messages: install
	$(PY) manage.py makemessages -l zh_Hant --ignore=.venv --ignore=staticfiles --ignore=static --no-obsolete

## Export memory bench: 10,000 and 100,000 rows to CSV and XLSX in a throwaway SQLite; fails unless memory stays flat
bench: install
	$(PY) bench/export_memory.py

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
