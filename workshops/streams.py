"""The idea board's stream: its name, and who may read it (registered with the forum's
streams in ``WorkshopsConfig.ready()``, so that the forum need not import workshops)."""

from __future__ import annotations

from typing import Any

from forum import rules as policy

from .models import Workshop

WORKSHOP = "workshop"


def workshop_stream(workshop_id: int) -> str:
    """Everyone looking at a workshop's idea board."""
    return f"{WORKSHOP}:{workshop_id}"


def may_read_idea_board(user: Any, workshop_id: int) -> bool:
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    return workshop is not None and policy.allowed(user, "workshops.see_idea_board", workshop)
