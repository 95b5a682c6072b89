"""Signals the forum sends for other apps; sent by services, never by model saves."""

from django.dispatch import Signal

# Sent after the members of a consortium changed (``consortium``); the CMS derives its editing
# rights from membership and listens here.
membership_changed = Signal()

# Sent inside the transaction after what a lesson shows changed (``topic_ids``): marked or
# unmarked, moved to another space, a reply added, a post edited, hidden, restored or deleted,
# text naming an erased person scrubbed. The CMS keeps the peer finder's copy of lessons current.
lesson_changed = Signal()


def send_lesson_changed(*topics) -> None:
    """Tell the listeners about those of ``topics`` (``Topic`` rows) that are or were lessons."""
    topic_ids = [topic.pk for topic in topics]
    if topic_ids:
        lesson_changed.send(sender=None, topic_ids=topic_ids)
