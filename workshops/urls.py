"""The workshops URL namespace. It holds one more route, added by cms (config.urls): proposing
the public summary page of a held workshop, ``workshops:summary``."""

from django.urls import path

from . import views

app_name = "workshops"

PREFIX = "verbuende/<slug:slug>/werkstaetten/"

urlpatterns = [
    path(PREFIX, views.workshop_list, name="list"),
    path(PREFIX + "neu/", views.workshop_create, name="create"),
    path(PREFIX + "<int:pk>/", views.workshop_detail, name="detail"),
    path(PREFIX + "<int:pk>/bearbeiten/", views.workshop_edit, name="edit"),
    path(PREFIX + "<int:pk>/programm/", views.workshop_agenda, name="agenda"),
    path(PREFIX + "<int:pk>/stand/", views.workshop_status, name="status"),
    path(PREFIX + "<int:pk>/anmelden/", views.workshop_register, name="register"),
    path(PREFIX + "<int:pk>/absagen/", views.workshop_cancel_registration, name="cancel"),
    path(
        PREFIX + "<int:pk>/teilnehmende.csv",
        views.workshop_participants_csv,
        name="participants_csv",
    ),
    path(PREFIX + "<int:pk>/dokumentation/", views.workshop_documentation, name="document"),
    path(
        PREFIX + "<int:pk>/dokumentation/dateien/",
        views.workshop_upload_files,
        name="upload_files",
    ),
    path(PREFIX + "<int:pk>/ideen/", views.workshop_ideas, name="ideas"),
    path(PREFIX + "<int:pk>/ideen/tafel/", views.workshop_idea_board, name="idea_board"),
    path("werkstaetten/ideen/<int:pk>/", views.idea_card, name="idea_card"),
    path("werkstaetten/ideen/<int:pk>/gruppe/", views.idea_regroup, name="idea_regroup"),
    path("werkstaetten/ideen/<int:pk>/entfernen/", views.idea_remove, name="idea_remove"),
    path("werkstaetten/dateien/<int:pk>/", views.workshop_file, name="file"),
    path(
        "werkstaetten/dateien/<int:pk>/vorschau/",
        views.workshop_file_thumbnail,
        name="file_thumbnail",
    ),
    path("werkstaetten/dateien/<int:pk>/loeschen/", views.workshop_file_delete, name="file_delete"),
    path(PREFIX + "<int:pk>/kalender.ics", views.workshop_ics, name="ics"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("konto/kalender/", views.calendar_settings, name="calendar_settings"),
]
