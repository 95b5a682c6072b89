"""Views of the public site outside Wagtail's page serving: search, feed and the media files,
each filtered by the policy; drawing case pages from forum topics and proposing the public
summary of a held workshop."""

from __future__ import annotations

import mimetypes
import posixpath
import re
from typing import Any
from urllib.parse import urlsplit

from allauth.core.internal import ratelimit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.search.query import And, Or, PlainText

from forum import rules as policy
from forum import search as forum_search
from forum import selectors as forum_selectors
from forum import uploads
from forum.forms import add_service_errors, posted
from forum.models import Consortium, Format
from forum.models import display_name as forum_display_name
from forum.numbers import page_number
from forum.text import GermanChoicesSelect
from forum.views.redirects import on_this_site
from workshops import selectors as workshop_selectors

from . import selectors, services
from .forms import (
    BarrierReportForm,
    ContactAnswerForm,
    ContactDeclineForm,
    ContactQuestionForm,
    ConvertTopicForm,
    SummaryForm,
)
from .models import ForumQuote, LabCasePage
from .search_backend import clean_query

SEARCH_LIMIT = 30


class SearchForm(forms.Form):
    KINDS = [
        ("", _("Alles")),
        ("fallstudien", _("Fallstudien")),
        ("bausteine", _("Handlungsbausteine")),
        ("forum", _("Forum")),
    ]

    q = forms.CharField(label=_("Suchbegriff"), max_length=200, required=False)
    art = forms.ChoiceField(label=_("Was"), choices=KINDS, required=False)
    verbund = forms.ModelChoiceField(
        label=_("Verbund"),
        queryset=Consortium.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle Verbünde"),
        widget=GermanChoicesSelect,
    )
    format = forms.ModelChoiceField(
        label=_("Format"),
        queryset=Format.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle Formate"),
        widget=GermanChoicesSelect,
    )


def search(request: HttpRequest) -> HttpResponse:
    """One search over case pages, action modules and, for members, the forum posts they may
    read; every result list comes from a selector that applies the policy first."""
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "searched": False}
    may_search_forum = policy.allowed(request.user, "forum.read_forum")
    context["may_search_forum"] = may_search_forum
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        query = data["q"].strip()
        kind = data["art"]
        context["searched"] = True
        context["query"] = query
        page_query = _page_query(query)
        if kind in ("", "fallstudien"):
            cases = selectors.case_pages_visible_to(request.user).order_by()
            if data["verbund"]:
                cases = cases.filter(consortium=data["verbund"])
            if data["format"]:
                # The search backends filter on indexed fields only; ``id`` is one.
                with_format = LabCasePage.objects.filter(formats=data["format"])
                cases = cases.filter(id__in=list(with_format.values_list("pk", flat=True)))
            context["case_hits"] = list(cases.search(page_query)[:SEARCH_LIMIT])
        if kind in ("", "bausteine") and not data["verbund"] and not data["format"]:
            modules = selectors.action_modules_visible_to(request.user).order_by()
            context["module_hits"] = list(modules.search(page_query)[:SEARCH_LIMIT])
        if kind in ("", "forum") and may_search_forum:
            forum_results = forum_search.search(request.user, query, consortium=data["verbund"])
            context["forum_hits"] = forum_results[:SEARCH_LIMIT]
            context["forum_topics"] = len(forum_results)
    return render(request, "cms/search.html", context)


def _page_query(query: str) -> Any:
    """Every word must match (as a plain query string asks), in its own spelling or in the
    folded one that the pages' ``search_variants`` field holds ("Moelln" → "molln")."""
    words = []
    for word in clean_query(query).split():
        variant = forum_search.fold_joined(word)
        same = variant == word.casefold()
        words.append(PlainText(word) if same else Or([PlainText(word), PlainText(variant)]))
    return And(words) if len(words) > 1 else (words[0] if words else query)


# Characters XML 1.0 cannot carry; Django's feed writer fails the whole feed on them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F]")


def _feed_text(value: str) -> str:
    """A field as plain feed text: every field of the case feed is text, never markup."""
    return _XML_ILLEGAL.sub("", value)


