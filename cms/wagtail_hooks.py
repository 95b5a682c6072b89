"""Where Wagtail serves pages and files and lists pages in its admin, the policy decides.

What town staff may open in the admin at all is decided in ``cms.admin_access``; the hooks here
keep its menus, dashboard and listings to that and to what they may read."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import SubmenuMenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.site_summary import PagesSummaryItem
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from forum import selectors as forum_selectors
from forum.rules import allowed
from forum.wagtail_hooks import (
    ServiceDeleteMixin,
    ServiceFormMixin,
    ServiceSnippetViewSet,
    register_admin_services,
)

from .admin_access import is_town_staff, opens_for_town_staff
from .admin_views import READABLE_PANELS
from .models import BarrierReport, ConsortiumPage, LabCasePage
from .selectors import unreadable_pages
from .services import (
    delete_barrier_report,
    handle_barrier_report,
    prepare_consortium_page,
)
from .surveys.models import QuestionTemplate
from .surveys.selectors import question_template_keepers
from .surveys.services.authoring import library, option_lines, parse_option_lines


@hooks.register("before_serve_page", order=-10)
def hide_internal_case_pages(page, request, serve_args, serve_kwargs):
    """Before Wagtail's own restriction check, which would send visitors to the login and so
    tell them the page exists: those who may not read it get the same 404 as for no page."""
    if isinstance(page, LabCasePage) and not allowed(request.user, "cms.view_case_page", page):
        raise Http404


@hooks.register("before_serve_document")
def hide_internal_documents(document, request):
    if not allowed(request.user, "cms.view_collection_files", document.collection):
        raise Http404


def _without_unreadable_case_pages(pages, request):
    return pages.exclude(pk__in=unreadable_pages(request.user).values("pk"))


@hooks.register("construct_page_chooser_queryset")
def page_chooser_without_foreign_internal_pages(pages, request):
    return _without_unreadable_case_pages(pages, request)


@hooks.register("construct_explorer_page_queryset")
def explorer_without_foreign_internal_pages(parent_page, pages, request):
    return _without_unreadable_case_pages(pages, request)


# Editor actions the policy may withhold at a step of the review workflow.
ACTION_PERMISSIONS = {
    "action-publish": "cms.publish_directly",
    "action-cancel-workflow": "cms.withdraw_from_review",
}


@hooks.register("construct_page_action_menu")
def only_the_actions_of_this_step(menu_items, request, context):
    """While a page is in review, reviewers and editors decide (request changes, approve,
    approve and publish); "Publish", which would cancel the review, and "Cancel workflow" are
    not theirs to offer (the author may still withdraw)."""
    page = context.get("page")
    if page is None:
        return
    menu_items[:] = [
        item
        for item in menu_items
        if item.name not in ACTION_PERMISSIONS
        or allowed(request.user, ACTION_PERMISSIONS[item.name], page)
    ]


@hooks.register("before_edit_page")
def withheld_actions_save_a_draft(request, page):
    """The same rule for a form posted without the menu (an old tab): the changes are saved
    as a draft and the review goes on, so nothing typed is lost."""
    if request.method != "POST":
        return
    withheld = [
        name
        for name, permission in ACTION_PERMISSIONS.items()
        if name in request.POST and not allowed(request.user, permission, page)
    ]
    if withheld:
        data = request.POST.copy()
        for name in withheld:
            del data[name]
        request.POST = data
        messages.warning(
            request,
            _(
                "Diese Seite ist in der Prüfung. Ihre Änderungen wurden als Entwurf "
                "gespeichert; die Prüfung läuft weiter."
            ),
        )


@hooks.register("after_create_page")
def prepare_new_consortium_page(request, page):
    if isinstance(page.specific, ConsortiumPage):
        prepare_consortium_page(page=page.specific)


def _only_what_opens(request, items):
    """Town staff see no menu entry or search area leading to a 404 (submenus empty out)."""
    if is_town_staff(request.user):
        items[:] = [
            item
            for item in items
            if isinstance(item, SubmenuMenuItem) or opens_for_town_staff(item.url, request.user)
        ]


for _hook in (
    "construct_main_menu",
    "construct_settings_menu",
    "construct_reports_menu",
    "construct_search",
):
    hooks.register(_hook, _only_what_opens)


@hooks.register("construct_homepage_summary_items", order=100)
def no_page_count_for_town_staff(request, summary_items):
    """The count of all pages below the explorable root includes other consortia's internal
    pages as soon as someone belongs to two consortia. (After Wagtail's hook adds it.)"""
    if is_town_staff(request.user):
        summary_items[:] = [i for i in summary_items if not isinstance(i, PagesSummaryItem)]


@hooks.register("construct_homepage_panels")
def dashboard_without_unreadable_pages(request, panels):
    if is_town_staff(request.user):
        panels[:] = [
            READABLE_PANELS[type(panel)]() if type(panel) in READABLE_PANELS else panel
            for panel in panels
        ]


# --- Reports of barriers ---------------------------------------------------------------------


class BarrierReportPermissionPolicy(BasePermissionPolicy):
    """Editors and admins see and handle the reports (``cms.handle_barrier_reports``); nobody
    adds one here: reports come in through "Barriere melden" only."""

    HANDLING = frozenset({"view", "change", "delete"})

    def user_has_permission(self, user, action):
        return action in self.HANDLING and allowed(user, "cms.handle_barrier_reports")

    def users_with_any_permission(self, actions):
        if not self.HANDLING.intersection(actions):
            return get_user_model().objects.none()
        return forum_selectors.editors_and_admins()


class BarrierReportEditView(ServiceFormMixin, snippet_views.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return handle_barrier_report(
            report=self.object,
            actor=self.request.user,
            status=data["status"],
            answer=data["answer"],
        )


class BarrierReportDeleteView(ServiceDeleteMixin, snippet_views.DeleteView):
    def delete_action(self):
        delete_barrier_report(report=self.object, actor=self.request.user)


class BarrierReportDeleteBulkAction(DeleteBulkAction):
    """Bulk deletion of reports runs the delete service for each, all or none."""

    models = [BarrierReport]

    @classmethod
    def execute_action(cls, objects, **kwargs):
        actor = kwargs["self"].request.user
        for report in objects:
            delete_barrier_report(report=report, actor=actor)
        return len(objects), 0


# Ordered after Wagtail's own snippet deletion, which it replaces for reports.
hooks.register("register_bulk_action", BarrierReportDeleteBulkAction, order=1)


class BarrierReportViewSet(SnippetViewSet):
    model = BarrierReport
    edit_view_class = BarrierReportEditView
    delete_view_class = BarrierReportDeleteView
    copy_view_enabled = False
    icon = "warning"
    menu_label = _("Gemeldete Barrieren")
    list_display = ["__str__", "page_url", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["description", "page_url"]
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("created_at", read_only=True),
                FieldPanel("page_url", read_only=True),
                FieldPanel("description", read_only=True),
                FieldPanel("assistive_technology", read_only=True),
                FieldPanel("name", read_only=True),
                FieldPanel("email", read_only=True),
            ],
            heading=_("Meldung"),
        ),
        MultiFieldPanel(
            [FieldPanel("status"), FieldPanel("answer")],
            heading=_("Bearbeitung"),
        ),
    ]


