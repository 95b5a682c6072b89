"""Where Wagtail serves pages and files and lists pages in its admin, the policy decides."""

from django.http import Http404
from wagtail import hooks

from forum.rules import allowed

from .models import ConsortiumPage, LabCasePage, Visibility
from .selectors import readable_case_pages_q
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
    internal = LabCasePage.objects.filter(visibility=Visibility.INTERNAL)
    readable = internal.filter(readable_case_pages_q(request.user))
    hidden = internal.exclude(pk__in=readable.values("pk"))
    return pages.exclude(pk__in=hidden.values("pk"))


@hooks.register("construct_page_chooser_queryset")
def page_chooser_without_foreign_internal_pages(pages, request):
    return _without_unreadable_case_pages(pages, request)


@hooks.register("construct_explorer_page_queryset")
def explorer_without_foreign_internal_pages(parent_page, pages, request):
    return _without_unreadable_case_pages(pages, request)


@hooks.register("after_create_page")
def prepare_new_consortium_page(request, page):
    if isinstance(page.specific, ConsortiumPage):
        prepare_consortium_page(page=page.specific)
