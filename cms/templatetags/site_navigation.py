from django import template
from django.conf import settings
from django.urls import reverse
from wagtail.models import Page

from cms.models import CaseIndexPage, ConsortiumPage, TownPage
from cms.navigation import Link, navigation_for
from cms.rules import consortium_pages_for_new_cases
from forum.rules import allowed

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_pages(context) -> tuple[Link, ...]:
    """Live, public children of the site root marked 'show in menus'."""
    return navigation_for(context["request"]).menu


@register.simple_tag(takes_context=True)
def footer_pages(context) -> tuple[Link, ...]:
    """The live, public legal pages and text pages marked for the footer."""
    return navigation_for(context["request"]).footer


@register.simple_tag(takes_context=True)
def privacy_page_url(context) -> str:
    """The privacy statement's address, or "" while there is none (forms then link nowhere)."""
    request = context.get("request")
    return navigation_for(request).privacy_url if request is not None else ""


def _add_case_url(parent: Page) -> str:
    return reverse("wagtailadmin_pages:add", args=["cms", "labcasepage", parent.pk])


@register.inclusion_tag("cms/includes/page_actions.html", takes_context=True)
def page_actions(context) -> dict:
    """Ways into the admin from the page being read, as far as the policy lets the reader:
    edit this page; draft a case page under this consortium (a town page's consortium, or on
    the case index the reader's own consortia)."""
    page = context.get("page")
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(page, Page) or user is None or not user.is_authenticated:
        return {}
    page = page.specific
    new_case_parents: list[Page] = []
    if isinstance(page, ConsortiumPage):
        new_case_parents = [page] if allowed(user, "cms.add_case_page", page) else []
    elif isinstance(page, TownPage):
        parent = page.get_parent().specific
        new_case_parents = [parent] if allowed(user, "cms.add_case_page", parent) else []
    elif isinstance(page, CaseIndexPage):
        new_case_parents = consortium_pages_for_new_cases(user)
    return {
        "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk])
        if allowed(user, "cms.edit_page", page)
        else "",
        "new_cases": [(parent, _add_case_url(parent)) for parent in new_case_parents],
        "several": len(new_case_parents) > 1,
    }


@register.simple_tag
def site_contact_email() -> str:
    """The address people write to when they are stuck (``SITE_CONTACT_EMAIL``)."""
    return settings.SITE_CONTACT_EMAIL
