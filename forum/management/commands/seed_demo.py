"""Load demo data: towns, two consortia with phases, demo accounts, the mandatory text pages, the
case pages and action modules (``cms.demo``) and forum discussions.

The command is idempotent: every object is looked up by a stable key (slug, email, or the natural
unique key of the model) and only written when it is missing or differs from the demo definition.
Passwords are set only when an account is created, and existing Wagtail pages are never
overwritten, so a second run creates nothing and changes nothing.

The first consortium follows the BBSR report "StadtLabor Kleinstadt" (BBSR-Online-Publikation
09/2025). The report gives no exact project dates: it speaks of a "knapp zweijährige Laufzeit" in
the academy's pilot phase (before its institutionalisation from 2023) and dates the pop-up labs of
the transfer phase to June 2022 – June 2023. The dates below are derived from that. The second
consortium and all people are invented.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone

from cms.demo import seed_cms_demo
from cms.models import HomePage, StandardPage
from forum.models import (
    Consortium,
    HelpfulMark,
    Membership,
    Notification,
    Phase,
    Post,
    Profile,
    Role,
    Space,
    State,
    Tag,
    Topic,
    Town,
)
from forum.rules import EDITOR_GROUP
from forum.services import (
    create_consortium_space,
    create_topic,
    post_reply,
    set_lesson,
    toggle_helpful,
)
from workshops.demo import seed_workshops_demo

DEMO_PASSWORD = "Demo-Passwort-2026"
EMAIL_DOMAIN = "kleinstadtakademie.example"


# --------------------------------------------------------------------------------------------
# Towns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TownData:
    slug: str
    name: str
    state: str
    population: int
    description: str


TOWNS_STADTLABOR = [
    TownData(
        slug="wittenberge",
        name="Wittenberge",
        state=State.BRANDENBURG,
        population=16900,
        description=(
            "Leitkommune des Verbunds und größte Stadt der Prignitz, etwa in der Mitte zwischen "
            "Berlin und Hamburg. Die einst von der Textilindustrie geprägte Stadt hat mit "
            "Strukturproblemen zu tun, verfügt aber über leerstehende Gewerbe- und Wohnräume und "
            "über Erfahrung mit dem Probewohnen und -arbeiten („Summer of Pioneers“). Das "
            "Pop-up-Labor (Juli 2022 bis Juni 2023) setzte beim vorhandenen Co-Working-Space an: "
            "Schnupper-Co-Working für regionale Unternehmen, Befragungen der Co-Worker und der "
            "Bahnpendelnden (per QR-Code auf Äpfeln) sowie ein Betriebskonzept für den künftigen "
            "Co-Working-Space im Bahnhofsgebäude."
        ),
    ),
    TownData(
        slug="diessen-am-ammersee",
        name="Dießen am Ammersee",
        state=State.BAYERN,
        population=10600,
        description=(
            "Flächenreiche Marktgemeinde am Ammersee, rund 45 Kilometer von München entfernt. "
            "Finanziell gut aufgestellt, mit hoher Kaufkraft, hohen Lebenshaltungskosten und "
            "vielen Auspendelnden. Mit dem Ammersee Denkerhaus gibt es seit 2013 einen "
            "Co-Working-Space am Ort. Im Pop-up-Labor fragte die Gemeinde ihre Bürgerinnen und "
            "Bürger online nach Arbeitsalltag, Pendelwegen und der Attraktivität des Ortes und "
            "entwickelte daraus in zwei Bürgerworkshops Ideen. Eine Task Force aus Bürgerschaft "
            "und Fachleuten arbeitet am Thema weiter; geplant ist ein Modellversuch, der "
            "Co-Working mit der Unterstützung von Vereinen verbindet."
        ),
    ),
    TownData(
        slug="dippoldiswalde",
        name="Dippoldiswalde",
        state=State.SACHSEN,
        population=10000,
        description=(
            "Mittelzentrum mit zwanzig Ortsteilen südlich von Dresden, nahe der tschechischen "
            "Grenze. Der mittelalterliche Bergbau hat die Stadt groß gemacht; ihr Bergbaumuseum "
            "gehört zum UNESCO-Welterbe Montanregion Erzgebirge/Krušnohoří. Eine direkte "
            "Bahnanbindung fehlt, in einigen Ortsteilen stehen viele Wohnungen leer. Die zunächst "
            "geplanten temporären Co-Working-Spaces scheiterten an Geld und Räumen; stattdessen "
            "befragte die Stadt ihre Bewohnerschaft. Das Interesse an Co-Working war gering, "
            "dafür entstanden Ideen, mobiles Arbeiten in der Verwaltung zu erproben."
        ),
    ),
    TownData(
        slug="moelln",
        name="Mölln",
        state=State.SCHLESWIG_HOLSTEIN,
        population=19900,
        description=(
            "Eulenspiegelstadt zwischen mehreren Seen im Naturpark Lauenburgische Seen, am Rand "
            "der Metropolregion Hamburg und mit Bahnverbindung nach Lübeck und Lüneburg. Mölln "
            "gilt als Wohnort vieler Pendelnder, die Altstadt kämpft mit Leerstand, die "
            "Stadtgesellschaft ist engagiert. Das Pop-up-Labor war eine Themenwoche "
            "„Co-Working-Space und Regionalzentrum“ an drei Orten – zu neuen Arbeitswelten, "
            "Co-Working, E-Sport und Dritten Orten, mit dem Co-Working-Space im Vereinsheim des "
            "Sportvereins als Anlaufpunkt. Der Auftakt war gut besucht, die weiteren Termine "
            "weniger."
        ),
    ),
    TownData(
        slug="oestrich-winkel",
        name="Oestrich-Winkel",
        state=State.HESSEN,
        population=11900,
        description=(
            "Weinbaustadt im Rheingau am Rhein, rund 20 Kilometer von Wiesbaden und mit "
            "Bahnanschluss ins Rhein-Main-Gebiet, wohin viele Beschäftigte pendeln. Eine "
            "gewachsene gemeinsame Ortsmitte fehlt. Als Pop-up-Labor öffnete die Stadt vom "
            "21. Juni bis 21. Dezember 2022 einen kostenlosen, online buchbaren Co-Working-Space "
            "mit sieben Arbeitsplätzen in einem früheren Wohnhaus, betreut von Mitarbeitenden der "
            "Verwaltung. "
            "Nach einem ruhigen Sommer stieg die Nachfrage ab September; viele Nutzende wären "
            "bereit, für einen dauerhaften Space zu zahlen."
        ),
    ),
]

TOWNS_ORTSKERNE = [
    TownData(
        slug="uslar",
        name="Uslar",
        state=State.NIEDERSACHSEN,
        population=14100,
        description=(
            "Kleinstadt am Rand des Sollings im Landkreis Northeim mit zahlreichen Ortsteilen. "
            "Im Demo-Verbund Leitkommune; Schwerpunkt sind leerstehende Ladenlokale in der "
            "Innenstadt und ein Leerstandskataster, das Verwaltung und Eigentümer gemeinsam "
            "pflegen."
        ),
    ),
    TownData(
        slug="bad-frankenhausen",
        name="Bad Frankenhausen/Kyffhäuser",
        state=State.THUERINGEN,
        population=10400,
        description=(
            "Kurstadt am Südrand des Kyffhäusergebirges, bekannt für das Panorama Museum und den "
            "schiefen Turm der Oberkirche. Im Demo-Verbund erprobt die Stadt Zwischennutzungen "
            "leerer Altstadthäuser für Kultur und Handwerk."
        ),
    ),
    TownData(
        slug="kirchheimbolanden",
        name="Kirchheimbolanden",
        state=State.RHEINLAND_PFALZ,
        population=8000,
        description=(
            "Kreisstadt des Donnersbergkreises mit barocker Altstadt. Im Demo-Verbund geht es um "
            "das Wohnen über Geschäften in der Altstadt und um die Frage, wie Eigentümerinnen und "
            "Eigentümer für eine Sanierung gewonnen werden."
        ),
    ),
]


# --------------------------------------------------------------------------------------------
# Consortia and their phases
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsortiumData:
    slug: str
    name: str
    theme: str
    lead_town: str
    towns: tuple[str, ...]
    start: date
    end: date
    description: str
    phases: tuple[tuple[str, date, date], ...]


STADTLABOR = ConsortiumData(
    slug="stadtlabor-kleinstadt",
    name="StadtLabor Kleinstadt",
    theme="Digitale Arbeitswelten",
    lead_town="wittenberge",
    towns=tuple(t.slug for t in TOWNS_STADTLABOR),
    start=date(2021, 9, 1),
    end=date(2023, 6, 30),
    description=(
        "Verbund aus der Pilotphase der Kleinstadtakademie: Fünf Kleinstädte aus fünf Ländern "
        "haben knapp zwei Jahre lang untersucht, was digitale Arbeitswelten für die Entwicklung "
        "kleiner Städte bedeuten können. Auf eine Bestandsaufnahme vor Ort folgten gemeinsam "
        "entwickelte Konzepte und schließlich fünf Pop-up-Labore – vom temporären Co-Working-Space "
        "bis zur Bürgerbefragung. Kleinstadtpatinnen und -paten haben die Städte begleitet, jede "
        "Stadt war einmal Gastgeberin einer Transferwerkstatt. Die Erfahrungen sind in "
        "übertragbare Handlungsbausteine eingeflossen.\n\n"
        "Demo-Daten nach dem BBSR-Bericht 09/2025; die Phasendaten sind aus dem Bericht "
        "abgeleitet, alle Personen und Konten sind erfunden."
    ),
    phases=(
        (Phase.Kind.EXPLORATION, date(2021, 9, 1), date(2022, 1, 31)),
        (Phase.Kind.CONSOLIDATION, date(2022, 2, 1), date(2022, 5, 31)),
        (Phase.Kind.TRANSFER, date(2022, 6, 1), date(2023, 6, 30)),
    ),
)

ORTSKERNE = ConsortiumData(
    slug="lebendige-ortskerne",
    name="Lebendige Ortskerne",
    theme="Leerstand und Innenentwicklung",
    lead_town="uslar",
    towns=tuple(t.slug for t in TOWNS_ORTSKERNE),
    start=date(2025, 4, 1),
    end=date(2027, 3, 31),
    description=(
        "Drei Kleinstädte suchen gemeinsam nach Wegen, leerstehende Läden und Häuser in ihren "
        "Ortskernen wieder zu nutzen: mit Leerstandskatastern, Zwischennutzungen und der "
        "Ansprache von Eigentümerinnen und Eigentümern.\n\n"
        "Fiktiver Demo-Verbund: Die Städte gibt es, ihre Teilnahme ist erfunden."
    ),
    phases=(
        (Phase.Kind.EXPLORATION, date(2025, 4, 1), date(2025, 11, 30)),
        (Phase.Kind.CONSOLIDATION, date(2025, 12, 1), date(2026, 5, 31)),
        (Phase.Kind.TRANSFER, date(2026, 6, 1), date(2027, 3, 31)),
    ),
)

CONSORTIA = [STADTLABOR, ORTSKERNE]


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonData:
    first_name: str
    last_name: str
    # Local part of the email address (ASCII, umlauts transcribed).
    local: str
    description: str
    function: str
    bio: str
    town: str | None = None
    consortium: str | None = None
    role: str | None = None
    editor: bool = False
    admin: bool = False

    @property
    def email(self) -> str:
        return f"{self.local}@{EMAIL_DOMAIN}"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


PEOPLE = [
    PersonData(
        "Anna",
        "Berger",
        "anna.berger",
        description="Mitglied (Stadtverwaltung), StadtLabor Kleinstadt",
        function="Wirtschaftsförderung",
        bio=(
            "Ich kümmere mich um Gewerbeflächen und Gründungen in Wittenberge und begleite den "
            "Co-Working-Space auf seinem Weg ins Bahnhofsgebäude."
        ),
        town="wittenberge",
        consortium=STADTLABOR.slug,
        role=Role.MEMBER,
    ),
    PersonData(
        "Michael",
        "Huber",
        "michael.huber",
        description="Mitglied (Gemeindeverwaltung), StadtLabor Kleinstadt",
        function="Gemeindeentwicklung",
        bio=(
            "Im Markt Dießen zuständig für Gemeindeentwicklung und Ansprechpartner der Task Force "
            "„Neue Arbeitswelten“."
        ),
        town="diessen-am-ammersee",
        consortium=STADTLABOR.slug,
        role=Role.MEMBER,
    ),
    PersonData(
        "Sabine",
        "Richter",
        "sabine.richter",
        description="Mitglied (Stadtverwaltung), StadtLabor Kleinstadt",
        function="Stadtentwicklung und Bauverwaltung",
        bio=(
            "Ich arbeite in der Stadtentwicklung von Dippoldiswalde und interessiere mich dafür, "
            "wie mobiles Arbeiten in der Verwaltung gelingen kann."
        ),
        town="dippoldiswalde",
        consortium=STADTLABOR.slug,
        role=Role.MEMBER,
    ),
    PersonData(
        "Jan",
        "Petersen",
        "jan.petersen",
        description="Mitglied (Stadtverwaltung), StadtLabor Kleinstadt",
        function="Standortmarketing",
        bio=(
            "Standortmarketing in Mölln: Veranstaltungen, Leerstand in der Altstadt und alles, was "
            "Pendelnde zum Bleiben bewegt."
        ),
        town="moelln",
        consortium=STADTLABOR.slug,
        role=Role.MEMBER,
    ),
    PersonData(
        "Claudia",
        "Weber",
        "claudia.weber",
        description="Mitglied (Stadtverwaltung), StadtLabor Kleinstadt",
        function="Stabsstelle Digitalisierung",
        bio=(
            "Ich habe den Pop-up-Co-Working-Space in Oestrich-Winkel mit aufgebaut und betreut und "
            "suche nach einem Modell für einen dauerhaften Betrieb."
        ),
        town="oestrich-winkel",
        consortium=STADTLABOR.slug,
        role=Role.MEMBER,
    ),
    PersonData(
        "Lars",
        "Meyer",
        "lars.meyer",
        description="Mitglied (Stadtverwaltung), Lebendige Ortskerne",
        function="Innenstadtmanagement",
        bio=(
            "Innenstadtmanager in Uslar. Mein Thema sind leere Ladenlokale und die Frage, wie wir "
            "mit Eigentümern ins Gespräch kommen."
        ),
        town="uslar",
        consortium=ORTSKERNE.slug,
        role=Role.MEMBER,
    ),
    PersonData(
        "Katrin",
        "Vogel",
        "katrin.vogel",
        description="Kleinstadtpatin, StadtLabor Kleinstadt",
        function="Kleinstadtpatin für Co-Working",
        bio=(
            "Ich berate Kommunen beim Aufbau von Co-Working-Angeboten auf dem Land und moderiere "
            "den Austausch im Verbund."
        ),
        consortium=STADTLABOR.slug,
        role=Role.COACH,
    ),
    PersonData(
        "Thomas",
        "Krüger",
        "thomas.krueger",
        description="Kleinstadtpate, Lebendige Ortskerne",
        function="Kleinstadtpate für Innenentwicklung",
        bio=(
            "Stadtplaner mit Erfahrung in Leerstandsmanagement und Zwischennutzung; ich begleite "
            "die Städte des Verbunds und moderiere ihre Runden."
        ),
        consortium=ORTSKERNE.slug,
        role=Role.COACH,
    ),
    PersonData(
        "Julia",
        "Schmidt",
        "julia.schmidt",
        description="Kernteam, StadtLabor Kleinstadt",
        function="Projektkoordination und wissenschaftliche Begleitung",
        bio=(
            "Im Kernteam koordiniere ich den Verbund, plane die Transferwerkstätten und werte die "
            "Pop-up-Labore aus."
        ),
        consortium=STADTLABOR.slug,
        role=Role.CORE_TEAM,
    ),
    PersonData(
        "Miriam",
        "Hoffmann",
        "miriam.hoffmann",
        description="Redaktion (Wagtail-Gruppe Editors)",
        function="Redaktion der Kleinstadtakademie",
        bio="Ich betreue die Fallseiten der Pop-up-Labore und die Handlungsbausteine.",
        editor=True,
    ),
    PersonData(
        "Peter",
        "Neumann",
        "peter.neumann",
        description="Administration (Superuser)",
        function="Plattformbetreuung der Kleinstadtakademie",
        bio="Ich betreue die Plattform technisch und helfe bei Fragen zu Zugängen.",
        admin=True,
    ),
]


# --------------------------------------------------------------------------------------------
# Wagtail pages
# --------------------------------------------------------------------------------------------

HOME_INTRO = (
    "Die Kleinstadtakademie verbindet Mitarbeitende aus Kleinstädten: im geschlossenen Austausch "
    "ihres Verbunds, in Transferwerkstätten vor Ort und über Fallseiten zu den Pop-up-Laboren."
)

HOME_BODY = (
    "<p>Rund 2.100 Kleinstädte gibt es in Deutschland. Viele stehen vor ähnlichen Fragen – und "
    "haben wenig Zeit, sich darüber auszutauschen. Die Kleinstadtakademie bringt jeweils etwa "
    "fünf Städte für rund zwei Jahre zu einem Verbund zusammen, der an einem gemeinsamen Thema "
    "arbeitet, begleitet von Kleinstadtpatinnen und -paten und einem Kernteam.</p>"
    "<p>Auf dieser Plattform hat jeder Verbund einen eigenen, geschlossenen Bereich: Nur seine "
    "Mitglieder sehen, was dort besprochen wird. So können Erfahrungen offen und auf Augenhöhe "
    "geteilt werden – auch die, die nicht geklappt haben. Die Transferwerkstätten, bei denen sich "
    "der Verbund reihum in einer der Städte trifft, werden hier vorbereitet und dokumentiert.</p>"
    "<p>Was sich bewährt hat, wird öffentlich: als Fallseite zu einem Pop-up-Labor oder als "
    "Handlungsbaustein, den andere Kleinstädte übernehmen können.</p>"
    "<p><i>Dies ist eine Demo-Installation. Alle Personen und Konten sind erfunden.</i></p>"
)

DEMO_NOTICE = (
    "<p><b>Hinweis:</b> Dies ist eine Demo-Installation der Plattform. Der folgende Text ist ein "
    "Platzhalter und muss vor einem öffentlichen Betrieb durch einen geprüften Text ersetzt "
    "werden.</p>"
)

# Overview pages in the main navigation that no app has taken over yet. The case index
# ("Fallstudien"), the action modules and the workshops overview ("Transferwerkstätten")
# come from cms.demo, which replaces earlier plain placeholders of theirs.
MENU_PAGES: list[tuple[str, str, str]] = []

STANDARD_PAGES = [
    (
        "impressum",
        "Impressum",
        DEMO_NOTICE + "<h2>Angaben zur Betreiberin</h2>"
        "<p>Kleinstadtakademie (Demo-Betrieb)<br/>"
        "Musterstraße 1<br/>"
        "00000 Musterstadt<br/>"
        "(Platzhalteradresse – keine gültige Anschrift)</p>"
        "<h2>Kontakt</h2>"
        "<p>E-Mail: kontakt@" + EMAIL_DOMAIN + " (Platzhalter, nicht erreichbar)</p>"
        "<h2>Verantwortlich für den Inhalt</h2>"
        "<p>Wird vor dem Produktivbetrieb ergänzt. Inhalte der geschlossenen Verbundbereiche "
        "verantworten die jeweiligen Verfasserinnen und Verfasser.</p>",
    ),
    (
        "datenschutz",
        "Datenschutz",
        DEMO_NOTICE + "<h2>Datenschutzerklärung (Platzhalter)</h2>"
        "<p>Hier steht vor dem Produktivbetrieb die vollständige Datenschutzerklärung: wer "
        "verantwortlich ist, welche Daten zu welchem Zweck verarbeitet werden, wie lange sie "
        "gespeichert werden und welche Rechte Betroffene haben.</p>"
        "<p>Zur Orientierung: Die Plattform speichert für jedes Konto eine E-Mail-Adresse, ein "
        "Profil (Anzeigename, Kleinstadt, Funktion, Kurzvorstellung), die Mitgliedschaften in "
        "Verbünden sowie die eigenen Beiträge. Für die Anmeldung werden technisch notwendige "
        "Cookies gesetzt.</p>"
        "<p>Die Demo-Installation enthält ausschließlich erfundene Personen.</p>",
    ),
    (
        "barrierefreiheit",
        "Barrierefreiheit",
        DEMO_NOTICE + "<h2>Erklärung zur Barrierefreiheit (Platzhalter)</h2>"
        "<p>Die Plattform soll für alle gut nutzbar sein – auch mit Screenreader, Tastatur oder "
        "vergrößerter Darstellung. Eine Prüfung der Barrierefreiheit hat für diese "
        "Demo-Installation noch nicht stattgefunden; eine Aussage zur Konformität ist daher noch "
        "nicht möglich.</p>"
        "<h2>Barrieren melden</h2>"
        "<p>Eine Kontaktmöglichkeit für Rückmeldungen zu Barrieren wird vor dem Produktivbetrieb "
        "ergänzt.</p>",
    ),
]


# --------------------------------------------------------------------------------------------
# Forum: tags and demo discussions
# --------------------------------------------------------------------------------------------

# The academy-wide space is created by migration forum/0004; closed spaces by the consortia above.
ACADEMY_SPACE_SLUG = "erfahrungsaustausch"

FORUM_TAGS = [
    ("co-working", "Co-Working"),
    ("befragung", "Befragung"),
    ("leerstand", "Leerstand"),
    ("aktionswoche", "Aktionswoche"),
    ("task-force", "Task Force"),
    ("transferwerkstatt", "Transferwerkstatt"),
    ("buergerbeteiligung", "Bürgerbeteiligung"),
]


@dataclass(frozen=True)
class PostData:
    # Local part of the author's email address (see PEOPLE).
    author: str
    body: str
    # Who marks the post as helpful (local parts); never the author.
    helpful: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicData:
    # Consortium slug of a closed space, or ACADEMY_SPACE_SLUG.
    space: str
    title: str
    tags: tuple[str, ...]
    opening: PostData
    replies: tuple[PostData, ...]
    # Marked as "Erkenntnis" by its author.
    lesson: bool = False


# Written for the demo from the facts of the BBSR report (sections 3 and 4); the Lebendige
# Ortskerne discussions are invented like that consortium. Posts go through the services, which
# allow 10 posts per author and minute: nobody here writes more than 7, so `make run` followed by
# a user's own posting never hits the limit.
FORUM_TOPICS = [
    TopicData(
        space=STADTLABOR.slug,
        title="Pop-up-Co-Working in Oestrich-Winkel: Wie wir gebucht und betreut haben",
        tags=("co-working",),
        opening=PostData(
            "claudia.weber",
            "Ein halbes Jahr lang, vom 21. Juni bis zum 21. Dezember 2022, hatten wir in "
            "Oestrich-Winkel einen Co-Working-Space auf Zeit. Eigentlich sollte er in ein "
            "Ladenlokal, das hat nicht geklappt; gelandet sind wir in einem ehemaligen Wohnhaus. "
            "Für alle, die Ähnliches vorhaben, die Eckdaten:\n\n"
            "- **sieben Arbeitsplätze**, dazu Lounge-Ecke, Empfang, Konferenztisch, Whiteboard "
            "und Flipchart\n"
            "- **kostenlos**, aber nur mit vorheriger Buchung über eine Online-Plattform\n"
            "- während der Öffnungszeiten saß immer jemand aus der Verwaltung vor Ort, hat die "
            "Gäste betreut und nebenher die eigene Arbeit erledigt\n"
            "- Werbung mit Bannern, Flyern, Social Media und Pressemitteilungen\n\n"
            "In den Sommerferien war es sehr ruhig, ab September kamen deutlich mehr Buchungen. Im "
            "Oktober und November haben wir den Raum außerdem für viele Workshops und Sitzungen "
            "genutzt.\n\n"
            "Meine Frage an euch: Wie kommt man von so einem Versuch zu einem **dauerhaften "
            "Betrieb**? Viele Gäste haben gesagt, sie würden dafür zahlen – aber wer trägt das "
            "Ganze organisatorisch?",
        ),
        replies=(
            PostData(
                "anna.berger",
                "Bei uns in Wittenberge ist die Lage etwas anders: Es gibt schon einen "
                "Co-Working-Space in der Laborstraße 1, den vor allem die elblandwerker nutzen, "
                "und er soll ins Bahnhofsgebäude umziehen. Für den Bahnhof haben wir mit einem "
                "externen Dienstleister, der Eigentümerin des Gebäudes und dem Architektenteam ein "
                "Betriebskonzept erarbeitet.\n\n"
                "Was ich mitnehme: Holt die künftigen Nutzerinnen und Nutzer früh an den Tisch. "
                "Wir haben unsere Co-Worker eigens befragt, weil die Community, die es schon gibt, "
                "beim Umzug nicht verloren gehen darf.",
                helpful=("claudia.weber", "michael.huber"),
            ),
            PostData(
                "katrin.vogel",
                "@claudia.weber, die Zahlungsbereitschaft ist ein starkes Signal – so klar hat das "
                "kaum ein anderes Pop-up-Labor herausbekommen. Drei Fragen würde ich an eurer "
                "Stelle als Nächstes klären:\n\n"
                "1. **Wer betreibt?** Die Verwaltung kann anstoßen und Räume oder Mittel für die "
                "Erprobung bereitstellen, den Alltagsbetrieb wird sie auf Dauer kaum stemmen.\n"
                "2. **Wer trägt mit?** Gibt es unter euren Stammgästen Leute, die sich in einem "
                "Verein oder einer Genossenschaft engagieren würden?\n"
                "3. **Was sagt die Politik?** Ihr habt Rückenwind aus Verwaltung und Stadtpolitik "
                "– haltet ihn fest, solange die Erfahrung frisch ist.",
                helpful=("claudia.weber",),
            ),
            PostData(
                "julia.schmidt",
                "Zur Einordnung aus der Auswertung: Gäste und Veranstaltungsteilnehmende in "
                "Oestrich-Winkel haben fast durchweg positiv geantwortet, und die "
                "Transferwerkstatt in eurem Space war für viele im Verbund ein Höhepunkt. Der "
                "Bedarf ist also belegt. Offen ist, wie sich der Betrieb finanziell und "
                "organisatorisch tragen lässt – dafür lohnt ein Blick auf die Betreibermodelle, "
                "die gerade für Wittenberge entstehen.",
            ),
        ),
    ),
    TopicData(
        space=STADTLABOR.slug,
        title="Aktionswoche in Mölln: voller Auftakt, leere Folgetermine",
        tags=("aktionswoche", "co-working"),
        opening=PostData(
            "jan.petersen",
            "Ein kurzer Rückblick auf unsere Themenwoche „Co-Working-Space und Regionalzentrum“. "
            "Wir waren an drei Orten unterwegs und hatten vier Schwerpunkte:\n\n"
            "- Neue Arbeitswelten\n"
            "- Co-Working-Spaces\n"
            "- E-Sport\n"
            "- Lerninseln und Dritte Orte\n\n"
            "Eingeladen waren Unternehmen, Freelancer, Studierende, Schülerinnen und Schüler und "
            "alle, die im Homeoffice arbeiten. Der Sportverein konnte die Woche nutzen, um seinen "
            "Co-Working-Space im Vereinsheim bekannter zu machen, und Till Eulenspiegel war bei "
            "jeder Veranstaltung dabei.\n\n"
            "Die Auftaktveranstaltung war richtig gut besucht. **Zu den weiteren Terminen kamen "
            "dann nur noch wenige.** Hinterher haben wir allen Teilnehmenden eine Dokumentation "
            "geschickt; daraus sind ein paar neue Kontakte entstanden, vor allem zu Studierenden "
            "der TH Lübeck.\n\n"
            "Wie habt ihr es geschafft, dass Leute ein zweites Mal kommen?",
        ),
        replies=(
            PostData(
                "michael.huber",
                "Das kennen wir aus Dießen: Auch unsere beiden Bürgerworkshops waren kleiner, als "
                "wir gehofft hatten. Geholfen hat, vorher online zu befragen und die Workshops "
                "ausdrücklich auf die Antworten aufzubauen. Wer mitgemacht hatte, wollte dann "
                "auch wissen, was aus den eigenen Antworten wird.\n\n"
                "Aus den Workshops ist am Ende unsere Task Force entstanden – wenige Leute, aber "
                "die bleiben dran.",
                helpful=("jan.petersen",),
            ),
            PostData(
                "sabine.richter",
                "Wir in Dippoldiswalde waren gar nicht so weit, Veranstaltungen zu planen. Unser "
                "Eindruck aus der Befragung: Viele wissen nicht, was Co-Working konkret heißt. "
                "Vielleicht sind vier Themen in einer Woche viel auf einmal? Ein Thema, dafür "
                "öfter, könnte leichter sein.",
            ),
            PostData(
                "katrin.vogel",
                "> Zu den weiteren Terminen kamen dann nur noch wenige.\n>\n"
                "> — @jan.petersen\n\n"
                "Ich würde das nicht als Scheitern lesen. Oft entsteht die Nachfrage nach neuen "
                "Arbeitsorten erst, wenn man sie erleben kann – und Dritte Orte und Co-Working "
                "sind in Mölln seitdem im Gespräch geblieben. Für die nächsten Einzeltermine: "
                "Ladet die Leute vom Auftakt **persönlich** wieder ein, statt nur breit zu werben.",
                helpful=("jan.petersen", "sabine.richter"),
            ),
        ),
    ),
    TopicData(
        space=STADTLABOR.slug,
        title="Bürgerbefragungen: Wie bekommt ihr genug Rücklauf?",
        tags=("befragung", "buergerbeteiligung"),
        opening=PostData(
            "sabine.richter",
            "In Dippoldiswalde wollten wir ursprünglich zwei temporäre Co-Working-Spaces "
            "einrichten. Das ist an zwei Dingen gescheitert: Es fehlte das Geld, und wir haben "
            "keinen passenden Raum gefunden. Stattdessen haben wir unsere Bewohnerinnen und "
            "Bewohner mit einem Fragebogen nach ihren Wünschen gefragt.\n\n"
            "Das Ergebnis war ernüchternd: **Das Interesse an Co-Working ist bei uns gering.** "
            "Gelohnt hat sich die Befragung trotzdem, weil daraus neue Ideen entstanden sind:\n\n"
            "- vorübergehend Räume im Neubaugebiet nutzen\n"
            "- mobiles Arbeiten für die Mitarbeitenden der Verwaltung erproben\n"
            "- später einen Co-Working-Space im erweiterten Gewerbegebiet prüfen\n\n"
            "Für die nächste Runde wünsche ich mir mehr Antworten. @anna.berger, bei euch lief "
            "das doch über Äpfel?",
        ),
        replies=(
            PostData(
                "anna.berger",
                "Ja, genau! Wir wollten die Bahnpendelnden erreichen und haben Äpfel mit einem "
                "QR-Code zur Umfrage verteilt. Der Rücklauf war hoch – das kann ich wirklich "
                "empfehlen. Ein paar Ergebnisse, die uns überrascht haben:\n\n"
                "- Die meisten pendeln nach **Hamburg oder Berlin**.\n"
                "- Mehr als die Hälfte muss nicht unbedingt am Arbeitsplatz anwesend sein.\n"
                "- Besonders oft wurde die Deutsche Bahn als Arbeitgeberin genannt, und von diesen "
                "Befragten können rund 40 % auch remote arbeiten.\n\n"
                "Eine zweite Befragung ging an die Leute, die unseren Co-Working-Space schon "
                "nutzen.",
                helpful=("sabine.richter", "claudia.weber"),
            ),
            PostData(
                "michael.huber",
                "Unsere Befragung in Dießen lief komplett online, beworben mit einem Flyer. Es "
                "ging um den Arbeitsalltag, andere Arbeitsformen und darum, wie attraktiv die "
                "Gemeinde ist. Viele pendeln regelmäßig und nehmen lange Wege in Kauf; verbessern "
                "ließen sich vor allem Bus- und Bahnanbindung, Internet und Freizeitangebote.\n\n"
                "Mein Tipp: Überlegt vorher, was ihr mit den Antworten macht. Bei uns waren sie "
                "die Grundlage für zwei Bürgerworkshops.",
            ),
            PostData(
                "julia.schmidt",
                "Aus Sicht der Begleitforschung: Wie aussagekräftig die Befragungen waren, war von "
                "Ort zu Ort sehr unterschiedlich. Geholfen hat überall ein klarer Zweck. Und "
                "wertet die Ergebnisse nicht nur im Rathaus aus, sondern möglichst mit der "
                "Stadtgesellschaft zusammen – das ist selbst schon Beteiligung.",
                helpful=("sabine.richter",),
            ),
        ),
    ),
    TopicData(
        space=STADTLABOR.slug,
        title="Erkenntnis aus Dießen: Das Thema muss aus dem Ort selbst kommen",
        tags=("task-force", "buergerbeteiligung"),
        lesson=True,
        opening=PostData(
            "michael.huber",
            "Zum Ende unseres Pop-up-Labors möchte ich festhalten, was ich für die wichtigste "
            "Lehre halte. Aus Befragung und zwei Bürgerworkshops ist bei uns eine **Task Force aus "
            "Bürgerschaft und Fachleuten** geworden, die auch danach weitermacht. Geplant ist ein "
            "Modellversuch, der Co-Working mit der Unterstützung unserer Vereine verbindet.\n\n"
            "Was aus meiner Sicht den Unterschied gemacht hat:\n\n"
            "1. **Das Thema kam aus dem Ort.** Digitale Arbeitswelten klingen erst einmal "
            "abstrakt. Greifbar wurde es, als wir es mit dem verknüpft haben, was es in Dießen "
            "schon gibt: das Denkerhaus, die vielen Pendelnden, die Vereine.\n"
            "2. **Der Bürgermeister wollte es.** Ohne seine Rückendeckung hätten wir weder Zeit "
            "noch Räume bekommen.\n"
            "3. **Die Bürgerschaft trägt mit.** Die Verwaltung allein hätte das nie verstetigen "
            "können.\n"
            "4. **Geduld.** Solche Themen brauchen länger als eine Projektlaufzeit.\n\n"
            "Wie seht ihr das in euren Städten?",
        ),
        replies=(
            PostData(
                "claudia.weber",
                "Punkt 2 kann ich nur unterschreiben: Bei uns haben Verwaltung und Politik "
                "signalisiert, dass sie ein dauerhaftes Angebot unterstützen. Was mir in deiner "
                "Liste fehlt, ist das **Personal**. Unser Pop-up-Space lief nur, weil Kolleginnen "
                "und Kollegen ihn während der Öffnungszeiten zusätzlich zu ihrer eigentlichen "
                "Arbeit betreut haben. Auf Dauer geht das nicht.",
                helpful=("michael.huber", "katrin.vogel"),
            ),
            PostData(
                "katrin.vogel",
                "Das Personal war in fast allen Städten der Engpass, nicht die Ideen. Genau da "
                "helfen Task Forces wie die in Dießen: Sie bündeln die Leute, die etwas bewegen "
                "wollen, und nehmen dem Bürgermeister die Rolle des einzigen Motors ab. Die "
                "Verwaltung kann dann vor allem **ermöglichen** – eine Umnutzung genehmigen, Geld "
                "für einen befristeten Test bereitstellen – statt alles selbst umzusetzen.",
                helpful=("michael.huber",),
            ),
            PostData(
                "jan.petersen",
                "Bei uns in Mölln war es der Sportverein, der das Thema mitgenommen hat. Ohne sein "
                "Vereinsheim hätten wir in der Aktionswoche gar keinen Co-Working-Space zum Zeigen "
                "gehabt. Die Zivilgesellschaft früh einzubinden, würde ich ganz oben auf die Liste "
                "setzen.",
            ),
        ),
    ),
    TopicData(
        space=ORTSKERNE.slug,
        title="Leerstandskataster: Wie halten wir es aktuell?",
        tags=("leerstand",),
        opening=PostData(
            "lars.meyer",
            "In Uslar erfassen wir alle leerstehenden Ladenlokale der Innenstadt in einem "
            "Kataster: Lage, Fläche, Zustand, letzte Nutzung und – wenn wir sie kennen – die "
            "Ansprechpersonen auf Eigentümerseite.\n\n"
            "Die Erfassung selbst war machbar. Schwierig ist das **Aktuellhalten**: Ein Laden wird "
            "vermietet, der nächste steht leer, und wir erfahren es oft erst Wochen später.\n\n"
            "Kennt jemand ein Verfahren, bei dem die Eigentümer Änderungen selbst melden?",
        ),
        replies=(
            PostData(
                "thomas.krueger",
                "Gute Frage für die Verdichtungsphase. Zwei Wege haben sich anderswo bewährt:\n\n"
                "- **feste Anlässe**: einmal im Jahr ein kurzes Schreiben an alle erfassten "
                "Eigentümer mit der Bitte, die Angaben zu bestätigen\n"
                "- **kurze Wege**: eine Person in der Verwaltung, die man anrufen kann, statt "
                "eines Formulars\n\n"
                "Zeigt den Eigentümern, was sie davon haben – etwa, dass ihr Interessierte gezielt "
                "an sie vermittelt.",
                helpful=("lars.meyer",),
            ),
            PostData(
                "lars.meyer",
                "Danke, die feste Ansprechperson nehme ich mit. Ich schlage vor, dass wir das "
                "Kataster bei der ersten Transferwerkstatt zeigen; dann können Bad Frankenhausen "
                "und Kirchheimbolanden sagen, ob es für sie auch passt.",
            ),
        ),
    ),
    TopicData(
        space=ORTSKERNE.slug,
        title="Erste Transferwerkstatt in Uslar: Vorschläge für das Programm",
        tags=("transferwerkstatt",),
        opening=PostData(
            "thomas.krueger",
            "Die erste Transferwerkstatt unseres Verbunds findet in Uslar statt. Ich schlage das "
            "bewährte 24-Stunden-Format vor:\n\n"
            "1. Anreise bis zum frühen Nachmittag, dann ein Rundgang durch die Innenstadt\n"
            "2. kurze Inputs von Fachleuten aus Uslar\n"
            "3. gemeinsames Abendessen\n"
            "4. am nächsten Vormittag eine kompakte Arbeitssitzung mit einem Fahrplan für die "
            "nächsten Monate\n"
            "5. Schluss am frühen Nachmittag, damit alle am selben Tag wieder zu Hause sind\n\n"
            "Welche Orte sollten wir beim Rundgang auf keinen Fall auslassen?",
        ),
        replies=(
            PostData(
                "lars.meyer",
                "Ich würde den Rundgang bewusst an leeren Läden entlangführen – zwei Eigentümer "
                "haben schon zugesagt, uns ihre Räume von innen zu zeigen. Für die Inputs frage "
                "ich beim Gewerbeverein an.",
                helpful=("thomas.krueger",),
            ),
            PostData(
                "thomas.krueger",
                "Sehr gut, offene Türen sind Gold wert. Plant beim Abendessen genug Zeit ein: Dort "
                "wird erfahrungsgemäß am ehrlichsten erzählt, mehr als in jeder Arbeitssitzung.",
            ),
        ),
    ),
    TopicData(
        space=ORTSKERNE.slug,
        title="Eigentümer ansprechen: unser erstes Anschreiben",
        tags=("leerstand", "buergerbeteiligung"),
        opening=PostData(
            "lars.meyer",
            "Wir haben im Herbst die Eigentümer von zwölf leerstehenden Läden angeschrieben und "
            "ein Gespräch über Zwischennutzungen angeboten. Geantwortet haben bisher drei.\n\n"
            "Meine Erfahrung: Ein förmlicher Brief vom Amt wirkt eher abschreckend. Die beiden "
            "Gespräche, die zustande kamen, liefen über persönliche Kontakte.\n\n"
            "Wie geht ihr vor, wenn Eigentümer nicht am Ort wohnen?",
        ),
        replies=(
            PostData(
                "thomas.krueger",
                "Drei von zwölf ist für einen ersten Versuch nicht schlecht. Bei Eigentümern, die "
                "weit weg wohnen, hilft ein Anruf mit einem **konkreten Anlass**: eine Anfrage für "
                "eine Zwischennutzung, ein Förderprogramm oder die Einladung zur "
                "Transferwerkstatt.",
                helpful=("lars.meyer",),
            ),
            PostData(
                "lars.meyer",
                "Den konkreten Anlass probiere ich aus – die Transferwerkstatt wäre tatsächlich "
                "ein guter Aufhänger.",
            ),
        ),
    ),
    TopicData(
        space=ACADEMY_SPACE_SLUG,
        title="Wir fangen gerade an – was würdet ihr heute anders machen?",
        tags=("buergerbeteiligung",),
        opening=PostData(
            "lars.meyer",
            "Hallo in die Runde! Unser Verbund „Lebendige Ortskerne“ steckt noch in der "
            "Erkundungsphase, ihr im StadtLabor habt euer Vorhaben schon hinter euch. Was würdet "
            "ihr einer neuen Gruppe mitgeben – und was würdet ihr heute anders machen?",
        ),
        replies=(
            PostData(
                "anna.berger",
                "Unterschätzt nicht, wie viel Zeit das neben dem Alltagsgeschäft kostet. Bei uns "
                "in Wittenberge kam immer wieder die Frage auf, wie viele neue Orte eine Stadt "
                "unserer Größe überhaupt bespielen kann. Lieber ein Vorhaben richtig als drei "
                "halb.",
                helpful=("lars.meyer",),
            ),
            PostData(
                "sabine.richter",
                "Habt einen Plan B. Unsere ursprüngliche Idee ist an Geld und Räumen gescheitert, "
                "die Befragung danach hat uns trotzdem weitergebracht. Scheitern gehört dazu – "
                "wichtig ist, offen darüber zu sprechen.",
                helpful=("lars.meyer", "thomas.krueger"),
            ),
            PostData(
                "julia.schmidt",
                "Aus dem Kernteam ergänzt: Gute Ideen und Impulse allein verändern noch nichts. "
                "Ihr braucht ein Umsetzungskonzept, das die Kräfte vor Ort mit Unterstützung von "
                "außen verbindet, und von Anfang an Menschen aus der Stadtgesellschaft, die das "
                "Vorhaben mittragen.",
            ),
        ),
    ),
    TopicData(
        space=ACADEMY_SPACE_SLUG,
        title="Transferwerkstätten: Warum das Treffen vor Ort den Unterschied macht",
        tags=("transferwerkstatt",),
        opening=PostData(
            "julia.schmidt",
            "Die Städte im StadtLabor haben uns am Ende fast einhellig gesagt: Den größten Nutzen "
            "hatten für sie die Transferwerkstätten. Nicht die Videokonferenzen, nicht die "
            "Dokumente – sondern die 24 Stunden vor Ort.\n\n"
            "Was aus unserer Sicht dazugehört:\n\n"
            "- eine vertrauensvolle Atmosphäre und Austausch **auf Augenhöhe**, ohne Vergleiche "
            "und ohne Konkurrenz\n"
            "- Zeit zum Kennenlernen, vor allem beim Rundgang und beim Abendessen\n"
            "- die Haltung, dass es keine richtige oder falsche Entwicklung gibt: Jede Stadt "
            "braucht ihre eigene Lösung\n"
            "- die Bereitschaft, aus Fehlern zu lernen, auch aus denen der anderen\n\n"
            "Diese Plattform soll die Treffen vorbereiten und festhalten, ersetzen kann sie sie "
            "nicht. Welche Erfahrungen habt ihr gemacht?",
        ),
        replies=(
            PostData(
                "thomas.krueger",
                "Danke, @julia.schmidt – das kommt genau richtig, wir bereiten gerade die erste "
                "Werkstatt in Uslar vor. Wie viele Personen pro Stadt haben sich bei euch bewährt?",
            ),
            PostData(
                "jan.petersen",
                "Für mich waren die Gespräche beim Abendessen das Wertvollste. Da erzählt man "
                "auch, was nicht geklappt hat – in einer großen Runde würde ich das nicht so offen "
                "sagen.",
                helpful=("julia.schmidt", "thomas.krueger"),
            ),
            PostData(
                "claudia.weber",
                "Wir hatten die Werkstatt in Oestrich-Winkel direkt in unserem "
                "Pop-up-Co-Working-Space. Das war doppelt gut: Die anderen konnten den Raum "
                "ausprobieren, und in der Stadt hat es dem Thema Aufmerksamkeit gebracht.",
            ),
        ),
    ),
    TopicData(
        space=ACADEMY_SPACE_SLUG,
        title="Leere Läden als Arbeitsorte auf Zeit?",
        tags=("leerstand", "co-working"),
        opening=PostData(
            "thomas.krueger",
            "Eine Frage an beide Verbünde: In unseren Ortskernen stehen Ladenlokale leer, im "
            "StadtLabor wurden Co-Working-Spaces auf Zeit erprobt. Hat schon jemand versucht, "
            "beides zu verbinden – also einen leeren Laden für ein paar Monate als Arbeitsort zu "
            "öffnen?",
        ),
        replies=(
            PostData(
                "claudia.weber",
                "Versucht ja, geklappt nur halb: Unser Pop-up-Space sollte zuerst in ein "
                "Ladenlokal, mit dem es dann Probleme gab, und wir mussten in ein ehemaliges "
                "Wohnhaus ausweichen. Mein Rat: **Klärt früh, ob der Raum wirklich verfügbar und "
                "nutzbar ist, bevor ihr einen Eröffnungstermin verkündet.**",
                helpful=("thomas.krueger", "lars.meyer"),
            ),
            PostData(
                "lars.meyer",
                "Spannend! In Uslar gibt es zwei Läden, deren Eigentümer offen wären. Ich nehme "
                "das als Idee mit in unsere Verdichtungsphase.",
            ),
        ),
    ),
]


# --------------------------------------------------------------------------------------------
# Command
# --------------------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Lädt Demo-Daten (Kleinstädte, Verbünde, Demo-Konten, Pflichtseiten, Fallstudien, "
        "Handlungsbausteine, Forum). Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()

        started = timezone.now()
        # Demo history is written through the services, which notify people; nobody is emailed
        # about it (the console would fill with mails to invented addresses).
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            towns = {t.slug: self._seed_town(t) for t in [*TOWNS_STADTLABOR, *TOWNS_ORTSKERNE]}
            consortia = {c.slug: self._seed_consortium(c, towns) for c in CONSORTIA}
            editors = self._editors_group()
            for person in PEOPLE:
                self._seed_person(person, towns, consortia, editors)
            self._seed_pages()
            seed_cms_demo(created=self.created, updated=self.updated, warn=self._warn)
            self._seed_forum(consortia)
            seed_workshops_demo(created=self.created, updated=self.updated)

        self._settle_notifications(since=started)
        self._report()

    def _settle_notifications(self, *, since: Any) -> None:
        """The demo history is not news: what it notified (including the fan-outs that ran
        after the commit) starts out read."""
        read = Notification.objects.filter(created_at__gte=since, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if read:
            self.updated[f"{Notification._meta.label}.read"] += read

    def _warn(self, message: str) -> None:
        self.stderr.write(self.style.WARNING(message))

    # -- generic upsert ---------------------------------------------------------------------

    def _upsert(self, model: type[models.Model], lookup: dict, values: dict) -> Any:
        """Create ``model`` with ``lookup`` + ``values``, or bring an existing row in line.

        Unlike ``update_or_create``, nothing is written when the row already matches.
        """
        label = model._meta.label
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model._default_manager.create(**lookup, **values)
            self.created[label] += 1
            return obj
        changed = [field for field, value in values.items() if getattr(obj, field) != value]
        if changed:
            for field in changed:
                setattr(obj, field, values[field])
            obj.save(update_fields=changed)
            self.updated[label] += 1
        return obj

    # -- community --------------------------------------------------------------------------

    def _seed_town(self, data: TownData) -> Town:
        return self._upsert(
            Town,
            {"slug": data.slug},
            {
                "name": data.name,
                "state": data.state,
                "population": data.population,
                "description": data.description,
            },
        )

    def _seed_consortium(self, data: ConsortiumData, towns: dict[str, Town]) -> Consortium:
        is_new = not Consortium.objects.filter(slug=data.slug).exists()
        consortium = self._upsert(
            Consortium,
            {"slug": data.slug},
            {
                "name": data.name,
                "theme": data.theme,
                "lead_town": towns[data.lead_town],
                "start": data.start,
                "end": data.end,
                "description": data.description,
            },
        )
        wanted = {towns[slug].pk for slug in data.towns}
        if set(consortium.towns.values_list("pk", flat=True)) != wanted:
            # A ParentalManyToManyField is only written to the database on save().
            consortium.towns.set([towns[slug] for slug in data.towns])
            consortium.save()
            if not is_new:
                self.updated[f"{Consortium._meta.label}.towns"] += 1
        for kind, start, end in data.phases:
            self._upsert(
                Phase, {"consortium": consortium, "kind": kind}, {"start": start, "end": end}
            )
        create_consortium_space(consortium=consortium)
        return consortium

    def _editors_group(self) -> Group:
        # Wagtail's migrations create "Editors" with admin access; only a group this command had to
        # create itself gets the permission, so an existing group's settings are left alone.
        group, created = Group.objects.get_or_create(name=EDITOR_GROUP)
        if created:
            self.created[Group._meta.label] += 1
            access_admin = Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
            group.permissions.add(access_admin)
        return group

    def _seed_person(
        self,
        person: PersonData,
        towns: dict[str, Town],
        consortia: dict[str, Consortium],
        editors: Group,
    ) -> None:
        User = get_user_model()
        flags = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "is_staff": person.admin,
            "is_superuser": person.admin,
        }
        user = User.objects.filter(email__iexact=person.email).first()
        if user is None:
            user = User(username=self._free_username(person.local), email=person.email, **flags)
            user.set_password(DEMO_PASSWORD)
            user.save()
            self.created[User._meta.label] += 1
        else:
            # Never reset the password of an existing account; only keep its role flags in line.
            changed = [field for field, value in flags.items() if getattr(user, field) != value]
            if changed:
                for field in changed:
                    setattr(user, field, flags[field])
                user.save(update_fields=changed)
                self.updated[User._meta.label] += 1

        self._upsert(
            EmailAddress,
            {"user": user, "email": person.email},
            {"verified": True, "primary": True},
        )
        self._upsert(
            Profile,
            {"user": user},
            {
                "display_name": person.display_name,
                "town": towns[person.town] if person.town else None,
                "function": person.function,
                "bio": person.bio,
            },
        )
        if person.consortium:
            self._upsert(
                Membership,
                {"user": user, "consortium": consortia[person.consortium]},
                {"role": person.role},
            )
        if person.editor and not user.groups.filter(pk=editors.pk).exists():
            user.groups.add(editors)
            self.updated[f"{Group._meta.label}.members"] += 1

    @staticmethod
    def _free_username(base: str) -> str:
        User = get_user_model()
        username, n = base, 1
        while User.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        return username

    # -- pages ------------------------------------------------------------------------------

    def _seed_pages(self) -> None:
        home = HomePage.objects.first()
        if home is None:
            self.stderr.write(self.style.WARNING("No HomePage (cms migration 0002?): skipped."))
            return
        # Fill the front page only while it is still empty, so editors' texts are never overwritten.
        if not home.intro and not home.body:
            home.intro = HOME_INTRO
            home.body = HOME_BODY
            home.save_revision().publish()
            self.updated[HomePage._meta.label] += 1
        pages = [(*page, False, True) for page in MENU_PAGES]
        pages += [(*page, True, False) for page in STANDARD_PAGES]
        for slug, title, body, in_footer, in_menus in pages:
            if home.get_children().filter(slug=slug).exists():
                continue
            page = StandardPage(
                title=title, slug=slug, body=body, show_in_footer=in_footer, show_in_menus=in_menus
            )
            home.add_child(instance=page)
            page.save_revision().publish()
            self.created[StandardPage._meta.label] += 1

    # -- forum ------------------------------------------------------------------------------

    def _seed_forum(self, consortia: dict[str, Consortium]) -> None:
        """Tags and the demo discussions, written through the forum services by their authors.

        A topic whose title already exists in its space is skipped with its replies and marks,
        so a second run writes nothing and discussions people have continued stay as they are.
        """
        tags = {}
        for slug, name in FORUM_TAGS:
            tags[slug], created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
            if created:
                self.created[Tag._meta.label] += 1

        spaces = {slug: create_consortium_space(consortium=c) for slug, c in consortia.items()}
        academy = Space.objects.filter(slug=ACADEMY_SPACE_SLUG, consortium__isnull=True).first()
        if academy is None:
            self.stderr.write(
                self.style.WARNING(
                    f"No academy-wide space „{ACADEMY_SPACE_SLUG}“ (forum migration 0004?): "
                    "its demo discussions are skipped."
                )
            )
        else:
            spaces[ACADEMY_SPACE_SLUG] = academy

        # Fresh user objects: the role cache of forum.rules must see the memberships seeded above.
        User = get_user_model()
        emails = {f"{p.local}@{EMAIL_DOMAIN}": p.local for p in PEOPLE}
        people = {
            emails[user.email.lower()]: user for user in User.objects.filter(email__in=list(emails))
        }

        for data in FORUM_TOPICS:
            space = spaces.get(data.space)
            if space is None or Topic.objects.filter(space=space, title=data.title).exists():
                continue
            self._seed_topic(data, space, [tags[slug] for slug in data.tags], people)

    def _seed_topic(
        self, data: TopicData, space: Space, tags: list[Tag], people: dict[str, Any]
    ) -> None:
        author = people[data.opening.author]
        topic = create_topic(
            space=space, author=author, title=data.title, body=data.opening.body, tags=tags
        )
        self.created[Topic._meta.label] += 1
        posts = [(topic.posts.get(), data.opening)]
        for reply in data.replies:
            post = post_reply(topic=topic, author=people[reply.author], body=reply.body)
            posts.append((post, reply))
        self.created[Post._meta.label] += len(posts)
        for post, post_data in posts:
            for local in post_data.helpful:
                toggle_helpful(post=post, user=people[local])
                self.created[HelpfulMark._meta.label] += 1
        if data.lesson:
            set_lesson(topic=topic, user=author, value=True)

    # -- output -----------------------------------------------------------------------------

    def _report(self) -> None:
        if self.created or self.updated:
            for label, count in sorted(self.created.items()):
                self.stdout.write(f"created  {count:3d}  {label}")
            for label, count in sorted(self.updated.items()):
                self.stdout.write(f"updated  {count:3d}  {label}")
        else:
            self.stdout.write("Demo data already complete: nothing created or changed.")

        town_names = {t.slug: t.name for t in [*TOWNS_STADTLABOR, *TOWNS_ORTSKERNE]}
        rows = [
            (p.email, p.description, town_names.get(p.town or "", "–"), DEMO_PASSWORD)
            for p in PEOPLE
        ]
        header = ("E-Mail", "Rolle", "Kleinstadt", "Passwort")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells: tuple[str, ...]) -> str:
            cells = [cell.ljust(width) for cell, width in zip(cells, widths, strict=True)]
            return "  ".join(cells).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo-Zugänge (Anmeldung mit E-Mail-Adresse):"))
        self.stdout.write(line(header))
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write(
            "Hinweis: Wer Mitglieder verwalten darf (Kleinstadtpaten, Kernteam, Administration), "
            "braucht dafür einen zweiten Faktor (TOTP), einzurichten nach der Anmeldung."
        )
