"""The community as the academy keeps it in the Wagtail admin: towns, consortia with their
phases, profiles, spaces, topic tags and the Steckbrief taxonomies (Handlungsfelder, formats).
Every admin create, edit and delete of these runs here (``forum.wagtail_hooks``), checked
against the policy (``forum.edit_public_community``, ``forum.administer_community``), and
refused with a message where Wagtail would delete what people wrote or end access without
telling anyone. Memberships have their own services (``members``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .. import events, notifications
from .. import rules as policy
from ..models import Challenge, Consortium, Format, Profile, Space, Tag, Town
from ..streams import space_stream
from .spaces import change_space, create_consortium_space

PUBLIC = "forum.edit_public_community"
ADMIN = "forum.administer_community"


def _require(actor: Any, permission: str) -> None:
    if not policy.allowed(actor, permission):
        raise PermissionDenied


def _save(instance: models.Model, actor: Any, permission: str) -> None:
    _require(actor, permission)
    instance.full_clean()
    instance.save()


@transaction.atomic
def save_town(*, town: Town, actor: Any, challenges: Iterable[Challenge] | None = None) -> Town:
    """``challenges`` (its Handlungsfelder) replace the town's when given."""
    _save(town, actor, PUBLIC)
    if challenges is not None:
        town.challenges.set(challenges)
    return town


@transaction.atomic
def delete_town(*, town: Town, actor: Any) -> None:
    _require(actor, ADMIN)
    if town.led_consortia.exists():
        raise ValidationError(_("Diese Kleinstadt leitet einen Verbund und bleibt deshalb."))
    notifications.counter.touch_before_deleting(town)
    town.delete()


@transaction.atomic
def save_consortium(*, consortium: Consortium, actor: Any) -> Consortium:
    """With its phases and towns (the admin form's inline rows); a new consortium gets its
    closed forum space in the same transaction."""
    _save(consortium, actor, PUBLIC)
    create_consortium_space(consortium=consortium)
    return consortium


@transaction.atomic
def delete_consortium(*, consortium: Consortium, actor: Any) -> None:
    """Only an empty consortium goes: its members would lose access unannounced and its
    discussions would be deleted with it."""
    _require(actor, ADMIN)
    if consortium.memberships.exists():
        raise ValidationError(
            _("Der Verbund hat noch Mitglieder. Entfernen Sie zuerst die Mitgliedschaften.")
        )
    if Space.objects.filter(consortium=consortium, topics__isnull=False).exists():
        raise ValidationError(
            _("Im Forum des Verbunds gibt es Diskussionen. Ein Verbund mit Diskussionen bleibt.")
        )
    notifications.counter.touch_before_deleting(consortium)
    consortium.delete()


@transaction.atomic
def save_profile(*, profile: Profile, actor: Any) -> Profile:
    _save(profile, actor, ADMIN)
    return profile


def set_preferred_language(*, user: Any, language: str) -> None:
    """The one language preference of a signed-in person: the site's switch writes it, emails
    (``forum.mail.language_of``, Wagtail's own) read it, and signing in restores it. It is
    the person's own setting, so no permission beyond being signed in."""
    from django.conf import settings
    from wagtail.users.models import UserProfile

    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Diese Sprache gibt es hier nicht."))
    profile = UserProfile.get_for_user(user)
    if profile.preferred_language != language:
        profile.preferred_language = language
        profile.save(update_fields=["preferred_language"])


@transaction.atomic
def delete_profile(*, profile: Profile, actor: Any) -> None:
    _require(actor, ADMIN)
    profile.delete()


@transaction.atomic
def save_space(*, space: Space, actor: Any) -> Space:
    """A new space, or an edit through ``change_space`` (which tells the readers when the
    space changes hands)."""
    if space._state.adding:
        _save(space, actor, ADMIN)
        return space
    return change_space(
        space=space,
        actor=actor,
        name=space.name,
        slug=space.slug,
        consortium=space.consortium,
        description=space.description,
    )


@transaction.atomic
def delete_space(*, space: Space, actor: Any) -> None:
    _require(actor, ADMIN)
    if space.topics.exists():
        raise ValidationError(_("In diesem Bereich gibt es Diskussionen. Er bleibt deshalb."))
    space_id = space.pk
    notifications.counter.touch_before_deleting(space)
    space.delete()
    events.publish(space_stream(space_id), "access.changed", {"space_id": space_id})


@transaction.atomic
def save_tag(*, tag: Tag, actor: Any) -> Tag:
    _save(tag, actor, ADMIN)
    return tag


@transaction.atomic
def delete_tag(*, tag: Tag, actor: Any) -> None:
    """Topics keep everything but the tag."""
    _require(actor, ADMIN)
    tag.delete()


# --- the Steckbrief taxonomies -----------------------------------------------------------------
# Editors keep the words; a term still in use stays, so that no case page or town loses a fact
# without anyone deciding it.


@transaction.atomic
def save_challenge(*, challenge: Challenge, actor: Any) -> Challenge:
    _save(challenge, actor, PUBLIC)
    return challenge


@transaction.atomic
def delete_challenge(*, challenge: Challenge, actor: Any) -> None:
    _require(actor, PUBLIC)
    pages, towns = challenge.case_pages.count(), challenge.towns.count()
    _refuse_term_in_use(challenge, pages=pages, towns=towns)
    challenge.delete()


@transaction.atomic
def save_format(*, format: Format, actor: Any) -> Format:
    _save(format, actor, PUBLIC)
    return format


@transaction.atomic
def delete_format(*, format: Format, actor: Any) -> None:
    _require(actor, PUBLIC)
    _refuse_term_in_use(format, pages=format.case_pages.count(), towns=0)
    format.delete()


def _refuse_term_in_use(term: Challenge | Format, *, pages: int, towns: int) -> None:
    if pages or towns:
        raise ValidationError(
            _(
                "„%(name)s“ ist noch %(pages)s Fallstudie(n) und %(towns)s Kleinstadt/Kleinstädten "
                "zugeordnet und bleibt deshalb. Entfernen Sie den Begriff dort zuerst."
            )
            % {"name": term.name, "pages": pages, "towns": towns}
        )
