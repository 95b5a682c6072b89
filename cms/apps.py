from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Seiten")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, PageViewRestriction, Site, get_page_models
        from wagtail.permissions import register_permission_policy
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from forum.signals import membership_changed

        from .admin_access import ReadablePagePermissionPolicy
        from .admin_widgets import start_choosers_without_inline_scripts

        # Before anything asks Wagtail which pages a user may explore or change.
        register_permission_policy(Page, ReadablePagePermissionPolicy())

        # Wagtail's choosers without the inline scripts the Content-Security-Policy blocks.
        start_choosers_without_inline_scripts()

        # Wagtail publishes from its editor, from workflow approvals and from the scheduled
        # publishing command; its signal is the one place all three pass.
        page_published.connect(_after_publish, dispatch_uid="cms.after_publish")
        membership_changed.connect(_after_membership_change, dispatch_uid="cms.membership")

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

    on_page_published(page=instance, publisher=getattr(revision, "user", None))


def _after_membership_change(sender, consortium, **kwargs) -> None:
    from .services import sync_consortium_editors

    sync_consortium_editors(consortium=consortium)