register_permission_policy(BarrierReport, BarrierReportPermissionPolicy(BarrierReport))
register_snippet(BarrierReportViewSet)


# --- The library of survey question templates ------------------------------------------------


class QuestionTemplatePermissionPolicy(BasePermissionPolicy):
    """Core team members of any consortium, editors and admins keep the library
    (``cms.manage_question_templates``)."""

    ACTIONS = frozenset({"add", "change", "delete", "view"})

    def user_has_permission(self, user, action):
        return action in self.ACTIONS and allowed(user, "cms.manage_question_templates")

    def users_with_any_permission(self, actions):
        if not self.ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        return question_template_keepers()


class OptionLinesField(forms.CharField):
    """The options as lines „kennung | Text | englischer Text“ instead of raw JSON."""

    widget = forms.Textarea(attrs={"rows": 8})

    def prepare_value(self, value):
        return option_lines(value) if isinstance(value, list) else value

    def to_python(self, value):
        return parse_option_lines(super().to_python(value) or "")


class QuestionTemplateForm(WagtailAdminModelForm):
    options = OptionLinesField(
        label=_("Antwortmöglichkeiten"),
        required=False,
        help_text=_(
            "Nur bei Einfach- und Mehrfachauswahl: eine pro Zeile, „kennung | Text | "
            "englischer Text“, z. B. „bahn | Bahn | Train“. Die Kennung (Kleinbuchstaben, "
            "Ziffern, Bindestriche) bleibt, sobald Befragungen die Vorlage nutzen."
        ),
    )


register_admin_services(
    QuestionTemplate,
    library,
    "save_question_template",
    "delete_question_template",
    argument="template",
)


class QuestionTemplateViewSet(ServiceSnippetViewSet):
    model = QuestionTemplate
    icon = "list-ul"
    menu_label = _("Fragevorlagen")
    menu_name = "question_templates"
    add_to_admin_menu = True
    list_display = ["text", "topic", "kind", "key"]
    list_filter = ["topic", "kind"]
    search_fields = ["text", "key"]
    edit_handler = ObjectList(
        [
            FieldPanel("topic"),
            FieldPanel("key"),
            FieldPanel("kind"),
            FieldPanel("text"),
            FieldPanel("text_en"),
            FieldPanel("help_text"),
            FieldPanel("help_text_en"),
            FieldPanel("options"),
            FieldPanel("has_other"),
            FieldPanel("min_value"),
            FieldPanel("max_value"),
            FieldPanel("position"),
        ],
        base_form_class=QuestionTemplateForm,
    )


register_permission_policy(QuestionTemplate, QuestionTemplatePermissionPolicy(QuestionTemplate))
register_snippet(QuestionTemplateViewSet)