class PlainTextAtom1Feed(Atom1Feed):
    """Atom whose entry summaries are plain text. Django's ``Atom1Feed`` declares every summary
    ``type="html"``, so a summary an editor typed as text would reach feed readers as live markup.
    Titles, names and categories are text in Atom already (no ``type`` means text)."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class PublicCaseFeed(Feed):
    """Atom feed of the public case pages, newest publication first."""

    feed_type = PlainTextAtom1Feed
    title = _("Kleinstadtakademie – Fallstudien")
    subtitle = _("Neue öffentliche Fallstudien aus den Pop-up-Laboren der Kleinstädte.")
    link = "/fallstudien/"

    def items(self):
        # What anyone may read: the same selector as every listing, seen by nobody signed in.
        return selectors.case_pages_visible_to(AnonymousUser()).order_by("-first_published_at")[:30]

    def item_title(self, item: LabCasePage) -> str:
        return _feed_text(item.title)

    def item_description(self, item: LabCasePage) -> str:
        return _feed_text(item.summary)

    def item_link(self, item: LabCasePage) -> str:
        return item.url

    def item_pubdate(self, item: LabCasePage):
        return item.first_published_at or timezone.now()

    def item_updateddate(self, item: LabCasePage):
        return item.last_published_at or item.first_published_at

    def item_categories(self, item: LabCasePage) -> list[str]:
        return [
            _feed_text(str(name))
            for name in (
                item.consortium.name,
                item.town.name,
                *(term.name for term in item.formats.all()),
            )
        ]


def _collection_of_media_file(path: str) -> Collection | None:
    """The collection of the image, rendition or document stored at ``path``."""
    Image = get_image_model()
    image = Image.objects.filter(file=path).select_related("collection").first()
    if image is not None:
        return image.collection
    Rendition = Image.get_rendition_model()
    rendition = Rendition.objects.filter(file=path).select_related("image__collection").first()
    if rendition is not None:
        return rendition.image.collection
    document = get_document_model().objects.filter(file=path).select_related("collection")
    document = document.first()
    return document.collection if document is not None else None


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """Every uploaded CMS file goes through here: a file of a consortium's internal collection
    only to those who may read that consortium's internal pages; unknown files never."""
    path = posixpath.normpath(path).lstrip("/")
    if path.startswith("..") or path != request.resolver_match.kwargs["path"].lstrip("/"):
        raise Http404
    collection = _collection_of_media_file(path)
    if collection is None or not policy.allowed(
        request.user, "cms.view_collection_files", collection
    ):
        raise Http404
    image = get_image_model()
    storage = image._meta.get_field("file").storage
    if not storage.exists(path):
        raise Http404
    content_type, _encoding = mimetypes.guess_type(path)
    internal = collection.consortium_editing if hasattr(collection, "consortium_editing") else None
    return uploads.file_response(
        storage.open(path, "rb"),
        content_type=content_type or "application/octet-stream",
        cache_control="private, max-age=3600" if internal else "public, max-age=86400",
    )


# --- Case pages drawn from forum topics („Aus dem Forum übernehmen“) -------------------------


