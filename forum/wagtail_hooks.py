"""The community model in the Wagtail admin, so admins and editors work in one place."""

from dataclasses import dataclass
from types import ModuleType
from urllib.parse import quote

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.admin.utils import get_user_display_name
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup
from wagtail.users.views.bulk_actions.delete import DeleteBulkAction as UserDeleteBulkAction

from . import services
from .forms import ErasureChoiceForm
from .models import Challenge, Consortium, Format, Membership, Profile, Space, Tag, Town
from .privacy import erasure
from .sessions import kept_session_key

# --- every write goes through the services ---------------------------------------------------
# The admin's create, edit, delete and bulk delete of our snippets call the same services as
# the site (checks, log, clean-up, ``membership_changed``, the events that make open sockets
# re-check their access), never Wagtail's plain model save or delete. ``ADMIN_SERVICES`` names
# them per model, for every app (``register_admin_services``);
# tests/forum/test_admin_writes.py fails for a snippet that writes past them.


@dataclass(frozen=True)
class AdminServices:
    """A model's save and delete services: their names in ``module`` (looked up at call time,
    so the module stays the one place and a test can spy on them), and the keyword they take
    the instance by."""

    module: ModuleType
    save: str
    delete: str
    argument: str


ADMIN_SERVICES: dict[type, AdminServices] = {}
# The snippets whose bulk deletion runs a service: Wagtail reads the list once, after every
# app's hooks are imported, so the models other apps register are on it too.
SERVICE_DELETED_MODELS: list[type] = [Membership]


def register_admin_services(
    model: type, module: ModuleType, save: str, delete: str, *, argument: str = ""
) -> None:
    """Let the admin's writes of ``model`` run ``module.save`` and ``module.delete``; they
    take the instance as ``argument`` (the model's name by default) and ``actor``."""
    ADMIN_SERVICES[model] = AdminServices(module, save, delete, argument or model._meta.model_name)
    SERVICE_DELETED_MODELS.append(model)


for _model, _save_name, _delete_name in [
    (Town, "save_town", "delete_town"),
    (Consortium, "save_consortium", "delete_consortium"),
    (Profile, "save_profile", "delete_profile"),
    (Space, "save_space", "delete_space"),
    (Tag, "save_tag", "delete_tag"),
    (Challenge, "save_challenge", "delete_challenge"),
    (Format, "save_format", "delete_format"),
]:
    register_admin_services(_model, services, _save_name, _delete_name)


def _save(model, instance, actor, **relations):
    entry = ADMIN_SERVICES[model]
    save = getattr(entry.module, entry.save)
    return save(**{entry.argument: instance, "actor": actor, **relations})


def _delete(model, instance, actor) -> None:
    entry = ADMIN_SERVICES[model]
    getattr(entry.module, entry.delete)(**{entry.argument: instance, "actor": actor})


class ServiceFormMixin:
    """A create or edit view whose write is one service call: its refusals become form errors
    (``PermissionDenied`` with a message is shown by Wagtail's view itself). ``relations``
    names plain many-to-many fields of the form, which ``save(commit=False)`` leaves unwritten:
    they go to the service as keyword arguments of the same name."""

    relations: tuple[str, ...] = ()

    def service_relations(self) -> dict:
        return {name: self.form.cleaned_data[name] for name in self.relations}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            # What Wagtail's own validation sets before ``form_invalid`` (which reads it).
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ServiceDeleteMixin:
    """A delete whose refusal (e.g. a consortium that still has members) is shown as a message."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.get_success_url())


class ServiceCreateView(ServiceFormMixin, snippet_views.CreateView):
    def save_instance(self):
        instance = _save(
            self.model, self.form.save(commit=False), self.request.user, **self.service_relations()
        )
        log(instance=instance, action="wagtail.create", user=self.request.user)
        return instance


class ServiceEditView(ServiceFormMixin, snippet_views.EditView):
    def save_instance(self):
        instance = _save(
            self.model, self.form.save(commit=False), self.request.user, **self.service_relations()
        )
        log(
            instance=instance,
            action="wagtail.edit",
            user=self.request.user,
            content_changed=self.form.has_changed(),
        )
        return instance


class ServiceDeleteView(ServiceDeleteMixin, snippet_views.DeleteView):
    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
            _delete(self.model, self.object, self.request.user)


class ServiceSnippetViewSet(SnippetViewSet):
    add_view_class = ServiceCreateView
    edit_view_class = ServiceEditView
    delete_view_class = ServiceDeleteView
    copy_view_enabled = False  # a copy would be written past the service


class MembershipCreateView(ServiceFormMixin, snippet_views.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        membership = services.add_member(
            user=data["user"],
            consortium=data["consortium"],
            role=data["role"],
            actor=self.request.user,
        )
        log(instance=membership, action="wagtail.create", user=self.request.user)
        return membership


class MembershipEditView(ServiceFormMixin, snippet_views.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        membership = services.change_membership(
            membership=self.object,
            user=data["user"],
            consortium=data["consortium"],
            role=data["role"],
            actor=self.request.user,
        )
        log(
            instance=membership,
            action="wagtail.edit",
            user=self.request.user,
            content_changed=self.form.has_changed(),
        )
        return membership


class MembershipDeleteView(ServiceDeleteMixin, snippet_views.DeleteView):
    def delete_action(self):
        with transaction.atomic():
            log(instance=self.object, action="wagtail.delete", user=self.request.user, deleted=True)
            services.remove_member(membership=self.object, actor=self.request.user)


class ServiceRefusalBulkMixin:
    """A bulk action whose service refuses (``ValidationError``) goes back with the reason;
    Wagtail runs ``execute_action`` in one transaction, so nothing of the batch stays."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.next_url)


