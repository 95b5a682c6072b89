from django.urls import path

from .views import (
    account,
    community,
    conversations,
    files,
    invitations,
    moderation,
    notifications,
    posts,
    privacy,
    search,
    topics,
)

app_name = "forum"

urlpatterns = [
    path("forum/", topics.forum_home, name="home"),
    path("forum/suche/", search.search, name="search"),
    path("forum/moderation/", moderation.academy_moderation_log, name="academy_moderation_log"),
    path("forum/bereiche/<slug:slug>/", topics.space_detail, name="space"),
    path("forum/bereiche/<slug:slug>/neu/", topics.topic_create, name="topic_create"),
    path("forum/bereiche/<slug:slug>/meldungen/", moderation.space_reports, name="reports"),
    path("forum/diskussionen/<int:pk>/", topics.topic_detail, name="topic"),
    path("forum/diskussionen/<int:pk>/antworten/", topics.topic_reply, name="topic_reply"),
    path("forum/diskussionen/<int:pk>/ungelesen/", topics.topic_first_unread, name="topic_unread"),
    path("forum/diskussionen/<int:pk>/verschieben/", moderation.topic_move, name="topic_move"),
    path("forum/diskussionen/<int:pk>/erkenntnis/", topics.topic_lesson, name="topic_lesson"),
    path(
        "forum/diskussionen/<int:pk>/abonnement/",
        topics.topic_subscription,
        name="topic_subscription",
    ),
    path("forum/diskussionen/<int:pk>/<slug:action>/", moderation.topic_flag, name="topic_flag"),
    path("forum/beitraege/<int:pk>/", topics.post_permalink, name="post"),
    path("forum/beitraege/<int:pk>/fragment/", topics.post_fragment, name="post_fragment"),
    path("forum/beitraege/<int:pk>/bearbeiten/", posts.post_edit, name="post_edit"),
    path("forum/beitraege/<int:pk>/loeschen/", posts.post_delete, name="post_delete"),
    path("forum/beitraege/<int:pk>/verlauf/", posts.post_history, name="post_history"),
    path("forum/beitraege/<int:pk>/hilfreich/", posts.post_helpful, name="post_helpful"),
    path("forum/beitraege/<int:pk>/ausblenden/", moderation.post_hide, name="post_hide"),
    path("forum/beitraege/<int:pk>/einblenden/", moderation.post_restore, name="post_restore"),
    path("forum/beitraege/<int:pk>/melden/", posts.post_report, name="post_report"),
    path("forum/meldungen/<int:pk>/erledigt/", moderation.report_handle, name="report_handle"),
    path("forum/dateien/<int:pk>/", files.attachment_download, name="attachment"),
    path(
        "forum/dateien/<int:pk>/vorschau/", files.attachment_thumbnail, name="attachment_thumbnail"
    ),
    path("verbuende/", community.consortium_list, name="consortia"),
    path("verbuende/<slug:slug>/", community.consortium_detail, name="consortium"),
    path(
        "verbuende/<slug:slug>/moderation/",
        moderation.consortium_moderation_log,
        name="moderation_log",
    ),
    path("verbuende/<slug:slug>/mitglieder/", community.member_directory, name="members"),
    path(
        "verbuende/<slug:slug>/mitglieder/<int:pk>/entfernen/",
        community.member_remove,
        name="member_remove",
    ),
    path("verbuende/<slug:slug>/einladungen/", invitations.invitation_list, name="invitations"),
    path(
        "verbuende/<slug:slug>/einladungen/<int:pk>/erneut-senden/",
        invitations.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "verbuende/<slug:slug>/einladungen/<int:pk>/zurueckziehen/",
        invitations.invitation_revoke,
        name="invitation_revoke",
    ),
    path("personen/<int:user_id>/", community.profile_detail, name="profile"),
    path("konto/profil/", community.profile_edit, name="profile_edit"),
    path("konto/meine-daten/", privacy.data_export, name="data_export"),
    path(
        "konto/meine-daten/<int:pk>/herunterladen/",
        privacy.data_export_download,
        name="data_export_download",
    ),
    path("konto/loeschen/", account.account_delete, name="account_delete"),
    path("konto/geloescht/", account.account_deleted, name="account_deleted"),
    path("einladung/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("benachrichtigungen/", notifications.notification_list, name="notifications"),
    path(
        "benachrichtigungen/gelesen/", notifications.notifications_read, name="notifications_read"
    ),
    path("benachrichtigungen/anzahl/", notifications.notification_count, name="notification_count"),
    path(
        "benachrichtigungen/abbestellen/<str:token>/",
        notifications.unsubscribe,
        name="unsubscribe",
    ),
    path("benachrichtigungen/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("nachrichten/", conversations.conversation_list, name="conversations"),
    path("nachrichten/<int:pk>/", conversations.conversation_detail, name="conversation"),
    path(
        "nachrichten/<int:pk>/neu/",
        conversations.conversation_messages_after,
        name="conversation_messages_after",
    ),
    path("konto/blockiert/", conversations.blocked_people, name="blocked_people"),
    path("konto/blockiert/<int:pk>/aufheben/", conversations.unblock, name="unblock"),
    path(
        "konto/benachrichtigungen/",
        notifications.notification_preferences,
        name="notification_preferences",
    ),
]
