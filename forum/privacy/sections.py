"""The forum's sections of a person's data export (``forum.privacy.export``): account, profile,
email addresses, two-factor methods, memberships, posts with their revisions, attachments,
helpful marks, subscriptions, read positions, reports, notifications and their settings,
invitations sent, proposals to share and the answers given, private conversations, own
messages and blocks. Registered from
``ForumConfig.ready()``."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from ..models import (
    Attachment,
    ContactBlock,
    Conversation,
    ConversationMessage,
    HelpfulMark,
    Invitation,
    Membership,
    Notification,
    NotificationPreference,
    Post,
    PostRevision,
    Profile,
    ReadState,
    Report,
    ShareConsent,
    ShareProposal,
    SpaceNotificationLevel,
    Subscription,
    Topic,
    display_name,
)
from ..notifications import deliveries_by_user, visible_q
from .export import ExportedFile, Section, readable_spaces_filter, register_section, safe_filename

WHEN = _("Zeitpunkt")


def account(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "user_id": user.pk,
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_active": user.is_active,
        }
    ]


def profile(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "display_name": profile.display_name,
            "town": profile.town.name if profile.town else None,
            "function": profile.function,
            "bio": profile.bio,
            "accepts_contact_requests": profile.accepts_contact_requests,
        }
        for profile in Profile.objects.filter(user=user).select_related("town")
    ]


def email_addresses(user: Any) -> list[dict[str, Any]]:
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("pk")
    ]


def mfa_authenticators(user: Any) -> list[dict[str, Any]]:
    # Never ``data``: it holds the secret and the recovery codes.
    return [
        {
            "type": authenticator.type,
            "created_at": authenticator.created_at,
            "last_used_at": authenticator.last_used_at,
        }
        for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
    ]


def memberships(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "consortium": membership.consortium.name,
            "role": membership.role,
            "joined_at": membership.joined_at,
        }
        for membership in Membership.objects.filter(user=user).select_related("consortium")
    ]


def posts(user: Any) -> list[dict[str, Any]]:
    revisions = PostRevision.objects.order_by("created_at", "pk")
    rows = []
    for post in (
        Post.objects.filter(author=user)
        .select_related("topic")
        .prefetch_related(Prefetch("revisions", queryset=revisions))
        .order_by("pk")
    ):
        own_topic = post.topic.author_id == user.pk
        rows.append(
            {
                "post_id": post.pk,
                "topic_id": post.topic_id,
                "topic_title": post.topic.title if own_topic else None,
                "body": post.body,
                "created_at": post.created_at,
                "edited_at": post.edited_at,
                "deleted_at": post.deleted_at,
                "hidden_at": post.hidden_at,
                "revisions": [
                    {
                        "body": revision.body,
                        "created_at": revision.created_at,
                        "replaced_at": revision.replaced_at,
                    }
                    for revision in post.revisions.all()
                ],
            }
        )
    return rows


def topics(user: Any) -> list[dict[str, Any]]:
    return [
        {"topic_id": topic.pk, "title": topic.title, "created_at": topic.created_at}
        for topic in Topic.objects.filter(author=user).order_by("pk")
    ]


def attachments(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "attachment_id": attachment.pk,
            "post_id": attachment.post_id,
            "original_name": attachment.original_name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "file": ExportedFile(
                "beitraege", safe_filename(attachment.original_name, attachment.pk), attachment.file
            ),
        }
        for attachment in Attachment.objects.filter(post__author=user).order_by("pk")
    ]


def helpful_marks(user: Any) -> list[dict[str, Any]]:
    return list(
        HelpfulMark.objects.filter(user=user).order_by("pk").values("post_id", "created_at")
    )


def subscriptions(user: Any) -> list[dict[str, Any]]:
    return list(
        Subscription.objects.filter(user=user).order_by("pk").values("topic_id", "created_at")
    )


def read_positions(user: Any) -> list[dict[str, Any]]:
    return list(
        ReadState.objects.filter(user=user)
        .order_by("pk")
        .values("topic_id", "last_read_post_id", "updated_at")
    )


def reports(user: Any) -> list[dict[str, Any]]:
    return list(
        Report.objects.filter(reporter=user)
        .order_by("pk")
        .values("post_id", "reason", "created_at", "handled_at", "resolution")
    )


def notifications(user: Any) -> list[dict[str, Any]]:
    # Only what the person may still see: after leaving a consortium, its notices (titles and
    # excerpts of other people's posts) are no longer theirs to read.
    return list(
        Notification.objects.filter(visible_q(user))
        .order_by("created_at", "pk")
        .values("kind", "title", "excerpt", "url", "created_at", "read_at", "emailed_at")
    )


def notification_preferences(user: Any) -> list[dict[str, Any]]:
    chosen = set(NotificationPreference.objects.filter(user=user).values_list("kind", flat=True))
    return [
        {"kind": kind, "delivery": delivery, "chosen": kind in chosen}
        for kind, delivery in deliveries_by_user([user.pk])[user.pk].items()
    ]


def space_notification_levels(user: Any) -> list[dict[str, Any]]:
    levels = SpaceNotificationLevel.objects.filter(user=user).select_related("space")
    readable = set(
        levels.filter(readable_spaces_filter(user, "space__")).values_list("pk", flat=True)
    )
    return [
        {
            "space_id": level.space_id,
            "space_name": level.space.name if level.pk in readable else None,
            "level": level.level,
        }
        for level in levels.order_by("pk")
    ]


def share_proposals(user: Any) -> list[dict[str, Any]]:
    return list(
        ShareProposal.objects.filter(proposer=user)
        .order_by("pk")
        .values("topic_id", "target_id", "note", "status", "created_at", "decided_at")
    )


def share_consents(user: Any) -> list[dict[str, Any]]:
    return list(
        ShareConsent.objects.filter(author=user)
        .order_by("pk")
        .values("proposal_id", "post_id", "state", "answered_at", "withdrawn_at")
    )


def invitations_sent(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "consortium": invitation.consortium.name,
            "email": invitation.email,
            "role": invitation.role,
            "created_at": invitation.created_at,
            "expires_at": invitation.expires_at,
            "status": invitation.status,
        }
        for invitation in Invitation.objects.filter(invited_by=user)
        .select_related("consortium")
        .order_by("pk")
    ]


SECTIONS = [
    Section(
        "konto",
        _("Ihr Benutzerkonto."),
        {
            "user_id": _("Nummer Ihres Kontos"),
            "username": _("Benutzername"),
            "first_name": _("Vorname"),
            "last_name": _("Nachname"),
            "email": _("E-Mail-Adresse des Kontos"),
            "date_joined": _("Registriert am"),
            "last_login": _("Zuletzt angemeldet am"),
            "is_active": _("Konto aktiv (true/false)"),
        },
        account,
        order=10,
    ),
    Section(
        "profil",
        _("Ihr Profil, wie andere Mitglieder es sehen."),
        {
            "display_name": _("Anzeigename"),
            "town": _("Kleinstadt"),
            "function": _("Funktion"),
            "bio": _("Kurzvorstellung"),
            "accepts_contact_requests": _("Ansprechperson für Fallstudien"),
        },
        profile,
        order=11,
    ),
    Section(
        "email_adressen",
        _("Ihre E-Mail-Adressen."),
        {
            "email": _("E-Mail-Adresse"),
            "verified": _("bestätigt (true/false)"),
            "primary": _("Hauptadresse (true/false)"),
        },
        email_addresses,
        order=12,
    ),
    Section(
        "zwei_faktor",
        _("Ihre Verfahren der Zwei-Faktor-Anmeldung, ohne Schlüssel und Wiederherstellungscodes."),
        {
            "type": _("Art (totp: Authenticator-App, recovery_codes: Wiederherstellungscodes)"),
            "created_at": _("Eingerichtet am"),
            "last_used_at": _("Zuletzt benutzt am"),
        },
        mfa_authenticators,
        order=13,
    ),
    Section(
        "mitgliedschaften",
        _("Ihre Mitgliedschaften in Verbünden."),
        {
            "consortium": _("Verbund"),
            "role": _("Rolle (member, coach, core_team)"),
            "joined_at": _("Beigetreten am"),
        },
        memberships,
        order=20,
    ),
    Section(
        "beitraege",
        _("Ihre Beiträge im Forum mit allen früheren Fassungen, auch gelöschte und ausgeblendete."),
        {
            "post_id": _("Nummer des Beitrags"),
            "topic_id": _("Nummer der Diskussion"),
            "topic_title": _("Titel der Diskussion, nur wenn Sie sie begonnen haben, sonst null"),
            "body": _("Text (Markdown)"),
            "created_at": _("Geschrieben am"),
            "edited_at": _("Zuletzt bearbeitet am"),
            "deleted_at": _("Gelöscht am"),
            "hidden_at": _("Von der Moderation ausgeblendet am"),
            "revisions": _("Frühere Fassungen: body, created_at, replaced_at (ersetzt am)"),
        },
        posts,
        order=30,
    ),
    Section(
        "diskussionen",
        _("Diskussionen, die Sie begonnen haben."),
        {
            "topic_id": _("Nummer der Diskussion"),
            "title": _("Titel"),
            "created_at": _("Begonnen am"),
        },
        topics,
        order=31,
    ),
    Section(
        "anhaenge",
        _("Dateien, die Sie an Beiträge angehängt haben; sie liegen im Ordner „dateien“."),
        {
            "attachment_id": _("Nummer des Anhangs"),
            "post_id": _("Nummer des Beitrags"),
            "original_name": _("Dateiname beim Hochladen"),
            "content_type": _("Dateityp"),
            "size": _("Größe in Bytes"),
            "file": _("Pfad der Datei in diesem ZIP"),
        },
        attachments,
        order=32,
    ),
    Section(
        "hilfreich_markiert",
        _("Beiträge, die Sie als hilfreich markiert haben."),
        {"post_id": _("Nummer des Beitrags"), "created_at": WHEN},
        helpful_marks,
        order=33,
    ),
    Section(
        "abonnements",
        _("Diskussionen, denen Sie folgen."),
        {"topic_id": _("Nummer der Diskussion"), "created_at": WHEN},
        subscriptions,
        order=34,
    ),
    Section(
        "lesepositionen",
        _("Wie weit Sie Diskussionen gelesen haben."),
        {
            "topic_id": _("Nummer der Diskussion"),
            "last_read_post_id": _("Nummer des zuletzt gezeigten Beitrags"),
            "updated_at": WHEN,
        },
        read_positions,
        order=35,
    ),
    Section(
        "meldungen",
        _("Beiträge, die Sie der Moderation gemeldet haben."),
        {
            "post_id": _("Nummer des Beitrags"),
            "reason": _("Ihr Grund"),
            "created_at": _("Gemeldet am"),
            "handled_at": _("Bearbeitet am"),
            "resolution": _("Ergebnis"),
        },
        reports,
        order=36,
    ),
    Section(
        "benachrichtigungen",
        _("Ihre Benachrichtigungen, soweit Sie sie noch sehen dürfen."),
        {
            "kind": _("Art"),
            "title": _("Titel"),
            "excerpt": _("Auszug"),
            "url": _("Adresse auf der Plattform"),
            "created_at": _("Erstellt am"),
            "read_at": _("Gelesen am"),
            "emailed_at": _("Per E-Mail geschickt am"),
        },
        notifications,
        order=40,
    ),
    Section(
        "benachrichtigungs_einstellungen",
        _("Wie Sie jede Art von Benachrichtigung bekommen."),
        {
            "kind": _("Art"),
            "delivery": _("Zustellung (in_app, immediate, daily, weekly, off)"),
            "chosen": _("true: von Ihnen gewählt, false: Voreinstellung"),
        },
        notification_preferences,
        order=41,
    ),
    Section(
        "bereichs_einstellungen",
        _("Ihre Einstellungen für Benachrichtigungen je Forumsbereich."),
        {
            "space_id": _("Nummer des Bereichs"),
            "space_name": _("Name des Bereichs, null wenn Sie ihn nicht mehr lesen dürfen"),
            "level": _("all (allen Beiträgen folgen), default, mute (stumm)"),
        },
        space_notification_levels,
        order=42,
    ),
    Section(
        "einladungen",
        _("Einladungen, die Sie verschickt haben."),
        {
            "consortium": _("Verbund"),
            "email": _("Eingeladene E-Mail-Adresse"),
            "role": _("Rolle"),
            "created_at": _("Erstellt am"),
            "expires_at": _("Gültig bis"),
            "status": _("pending, accepted, revoked, expired"),
        },
        invitations_sent,
        order=50,
    ),
    Section(
        "teilen_vorschlaege",
        _("Ihre Vorschläge, Diskussionen mit Zustimmung zu teilen."),
        {
            "topic_id": _("Nummer der Diskussion"),
            "target_id": _("Nummer des Ziel-Bereichs"),
            "note": _("Ihre Begründung"),
            "status": _("asking, waiting, shared, refused, cancelled"),
            "created_at": _("Vorgeschlagen am"),
            "decided_at": _("Entschieden am"),
        },
        share_proposals,
        order=37,
    ),
    Section(
        "teilen_zustimmungen",
        _("Ihre Antworten, wenn jemand einen Ihrer Beiträge teilen wollte."),
        {
            "proposal_id": _("Nummer des Vorschlags"),
            "post_id": _("Nummer des Beitrags"),
            "state": _("asked (keine Antwort), accepted (zugestimmt), declined (abgelehnt)"),
            "answered_at": _("Beantwortet am"),
            "withdrawn_at": _("Aus der Kopie zurückgezogen am"),
        },
        share_consents,
        order=38,
    ),
]


def conversations(user: Any) -> list[dict[str, Any]]:
    rows = []
    for conversation in (
        Conversation.objects.filter(Q(first=user) | Q(second=user))
        .select_related("first__profile", "second__profile")
        .order_by("pk")
    ):
        other = conversation.other_than(user)
        rows.append(
            {
                "conversation_id": conversation.pk,
                "with": display_name(other) if other is not None else None,
                "created_at": conversation.created_at,
                "last_message_at": conversation.last_message_at,
            }
        )
    return rows


def conversation_messages(user: Any) -> list[dict[str, Any]]:
    return [
        {"conversation_id": conversation_id, "body": body, "created_at": created_at}
        for conversation_id, body, created_at in ConversationMessage.objects.filter(author=user)
        .order_by("pk")
        .values_list("conversation_id", "body", "created_at")
    ]


def contact_blocks(user: Any) -> list[dict[str, Any]]:
    return [
        {"blocked": display_name(block.blocked), "created_at": block.created_at}
        for block in ContactBlock.objects.filter(blocker=user)
        .select_related("blocked__profile")
        .order_by("pk")
    ]


SECTIONS += [
    Section(
        "unterhaltungen",
        _("Ihre privaten Unterhaltungen mit anderen Mitgliedern."),
        {
            "conversation_id": _("Nummer der Unterhaltung"),
            "with": _("Mit wem, null wenn das Konto gelöscht ist"),
            "created_at": _("Begonnen am"),
            "last_message_at": _("Letzte Nachricht am"),
        },
        conversations,
        order=55,
    ),
    Section(
        "nachrichten",
        _("Die Nachrichten, die Sie in privaten Unterhaltungen geschrieben haben."),
        {
            "conversation_id": _("Nummer der Unterhaltung"),
            "body": _("Text"),
            "created_at": WHEN,
        },
        conversation_messages,
        order=56,
    ),
    Section(
        "blockierte_personen",
        _("Personen, die Sie für Kontaktanfragen und Nachrichten blockiert haben."),
        {"blocked": _("Name der Person"), "created_at": _("Blockiert seit")},
        contact_blocks,
        order=57,
    ),
]


def register() -> None:
    for section in SECTIONS:
        register_section(section)
