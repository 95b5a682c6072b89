from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import events
from .notifications import unread_count
from .selectors import consortia_visible_to
from .streams import personal_stream


def navigation(request: HttpRequest) -> dict:
    """What the header needs for the signed-in user, each loaded only if a template asks:
    their consortia, the bell's unread count (one query) and the default live-update config
    that keeps the personal stream open on pages without a live stream of their own."""
    user = getattr(request, "user", None)
    return {
        "nav_consortia": SimpleLazyObject(lambda: list(consortia_visible_to(user))),
        "notification_unread": SimpleLazyObject(lambda: unread_count(user)),
        "personal_live_config": lambda: _personal_live_config(user),
    }


def _personal_live_config(user) -> dict | None:
    """The smallest config ``static/js/live.js`` runs with: the personal stream only."""
    if user is None or not user.is_authenticated:
        return None
    stream = personal_stream(user.pk)
    return {"stream": stream, "after": events.position_of(stream), "texts": {}}
