# One-command setup: `make run` serves the demo, `make test` runs the whole suite.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx

.PHONY: install browser nginx run worker test lint migrate seed messages

$(STAMP): pyproject.toml
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium; Playwright cannot download its own browser here.
browser:
	@test -x $(CHROMIUM) || { \
	  command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] || { \
	    echo "Chromium fehlt: bitte 'apt-get install chromium fonts-liberation' ausführen." >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends chromium fonts-liberation >/dev/null; }

# Proxy tests put Debian's nginx in front of daphne (tests/config/test_behind_nginx.py).
nginx:
	@test -x $(NGINX) || { \
	  command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] || { \
	    echo "nginx fehlt: bitte 'apt-get install nginx-light' ausführen." >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends nginx-light >/dev/null; }

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Notification emails need no worker here: the embedded default (TASKS_BACKEND unset) runs each
# task in this process right after the commit; emails go to the console.
run: seed
	$(PY) manage.py runserver 127.0.0.1:8000

# Only with TASKS_BACKEND=database (production's default): the worker for the task queue; it
# waits out database outages and writes the heartbeat requeue_stuck_tasks reads.
# Start `make run` with the same variable in another terminal.
worker: migrate
	TASKS_BACKEND=database $(PY) manage.py run_task_worker

test: install browser nginx
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages -l en --ignore=.venv
