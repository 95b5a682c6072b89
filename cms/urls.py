from django.urls import path
from wagtail.contrib.sitemaps.views import sitemap

from workshops.urls import PREFIX as WORKSHOP_PREFIX

from . import views
from .peer_finder.views import peer_finder

app_name = "cms"

urlpatterns = [
    path("suche/", views.search, name="search"),
    path("wer-hat-das-schon-gemacht/", peer_finder, name="peer_finder"),
    path("fallstudien/feed/", views.PublicCaseFeed(), name="case_feed"),
    path("fallstudien/aus-dem-forum/<int:topic_id>/", views.convert_topic, name="convert_topic"),
    path("fallstudien/zitate/<int:quote_id>/", views.quote_objection, name="quote_objection"),
    path("barriere-melden/", views.barrier_report, name="barrier_report"),
    path("barriere-melden/danke/", views.barrier_report_sent, name="barrier_report_sent"),
    path("medien/<path:path>", views.serve_media, name="media"),
    path("sitemap.xml", sitemap, name="sitemap"),
]

# Routes in the workshops namespace (config.urls adds them there): the workshop pages link to
# them by name, and workshops does not import cms.
workshop_urlpatterns = [
    path(WORKSHOP_PREFIX + "<int:pk>/zusammenfassung/", views.workshop_summary, name="summary"),
]
