"""The peer finder's search table: one row per readable thing (a live case page, a public action
module, a forum lesson), with the columns the access policy filters on, the text that is
searched and the facts that are matched.

Rows are written only by ``cms.peer_finder.index``. The policy columns mirror the objects' own:
``visibility`` and ``consortium`` of a case page (``cms.selectors.readable_case_pages_q`` runs on
them unchanged) and ``consortium`` of a lesson's space (``forum.selectors.readable_spaces_q``
with an empty prefix). On PostgreSQL migration 0012 adds the stored ``search_vector`` and its
GIN index; the model does not declare them.

``PeerFinderWord`` is the vocabulary of names (titles, towns, Bundesländer, facts) that a
misspelt question word is compared with by trigram similarity on PostgreSQL (migration 0013
adds the index): a few thousand short words, where comparing with every row's words cost the
broad questions most of their time (``bench/peer_finder.py``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import Outcome, Visibility


class EntryKind(models.TextChoices):
    CASE = "case", _("Labore")
    MODULE = "module", _("Handlungsbausteine")
    LESSON = "lesson", _("Erkenntnisse aus dem Forum")


class PeerFinderEntry(models.Model):
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    topic = models.ForeignKey(
        "forum.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Policy columns.
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    consortium = models.ForeignKey(
        "forum.Consortium", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    space = models.ForeignKey(
        "forum.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # What is shown and searched.
    title = models.CharField(max_length=255)
    snippet = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    document = models.TextField(blank=True)
    # Folded words of title, town and facts (of case pages and modules): the vocabulary's
    # source, and what a reason "ähnlich geschrieben" names.
    words = models.TextField(blank=True)
    # Facts. Keys are ",id,id," so that one containment test works on every database.
    town = models.ForeignKey(
        "forum.Town", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    challenge_keys = models.CharField(max_length=500, blank=True)
    format_keys = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    has_outcome_notes = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Eintrag der Suche „Wer hat das schon gemacht?“")
        constraints = [
            models.UniqueConstraint(
                fields=["page"], condition=Q(page__isnull=False), name="peer_finder_one_per_page"
            ),
            models.UniqueConstraint(
                fields=["topic"],
                condition=Q(topic__isnull=False),
                name="peer_finder_one_per_topic",
            ),
        ]
        indexes = [models.Index(fields=["kind", "visibility", "consortium"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.topic_id is not None:
            return reverse("forum:topic", kwargs={"pk": self.topic_id})
        return self.url

    @staticmethod
    def keys(ids: list[int] | set[int]) -> str:
        return f",{','.join(str(pk) for pk in sorted(ids))}," if ids else ""

    @staticmethod
    def key(pk: int) -> str:
        return f",{pk},"

    def key_ids(self, field: str) -> set[int]:
        return {int(part) for part in getattr(self, field).split(",") if part}


class PeerFinderWord(models.Model):
    """One folded word of the names in the table. Words are added as rows are written and
    removed only by a rebuild: a word no row holds any more only adds a term that finds
    nothing, and no word is ever shown."""

    # Shorter words are neither kept nor compared: they are spelt like too many others.
    MIN_LENGTH = 5

    word = models.CharField(max_length=100, primary_key=True)

    class Meta:
        verbose_name = _("Wort der Suche „Wer hat das schon gemacht?“")

    def __str__(self) -> str:
        return self.word
