"""Live streams: the position handed out last per stream and the recorded events to replay."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class StreamHead(models.Model):
    """The last position handed out on a stream (``forum.events``): positions of one stream are
    1, 2, 3, … without holes, so a socket that sees 7 after 5 knows it missed 6."""

    stream = models.CharField(max_length=64, primary_key=True)
    position = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.stream}@{self.position}"


class StreamEvent(models.Model):
    """A positioned event of a topic, space or workshop stream, written in the transaction of
    the change it reports, so a socket that missed it is given it again, in order. Pruned after
    ``STREAM_EVENT_DAYS`` (``manage.py apply_retention``); older gaps reload the page."""

    stream = models.CharField(max_length=64)
    position = models.BigIntegerField()
    kind = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stream", "position"], name="stream_event_position")
        ]

    def __str__(self) -> str:
        return f"{self.stream}@{self.position} {self.kind}"
