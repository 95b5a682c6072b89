"""Every write of the CMS outside Wagtail's own editor: editorial access derived from membership,
the review workflow, the linked discussions, case pages drawn from forum topics, the public
summary pages of held workshops, reports of barriers and questions to contact persons.

One module per concern: ``editorial``, ``review``, ``discussions``, ``quotes`` (case pages
drawn from forum topics and the quoted authors' rights), ``summaries``, ``barriers`` and
``contact_requests``; transfers have their own package (``cms.transfers``). Their public
names are re-exported here, so callers write ``from cms import services``.
"""

from .barriers import (
    BARRIER_ANSWER_SUBJECT,
    BARRIER_RECEIPT_SUBJECT,
    create_barrier_report,
    delete_barrier_report,
    handle_barrier_report,
    remove_answered_barrier_reports,
)
from .contact_requests import (
    answer_contact_request,
    ask_contact_person,
    asker_label,
    decline_contact_request,
    remove_old_contact_requests,
)
from .discussions import ACADEMY_SPACE_SLUG, link_case_discussion, on_page_published
from .editorial import (
    CASE_WORKFLOW_NAME,
    FILE_PERMISSIONS,
    PUBLISH_TASK_NAME,
    REVIEW_TASK_NAME,
    create_consortium_page,
    ensure_case_workflow,
    ensure_consortium_editing,
    prepare_consortium_page,
    sync_consortium_editors,
    sync_default_site,
)
from .quotes import (
    PAGE_TITLE_MAX_LENGTH,
    QUOTE_EXCERPT_LENGTH,
    SPEAKER_MAX_LENGTH,
    SPEAKER_ROLE_MAX_LENGTH,
    convert_topic_to_case_page,
    erase_quotes_of,
    object_to_quote,
    quote_objection_url,
)
from .review import (
    OUTCOME_TITLES,
    ask_reviewers,
    on_task_decided,
    on_workflow_approved,
    tell_author,
)
from .summaries import (
    MAX_SUMMARY_PHOTOS,
    PUBLIC_PHOTO_MAX_PX,
    SUMMARY_MAX_LENGTH,
    SUMMARY_TITLE_MAX_LENGTH,
    propose_summary_page,
)

__all__ = [
    "ACADEMY_SPACE_SLUG",
    "BARRIER_ANSWER_SUBJECT",
    "BARRIER_RECEIPT_SUBJECT",
    "CASE_WORKFLOW_NAME",
    "FILE_PERMISSIONS",
    "MAX_SUMMARY_PHOTOS",
    "OUTCOME_TITLES",
    "PAGE_TITLE_MAX_LENGTH",
    "PUBLIC_PHOTO_MAX_PX",
    "PUBLISH_TASK_NAME",
    "QUOTE_EXCERPT_LENGTH",
    "REVIEW_TASK_NAME",
    "SPEAKER_MAX_LENGTH",
    "SPEAKER_ROLE_MAX_LENGTH",
    "SUMMARY_MAX_LENGTH",
    "SUMMARY_TITLE_MAX_LENGTH",
    "answer_contact_request",
    "ask_contact_person",
    "ask_reviewers",
    "asker_label",
    "convert_topic_to_case_page",
    "create_barrier_report",
    "create_consortium_page",
    "decline_contact_request",
    "delete_barrier_report",
    "ensure_case_workflow",
    "ensure_consortium_editing",
    "erase_quotes_of",
    "handle_barrier_report",
    "link_case_discussion",
    "object_to_quote",
    "on_page_published",
    "on_task_decided",
    "on_workflow_approved",
    "prepare_consortium_page",
    "propose_summary_page",
    "quote_objection_url",
    "remove_answered_barrier_reports",
    "remove_old_contact_requests",
    "sync_consortium_editors",
    "sync_default_site",
    "tell_author",
]
