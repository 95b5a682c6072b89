from django import template
from django.conf import settings

from cms.navigation import Link, navigation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_pages(context) -> tuple[Link, ...]:
    """Live, public children of the site root marked 'show in menus'."""
    return navigation_for(context["request"]).menu


@register.simple_tag(takes_context=True)
def footer_pages(context) -> tuple[Link, ...]:
    """Live, public standard pages marked for the footer (imprint, privacy, accessibility)."""
    return navigation_for(context["request"]).footer


@register.simple_tag
def site_contact_email() -> str:
    """The address people write to when they are stuck (``SITE_CONTACT_EMAIL``)."""
    return settings.SITE_CONTACT_EMAIL
