from django.urls import path

from . import views

app_name = "forum"

urlpatterns = [
    path("verbuende/", views.consortium_list, name="consortia"),
    path("verbuende/<slug:slug>/", views.consortium_detail, name="consortium"),
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
]
