from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum und Verbünde")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Sessions end in Django and allauth, not in our services: these receivers only hand
        the news to the services that tell the open sockets (``forum.sessions``)."""
        from allauth.account import signals as account
        from django.conf import settings
        from django.contrib.sessions.models import Session
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, pre_delete

        # Logout flushes the session, an admin or ``clearsessions`` deletes rows: every end of a
        # session is the deletion of its row.
        pre_delete.connect(_end_sockets_of_session, sender=Session, dispatch_uid="forum.session")
        for signal in (account.password_changed, account.password_set, account.password_reset):
            signal.connect(_check_sockets_of_account, dispatch_uid="forum.password")
        post_delete.connect(
            _check_sockets_of_deleted_user,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="forum.user_deleted",
        )
        connection_created.connect(_register_search_fold, dispatch_uid="forum.search_fold")

        from .privacy import sections

        sections.register()


def _register_search_fold(sender, connection, **kwargs) -> None:
    """SQLite's search compares folded text (forum.search); PostgreSQL has the function from
    migration 0015."""
    if connection.vendor == "sqlite":
        from .search import fold_joined

        connection.connection.create_function(
            "forum_search_fold", 1, fold_joined, deterministic=True
        )


def _end_sockets_of_session(sender, instance, **kwargs) -> None:
    from .services import end_realtime_session
    from .sessions import is_renewing, user_id_in

    if is_renewing():
        return  # the session lives on under a new key; SessionStore.cycle_key tells its sockets
    user_id = user_id_in(instance.get_decoded())
    if user_id is not None:
        end_realtime_session(user_id=user_id, session_key=instance.session_key)


def _check_sockets_of_account(sender, request, user, **kwargs) -> None:
    """A password changed, was set or reset: the account's other sessions no longer sign in."""
    from .services import check_realtime_sessions
    from .sessions import kept_session_key

    check_realtime_sessions(user_id=user.pk, keep=kept_session_key(request, user))


def _check_sockets_of_deleted_user(sender, instance, **kwargs) -> None:
    from .services import check_realtime_sessions

    check_realtime_sessions(user_id=instance.pk)
