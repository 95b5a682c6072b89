"""What the Wagtail admin lets town staff open: the part their work needs, and in it only what
the policy lets them read.

Every consortium member has admin access (``cms.services.sync_consortium_editors``) to draft
the consortium's case pages and manage its files. Wagtail's own permissions decide what they may
change; they do not hide what exists. So, for signed-in users with admin access who are neither
editors nor admins ("town staff"), this module

- answers 404 to every admin URL outside ``TOWN_STAFF_URL_NAMES`` (reports, site history,
  workflow and task management, snippets, users, settings, …), in one place: the middleware;
  the survey question templates are open to those who keep them
  (``cms.manage_question_templates``: core team members);
- hands every admin view that names a page, image or document the user may not read an id that
  does not exist instead, so the answer is by construction the one for a missing id (the 404
  page, the admin API's JSON 404, or 405 for a wrong method); so do the copy and move forms'
  parent page fields, and id lists in the query string (bulk actions, "chosen" endpoints of
  choosers) lose such ids;
- narrows Wagtail's page permission policy, which the explorer, the admin search and the admin
  API list from, to pages the user may read.

Who may read what is asked of ``cms.selectors.unreadable_pages`` and ``cms.view_collection_files``;
nothing here knows about memberships. Editors and admins keep the whole admin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, TaskState
from wagtail.permission_policies.pages import PagePermissionPolicy

from forum import rules as policy

from . import selectors

# Handed to a view in place of an object the user may not read: the largest id an AutoField
# column holds, never reached by a row in practice, and unlike 0 not taken for "no id given".
NO_SUCH_ID = 2**31 - 1

TOWN_STAFF_URL_NAMES = frozenset(
    {
        # Dashboard, account and what every admin page loads.
        "wagtailadmin_home",
        "wagtailadmin_account",
        "wagtailadmin_logout",
        "wagtailadmin_dismissibles",
        "wagtailadmin_sprite",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_block_preview",
        "wagtailadmin_editing_sessions:ping",
        "wagtailadmin_editing_sessions:release",
        # The page explorer and the sidebar's explorer menu.
        "wagtailadmin_explore_root",
        "wagtailadmin_explore",
        "wagtailadmin_explore_results",
        "wagtailadmin_api:pages:listing",
        "wagtailadmin_api:pages:detail",
        "wagtailadmin_api:pages:find",
        "wagtail_bulk_action",
        # Writing, reviewing and keeping pages.
        "wagtailadmin_pages:add",
        "wagtailadmin_pages:preview_on_add",
        "wagtailadmin_pages:add_subpage",
        "wagtailadmin_pages:edit",
        "wagtailadmin_pages:preview_on_edit",
        "wagtailadmin_pages:view_draft",
        "wagtailadmin_pages:delete",
        "wagtailadmin_pages:unpublish",
        "wagtailadmin_pages:move",
        "wagtailadmin_pages:move_confirm",
        "wagtailadmin_pages:set_page_position",
        "wagtailadmin_pages:copy",
        "wagtailadmin_pages:set_privacy",
        "wagtailadmin_pages:search",
        "wagtailadmin_pages:search_results",
        "wagtailadmin_pages:lock",
        "wagtailadmin_pages:unlock",
        "wagtailadmin_pages:revisions_view",
        "wagtailadmin_pages:revisions_revert",
        "wagtailadmin_pages:revisions_unschedule",
        "wagtailadmin_pages:revisions_compare",
        "wagtailadmin_pages:history",
        "wagtailadmin_pages:history_results",
        "wagtailadmin_pages:workflow_history",
        "wagtailadmin_pages:workflow_history_detail",
        "wagtailadmin_pages:workflow_action",
        "wagtailadmin_pages:collect_workflow_action_data",
        "wagtailadmin_pages:confirm_workflow_cancellation",
        "wagtailadmin_pages:workflow_preview",
        # Usage of pages, images and documents, with unreadable sources left out (admin_views).
        "cms_admin:page_usage",
        "cms_admin:image_usage",
        "cms_admin:document_usage",
        # Choosers used while editing a page.
        "wagtailadmin_choose_page",
        "wagtailadmin_choose_page_child",
        "wagtailadmin_choose_page_search",
        "wagtailadmin_choose_page_chosen_multiple",
        "wagtailadmin_choose_page_external_link",
        "wagtailadmin_choose_page_email_link",
        "wagtailadmin_choose_page_phone_link",
        "wagtailadmin_choose_page_anchor_link",
        "wagtailembeds:chooser",
        "wagtailembeds:chooser_upload",
        # Towns are public; a town page picks its town with this chooser.
        "wagtailsnippetchoosers_forum_town:choose",
        "wagtailsnippetchoosers_forum_town:choose_results",
        "wagtailsnippetchoosers_forum_town:chosen",
        # The consortium's images and documents (Wagtail lists the collections they may edit).
        "wagtailimages:index",
        "wagtailimages:index_results",
        "wagtailimages:add",
        "wagtailimages:edit",
        "wagtailimages:delete",
        "wagtailimages:url_generator",
        "wagtailimages:url_generator_output",
        "wagtailimages:preview",
        "wagtailimages:add_multiple",
        "wagtailimages:edit_multiple",
        "wagtailimages:create_multiple_from_uploaded_image",
        "wagtailimages:delete_multiple",
        "wagtailimages:delete_upload_multiple",
        "wagtailimages_chooser:choose",
        "wagtailimages_chooser:choose_results",
        "wagtailimages_chooser:chosen",
        "wagtailimages_chooser:chosen_multiple",
        "wagtailimages_chooser:create",
        "wagtailimages_chooser:select_format",
        "wagtaildocs:index",
        "wagtaildocs:index_results",
        "wagtaildocs:add",
        "wagtaildocs:edit",
        "wagtaildocs:delete",
        "wagtaildocs:add_multiple",
        "wagtaildocs:edit_multiple",
        "wagtaildocs:create_multiple_from_uploaded_document",
        "wagtaildocs:delete_multiple",
        "wagtaildocs:delete_upload_multiple",
        "wagtaildocs_chooser:choose",
        "wagtaildocs_chooser:choose_results",
        "wagtaildocs_chooser:chosen",
        "wagtaildocs_chooser:chosen_multiple",
        "wagtaildocs_chooser:create",
    }
)

# The survey question template library, for town staff who keep it (core team members).
QUESTION_TEMPLATE_NAMESPACE = "wagtailsnippets_cms_questiontemplate"

PAGE, IMAGE, DOCUMENT = "page", "image", "document"

# URL kwargs naming an object, wherever they occur; ``pk`` only in these namespaces.
_KWARG_KINDS = {
    "page_id": PAGE,
    "parent_page_id": PAGE,
    "page_to_move_id": PAGE,
    "destination_id": PAGE,
    "image_id": IMAGE,
    "document_id": DOCUMENT,
    "doc_id": DOCUMENT,
}
_PK_KINDS = {
    "wagtailadmin_pages": PAGE,
    "wagtailadmin_api:pages": PAGE,
    "wagtailimages_chooser": IMAGE,
    "wagtaildocs_chooser": DOCUMENT,
}
# Form fields choosing an object: the page copy and move forms.
_FORM_FIELD_KINDS = {"new_parent_page": PAGE}
# Views taking a list of ids as ``?id=…``.
_ID_LIST_KINDS = {
    "wagtailadmin_choose_page_chosen_multiple": PAGE,
    "wagtailimages_chooser:chosen_multiple": IMAGE,
    "wagtaildocs_chooser:chosen_multiple": DOCUMENT,
}


def has_full_admin(user: Any) -> bool:
    return policy.is_admin(user) or policy.is_editor(user)


def is_town_staff(user: Any) -> bool:
    """Signed in with admin access, but neither editor nor admin: whom this module narrows."""
    return bool(
        user is not None
        and user.is_authenticated
        and not has_full_admin(user)
        and user.has_perm("wagtailadmin.access_admin")
    )


@cache
def _admin_prefix() -> str:
    return reverse("wagtailadmin_home")


def _url_name(match: ResolverMatch) -> str:
    return f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)


def _open_to(user: Any, match: ResolverMatch) -> bool:
    name = _url_name(match)
    return name in TOWN_STAFF_URL_NAMES or _keeps_library(user, match)


def _keeps_library(user: Any, match: ResolverMatch) -> bool:
    """A view of the question template library (its snippet views and bulk actions), for those
    who keep it."""
    in_library = _url_name(match).startswith(f"{QUESTION_TEMPLATE_NAMESPACE}:") or (
        (match.kwargs.get("app_label"), match.kwargs.get("model_name"))
        == ("cms", "questiontemplate")
    )
    return in_library and policy.allowed(user, "cms.manage_question_templates")


def opens_for_town_staff(url: str, user: Any = None) -> bool:
    """Whether an admin link leads town staff (``user``, when given) anywhere; links outside
    the admin are not ours."""
    path = urlsplit(url).path
    if not path.startswith(_admin_prefix()):
        return True
    try:
        return _open_to(user, resolve(path))
    except Resolver404:
        return False


# --- Which of some ids name something the user may not read ----------------------------------


def _hidden_file_ids(model: Any, user: Any, ids: Iterable[int]) -> set[int]:
    files = model.objects.filter(pk__in=list(ids)).select_related("collection")
    return {
        file.pk
        for file in files
        if not policy.allowed(user, "cms.view_collection_files", file.collection)
    }


def _hidden_ids(kind: str, user: Any, ids: Iterable[int]) -> set[int]:
    if kind == PAGE:
        return selectors.unreadable_page_ids(user, ids)
    model = get_image_model() if kind == IMAGE else get_document_model()
    return _hidden_file_ids(model, user, ids)


def _as_id(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


# --- The middleware ---------------------------------------------------------------------------


class TownStaffAdminMiddleware:
    """Applies this module's rules to every admin request of town staff (see the docstring at
    the top). Placed after the authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not request.path_info.startswith(_admin_prefix()) or not is_town_staff(request.user):
            return None
        match = request.resolver_match
        name = _url_name(match)
        if not _open_to(request.user, match):
            raise Http404
        _drop_hidden_ids_from_query(request, match, name)
        _replace_hidden_ids_in_form(request)
        hidden = _kwargs_naming_hidden_objects(request.user, match)
        if not hidden:
            return None
        missing = {kwarg: type(view_kwargs[kwarg])(NO_SUCH_ID) for kwarg in hidden}
        return view_func(request, *view_args, **{**view_kwargs, **missing})


