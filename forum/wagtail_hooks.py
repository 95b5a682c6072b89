"""The community model in the Wagtail admin, so admins and editors work in one place."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import services
from .models import Consortium, Membership, Profile, Space, Tag, Town
from .sessions import kept_session_key
from .signals import membership_changed


class TownViewSet(SnippetViewSet):
    model = Town
    icon = "home"
    menu_label = _("Kleinstädte")
    list_display = ["name", "state", "population"]
    list_filter = ["state"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("state"), FieldPanel("population")]),
        FieldPanel("description"),
    ]


class ConsortiumViewSet(SnippetViewSet):
    model = Consortium
    icon = "group"
    menu_label = _("Verbünde")
    list_display = ["name", "theme", "lead_town", "start", "end"]
    search_fields = ["name", "theme"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("theme"),
        FieldPanel("lead_town"),
        FieldPanel("towns"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("description"),
        InlinePanel("phases", label=_("Phasen")),
    ]


class MembershipViewSet(SnippetViewSet):
    model = Membership
    icon = "user"
    menu_label = _("Mitgliedschaften")
    list_display = ["user", "consortium", "role", "joined_at"]
    list_filter = ["consortium", "role"]
    search_fields = ["user__email"]
    panels = [FieldPanel("user"), FieldPanel("consortium"), FieldPanel("role")]


class ProfileViewSet(SnippetViewSet):
    model = Profile
    icon = "id-card"
    # "Profile" is also an English msgid, which the German catalogues render as "Profil".
    menu_label = pgettext_lazy("plural", "Profile")
    list_display = ["display_name", "town", "function"]
    list_filter = ["town"]
    search_fields = ["display_name", "function"]
    panels = [
        FieldPanel("user"),
        FieldPanel("display_name"),
        FieldPanel("town"),
        FieldPanel("function"),
        FieldPanel("bio"),
    ]


class SpaceViewSet(SnippetViewSet):
    model = Space
    icon = "folder-open-inverse"
    menu_label = _("Forumsbereiche")
    list_display = ["name", "consortium", "slug"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("consortium"),
        FieldPanel("description"),
    ]


class TagViewSet(SnippetViewSet):
    model = Tag
    icon = "tag"
    menu_label = _("Themen")
    list_display = ["name", "slug"]
    panels = [FieldPanel("name"), FieldPanel("slug")]


class CommunityViewSetGroup(SnippetViewSetGroup):
    items = (
        ConsortiumViewSet,
        TownViewSet,
        MembershipViewSet,
        ProfileViewSet,
        SpaceViewSet,
        TagViewSet,
    )
    menu_icon = "group"
    menu_label = _("Gemeinschaft")
    menu_name = "community"


register_snippet(CommunityViewSetGroup)


@hooks.register("after_create_snippet")
def create_space_for_new_consortium(request, instance):
    """A consortium created in the admin gets its closed forum space at once."""
    if isinstance(instance, Consortium):
        services.create_consortium_space(consortium=instance)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
@hooks.register("after_delete_snippet")
def announce_membership_change(request, instance):
    """Admins edit memberships here too; whoever derives rights from them must hear of it."""
    changed = instance if isinstance(instance, list | tuple) else [instance]
    for consortium in {m.consortium for m in changed if isinstance(m, Membership)}:
        membership_changed.send(sender=Membership, consortium=consortium)


# --- accounts: the sockets of an account edited in the admin --------------------------------


@hooks.register("after_edit_user")
def check_sockets_of_edited_user(request, user):
    """Deactivated, password set, admin rights or groups changed: the sockets re-validate."""
    services.check_realtime_sessions(user_id=user.pk, keep=kept_session_key(request, user))


@hooks.register("after_bulk_action")
def check_sockets_after_bulk_user_action(request, action_type, objects, action_class_instance):
    """Bulk activation and role changes write with ``update()`` and ``add()``: no signal passes.
    (Deleted accounts are told by ``forum.apps``, whichever way they are deleted.)"""
    if action_class_instance.model is not get_user_model() or action_type == "delete":
        return
    for user in objects:
        services.check_realtime_sessions(user_id=user.pk)