class ServiceDeleteBulkAction(ServiceRefusalBulkMixin, DeleteBulkAction):
    """Bulk deletion of our snippets runs each object's delete service, all or none."""

    models = SERVICE_DELETED_MODELS

    @classmethod
    def execute_action(cls, objects, **kwargs):
        actor = kwargs["self"].request.user
        # Wagtail runs this inside one transaction: a refusal undoes the deletions before it.
        for instance in objects:
            if isinstance(instance, Membership):
                services.remove_member(membership=instance, actor=actor)
            else:
                _delete(type(instance), instance, actor)
        return len(objects), 0


# Ordered after Wagtail's own snippet deletion, which it replaces for these models.
hooks.register("register_bulk_action", ServiceDeleteBulkAction, order=1)


# --- the community's snippets --------------------------------------------------------------


class TownCreateView(ServiceCreateView):
    relations = ("challenges",)


class TownEditView(ServiceEditView):
    relations = ("challenges",)


class TownViewSet(ServiceSnippetViewSet):
    model = Town
    add_view_class = TownCreateView
    edit_view_class = TownEditView
    icon = "home"
    menu_label = _("Kleinstädte")
    list_display = ["name", "state", "population", "area_type"]
    list_filter = ["state", "area_type"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("state"), FieldPanel("population")]),
        FieldPanel("area_type"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("challenges", widget=forms.CheckboxSelectMultiple),
        FieldPanel("description"),
    ]


class ConsortiumViewSet(ServiceSnippetViewSet):
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
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView
    copy_view_enabled = False  # a copy would be a second membership written past the service
    icon = "user"
    menu_label = _("Mitgliedschaften")
    list_display = ["user", "consortium", "role", "joined_at"]
    list_filter = ["consortium", "role"]
    search_fields = ["user__email"]
    panels = [FieldPanel("user"), FieldPanel("consortium"), FieldPanel("role")]


class ProfileViewSet(ServiceSnippetViewSet):
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


class SpaceViewSet(ServiceSnippetViewSet):
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


class TagViewSet(ServiceSnippetViewSet):
    model = Tag
    icon = "tag"
    menu_label = _("Themen")
    list_display = ["name", "slug"]
    panels = [FieldPanel("name"), FieldPanel("slug")]


class ChallengeViewSet(ServiceSnippetViewSet):
    model = Challenge
    icon = "list-ul"
    menu_label = _("Handlungsfelder")
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]


class FormatViewSet(ChallengeViewSet):
    model = Format
    icon = "list-ol"
    menu_label = _("Formate")


class CommunityViewSetGroup(SnippetViewSetGroup):
    items = (
        ConsortiumViewSet,
        TownViewSet,
        MembershipViewSet,
        ProfileViewSet,
        SpaceViewSet,
        TagViewSet,
        ChallengeViewSet,
        FormatViewSet,
    )
    menu_icon = "group"
    menu_label = _("Gemeinschaft")
    menu_name = "community"


register_snippet(CommunityViewSetGroup)


