from django.urls import include, path
from wagtail.contrib.sitemaps.views import sitemap

from workshops.urls import PREFIX as WORKSHOP_PREFIX

from . import views
from .peer_finder.views import peer_finder
from .transfers import views as transfers

app_name = "cms"

urlpatterns = [
    path("suche/", views.search, name="search"),
    path("", include("cms.surveys.urls")),
    path("wer-hat-das-schon-gemacht/", peer_finder, name="peer_finder"),
    path("fallstudien/feed/", views.PublicCaseFeed(), name="case_feed"),
    path("fallstudien/aus-dem-forum/<int:topic_id>/", views.convert_topic, name="convert_topic"),
    path("fallstudien/zitate/<int:quote_id>/", views.quote_objection, name="quote_objection"),
    path("fallstudien/<int:page_id>/kontakt/", views.contact_ask, name="contact_ask"),
    path("kontaktanfragen/", views.contact_requests, name="contact_requests"),
    path("kontaktanfragen/<int:pk>/antworten/", views.contact_answer, name="contact_answer"),
    path("kontaktanfragen/<int:pk>/ablehnen/", views.contact_decline, name="contact_decline"),
    path("barriere-melden/", views.barrier_report, name="barrier_report"),
    path("barriere-melden/danke/", views.barrier_report_sent, name="barrier_report_sent"),
    path("medien/<path:path>", views.serve_media, name="media"),
    path("uebertragungen/", transfers.overview, name="transfers"),
    path("uebertragungen/neu/<int:page_id>/", transfers.record, name="record_transfer"),
    path("uebertragungen/<int:pk>/", transfers.detail, name="transfer"),
    path("uebertragungen/<int:pk>/bearbeiten/", transfers.edit, name="edit_transfer"),
    path("uebertragungen/<int:pk>/stand/", transfers.change_status, name="transfer_status"),
    path("uebertragungen/<int:pk>/belege/", transfers.add_evidence, name="add_evidence"),
    path(
        "uebertragungen/<int:pk>/belege/<int:evidence_pk>/entfernen/",
        transfers.remove_evidence,
        name="remove_evidence",
    ),
    path("uebertragungen/<int:pk>/loeschen/", transfers.delete, name="delete_transfer"),
    path("uebertragungen/dateien/<int:pk>/", transfers.evidence_file, name="transfer_file"),
    path("sitemap.xml", sitemap, name="sitemap"),
]

# Routes in the workshops namespace (config.urls adds them there): the workshop pages link to
# them by name, and workshops does not import cms.
workshop_urlpatterns = [
    path(WORKSHOP_PREFIX + "<int:pk>/zusammenfassung/", views.workshop_summary, name="summary"),
]
