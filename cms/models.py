"""Wagtail pages of the academy site."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """The academy's front page: what it is, and for members the way into their consortia."""

    intro = models.CharField(_("Einleitung"), max_length=300, blank=True)
    body = RichTextField(_("Text"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Startseite")


class StandardPage(Page):
    """Plain text pages such as Impressum, Datenschutz and Barrierefreiheit."""

    body = RichTextField(_("Text"), blank=True)
    show_in_footer = models.BooleanField(
        _("Im Fußbereich verlinken"),
        default=False,
        help_text=_("Für Pflichtseiten wie Impressum, Datenschutz und Barrierefreiheit."),
    )

    content_panels = [*Page.content_panels, FieldPanel("body")]
    promote_panels = [*Page.promote_panels, FieldPanel("show_in_footer")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("Textseite")
        verbose_name_plural = _("Textseiten")
