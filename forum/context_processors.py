from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import consortia_visible_to


def navigation(request: HttpRequest) -> dict:
    """The signed-in user's consortia for the header, loaded only if a template asks."""
    user = getattr(request, "user", None)
    return {"nav_consortia": SimpleLazyObject(lambda: list(consortia_visible_to(user)))}
