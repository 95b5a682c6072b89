"""``{% person someone %}``: a person's name, linked to their profile only where the viewer may
open it (``forum.see_profile``), otherwise plain with their town. Every page naming people uses
it (or, for posts, the same include with the flag from forum/views/post_html.py), so no page
links to a profile that answers 404."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .. import rules as policy

register = template.Library()


def person_values(someone: Any, viewer: Any) -> dict:
    """What the person include shows. Ask with the person's memberships prefetched
    (``user__memberships``) when naming many people, or each costs a query."""
    profile = getattr(someone, "profile", None)
    return {
        "user_id": someone.pk,
        "name": (profile.display_name if profile else "") or someone.get_username(),
        "town": profile.town.name if profile and profile.town_id else "",
        "linked": policy.allowed(viewer, "forum.see_profile", someone),
    }


@register.simple_tag(takes_context=True)
def person(context: template.Context, someone: Any, css_class: str = "") -> SafeString | str:
    if someone is None:
        return "–"
    viewer = context.get("user")
    if viewer is None and context.get("request") is not None:
        viewer = context["request"].user
    values = person_values(someone, viewer) | {"css_class": css_class}
    return render_to_string("forum/includes/person.html", values)