def _kwargs_naming_hidden_objects(user: Any, match: ResolverMatch) -> list[str]:
    hidden = []
    for kwarg, value in match.kwargs.items():
        if kwarg == "pk":
            kind = _PK_KINDS.get(match.namespace)
        elif kwarg == "object_id":  # editing sessions, with the model in the URL
            kind = _kind_of_model(match)
        else:
            kind = _KWARG_KINDS.get(kwarg)
        object_id = _as_id(value)
        if kind and object_id is not None and _hidden_ids(kind, user, [object_id]):
            hidden.append(kwarg)
    if _task_state_of_another_page(match):
        hidden.append("task_state_id")
    return hidden


def _task_state_of_another_page(match: ResolverMatch) -> bool:
    """Wagtail's workflow actions take the task state from the URL without asking whose it is:
    one of another page must not be acted on through the URL of a page the user may review."""
    if match.namespace != "wagtailadmin_pages" or "task_state_id" not in match.kwargs:
        return False
    owner = (
        TaskState.objects.filter(pk=match.kwargs["task_state_id"])
        .values_list("workflow_state__base_content_type_id", "workflow_state__object_id")
        .first()
    )
    page_type = ContentType.objects.get_for_model(Page).pk
    return owner is not None and owner != (page_type, str(match.kwargs.get("page_id")))


