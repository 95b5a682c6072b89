"""Editorial access derived from membership: each consortium's editing group, collections and
page permissions, the case workflow, the consortium pages and the default site.

Internal case pages carry no Wagtail ``PageViewRestriction``: who may read them follows from
membership (``cms.view_case_page``, applied when serving and in every listing). Wagtail's
``public()`` adds one SQL condition per restriction row, so a row per internal page made every
menu, listing and sitemap slower with each page and broke SQLite at about 1,000 pages
(bench/case_pages.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from forum import rules as policy
from forum.models import Consortium

from ..models import ConsortiumEditing, ConsortiumPage, ConsortiumReviewTask

CASE_WORKFLOW_NAME = "Freigabe von Fallstudien"


REVIEW_TASK_NAME = "Prüfung durch Kleinstadtpaten und Kernteam"


PUBLISH_TASK_NAME = "Freigabe durch die Redaktion"


# What town staff, coaches and core team may do with their consortium's files in the admin.
FILE_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _child_collection(name: str) -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


@transaction.atomic
def ensure_consortium_editing(*, consortium: Consortium) -> ConsortiumEditing:
    """Create (once) the admin group and the two file collections of a consortium, grant them,
    and bring the group's members in line with the memberships."""
    editing = ConsortiumEditing.objects.filter(consortium=consortium).first()
    if editing is None:
        group, _created = Group.objects.get_or_create(
            name=f"Verbund {consortium.slug}: Redaktion"[:150]
        )
        group.permissions.add(_permission("wagtailadmin", "access_admin"))
        editing = ConsortiumEditing.objects.create(
            consortium=consortium,
            group=group,
            public_collection=_child_collection(consortium.name),
            internal_collection=_child_collection(
                _("%(name)s – nur für den Verbund") % {"name": consortium.name}
            ),
        )
        for collection in (editing.public_collection, editing.internal_collection):
            for app_label, codename in FILE_PERMISSIONS:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=_permission(app_label, codename)
                )
    page = ConsortiumPage.objects.filter(consortium=consortium).first()
    if page is not None:
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.get_or_create(
                group=editing.group, page=page, permission=_permission("wagtailcore", codename)
            )
    sync_consortium_editors(consortium=consortium)
    return editing


def sync_consortium_editors(*, consortium: Consortium) -> None:
    """The admin group holds exactly the consortium's members; called whenever membership
    changes, so the group is never a second, hand-kept list."""
    editing = ConsortiumEditing.objects.filter(consortium=consortium).select_related("group")
    editing = editing.first()
    if editing is None:
        return
    members = get_user_model().objects.filter(memberships__consortium=consortium, is_active=True)
    editing.group.user_set.set(members)


@transaction.atomic
def ensure_case_workflow() -> Workflow:
    """The two-step workflow of case pages: the consortium reviews, the editors publish."""
    workflow, _created = Workflow.objects.get_or_create(name=CASE_WORKFLOW_NAME)
    review, _created = ConsortiumReviewTask.objects.get_or_create(name=REVIEW_TASK_NAME)
    publish, created = GroupApprovalTask.objects.get_or_create(name=PUBLISH_TASK_NAME)
    if created:
        editors, _created = Group.objects.get_or_create(name=policy.EDITOR_GROUP)
        publish.groups.add(editors)
    for order, task in enumerate((review, publish)):
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=task, defaults={"sort_order": order}
        )
    return workflow


@transaction.atomic
def create_consortium_page(
    *, consortium: Consortium, parent: Page, title: str = "", intro: str = ""
) -> ConsortiumPage:
    """File a consortium's public profile, give its people their editing rights and put its
    pages under the review workflow."""
    page = ConsortiumPage(
        title=title or consortium.name, slug=consortium.slug, consortium=consortium, intro=intro
    )
    parent.add_child(instance=page)
    page.save_revision().publish()  # on_page_published prepares it
    return page


def prepare_consortium_page(*, page: ConsortiumPage) -> None:
    """Editing rights and workflow for a consortium page however it was created."""
    ensure_consortium_editing(consortium=page.consortium)
    workflow = ensure_case_workflow()
    WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})


def sync_default_site() -> None:
    """The default Wagtail Site takes its hostname, port and name from ``SITE_URL`` (the
    admin's dashboard title, ``full_url`` of pages in Wagtail's emails); run after every
    migrate, so a changed address is taken over at the next deployment."""
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    if not address.hostname:
        return
    port = address.port or (443 if address.scheme == "https" else 80)
    Site.objects.filter(is_default_site=True).update(
        hostname=address.hostname, port=port, site_name=settings.WAGTAIL_SITE_NAME
    )
