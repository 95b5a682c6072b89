"""How notification work leaves the request: as django-tasks tasks, stored with the change on the
database backend (durable, retried later) or run after commit by the in-process backend of the
embedded default (which cannot wait, so cannot retry later)."""

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
    if _is_durable_backend():
        task_function.enqueue(*args)
    else:
        transaction.on_commit(lambda: task_function.enqueue(*args))


def enqueue_later(task_function: Any, delay: timedelta, *args: Any) -> bool:
    """Run the task again after ``delay`` (a retry); only a durable queue can wait. Returns
    whether it was queued."""
    if not _is_durable_backend():
        return False
    task_function.using(run_after=timezone.now() + delay).enqueue(*args)
    return True


def _is_durable_backend() -> bool:
    # ``django_tasks.default_task_backend`` is a proxy object: ask the handler for the backend.
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)
