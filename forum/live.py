"""What ``static/js/live.js`` is given by a page: the stream to follow, the position to resume
from, and the German texts it shows. Views of every app build their page's config here."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import events
from .streams import personal_stream
from .templatetags.dates import relative_text

LIVE_TEXTS = {
    "newPosts": gettext_lazy("Neue Beiträge unten – anzeigen"),
    "newPostsElsewhere": gettext_lazy("Neue Beiträge auf der letzten Seite – anzeigen"),
    "newTopics": gettext_lazy("Neue Aktivität in diesem Bereich – Liste neu laden"),
    "typing": gettext_lazy("%(name)s schreibt …"),
    "presenceOne": gettext_lazy("1 Person liest mit"),
    "presenceMany": gettext_lazy("%(count)s Personen lesen mit"),
    "accessEnded": gettext_lazy(
        "Sie haben keinen Zugriff mehr auf diese Seite. Neue Beiträge werden nicht mehr angezeigt."
    ),
    "changed": gettext_lazy("Diese Diskussion wurde geändert – Seite neu laden"),
    "reply": gettext_lazy("Antwort"),
    "last": gettext_lazy("zuletzt"),
    "by": gettext_lazy("von"),
    "replies": gettext_lazy("Antworten"),
    "new": gettext_lazy("neu"),
    "newForYou": gettext_lazy("Neue Beiträge in Diskussionen, denen Sie folgen – aktualisieren"),
    "offline": gettext_lazy(
        "Verbindung unterbrochen – neue Beiträge erscheinen, sobald sie wieder steht."
    ),
    "reload": gettext_lazy(
        "Hier hat sich mehr geändert, als nachgeladen werden kann – Seite neu laden"
    ),
    "signedOut": gettext_lazy("Sie sind nicht mehr angemeldet – Seite neu laden"),
}


def live_config(stream: str, after: int, **extra: Any) -> dict:
    """What ``static/js/live.js`` needs: the stream, where to resume, and its texts.

    ``after`` is the stream's position (``forum.events.position_of``), read before the page's
    content: everything later reaches the page live, and what it already shows is ignored."""
    return {
        "stream": stream,
        "after": after,
        # A live activity just happened: it reads as the page would render it now.
        "texts": {key: str(text) for key, text in LIVE_TEXTS.items()}
        | {"now": relative_text(timezone.now())},
        **extra,
    }


def personal_live_config(user: Any) -> dict | None:
    """The smallest config ``static/js/live.js`` runs with: the personal stream only."""
    if user is None or not user.is_authenticated:
        return None
    stream = personal_stream(user.pk)
    return {"stream": stream, "after": events.position_of(stream), "texts": {}}
