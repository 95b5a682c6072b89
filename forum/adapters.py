from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.utils import translation

from . import mail

# Failed password attempts from one network. allauth's own ``login_failed`` limit is cleared
# as a whole (every rate of it, the per-network one included) after a completed second factor
# or a password reset, so anyone with one working account could reset it between guesses. The
# network's count lives under an action of its own, which only a successful password undoes.
NETWORK_LOGIN_FAILURES = "login_failed_network"


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Accounts come only from invitations (``forum.services``): allauth's own signup stays shut."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Account emails (password reset, address confirmation, security notices) leave
        through the platform's one email path, retried while the mail server fails."""
        user = context.get("user")
        # In the reader's language (their one preference), not in the one of the request.
        language = mail.language_of(user) if getattr(user, "pk", None) else None
        with translation.override(language or translation.get_language()):
            message = self.render_mail(template_prefix, email, context)
        mail.queue_email(
            kind=template_prefix.rsplit("/", 1)[-1],
            message=message,
            recipient=user if getattr(user, "pk", None) else None,
        )

    def post_login(self, request, user, **kwargs):
        """Signed in: the site speaks the language the person chose last time, if any."""
        response = super().post_login(request, user, **kwargs)
        profile = getattr(user, "wagtail_userprofile", None)
        language = getattr(profile, "preferred_language", "")
        if response is not None and language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    def authenticate(self, request, **credentials):
        network = ratelimit.consume(request, app="allauth.account", action=NETWORK_LOGIN_FAILURES)
        if not network:
            raise self.validation_error("too_many_login_attempts")
        user = super().authenticate(request, **credentials)
        if user is not None:
            # Like allauth's per-account count: a success takes back its own attempt only.
            network.rollback()
        return user
