from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Seiten")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.models import Page, PageViewRestriction, Site, get_page_models
        from wagtail.permissions import register_permission_policy
        from wagtail.signals import (
            page_published,
            page_unpublished,
            post_page_move,
            task_approved,
            task_rejected,
            task_submitted,
            workflow_approved,
        )

        from forum.signals import lesson_changed, membership_changed
        from forum.streams import register_reader

        from . import privacy
        from .admin_access import ReadablePagePermissionPolicy
        from .admin_widgets import start_choosers_without_inline_scripts
        from .surveys.streams import SURVEY, may_read_survey_stream
        from .transfers import notifications as transfer_notifications

        # Before anything asks Wagtail which pages a user may explore or change.
        register_permission_policy(Page, ReadablePagePermissionPolicy())

        # Wagtail's choosers without the inline scripts the Content-Security-Policy blocks.
        start_choosers_without_inline_scripts()

        # Wagtail publishes from its editor, from workflow approvals and from the scheduled
        # publishing command; its signal is the one place all three pass.
        page_published.connect(_after_publish, dispatch_uid="cms.after_publish")
        membership_changed.connect(_after_membership_change, dispatch_uid="cms.membership")
        # The peer finder's table follows what it mirrors (publishing is in on_page_published).
        page_unpublished.connect(_refresh_finder_page, dispatch_uid="cms.finder.unpublished")
        post_page_move.connect(_refresh_finder_subtree, dispatch_uid="cms.finder.moved")
        post_save.connect(
            _refresh_finder_restricted, sender=PageViewRestriction, dispatch_uid="cms.finder.vr"
        )
        post_delete.connect(
            _refresh_finder_restricted, sender=PageViewRestriction, dispatch_uid="cms.finder.vr.del"
        )
        lesson_changed.connect(_refresh_finder_lessons, dispatch_uid="cms.finder.lessons")
        # The case pages' parts of a person's data export and of erasing an account.
        privacy.register()
        # Notifications about transfers are shown and emailed only while the transfer may be seen.
        transfer_notifications.register()
        # The forum's consumer serves the live count of a survey's results; who may read it is
        # the survey policy's question.
        register_reader(SURVEY, may_read_survey_stream)

        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="cms.site_address")

        # Reviewers and authors of case pages hear of the workflow through our notifications.
        task_submitted.connect(_after_task_submitted, dispatch_uid="cms.review.submitted")
        task_approved.connect(_after_task_approved, dispatch_uid="cms.review.approved")
        task_rejected.connect(_after_task_rejected, dispatch_uid="cms.review.rejected")
        workflow_approved.connect(_after_workflow_approved, dispatch_uid="cms.review.published")
        _wagtail_decision_emails_without_case_pages()

        # Whatever the menu and footer links are made of (cms.navigation).
        page_published.connect(_forget_navigation, dispatch_uid="cms.navigation.published")
        page_unpublished.connect(_forget_navigation, dispatch_uid="cms.navigation.unpublished")
        post_page_move.connect(_forget_navigation, dispatch_uid="cms.navigation.moved")
        # Saves per model (a page saves as its specific class), deletions of the base Page
        # (sent for every page type): receivers for every model would run on every save and
        # stop Django's fast deletes everywhere.
        for model in (*get_page_models(), PageViewRestriction, Site):
            post_save.connect(
                _forget_navigation, sender=model, dispatch_uid=f"cms.navigation.{model._meta.label}"
            )
        for model in (Page, PageViewRestriction, Site):
            post_delete.connect(
                _forget_navigation,
                sender=model,
                dispatch_uid=f"cms.navigation.del.{model.__name__}",
            )


def _forget_navigation(sender, **kwargs) -> None:
    from .navigation import forget

    forget()


def _after_publish(sender, instance, revision=None, **kwargs) -> None:
    from .services import on_page_published

    on_page_published(page=instance, publisher=getattr(revision, "user", None), revision=revision)


def _refresh_finder_page(sender, instance, **kwargs) -> None:
    from .peer_finder.index import refresh_page

    refresh_page(page=instance)


def _refresh_finder_subtree(sender, instance, **kwargs) -> None:
    from .peer_finder.index import refresh_subtree

    refresh_subtree(page=instance)


def _refresh_finder_restricted(sender, instance, origin=None, **kwargs) -> None:
    """A view restriction added, changed or lifted; not when it goes with its page (the page's
    rows go with it too)."""
    from .peer_finder.index import refresh_subtree

    if origin is not None and origin is not instance:
        return
    refresh_subtree(page=instance.page)


def _refresh_finder_lessons(sender, topic_ids, **kwargs) -> None:
    from .peer_finder.index import refresh_lessons

    refresh_lessons(topic_ids=topic_ids)


def _after_migrate(sender, **kwargs) -> None:
    from .services import sync_default_site

    sync_default_site()


def _after_task_submitted(sender, instance, user=None, **kwargs) -> None:
    from .services import ask_reviewers

    ask_reviewers(task_state=instance, actor=user)


def _after_task_approved(sender, instance, user=None, **kwargs) -> None:
    from .services import on_task_decided

    on_task_decided(task_state=instance, actor=user, approved=True)


def _after_workflow_approved(sender, instance, user=None, **kwargs) -> None:
    from .services import on_workflow_approved

    on_workflow_approved(workflow_state=instance, actor=user)


def _after_task_rejected(sender, instance, user=None, **kwargs) -> None:
    from .services import on_task_decided

    on_task_decided(task_state=instance, actor=user, approved=False)


def _wagtail_decision_emails_without_case_pages() -> None:
    """Wagtail emails the requester when a workflow is approved or rejected; for case pages
    the author hears of it through our notifications (``cms.services.tell_author``), by the
    delivery they chose, and gets no second email."""
    from wagtail.admin import signal_handlers
    from wagtail.models import WorkflowState
    from wagtail.signals import workflow_approved, workflow_rejected

    from .models import LabCasePage

    for signal, notifier, uid in (
        (
            workflow_approved,
            signal_handlers.workflow_approval_email_notifier,
            "workflow_state_approved_email_notification",
        ),
        (
            workflow_rejected,
            signal_handlers.workflow_rejection_email_notifier,
            "workflow_state_rejected_email_notification",
        ),
    ):

        def unless_case_page(sender, instance, _notifier=notifier, **kwargs):
            if not isinstance(getattr(instance.content_object, "specific", None), LabCasePage):
                _notifier(sender=sender, instance=instance, **kwargs)

        signal.disconnect(sender=WorkflowState, dispatch_uid=uid)
        signal.connect(unless_case_page, sender=WorkflowState, dispatch_uid=uid, weak=False)


def _after_membership_change(sender, consortium, **kwargs) -> None:
    from .services import sync_consortium_editors

    sync_consortium_editors(consortium=consortium)
