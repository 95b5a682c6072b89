"""Notifications: who hears of what, in the app and by email, never of anything they may not read.

Services call the ``notify_*`` functions (``notifying``) inside their transaction. Rows are
written at once (so the bell is right after commit); emails and fan-outs run as tasks
(``forum.tasks``; the database backend in production keeps them across worker restarts). Access
is checked when a notification is created, again when it is shown (``visibility``) and again
when an email (``email``) or a digest (``digests``) is sent: someone removed from a consortium
meanwhile gets nothing. Each person's choices live in ``preferences``; writes that change what a
bell shows tell ``counter``.

The public API is re-exported here. django-tasks stores a task by its function's module
(``forum.notifications.email.send_notification_email``); rows queued before the split name
``forum.notifications.send_notification_email`` and still run through these re-exports.
"""

from . import counter
from .digests import send_digests
from .email import (
    UNSUBSCRIBE_SALT,
    digest_unsubscribe_token,
    digest_unsubscribe_url,
    read_unsubscribe_token,
    send_notification_email,
    unsubscribe,
    unsubscribe_token,
    unsubscribe_url,
)
from .notifying import (
    fan_out_new_topic,
    fan_out_reply,
    notify,
    notify_invitation_accepted,
    notify_mentions,
    notify_moderation,
    notify_new_topic,
    notify_post,
    notify_report,
    notify_share_confirm,
    notify_share_consent,
    notify_share_done,
    notify_workshop,
)
from .preferences import (
    DIGEST_PERIODS,
    deliveries_by_user,
    deliveries_for,
    delivery_of,
    set_preferences,
    set_space_level,
)
from .visibility import (
    actor_name,
    is_still_visible,
    mark_read,
    notifications_for,
    unread_count,
    visible_q,
)

__all__ = [
    "DIGEST_PERIODS",
    "UNSUBSCRIBE_SALT",
    "actor_name",
    "counter",
    "deliveries_by_user",
    "deliveries_for",
    "delivery_of",
    "digest_unsubscribe_token",
    "digest_unsubscribe_url",
    "fan_out_new_topic",
    "fan_out_reply",
    "is_still_visible",
    "mark_read",
    "notifications_for",
    "notify",
    "notify_invitation_accepted",
    "notify_mentions",
    "notify_moderation",
    "notify_new_topic",
    "notify_post",
    "notify_report",
    "notify_share_confirm",
    "notify_share_consent",
    "notify_share_done",
    "notify_workshop",
    "read_unsubscribe_token",
    "send_digests",
    "send_notification_email",
    "set_preferences",
    "set_space_level",
    "unread_count",
    "unsubscribe",
    "unsubscribe_token",
    "unsubscribe_url",
    "visible_q",
]
