"""Sessions and the sockets opened with them.

A socket lives as long as the session it was opened with signs its user in. ``SESSION_ENGINE``
names this module: Django's database sessions, plus the one thing only the store sees — a
session that Django keeps but moves to a new key (``cycle_key``: at login and in
``update_session_auth_hash`` after a password change). Its sockets follow the new key instead
of closing as if the session had ended, while the deletion of the old row is not reported as
an end (see ``is_renewing``).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare

from .services import check_realtime_sessions

_renewing: ContextVar[bool] = ContextVar("forum_session_renewing", default=False)


class SessionStore(DatabaseSessionStore):
    def cycle_key(self) -> None:
        old_key, user_id = self.session_key, user_id_in(self._session)
        token = _renewing.set(True)
        try:
            super().cycle_key()
        finally:
            _renewing.reset(token)
        if old_key and user_id is not None:
            check_realtime_sessions(user_id=user_id, keep=self.session_key, renewed_from=old_key)


def is_renewing() -> bool:
    """Whether a session row is being deleted because its session moved to a new key."""
    return _renewing.get()


def user_id_in(data: Any) -> Any | None:
    """The id of the user a session's data signs in, or ``None``."""
    raw = data.get(SESSION_KEY)
    if raw is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(raw)
    except ValidationError:
        return None


def kept_session_key(request: Any, user: Any) -> str | None:
    """The key of the request's own session if, after a change to ``user``, Django keeps it
    signed in (it holds the user's current session hash, as ``update_session_auth_hash`` left
    it); else ``None``."""
    session = getattr(request, "session", None)
    if session is None or user_id_in(session) != user.pk:
        return None
    if not constant_time_compare(session.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return None
    return session.session_key


def signs_in(*, session_key: str | None, user_id: Any) -> bool:
    """Whether the session still signs in ``user_id`` as Django would judge it on the next
    request (``django.contrib.auth.get_user``, ``channels.auth.get_user``), without their side
    effects: the session exists and has not expired, names this user and a configured backend,
    the backend still returns the user (active), and the stored hash matches the user's
    session hash (the password is unchanged), also under a fallback secret key."""
    if not session_key:
        return False
    data = SessionStore(session_key=session_key).load()
    backend_path = data.get(BACKEND_SESSION_KEY)
    if user_id_in(data) != user_id or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return False
    user = load_backend(backend_path).get_user(user_id)
    if user is None:
        return False
    stored = data.get(HASH_SESSION_KEY) or ""
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return bool(stored) and any(constant_time_compare(stored, value) for value in hashes)
