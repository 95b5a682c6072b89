from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .live import personal_live_config
from .notifications import unread_count
from .selectors import consortia_visible_to


def navigation(request: HttpRequest) -> dict:
    """What the header needs for the signed-in user, each loaded only if a template asks:
    their consortia, the bell's unread count (one query) and the default live-update config
    that keeps the personal stream open on pages without a live stream of their own."""
    user = getattr(request, "user", None)
    return {
        "nav_consortia": SimpleLazyObject(lambda: list(consortia_visible_to(user))),
        "notification_unread": SimpleLazyObject(lambda: unread_count(user)),
        "personal_live_config": lambda: personal_live_config(user),
    }
