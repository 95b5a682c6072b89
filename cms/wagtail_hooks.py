"""Where Wagtail serves pages and files and lists pages in its admin, the policy decides.

What town staff may open in the admin at all is decided in ``cms.admin_access``; the hooks here
keep its menus, dashboard and listings to that and to what they may read."""

from django.contrib import messages
from django.http import Http404
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem
from wagtail.admin.site_summary import PagesSummaryItem

from forum.rules import allowed

from .admin_access import is_town_staff, opens_for_town_staff
from .admin_views import READABLE_PANELS
from .models import ConsortiumPage, LabCasePage
from .selectors import unreadable_pages
from .services import prepare_consortium_page


@hooks.register("before_serve_page", order=-10)
def hide_internal_case_pages(page, request, serve_args, serve_kwargs):
    """Before Wagtail's own restriction check, which would send visitors to the login and so
    tell them the page exists: those who may not read it get the same 404 as for no page."""
    if isinstance(page, LabCasePage) and not allowed(request.user, "cms.view_case_page", page):
        raise Http404


@hooks.register("before_serve_document")
def hide_internal_documents(document, request):
    if not allowed(request.user, "cms.view_collection_files", document.collection):
        raise Http404


def _without_unreadable_case_pages(pages, request):
    return pages.exclude(pk__in=unreadable_pages(request.user).values("pk"))


@hooks.register("construct_page_chooser_queryset")
def page_chooser_without_foreign_internal_pages(pages, request):
    return _without_unreadable_case_pages(pages, request)


@hooks.register("construct_explorer_page_queryset")
def explorer_without_foreign_internal_pages(parent_page, pages, request):
    return _without_unreadable_case_pages(pages, request)


# Editor actions the policy may withhold at a step of the review workflow.
ACTION_PERMISSIONS = {
    "action-publish": "cms.publish_directly",
    "action-cancel-workflow": "cms.withdraw_from_review",
}


@hooks.register("construct_page_action_menu")
def only_the_actions_of_this_step(menu_items, request, context):
    """While a page is in review, reviewers and editors decide (request changes, approve,
    approve and publish); "Publish", which would cancel the review, and "Cancel workflow" are
    not theirs to offer (the author may still withdraw)."""
    page = context.get("page")
    if page is None:
        return
    menu_items[:] = [
        item
        for item in menu_items
        if item.name not in ACTION_PERMISSIONS
        or allowed(request.user, ACTION_PERMISSIONS[item.name], page)
    ]


@hooks.register("before_edit_page")
def withheld_actions_save_a_draft(request, page):
    """The same rule for a form posted without the menu (an old tab): the changes are saved
    as a draft and the review goes on, so nothing typed is lost."""
    if request.method != "POST":
        return
    withheld = [
        name
        for name, permission in ACTION_PERMISSIONS.items()
        if name in request.POST and not allowed(request.user, permission, page)
    ]
    if withheld:
        data = request.POST.copy()
        for name in withheld:
            del data[name]
        request.POST = data
        messages.warning(
            request,
            _(
                "Diese Seite ist in der Prüfung. Ihre Änderungen wurden als Entwurf "
                "gespeichert; die Prüfung läuft weiter."
            ),
        )


@hooks.register("after_create_page")
def prepare_new_consortium_page(request, page):
    if isinstance(page.specific, ConsortiumPage):
        prepare_consortium_page(page=page.specific)


def _only_what_opens(request, items):
    """Town staff see no menu entry or search area leading to a 404 (submenus empty out)."""
    if is_town_staff(request.user):
        items[:] = [
            item
            for item in items
            if isinstance(item, SubmenuMenuItem) or opens_for_town_staff(item.url)
        ]


for _hook in (
    "construct_main_menu",
    "construct_settings_menu",
    "construct_reports_menu",
    "construct_search",
):
    hooks.register(_hook, _only_what_opens)


@hooks.register("construct_homepage_summary_items", order=100)
def no_page_count_for_town_staff(request, summary_items):
    """The count of all pages below the explorable root includes other consortia's internal
    pages as soon as someone belongs to two consortia. (After Wagtail's hook adds it.)"""
    if is_town_staff(request.user):
        summary_items[:] = [i for i in summary_items if not isinstance(i, PagesSummaryItem)]


@hooks.register("construct_homepage_panels")
def dashboard_without_unreadable_pages(request, panels):
    if is_town_staff(request.user):
        panels[:] = [
            READABLE_PANELS[type(panel)]() if type(panel) in READABLE_PANELS else panel
            for panel in panels
        ]
