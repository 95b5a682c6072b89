"""Sharing with consent: proposing, the authors' answers, the decision of the source's
moderators, the proposal's audit trail, and an author taking their copied post back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import rules as policy
from .. import selectors, services
from ..forms import ShareForm, add_service_errors, posted
from ..models import Post, ShareConsent, ShareProposal, display_name
from ..numbers import parse_id
from .guards import require_mfa, visible_topic

ANSWERS = {"ja": True, "nein": False}


@login_required
def share_propose(request: HttpRequest, pk: int) -> HttpResponse:
    topic = visible_topic(request, pk)
    if not policy.allowed(request.user, "forum.propose_share", topic):
        raise PermissionDenied
    posts = (
        Post.objects.filter(topic=topic, deleted_at=None, hidden_at=None)
        .select_related("author__profile")
        .order_by("pk")
    )
    targets = selectors.share_targets(topic)
    # Everything preselected (the move form leads here with its target): the proposer takes
    # out what should stay, rather than picking post by post.
    chosen = parse_id(request.GET.get("ziel"))
    initial = {
        "posts": [post.pk for post in posts],
        "target": chosen if chosen and targets.filter(pk=chosen).exists() else None,
    }
    form = ShareForm(posted(request), initial=initial, posts=posts, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.propose_share(
                topic=topic,
                proposer=request.user,
                post_ids=[post.pk for post in form.cleaned_data["posts"]],
                target=form.cleaned_data["target"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Ihr Vorschlag ist gespeichert; die Autorinnen und Autoren werden gefragt."),
            )
            return redirect(proposal.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(request, "forum/share_form.html", {"topic": topic, "form": form}, status=status)


@login_required
def share_overview(request: HttpRequest) -> HttpResponse:
    """„Teilen mit Zustimmung“: the person's own posts someone asked to share, and the
    proposals they made or decide."""
    consents = list(selectors.consents_asked_of(request.user))
    for consent in consents:
        consent.target_label = selectors.share_target_label(consent.proposal.target)
        consent.can_answer = consent.proposal.is_open
    proposals = list(selectors.share_proposals_for(request.user)[:100])
    for proposal in proposals:
        proposal.target_label = selectors.share_target_label(proposal.target)
    context = {"consents": consents, "proposals": proposals}
    return render(request, "forum/share_overview.html", context)


@login_required
def share_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _visible_proposal(request, pk)
    consents = list(selectors.consents_of(proposal))
    user = request.user
    context = {
        "proposal": proposal,
        "topic": proposal.topic,
        "target_label": selectors.share_target_label(proposal.target),
        "consents": consents,
        "trail": _trail(proposal, consents),
        "accepted_count": sum(c.state == ShareConsent.State.ACCEPTED for c in consents),
        "can_decide": policy.allowed(user, "forum.decide_share", proposal),
        "can_cancel": policy.allowed(user, "forum.cancel_share", proposal),
        "can_read_copy": proposal.copy is not None
        and policy.allowed(user, "forum.read_space", proposal.target),
    }
    return render(request, "forum/share_detail.html", context)


def _trail(proposal: ShareProposal, consents: list[ShareConsent]) -> list[tuple]:
    """Every step with its time, oldest first: (time, text)."""
    steps = [
        (
            proposal.created_at,
            _("%(name)s schlägt vor, %(count)s Beiträge zu teilen.")
            % {
                "name": display_name(proposal.proposer) if proposal.proposer else _("Unbekannt"),
                "count": len(consents),
            },
        )
    ]
    for consent in consents:
        name = display_name(consent.author)
        if consent.answered_at:
            if consent.state == ShareConsent.State.ACCEPTED:
                text = _("%(name)s stimmt dem Teilen von Beitrag #%(post)s zu.")
            else:
                text = _("%(name)s lehnt das Teilen von Beitrag #%(post)s ab.")
            steps.append((consent.answered_at, text % {"name": name, "post": consent.post_id}))
        if consent.withdrawn_at:
            steps.append(
                (
                    consent.withdrawn_at,
                    _("%(name)s zieht Beitrag #%(post)s aus der Kopie zurück.")
                    % {"name": name, "post": consent.post_id},
                )
            )
    if proposal.decided_at:
        decider = display_name(proposal.decided_by) if proposal.decided_by else _("Unbekannt")
        texts = {
            ShareProposal.Status.SHARED: _("%(name)s bestätigt: geteilt."),
            ShareProposal.Status.REFUSED: _("%(name)s lehnt das Teilen ab."),
            ShareProposal.Status.CANCELLED: _("%(name)s zieht den Vorschlag zurück."),
        }
        steps.append((proposal.decided_at, texts[proposal.status] % {"name": decider}))
    return sorted(steps, key=lambda step: step[0])


def _visible_proposal(request: HttpRequest, pk: int) -> ShareProposal:
    proposal = selectors.share_proposal_visible_to(pk, request.user)
    if proposal is None:
        raise Http404
    return proposal


@login_required
@require_POST
def consent_answer(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's consent answers 404: whose posts were asked about is not for others.
    consent = get_object_or_404(ShareConsent, pk=pk, author=request.user)
    accept = ANSWERS.get(request.POST.get("antwort", ""))
    if accept is None:
        return HttpResponseBadRequest(_("Bitte antworten Sie mit Ja oder Nein."))
    try:
        services.answer_consent(consent=consent, author=request.user, accept=accept)
    except (ValidationError, PermissionDenied):
        messages.error(request, _("Über diesen Vorschlag ist bereits entschieden."))
    else:
        if accept:
            messages.success(request, _("Sie haben dem Teilen zugestimmt."))
        else:
            messages.success(request, _("Sie haben das Teilen abgelehnt."))
    return redirect("forum:share_overview")


def _decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = _visible_proposal(request, pk)
    # Moderators without two-factor login are sent to set it up; everyone else the service
    # refuses (403), or tells that the decision was made already.
    if action != "cancel" and policy.allowed(request.user, "forum.decide_share", proposal):
        require_mfa(request.user)
    try:
        if action == "confirm":
            services.confirm_share(proposal=proposal, moderator=request.user)
            messages.success(request, _("Die Diskussion ist mit Zustimmung geteilt."))
        elif action == "refuse":
            services.refuse_share(proposal=proposal, moderator=request.user)
            messages.success(request, _("Der Vorschlag ist abgelehnt."))
        else:
            services.cancel_share(proposal=proposal, actor=request.user)
            messages.success(request, _("Der Vorschlag ist zurückgezogen."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(proposal.get_absolute_url())


@login_required
@require_POST
def share_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "confirm")


@login_required
@require_POST
def share_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "refuse")


@login_required
@require_POST
def share_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "cancel")


@login_required
@require_POST
def shared_post_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The author takes back their copied post; they may not read the copy's space, so the
    copy is found by its author, not through the spaces they read."""
    post = get_object_or_404(Post, pk=pk, author=request.user, shared_from__isnull=False)
    services.withdraw_shared_post(post=post, author=request.user)
    messages.success(request, _("Ihr Beitrag ist aus der geteilten Kopie entfernt."))
    return redirect("forum:share_overview")
