# One-command setup: `make run` serves the demo, `make test` runs the whole suite.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Exact versions and hashes of the runtime and dev dependencies; `make lock` regenerates it from
# the ranges in pyproject.toml. They are installed by uv (pinned and hashed in INSTALLER): about
# 10 s for what pip takes 45 s.
LOCK := requirements/dev.txt
INSTALLER := requirements/uv.txt
UV_VERSION := 0.13.9
# Test processes (pytest-xdist): "auto" is one per core. Browser tests share one demo server and
# so run on one worker (their xdist_group); the rest are spread by load.
WORKERS := auto
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx

.PHONY: install lock browser nginx poppler run worker test lint migrate seed messages

$(STAMP): $(LOCK) $(INSTALLER) pyproject.toml
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(INSTALLER)
	$(VENV)/bin/uv pip install --quiet --python $(PY) --require-hashes -r $(LOCK)
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# After changing a range in pyproject.toml: pin and hash anew, then commit both files.
lock:
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet 'uv==$(UV_VERSION)'
	echo 'uv==$(UV_VERSION)' | $(VENV)/bin/uv pip compile - --generate-hashes --universal \
	  --python-version 3.11 --quiet --no-header -o $(INSTALLER)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
	  --python-version 3.11 --quiet -o $(LOCK)

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

# Survey flyer tests render the PDF to PNG and read its text (pdftoppm, pdftotext).
poppler:
	@command -v pdftoppm >/dev/null || { \
	  command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] || { \
	    echo "poppler-utils fehlt: bitte 'apt-get install poppler-utils' ausführen." >&2; exit 1; }; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends poppler-utils >/dev/null; }

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

test: install browser nginx poppler
	$(PY) -m pytest -n $(WORKERS) --dist loadgroup

lint: install
	$(VENV)/bin/ruff check .

messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages -l en --ignore=.venv
