from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum und Verbünde")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_close_sockets_on_logout, dispatch_uid="forum.logout_sockets")


def _close_sockets_on_logout(sender, request, user, **kwargs) -> None:
    """Logout is Django's event, not ours: hand it to the service that ends live sessions."""
    from .services import end_realtime_session

    session = getattr(request, "session", None)
    end_realtime_session(user=user, session_key=getattr(session, "session_key", None))