@login_required
@require_http_methods(["GET", "POST"])
def convert_topic(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Turn a forum topic into a draft case page, then continue in Wagtail's editor."""
    topic = forum_selectors.topic_visible_to(topic_id, request.user)
    if topic is None:
        raise Http404
    if not policy.allowed(request.user, "cms.convert_topic", topic):
        raise PermissionDenied
    targets = list(selectors.conversion_targets(topic=topic, actor=request.user))
    context: dict[str, Any] = {"topic": topic, "targets": targets, "form": None}
    if not targets:
        return render(request, "cms/convert_topic.html", context)
    posts = selectors.quotable_posts(topic=topic, actor=request.user)
    form = ConvertTopicForm(posted(request), topic=topic, targets=targets, posts=posts)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            page = services.convert_topic_to_case_page(
                topic=topic,
                actor=request.user,
                post_ids=data["post_ids"],
                title=data["title"],
                town=data["town"],
                parent=data["parent"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext(
                    "Der Entwurf „%(title)s“ ist angelegt. Die zitierten Personen werden "
                    "informiert und können widersprechen, bevor die Fallstudie veröffentlicht wird."
                )
                % {"title": page.title},
            )
            return redirect("wagtailadmin_pages:edit", page.pk)
    status = 400 if form.is_bound else 200
    return render(request, "cms/convert_topic.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def quote_objection(request: HttpRequest, quote_id: int) -> HttpResponse:
    """Where a quoted author objects to their post being quoted; nobody else learns that the
    quote exists."""
    quote = (
        ForumQuote.objects.select_related("page", "post")
        .filter(pk=quote_id, author=request.user)
        .first()
    )
    if quote is None:
        raise Http404
    if request.method == "POST":
        services.object_to_quote(quote=quote, user=request.user)
        messages.success(request, gettext("Ihr Widerspruch ist eingegangen."))
        return redirect("cms:quote_objection", quote_id=quote.pk)
    return render(
        request,
        "cms/quote_objection.html",
        {
            "quote": quote,
            "page_title": quote.page.draft_title or quote.page.title,
            "still_published": selectors.quote_still_published(quote),
        },
    )


# --- Public summaries of held workshops ------------------------------------------------------


@login_required
def workshop_summary(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Propose a public summary page of a held workshop; the editors publish it in Wagtail.
    Who may not see the workshop gets 404, who may see but not document it 403."""
    workshop = workshop_selectors.workshop_for(slug, pk, request.user)
    if workshop is None:
        raise Http404
    if not policy.allowed(request.user, "workshops.document", workshop):
        raise PermissionDenied
    existing = workshop.summary_pages.order_by("pk").first()
    photos = workshop.files.filter(content_type__startswith="image/")
    form = SummaryForm(
        posted(request),
        photos=photos,
        initial={"title": workshop.title},
    )
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.propose_summary_page(
                workshop=workshop,
                actor=request.user,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                include_roadmap=form.cleaned_data["include_roadmap"],
                photo_ids=[item.pk for item in form.cleaned_data["photos"]],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                gettext(
                    "Danke! Ihr Vorschlag liegt jetzt als Entwurf bei der Redaktion. Sie prüft "
                    "die Zusammenfassung und veröffentlicht sie auf der Seite "
                    "„Transferwerkstätten“."
                ),
            )
            return redirect(workshop.get_absolute_url() + "#dokumentation")
    context = {
        "workshop": workshop,
        "consortium": workshop.consortium,
        "form": form,
        "existing": existing,
        "has_roadmap": workshop.roadmap.exists(),
    }
    return render(
        request,
        "cms/workshop_summary_form.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


# --- "Barriere melden" -----------------------------------------------------------------------

BARRIER_RATE_ACTION = "barrier_report"


def _reported_page(request: HttpRequest) -> str:
    """The page the visitor came from: ``?seite=`` or the referer, when it is one of ours."""
    page = request.GET.get("seite") or request.headers.get("referer") or ""
    if not on_this_site(request, page):
        return ""
    parts = urlsplit(page)
    if parts.path == request.path:
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


@require_http_methods(["GET", "HEAD", "POST"])
def barrier_report(request: HttpRequest) -> HttpResponse:
    """The feedback channel of the accessibility statement (BITV 2.0 § 7): for everyone, with
    or without an account. A filled trap field is thanked like a real report and stored
    nowhere; more reports from one address than ``BARRIER_REPORT_RATE_LIMIT`` are refused."""
    if request.method != "POST":
        form = BarrierReportForm(initial={"page_url": _reported_page(request)})
        return render(request, "cms/barrier_report.html", {"form": form})
    form = BarrierReportForm(request.POST)
    if BarrierReportForm.is_trap_filled(request.POST):
        return redirect("cms:barrier_report_sent")
    status = 400
    if form.is_valid():
        allowed = ratelimit.consume(
            request,
            app="cms",
            action=BARRIER_RATE_ACTION,
            config={BARRIER_RATE_ACTION: settings.BARRIER_REPORT_RATE_LIMIT},
        )
        if not allowed:
            form.add_error(
                None,
                _(
                    "Von Ihrem Anschluss kamen gerade viele Meldungen. Bitte versuchen Sie es "
                    "in einer Stunde noch einmal; Ihr Text bleibt hier stehen. Oder schreiben "
                    "Sie uns eine E-Mail."
                ),
            )
            status = 429
        else:
            data = form.cleaned_data
            try:
                services.create_barrier_report(
                    description=data["description"],
                    page_url=data["page_url"],
                    name=data["name"],
                    email=data["email"],
                    assistive_technology=data["assistive_technology"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("cms:barrier_report_sent")
    return render(request, "cms/barrier_report.html", {"form": form}, status=status)


def barrier_report_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "cms/barrier_report_sent.html")


# --- "Kontakt aufnehmen" -------------------------------------------------------------------

RECEIVED_PER_PAGE = 30
MADE_SHOWN = 50


def _askable_page(request: HttpRequest, page_id: int) -> LabCasePage:
    """The live case page if ``request.user`` may read it; 404 otherwise, like a page that
    does not exist."""
    page = (
        LabCasePage.objects.live()
        .select_related("town", "consortium", "contact_person__profile")
        .filter(pk=page_id)
        .first()
    )
    if page is None or not policy.allowed(request.user, "cms.view_case_page", page):
        raise Http404
    return page


def _why_not_ask(user: Any, page: LabCasePage) -> str:
    if not policy.is_signed_in_member(user):
        return gettext(
            "Fragen an Ansprechpersonen können Mitglieder eines Verbunds der Akademie stellen."
        )
    if page.contact_person_id is None:
        return gettext("Diese Fallstudie hat keine Ansprechperson.")
    if page.contact_person_id == user.pk:
        return gettext("Sie sind selbst die Ansprechperson dieser Fallstudie.")
    return gettext("Die Ansprechperson dieser Fallstudie nimmt derzeit keine Anfragen an.")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def contact_ask(request: HttpRequest, page_id: int) -> HttpResponse:
    """The form behind "Kontakt aufnehmen": the question, and what the contact person will
    see of the asker (name and town; no address of anyone)."""
    page = _askable_page(request, page_id)
    user = request.user
    context: dict[str, Any] = {"page": page, "asker_label": services.asker_label(user)}
    # A refusal that comes with a sent question (consent taken back meanwhile, a block) shows
    # the question again, so that nothing typed is lost.
    context["unsent_question"] = request.POST.get("question", "")
    if not policy.allowed(user, "cms.ask_contact_person", page):
        context["refusal"] = _why_not_ask(user, page)
        return render(request, "cms/contact_ask.html", context, status=403)
    form = ContactQuestionForm(posted(request))
    context["form"] = form
    context["contact_name"] = forum_display_name(page.contact_person)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.ask_contact_person(
                    page=page, asker=user, question=form.cleaned_data["question"]
                )
            except PermissionDenied:
                context["refusal"] = _why_not_ask(user, page)
                return render(request, "cms/contact_ask.html", context, status=403)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext(
                        "Ihre Frage ist gesendet. Sie bekommen Bescheid, sobald %(name)s antwortet."
                    )
                    % {"name": context["contact_name"]},
                )
                return redirect(page.url)
        return render(request, "cms/contact_ask.html", context, status=400)
    return render(request, "cms/contact_ask.html", context)


def _contact_requests_page(
    request: HttpRequest, bound: dict[tuple[str, int], forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    received = Paginator(selectors.contact_requests_received(user), RECEIVED_PER_PAGE).get_page(
        page_number(request.GET)
    )
    bound = bound or {}
    for item in received.object_list:
        item.asker_label = services.asker_label(item.asker)
        if item.is_open:
            item.answer_form = bound.get(("answer", item.pk)) or ContactAnswerForm(
                prefix=f"a{item.pk}"
            )
            item.decline_form = bound.get(("decline", item.pk)) or ContactDeclineForm(
                prefix=f"d{item.pk}"
            )
    context = {
        "page": received,
        "made": selectors.contact_requests_made(user)[:MADE_SHOWN],
    }
    return render(request, "cms/contact_requests.html", context, status=status)


@login_required
def contact_requests(request: HttpRequest) -> HttpResponse:
    """ "Anfragen": the questions to me (to answer or decline) and those I asked."""
    return _contact_requests_page(request)


def _received_request(request: HttpRequest, pk: int):
    contact_request = selectors.contact_request_for_contact(pk, request.user)
    if contact_request is None:
        raise Http404
    return contact_request


@login_required
@require_http_methods(["POST"])
def contact_answer(request: HttpRequest, pk: int) -> HttpResponse:
    contact_request = _received_request(request, pk)
    form = ContactAnswerForm(request.POST, prefix=f"a{pk}")
    if form.is_valid():
        try:
            answered = services.answer_contact_request(
                contact_request=contact_request,
                contact=request.user,
                answer=form.cleaned_data["answer"],
            )
        except PermissionDenied:
            form.add_error(None, gettext("Diese Anfrage ist schon beantwortet oder abgelehnt."))
        except ValidationError as error:
            if hasattr(error, "error_dict") and "body" in error.error_dict:
                error = ValidationError({"answer": error.error_dict["body"]})
            add_service_errors(form, error)
        else:
            return redirect(answered.conversation.get_absolute_url())
    return _contact_requests_page(request, {("answer", pk): form}, status=400)


@login_required
@require_http_methods(["POST"])
def contact_decline(request: HttpRequest, pk: int) -> HttpResponse:
    contact_request = _received_request(request, pk)
    form = ContactDeclineForm(request.POST, prefix=f"d{pk}")
    if form.is_valid():
        try:
            services.decline_contact_request(
                contact_request=contact_request,
                contact=request.user,
                reason=form.cleaned_data["reason"],
                block=form.cleaned_data["block"],
            )
        except PermissionDenied:
            form.add_error(None, gettext("Diese Anfrage ist schon beantwortet oder abgelehnt."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if form.cleaned_data["block"]:
                messages.success(
                    request,
                    gettext(
                        "Die Anfrage ist abgelehnt und die Person blockiert. Unter „Blockierte "
                        "Personen“ können Sie das aufheben."
                    ),
                )
            else:
                messages.success(request, gettext("Die Anfrage ist abgelehnt."))
            return redirect("cms:contact_requests")
    return _contact_requests_page(request, {("decline", pk): form}, status=400)
