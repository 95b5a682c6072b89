"""The task queue (django-tasks) as the rest of the code uses it: when a task is queued and
when it is tried again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend


def enqueue(task_function: Any, *args: Any) -> None:
    """A database-backed queue stores the task in this transaction (durable with the change);
    the in-process backend of the embedded default runs it after commit."""
    if is_durable_backend():
        task_function.enqueue(*args)
    else:
        transaction.on_commit(lambda: task_function.enqueue(*args))


def enqueue_later(task_function: Any, delay: timedelta, *args: Any) -> bool:
    """Run the task again after ``delay`` (a retry); only a durable queue can wait. Returns
    whether it was queued."""
    if not is_durable_backend():
        return False
    task_function.using(run_after=timezone.now() + delay).enqueue(*args)
    return True


def is_durable_backend() -> bool:
    # ``django_tasks.default_task_backend`` is a proxy object: ask the handler for the backend.
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)
