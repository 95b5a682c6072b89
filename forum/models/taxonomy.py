"""The small, editable taxonomies of the Steckbriefe: Handlungsfelder (what a town or lab works
on) and formats (what a lab tried). Editors keep them in the Wagtail admin; towns and case pages
point to them, so filters, the peer finder and the transfer overview count the same words."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..text import VisibleTextModel


class TaxonomyTerm(VisibleTextModel, models.Model):
    line_fields = ("name",)

    name = models.CharField(_("Name"), max_length=80, unique=True)
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    description = models.CharField(_("Erläuterung"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Challenge(TaxonomyTerm):
    """Handlungsfeld: Co-Working, Leerstand, Pendeln, Bürgerbeteiligung, Verwaltung digital …"""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")


class Format(TaxonomyTerm):
    """A format a lab tried: Befragung, Aktionswoche, Schnuppertag, Task Force, Pop-up-Space …"""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("Format")
        verbose_name_plural = _("Formate")
