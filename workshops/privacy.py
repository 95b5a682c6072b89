"""The workshops' part of erasing an account (``forum.privacy.erasure``), registered in
``WorkshopsConfig.ready()`` so the forum does not import workshops.

- Registrations for workshops still ahead are cancelled through the registration service, so
  the waiting list moves up and whoever gets the seat is notified; then every registration of
  the person goes, past ones too (dietary needs and remarks are theirs; a held workshop's
  documentation does not depend on the rows).
- Idea cards are treated like forum posts: kept as "ehemaliges Mitglied", or removed with the
  posts. Files the person uploaded to a workshop's documentation likewise: kept without their
  name, or removed from storage with the posts.
- Their name in a programme's "Mit" column or a roadmap's "Wer" becomes "ehemaliges Mitglied".
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from forum.privacy.erasure import Erasure

from . import services
from .models import AgendaItem, IdeaCard, Registration, RoadmapItem, WorkshopFile


def erase(erasure: Erasure) -> None:
    person = erasure.person
    ahead = Registration.objects.filter(
        user=person,
        workshop__starts_at__gt=timezone.now(),
        status__in=(Registration.Status.CONFIRMED, Registration.Status.WAITLISTED),
    ).select_related("workshop")
    for registration in ahead:
        try:
            services.cancel_registration(workshop=registration.workshop, user=person)
        except (PermissionDenied, ValidationError):
            continue  # cancelled or closed meanwhile: nobody waits for this seat
    Registration.objects.filter(user=person).delete()

    cards = IdeaCard.objects.filter(author=person)
    if erasure.delete_posts:
        for card in cards:
            card_id = card.pk
            card.delete()
            card.pk = card_id
            services.publish_idea(card, "removed")
    else:
        cards.update(author=erasure.former_member)

    if erasure.delete_posts:
        for item in WorkshopFile.objects.filter(uploaded_by=person):
            item.delete()
            for stored in (item.file, item.thumbnail):
                if stored:
                    transaction.on_commit(
                        lambda name=stored.name, storage=stored.storage: storage.delete(name)
                    )

    for model, field_name in ((AgendaItem, "speaker"), (RoadmapItem, "who")):
        naming = Q()
        for name in erasure.names:
            naming |= Q(**{f"{field_name}__icontains": name})
        for row in model.objects.filter(naming):
            setattr(row, field_name, erasure.scrub(getattr(row, field_name)))
            row.save(update_fields=[field_name])
