"""Wagtail admin views and dashboard panels that list pages without asking a permission policy,
narrowed to what the viewer may read (``cms.selectors.unreadable_pages``).

Wagtail lists an object's usage from its reference index, and the dashboard's recent edits,
locked pages and pages in moderation from the user's own actions. Either can name a page the
viewer may not read: another consortium's internal page linking to the viewer's page, or a page
of a consortium the viewer has left. Unlike Wagtail's "(private)" rows, nothing of such a page
is shown. ``urlpatterns`` come before Wagtail's admin URLs in ``config.urls`` and take over the
paths of Wagtail's usage views.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField
from django.db.models.functions import Cast
from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.home import (
    LockedPagesPanel,
    RecentEditsPanel,
    UserObjectsInWorkflowModerationPanel,
    WorkflowObjectsToModeratePanel,
)
from wagtail.admin.views.pages.usage import UsageView as PageUsageView
from wagtail.documents.views.documents import UsageView as DocumentUsageView
from wagtail.images.views.images import UsageView as ImageUsageView
from wagtail.models import Page, ReferenceIndex
from wagtail.utils.urlpatterns import decorate_urlpatterns

from . import selectors


class ReadableReferencesMixin:
    """A usage view without the references from pages the viewer may not read."""

    def get_queryset(self) -> Any:
        unreadable = selectors.unreadable_pages(self.request.user).values_list(
            Cast("pk", output_field=CharField()), flat=True
        )
        references = ReferenceIndex.get_references_to(self.object).exclude(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=unreadable,
        )
        return references.group_by_source_object()


class ReadablePageUsageView(ReadableReferencesMixin, PageUsageView):
    pass


class ReadableImageUsageView(ReadableReferencesMixin, ImageUsageView):
    pass


class ReadableDocumentUsageView(ReadableReferencesMixin, DocumentUsageView):
    pass


app_name = "cms_admin"
urlpatterns = decorate_urlpatterns(
    [
        path("pages/<int:page_id>/usage/", ReadablePageUsageView.as_view(), name="page_usage"),
        path("images/usage/<int:image_id>/", ReadableImageUsageView.as_view(), name="image_usage"),
        path(
            "documents/usage/<int:document_id>/",
            ReadableDocumentUsageView.as_view(),
            name="document_usage",
        ),
    ],
    require_admin_access,
)


# --- Dashboard panels ----------------------------------------------------------------------------


class ReadableEntriesMixin:
    """A dashboard panel without the entries about pages the viewer may not read."""

    entries_key: str

    def page_of(self, entry: Any) -> Any:
        return entry

    def get_context_data(self, parent_context: dict[str, Any]) -> dict[str, Any]:
        context = super().get_context_data(parent_context)
        entries = list(context[self.entries_key])
        pages = [self.page_of(entry) for entry in entries]
        unreadable = selectors.unreadable_page_ids(
            parent_context["request"].user, [page.pk for page in pages if isinstance(page, Page)]
        )
        context[self.entries_key] = [
            entry
            for entry, page in zip(entries, pages, strict=True)
            if not (isinstance(page, Page) and page.pk in unreadable)
        ]
        return context


class ReadableRecentEditsPanel(ReadableEntriesMixin, RecentEditsPanel):
    entries_key = "last_edits"

    def page_of(self, entry: Any) -> Any:
        _edited_at, page = entry
        return page


class ReadableLockedPagesPanel(ReadableEntriesMixin, LockedPagesPanel):
    entries_key = "locked_pages"


class ReadableObjectsInModerationPanel(ReadableEntriesMixin, UserObjectsInWorkflowModerationPanel):
    entries_key = "workflow_states"

    def page_of(self, entry: Any) -> Any:
        return entry.content_object


class ReadableObjectsToModeratePanel(ReadableEntriesMixin, WorkflowObjectsToModeratePanel):
    entries_key = "states"

    def page_of(self, entry: Any) -> Any:
        return entry["obj"]


READABLE_PANELS = {
    RecentEditsPanel: ReadableRecentEditsPanel,
    LockedPagesPanel: ReadableLockedPagesPanel,
    UserObjectsInWorkflowModerationPanel: ReadableObjectsInModerationPanel,
    WorkflowObjectsToModeratePanel: ReadableObjectsToModeratePanel,
}