# --- accounts: the sockets of an account edited in the admin --------------------------------


@hooks.register("after_edit_user")
def check_sockets_of_edited_user(request, user):
    """Deactivated, password set, admin rights or groups changed: the sockets re-validate and
    the bell counts again."""
    services.account_edited(user_ids=[user.pk], keep=kept_session_key(request, user))


@hooks.register("after_bulk_action")
def check_sockets_after_bulk_user_action(request, action_type, objects, action_class_instance):
    """Bulk activation and role changes write with ``update()`` and ``add()``: no signal passes.
    (Deleted accounts are told by ``forum.apps``, whichever way they are deleted.)"""
    if action_class_instance.model is not get_user_model() or action_type == "delete":
        return
    services.account_edited(user_ids=[user.pk for user in objects])


# --- accounts: erasure (GDPR Art. 17) through the one service ---------------------------------
# Wagtail's user deletion, single and bulk, runs ``erase_person`` instead of a plain delete: the
# same clean-up, the same last-coach guard, the posts kept as "ehemaliges Mitglied" unless the
# admin chooses otherwise, and a log entry that names only the account's number.


@hooks.register("register_log_actions")
def register_erasure_log_action(actions):
    actions.register_model(get_user_model(), ModelLogEntry)
    actions.register_action(erasure.LOG_ACTION, _("Konto gelöscht"), _("Konto gelöscht"))


@hooks.register("before_delete_user")
def erase_user_through_the_service(request, user):
    """Wagtail's delete view has checked that the admin may delete this user (and that it is
    not their own account); the service asks the policy again."""
    if request.method != "POST":
        return None
    form = ErasureChoiceForm(request.POST)
    delete_posts = form.is_valid() and form.cleaned_data["posts"]
    try:
        account_id = erasure.erase_person(
            person=user, delete_posts=delete_posts, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("wagtailusers_users:delete", user.pk)
    messages.success(request, erasure.log_label(account_id))
    return redirect("wagtailusers_users:index")


class EraseUsersBulkAction(ServiceRefusalBulkMixin, UserDeleteBulkAction):
    """Bulk deletion of users: each account through the erasure service, all or none."""

    template_name = "wagtailusers/bulk_actions/confirm_bulk_erase.html"
    form_class = ErasureChoiceForm

    def get_execution_context(self):
        return {
            **super().get_execution_context(),
            "actor": self.request.user,
            "delete_posts": self.cleaned_form.cleaned_data["posts"],
        }

    @classmethod
    def execute_action(cls, objects, actor=None, delete_posts=False, **kwargs):
        # Wagtail runs this inside one transaction: a refusal undoes the erasures before it.
        for user in objects:
            erasure.erase_person(person=user, delete_posts=delete_posts, actor=actor)
        return len(objects), 0


# Ordered after Wagtail's own user deletion, which it replaces.
hooks.register("register_bulk_action", EraseUsersBulkAction, order=1)


# --- avatars: initials, drawn in the browser from a data: address ------------------------------

AVATAR_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 40 40">'
    '<rect width="40" height="40" fill="#0b5c7a"/>'
    '<text x="20" y="20" dy=".35em" text-anchor="middle" fill="#fff" '
    'font-family="sans-serif" font-size="16">{initials}</text></svg>'
)


def initials(name: str) -> str:
    """The first letters of the first and the last word: "Anna Berger" -> "AB"."""
    words = name.split()
    if not words:
        return ""
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


@hooks.register("get_avatar_url")
def initials_avatar(user, size):
    """Instead of Wagtail's default, which asks gravatar.com where a provider is set: the
    person's initials, with no request at all. Wagtail shows avatars with ``alt=""`` beside the
    name, so the picture stays decorative. A picture someone uploaded (served by us) is kept.
    Wagtail also asks for rows without a person (its own log entries: None) and, in the aging
    pages report, with a user's id: those keep Wagtail's default picture (also ours). The
    initials are of the name Wagtail shows beside the avatar, read from the user row itself:
    listings draw one avatar per row, and the forum profile would cost a query each."""
    if not isinstance(user, get_user_model()):
        return None
    profile = getattr(user, "wagtail_userprofile", None)
    if profile is not None and profile.avatar:
        return None
    svg = AVATAR_SVG.format(size=int(size), initials=escape(initials(get_user_display_name(user))))
    return "data:image/svg+xml," + quote(svg)
