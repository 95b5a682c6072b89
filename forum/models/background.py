"""Background work: the task worker's sign of life."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life (``manage.py run_task_worker``), written every few seconds
    while it runs, during long tasks too. ``requeue_stuck_tasks`` gives a running task back to
    the queue only when the worker that claimed it stopped beating (or has started anew since)."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
