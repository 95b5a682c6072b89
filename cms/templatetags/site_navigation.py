from django import template
from wagtail.models import Page, Site

from cms.models import StandardPage

register = template.Library()


def _root(request) -> Page | None:
    site = Site.find_for_request(request)
    return site.root_page if site else None


@register.simple_tag(takes_context=True)
def menu_pages(context) -> list[Page]:
    """Live, public children of the site root marked 'show in menus'."""
    root = _root(context["request"])
    if root is None:
        return []
    return list(root.get_children().live().public().in_menu().specific(defer=True))


@register.simple_tag(takes_context=True)
def footer_pages(context) -> list[StandardPage]:
    root = _root(context["request"])
    if root is None:
        return []
    return list(
        StandardPage.objects.descendant_of(root)
        .live()
        .public()
        .filter(show_in_footer=True)
        .order_by("path")
    )
