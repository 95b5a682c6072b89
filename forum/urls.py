from django.urls import path

from . import views

app_name = "forum"

urlpatterns = [
    path("forum/", views.forum_home, name="home"),
    path("forum/suche/", views.search, name="search"),
    path("forum/moderation/", views.academy_moderation_log, name="academy_moderation_log"),
    path("forum/bereiche/<slug:slug>/", views.space_detail, name="space"),
    path("forum/bereiche/<slug:slug>/neu/", views.topic_create, name="topic_create"),
    path("forum/bereiche/<slug:slug>/meldungen/", views.space_reports, name="reports"),
    path("forum/diskussionen/<int:pk>/", views.topic_detail, name="topic"),
    path("forum/diskussionen/<int:pk>/antworten/", views.topic_reply, name="topic_reply"),
    path("forum/diskussionen/<int:pk>/ungelesen/", views.topic_first_unread, name="topic_unread"),
    path("forum/diskussionen/<int:pk>/verschieben/", views.topic_move, name="topic_move"),
    path("forum/diskussionen/<int:pk>/erkenntnis/", views.topic_lesson, name="topic_lesson"),
    path(
        "forum/diskussionen/<int:pk>/abonnement/",
        views.topic_subscription,
        name="topic_subscription",
    ),
    path("forum/diskussionen/<int:pk>/<slug:action>/", views.topic_flag, name="topic_flag"),
    path("forum/beitraege/<int:pk>/", views.post_permalink, name="post"),
    path("forum/beitraege/<int:pk>/fragment/", views.post_fragment, name="post_fragment"),
    path("forum/beitraege/<int:pk>/bearbeiten/", views.post_edit, name="post_edit"),
    path("forum/beitraege/<int:pk>/loeschen/", views.post_delete, name="post_delete"),
    path("forum/beitraege/<int:pk>/verlauf/", views.post_history, name="post_history"),
    path("forum/beitraege/<int:pk>/hilfreich/", views.post_helpful, name="post_helpful"),
    path("forum/beitraege/<int:pk>/ausblenden/", views.post_hide, name="post_hide"),
    path("forum/beitraege/<int:pk>/einblenden/", views.post_restore, name="post_restore"),
    path("forum/beitraege/<int:pk>/melden/", views.post_report, name="post_report"),
    path("forum/meldungen/<int:pk>/erledigt/", views.report_handle, name="report_handle"),
    path("forum/dateien/<int:pk>/", views.attachment_download, name="attachment"),
    path(
        "forum/dateien/<int:pk>/vorschau/", views.attachment_thumbnail, name="attachment_thumbnail"
    ),
    path("verbuende/", views.consortium_list, name="consortia"),
    path("verbuende/<slug:slug>/", views.consortium_detail, name="consortium"),
    path(
        "verbuende/<slug:slug>/moderation/",
        views.consortium_moderation_log,
        name="moderation_log",
    ),
    path("verbuende/<slug:slug>/mitglieder/", views.member_directory, name="members"),
    path(
        "verbuende/<slug:slug>/mitglieder/<int:pk>/entfernen/",
        views.member_remove,
        name="member_remove",
    ),
    path("verbuende/<slug:slug>/einladungen/", views.invitation_list, name="invitations"),
    path(
        "verbuende/<slug:slug>/einladungen/<int:pk>/erneut-senden/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "verbuende/<slug:slug>/einladungen/<int:pk>/zurueckziehen/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("personen/<int:user_id>/", views.profile_detail, name="profile"),
    path("konto/profil/", views.profile_edit, name="profile_edit"),
    path("einladung/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("benachrichtigungen/", views.notification_list, name="notifications"),
    path("benachrichtigungen/gelesen/", views.notifications_read, name="notifications_read"),
    path("benachrichtigungen/anzahl/", views.notification_count, name="notification_count"),
    path(
        "benachrichtigungen/abbestellen/<str:token>/",
        views.unsubscribe,
        name="unsubscribe",
    ),
    path("benachrichtigungen/<int:pk>/", views.notification_open, name="notification_open"),
    path(
        "konto/benachrichtigungen/",
        views.notification_preferences,
        name="notification_preferences",
    ),
]
