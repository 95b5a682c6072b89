"""Tasks queued before ``forum.notifications`` became a package store the old dotted path of
their function; the worker still runs them after the split."""

import signal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from forum import notifications

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("old_path", "task", "args", "returned"),
    [
        (
            "forum.notifications.send_notification_email",
            notifications.send_notification_email,
            (0,),
            "skipped",
        ),
        ("forum.notifications.fan_out_new_topic", notifications.fan_out_new_topic, (0, 0), 0),
    ],
)
def test_a_task_queued_under_its_old_path_still_runs(old_path, task, args, returned):
    with override_settings(TASKS=DATABASE_TASKS):
        result = task.enqueue(*args)
        DBTaskResult.objects.filter(pk=result.id).update(task_path=old_path)
        handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            call_command(
                "db_worker",
                "--batch",
                "--no-startup-delay",
                "--no-reload",
                verbosity=0,
                stdout=StringIO(),
            )
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == returned