def _replace_hidden_ids_in_form(request: HttpRequest) -> None:
    if request.method != "POST":
        return
    hidden = {
        field
        for field, kind in _FORM_FIELD_KINDS.items()
        if (object_id := _as_id(request.POST.get(field))) is not None
        and _hidden_ids(kind, request.user, [object_id])
    }
    if hidden:
        form = request.POST.copy()
        for field in hidden:
            form[field] = str(NO_SUCH_ID)
        request.POST = form


def _kind_of_model(match: ResolverMatch) -> str | None:
    """Pages, images or documents, for views naming the model in ``app_label/model_name``."""
    model = (match.kwargs.get("app_label"), match.kwargs.get("model_name"))
    kinds = ((PAGE, Page), (IMAGE, get_image_model()), (DOCUMENT, get_document_model()))
    for kind, kind_model in kinds:
        if model == (kind_model._meta.app_label, kind_model._meta.model_name):
            return kind
    return None


def _id_list_kind(user: Any, match: ResolverMatch, name: str) -> str | None:
    if name != "wagtail_bulk_action":
        return _ID_LIST_KINDS.get(name)
    kind = _kind_of_model(match)
    # Bulk actions on users and snippets stay closed, but for the library's keepers.
    if kind is None and not _keeps_library(user, match):
        raise Http404
    return kind


def _drop_hidden_ids_from_query(request: HttpRequest, match: ResolverMatch, name: str) -> None:
    """Ids of hidden objects leave ``?id=…`` as if they did not exist. So does "all" for pages:
    Wagtail then takes every page below ``childOf``, whoever may read it."""
    kind = _id_list_kind(request.user, match, name)
    if kind is None or "id" not in request.GET:
        return
    values = request.GET.getlist("id")
    hidden = _hidden_ids(kind, request.user, [i for i in map(_as_id, values) if i is not None])
    kept = [
        value
        for value in values
        if _as_id(value) not in hidden and not (kind == PAGE and value == "all")
    ]
    if kept != values:
        query = request.GET.copy()
        query.setlist("id", kept)
        request.GET = query


# --- Wagtail's page permission policy, narrowed ---------------------------------------------


class ReadablePagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permissions, less the pages the user may not read: the explorer, the admin
    search and the admin API list pages from here. Membership decides, not the place in the
    tree: a page of another consortium filed under the user's consortium page stays hidden."""

    def _readable(self, user: Any, pages: Any) -> Any:
        if has_full_admin(user):
            return pages
        return pages.exclude(pk__in=selectors.unreadable_pages(user).values("pk"))

    def instances_user_has_any_permission_for(self, user: Any, actions: Iterable[str]) -> Any:
        return self._readable(user, super().instances_user_has_any_permission_for(user, actions))

    def explorable_instances(self, user: Any) -> Any:
        return self._readable(user, super().explorable_instances(user))
