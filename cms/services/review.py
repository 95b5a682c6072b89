"""The review workflow of case pages: who is asked, and what the author hears."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail.models import Page, WorkflowState

from forum import notifications
from forum.models import NotificationKind

from .. import rules as cms_policy
from ..models import ConsortiumReviewTask, LabCasePage

APPROVED, SENT_BACK, PUBLISHED = "approved", "sent_back", "published"


OUTCOME_TITLES = {
    APPROVED: gettext_noop("Vom Verbund freigegeben, liegt bei der Redaktion: %(title)s"),
    SENT_BACK: gettext_noop("Zurückgeschickt mit der Bitte um Änderungen: %(title)s"),
    PUBLISHED: gettext_noop("Veröffentlicht: %(title)s"),
}


def _case_page_of(task_state: Any) -> LabCasePage | None:
    page = task_state.workflow_state.content_object
    specific = getattr(page, "specific", None)
    return specific if isinstance(specific, LabCasePage) else None


def _edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def ask_reviewers(*, task_state: Any, actor: Any = None) -> None:
    """A case page reached its consortium's review step: the reviewers the policy names hear of
    it (bell, and email as each prefers). Only the consortium's own people are asked."""
    page = _case_page_of(task_state)
    if page is None or not isinstance(task_state.task.specific, ConsortiumReviewTask):
        return
    notifications.notify(
        kind=NotificationKind.CASE_REVIEW,
        recipient_ids=cms_policy.reviewers_asked(page).values_list("pk", flat=True),
        title=page.draft_title or page.title,
        url=_edit_url(page),
        actor=actor,
        consortium=page.consortium,
    )


def tell_author(*, page: LabCasePage, actor: Any, outcome: str, requester_id: Any = None) -> None:
    """The page's author (and whoever submitted it) hears that it was approved by the
    consortium, sent back, or published. The notice of an internal page belongs to its
    consortium, so that it disappears with the author's membership."""
    recipients = {page.owner_id, requester_id} - {None}
    notifications.notify(
        kind=NotificationKind.CASE_DECISION,
        recipient_ids=recipients,
        title=_(OUTCOME_TITLES[outcome]) % {"title": page.draft_title or page.title},
        url=page.url if outcome == PUBLISHED and page.url else _edit_url(page),
        actor=actor,
        consortium=page.consortium if page.is_internal else None,
    )


def approved_by_workflow(page: LabCasePage, revision: Any) -> bool:
    """Whether this publication is a workflow's final approval, told with the approver by
    ``on_workflow_approved`` (the revision's user is then whoever last saved the draft)."""
    return (
        revision is not None
        and page.workflow_states.filter(
            status=WorkflowState.STATUS_APPROVED, current_task_state__revision=revision
        ).exists()
    )


def on_workflow_approved(*, workflow_state: Any, actor: Any) -> None:
    page = getattr(workflow_state.content_object, "specific", None)
    if isinstance(page, LabCasePage) and page.live:
        tell_author(
            page=page, actor=actor, outcome=PUBLISHED, requester_id=workflow_state.requested_by_id
        )


def on_task_decided(*, task_state: Any, actor: Any, approved: bool) -> None:
    """After a workflow step was approved or rejected. The last step's approval publishes the
    page and is told as its publication (``on_workflow_approved``)."""
    page = _case_page_of(task_state)
    if page is None:
        return
    requester_id = task_state.workflow_state.requested_by_id
    if not approved:
        tell_author(page=page, actor=actor, outcome=SENT_BACK, requester_id=requester_id)
    elif isinstance(task_state.task.specific, ConsortiumReviewTask):
        tell_author(page=page, actor=actor, outcome=APPROVED, requester_id=requester_id)
