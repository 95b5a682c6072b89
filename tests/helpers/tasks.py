"""The durable task queue in tests: the database backend switched on, and one worker run in this
process that handles every due task and exits, as after a restart."""

import signal
from io import StringIO

from django.core.management import call_command

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker(*options: str, command: str = "db_worker") -> None:
    """One `manage.py <command> --batch` run: every due task, then exit."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            command,
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            *options,
            verbosity=0,
            stdout=StringIO(),
        )
    finally:  # the worker installs its own graceful-shutdown handlers
        for number, handler in handlers.items():
            signal.signal(number, handler)
