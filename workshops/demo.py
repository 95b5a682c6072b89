"""Demo content of the workshops app: the five Transferwerkstätten of "StadtLabor Kleinstadt".

Section 2.2 of the BBSR report "StadtLabor Kleinstadt" (BBSR-Online-Publikation 09/2025) describes
the format: one workshop in each of the five towns, in rotation, at the end of a project phase or to
visit a pop-up lab; 24 hours from arrival by early afternoon with a town walk, inputs of local
experts and dinner, to a compact work session and a roadmap the next morning. Section 3.4 names the
one in Oestrich-Winkel's pop-up co-working space (open 21 June – 21 December 2022) as a highlight.

The report gives no dates, venues or programmes of the single workshops. The four held ones below
are dated to fit the consortium's phases (``seed_demo``) and the pop-up labs' timelines
(``cms.demo``); every description says that the date is assumed. Venues and street addresses are
assumed too, except the Wittenberge co-working space in the Laborstraße 1, which the report names.
The Oestrich-Winkel workshop is the demo's upcoming one: it is scheduled on a Thursday about four
weeks after the seed date (never in the Christmas holidays), with registration open for two weeks
from the seed date, so a demo member (anna.berger, deliberately not registered) can sign up.
Protocols and roadmaps are written for the demo; people are the invented demo accounts.

Everything is written through ``workshops.services`` in the name of the consortium's coach or core
team, with one exception: registrations for workshops in the past. ``services.register`` only
accepts them while registration is open (status "open" and before the deadline), which a workshop
in the past never is; those rows are written directly as demo history (see ``_write_history``).

``seed_workshops_demo`` is idempotent: a workshop is identified by consortium, host town and title,
and one that exists is left as it is (with all its registrations, agenda and documentation), so a
second run creates nothing. The only exception keeps an old demo database usable: when the upcoming
workshop is still open but its registration deadline has passed, it is moved ahead again.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from forum.models import Consortium, Post, Topic, Town

from . import services
from .models import AGENDA_TEMPLATE, AgendaItem, IdeaCard, Registration, RoadmapItem, Workshop
from .services import AgendaEntry, RegistrationDetails, RoadmapEntry, WorkshopData

logger = logging.getLogger(__name__)

CONSORTIUM_SLUG = "stadtlabor-kleinstadt"
# The upcoming workshop starts on the first Thursday at least this many days after the seed
# date, outside the Christmas holidays; its registration closes at the end of the day
# UPCOMING_REGISTRATION_DAYS after the seed date. The held ones closed two weeks before the start.
UPCOMING_DAYS_AHEAD = 28
UPCOMING_REGISTRATION_DAYS = 14
THURSDAY = 3
REGISTRATION_CLOSES_BEFORE = timedelta(days=14)

Kind = AgendaItem.Kind
Arrival = Registration.Arrival
Done = RoadmapItem.Status.DONE
InProgress = RoadmapItem.Status.IN_PROGRESS

ASSUMED_DATE = (
    "Hinweis zur Demo: Der BBSR-Bericht nennt keine Daten der einzelnen Transferwerkstätten. "
    "Termin und Ort sind für die Demo angenommen und passen zur Projektphase."
)


@dataclass(frozen=True)
class Attendee:
    # Local part of the demo account's email address (see seed_demo.PEOPLE).
    local: str
    overnight: bool = False
    arrival: str = Arrival.TRAIN
    dietary: str = ""
    remarks: str = ""
    # False: answered "no" (declined).
    attending: bool = True
    # Held workshops only: registered, but did not come.
    present: bool = True


@dataclass(frozen=True)
class DemoWorkshop:
    town: str  # slug of the host town
    title: str
    # None: the upcoming workshop, about four weeks after the seed date (``upcoming_day``).
    day: date | None
    created_by: str
    venue_name: str
    venue_address: str
    directions: str
    description: str
    # Overrides of the 24-hour template, by kind: (title, speaker, description).
    agenda: dict[str, tuple[str, str, str]]
    attendees: tuple[Attendee, ...]
    protocol: str = ""
    roadmap: tuple[RoadmapEntry, ...] = ()
    # Cards of the idea board: (author, group, text).
    ideas: tuple[tuple[str, str, str], ...] = ()
    capacity: int = 20
    seats_per_town: int | None = 4
    announce_publicly: bool = False

    @property
    def is_upcoming(self) -> bool:
        return self.day is None


def _markdown(*lines: str) -> str:
    return "\n".join(lines) + "\n"


# Who comes from far away stays overnight; the host town's staff do not.
def _team(host: str, *, absent: tuple[str, ...] = (), declined: dict[str, str] | None = None):
    declined = declined or {}
    people = [
        ("anna.berger", "wittenberge", ""),
        ("michael.huber", "diessen-am-ammersee", "vegetarisch"),
        ("sabine.richter", "dippoldiswalde", ""),
        ("jan.petersen", "moelln", ""),
        ("claudia.weber", "oestrich-winkel", "ohne Schweinefleisch"),
        ("katrin.vogel", None, ""),
        ("julia.schmidt", None, "vegan"),
    ]
    attendees = []
    for local, town, dietary in people:
        at_home = town == host
        attendees.append(
            Attendee(
                local=local,
                overnight=not at_home,
                arrival=Arrival.OTHER if at_home else Arrival.TRAIN,
                dietary=dietary,
                remarks=declined.get(local, ""),
                attending=local not in declined,
                present=local not in absent,
            )
        )
    return tuple(attendees)


WORKSHOPS = [
    DemoWorkshop(
        town="wittenberge",
        title="Auftakt in Wittenberge – Bestandsaufnahme in der Leitkommune",
        day=date(2021, 10, 14),
        created_by="julia.schmidt",
        venue_name="Co-Working-Space Laborstraße",
        venue_address="Laborstraße 1\n19322 Wittenberge",
        directions=(
            "Mit der Bahn: Wittenberge ist Fernverkehrshalt an der Strecke Berlin–Hamburg. "
            "Treffpunkt für alle, die mit dem Zug kommen: 12:40 Uhr vor dem Bahnhofsgebäude, von "
            "dort gehen wir gemeinsam zum Co-Working-Space.\n"
            "Mit dem Auto: Parkplätze in der Umgebung der Laborstraße."
        ),
        description=(
            "Die erste Transferwerkstatt des Verbunds, zu Gast in der Leitkommune. In der "
            "Erkundungsphase geht es ums Kennenlernen: Was bringen die fünf Städte mit, wer "
            "arbeitet dort schon heute digital, und welche Räume gibt es für neue Arbeitsformen? "
            "Wittenberge zeigt seinen Co-Working-Space in der Laborstraße, das leerstehende "
            "Bahnhofsgebäude und den Stadtsalon Safari.\n\n" + ASSUMED_DATE
        ),
        agenda={
            Kind.ARRIVAL: ("Ankommen im Co-Working-Space, Begrüßung", "Anna Berger", ""),
            Kind.TOWN_WALK: (
                "Rundgang: Bahnhof, Laborstraße, Stadtsalon Safari",
                "Anna Berger",
                "Vom leerstehenden Bahnhofsgebäude über den Co-Working-Space zum Stadtsalon.",
            ),
            Kind.EXPERT_INPUT: (
                "Co-Working und Probearbeiten in Wittenberge",
                "Community des Co-Working-Space, Wirtschaftsförderung",
                "Wie die Community im Space gewachsen ist und was das Probewohnen und "
                "-arbeiten in der Stadt ausgelöst hat.",
            ),
            Kind.WORK_SESSION: (
                "Arbeitsphase: Fünf Städte, fünf Ausgangslagen",
                "Julia Schmidt (Kernteam)",
                "",
            ),
            Kind.ROADMAP: ("Fahrplan für die Erkundungsphase", "Katrin Vogel", ""),
        },
        attendees=_team("wittenberge"),
        protocol=_markdown(
            (
                "**Phase:** Erkundung · **Gastgeberin:** Stadt Wittenberge (Leitkommune) · "
                "**Protokoll:** Julia Schmidt"
            ),
            "",
            "# Tag 1: Rundgang, Inputs, Abendessen",
            (
                "- **Rundgang:** Vom leerstehenden Bahnhofsgebäude über den Co-Working-Space in "
                "der Laborstraße 1 zum Stadtsalon Safari. Viel leerer Raum – und eine Stadt, die "
                "ihn mit dem Probewohnen und -arbeiten schon einmal gefüllt hat."
            ),
            (
                "- **Inputs aus dem Ort:** Die Co-Working-Community erzählte, wie der Space "
                "gewachsen ist; die Wirtschaftsförderung stellte die Idee vor, ihn eines Tages in"
                " den Bahnhof zu verlegen."
            ),
            (
                "- **Abendessen:** Die erste offene Runde darüber, wie es in den Rathäusern "
                "wirklich aussieht: wenig Personal, viele Vorhaben nebeneinander."
            ),
            "",
            "# Tag 2: Arbeitsphase und Fahrplan",
            (
                "- Jede Stadt hat in zehn Minuten ihre Ausgangslage vorgestellt: Pendeln, "
                "Leerstand, vorhandene Orte für neues Arbeiten."
            ),
            (
                "- Unsere gemeinsame Frage für die Erkundung: *Wer arbeitet bei uns schon heute "
                "digital – und wo?*"
            ),
            (
                "- Bis Ende November spricht jede Stadt mit Schlüsselakteuren vor Ort; die "
                "Ergebnisse bringen wir in die nächste Videokonferenz mit."
            ),
            "",
            "# Was wir mitnehmen",
            (
                "- Wie viele neue Orte kann eine Stadt dieser Größe überhaupt bespielen? Die "
                "Frage aus Wittenberge begleitet uns weiter."
            ),
            "- Der Rundgang hat mehr Gesprächsstoff geliefert als jede Präsentation.",
        ),
        roadmap=(
            RoadmapEntry(
                "Gespräche mit Schlüsselakteuren vor Ort führen (Wirtschaft, Vereine, "
                "Co-Working-Community)",
                "alle fünf Städte",
                date(2021, 11, 30),
                Done,
            ),
            RoadmapEntry(
                "Steckbriefe zur Ausgangslage der fünf Städte zusammenführen",
                "Julia Schmidt (Kernteam)",
                date(2021, 12, 15),
                Done,
            ),
            RoadmapEntry(
                "Co-Worker in Wittenberge nach ihren Wünschen an einen künftigen Space fragen",
                "Anna Berger",
                date(2022, 1, 31),
                Done,
            ),
            RoadmapEntry(
                "Nächste Transferwerkstatt in Dießen am Ammersee vorbereiten",
                "Michael Huber, Katrin Vogel",
                date(2022, 2, 28),
                Done,
            ),
        ),
    ),
    DemoWorkshop(
        town="diessen-am-ammersee",
        title="Dießen am Ammersee – von der Bestandsaufnahme zur Laboridee",
        day=date(2022, 3, 24),
        created_by="katrin.vogel",
        venue_name="Rathaus, Sitzungssaal",
        venue_address="Marktplatz 1\n86911 Dießen am Ammersee",
        directions=(
            "Mit der Bahn: Ammerseebahn zwischen Augsburg und Weilheim bis Dießen; aus München "
            "mit Umstieg in Geltendorf oder Weilheim. Vom Bahnhof sind es wenige Minuten zu Fuß "
            "zum Rathaus.\n"
            "Mit dem Auto: Parkplätze am Ortsrand nutzen, die Ortsmitte ist eng."
        ),
        description=(
            "Die zweite Transferwerkstatt, am Übergang von der Erkundung zur Verdichtung: Aus den "
            "Bestandsaufnahmen sollen Ideen für die Pop-up-Labore werden. Dießen zeigt, wie ein "
            "Co-Working-Space seit 2013 am Ort arbeitet, und stellt seine Idee vor, zuerst die "
            "Bürgerinnen und Bürger zu fragen.\n\n" + ASSUMED_DATE
        ),
        agenda={
            Kind.ARRIVAL: ("Ankommen im Rathaus, Begrüßung", "Michael Huber", ""),
            Kind.TOWN_WALK: (
                "Rundgang: Ortsmitte, Marienmünster, Seeufer, Denkerhaus",
                "Michael Huber",
                "",
            ),
            Kind.EXPERT_INPUT: (
                "Zehn Jahre Co-Working am Ammersee",
                "Ammersee Denkerhaus, Gemeindeentwicklung",
                "Wer im Denkerhaus arbeitet und warum; danach: Was die Gemeinde über ihre "
                "Pendelnden weiß – und was nicht.",
            ),
            Kind.WORK_SESSION: (
                "Arbeitsphase: Von der Bestandsaufnahme zur Laboridee",
                "Katrin Vogel",
                "In Paaren: Jede Stadt formuliert eine Laboridee und lässt sie von einer "
                "anderen Stadt befragen.",
            ),
            Kind.ROADMAP: ("Fahrplan für die Verdichtungsphase", "Julia Schmidt", ""),
        },
        attendees=_team("diessen-am-ammersee", absent=("sabine.richter",)),
        protocol=_markdown(
            (
                "**Phase:** Übergang Erkundung → Verdichtung · **Gastgeber:** Markt Dießen am "
                "Ammersee · **Protokoll:** Katrin Vogel"
            ),
            "",
            "# Tag 1: Rundgang, Inputs, Abendessen",
            (
                "- **Rundgang:** Durch die Ortsmitte zum Marienmünster, ans Seeufer und zum "
                "Ammersee Denkerhaus, das es als Co-Working-Space seit 2013 gibt. Auffällig: "
                "Viele, die hier wohnen, pendeln täglich weit."
            ),
            (
                "- **Inputs aus dem Ort:** Das Denkerhaus berichtete, wer dort arbeitet und "
                "warum; die Gemeindeentwicklung erklärte, weshalb Dießen zuerst die Bürgerschaft "
                "befragen will, bevor ein Raum geplant wird."
            ),
            (
                "- **Abendessen:** Lange Diskussion über die Rolle der Bürgermeister – ohne "
                "Rückendeckung bewegt sich in keinem Rathaus etwas."
            ),
            "",
            "# Tag 2: Arbeitsphase und Fahrplan",
            (
                "- In Paaren hat jede Stadt aus ihrer Bestandsaufnahme eine erste Laboridee "
                "formuliert und sich von einer anderen Stadt kritisch befragen lassen."
            ),
            (
                "- Es gibt keine richtige oder falsche Idee: Was in Dießen passt, muss anderswo "
                "nicht passen."
            ),
            (
                "- Fünf Ideen stehen: Co-Working-Space auf Zeit (Oestrich-Winkel), Befragungen "
                "und Schnupper-Co-Working (Wittenberge), Themenwoche (Mölln), Online-Befragung "
                "mit Bürgerworkshops (Dießen), zwei Co-Working-Spaces auf Zeit (Dippoldiswalde)."
            ),
            "",
            "# Was wir mitnehmen",
            (
                "- Das Thema muss aus dem Ort kommen: In Dießen knüpft es an das Denkerhaus und "
                "die vielen Pendelnden an."
            ),
            (
                "- Sabine Richter musste kurzfristig absagen; Katrin Vogel bespricht die Idee aus"
                " Dippoldiswalde mit ihr am Telefon."
            ),
        ),
        roadmap=(
            RoadmapEntry(
                "Laboridee als Steckbrief ausarbeiten: Ziel, Zielgruppe, Ort, Personal, Kosten",
                "alle fünf Städte",
                date(2022, 4, 30),
                Done,
            ),
            RoadmapEntry(
                "Klären, welche Mittel für die Pop-up-Labore bereitstehen",
                "Julia Schmidt (Kernteam)",
                date(2022, 4, 15),
                Done,
            ),
            RoadmapEntry(
                "Fragebogen für die Online-Befragung in Dießen entwerfen",
                "Michael Huber",
                date(2022, 5, 31),
                Done,
            ),
            RoadmapEntry(
                "Idee aus Dippoldiswalde nachbesprechen",
                "Katrin Vogel, Sabine Richter",
                date(2022, 4, 8),
                Done,
            ),
        ),
    ),
    DemoWorkshop(
        town="dippoldiswalde",
        title="Dippoldiswalde – die Pop-up-Labore nehmen Form an",
        day=date(2022, 5, 19),
        created_by="julia.schmidt",
        venue_name="Rathaus, Ratssaal",
        venue_address="Markt 2\n01744 Dippoldiswalde",
        directions=(
            "Dippoldiswalde hat keinen Anschluss an das Bahnnetz: mit der Bahn bis Dresden "
            "Hauptbahnhof, weiter mit dem Regionalbus. Mit dem Auto über die B 170. Bitte "
            "sprecht Fahrgemeinschaften ab Dresden in der Diskussion zur Werkstatt ab."
        ),
        description=(
            "Die dritte Transferwerkstatt schließt die Verdichtungsphase ab: Alle fünf Städte "
            "stellen den Steckbrief ihres Pop-up-Labors vor, die Runde fragt nach Ort, "
            "Zielgruppe, Personal und einem Plan B. Dippoldiswalde zeigt, wo zwei "
            "Co-Working-Spaces auf Zeit entstehen könnten.\n\n" + ASSUMED_DATE
        ),
        agenda={
            Kind.ARRIVAL: ("Ankommen im Rathaus, Begrüßung", "Sabine Richter", ""),
            Kind.TOWN_WALK: (
                "Rundgang: Altstadt, Bergbaumuseum, leere Wohnungen in einem Ortsteil",
                "Sabine Richter",
                "",
            ),
            Kind.EXPERT_INPUT: (
                "Leere Wohnungen als Arbeitsorte auf Zeit?",
                "Wohnungswirtschaft, Stadtverwaltung",
                "",
            ),
            Kind.WORK_SESSION: (
                "Arbeitsphase: Steckbriefe der fünf Pop-up-Labore",
                "Julia Schmidt (Kernteam)",
                "",
            ),
            Kind.ROADMAP: ("Fahrplan für die Transferphase", "Katrin Vogel", ""),
        },
        attendees=_team(
            "dippoldiswalde",
            declined={"jan.petersen": "Am selben Abend tagt bei uns der Hauptausschuss."},
        ),
        protocol=_markdown(
            (
                "**Phase:** Abschluss der Verdichtung · **Gastgeberin:** Stadt Dippoldiswalde · "
                "**Protokoll:** Julia Schmidt"
            ),
            "",
            "# Tag 1: Rundgang, Inputs, Abendessen",
            (
                "- **Rundgang:** Durch die Altstadt zum Bergbaumuseum – der mittelalterliche "
                "Bergbau hat die Stadt groß gemacht und gehört zum Welterbe Montanregion "
                "Erzgebirge/Krušnohoří. Danach in einen Ortsteil, in dem viele Wohnungen leer "
                "stehen."
            ),
            (
                "- **Inputs aus dem Ort:** Die Wohnungswirtschaft zeigte zwei leere "
                "Erdgeschosswohnungen, die als Co-Working-Space auf Zeit in Frage kämen; die "
                "Verwaltung rechnete vor, was Einrichtung und Betreuung kosten würden."
            ),
            (
                "- **Abendessen:** Ehrliche Runde zur Frage, wer die Labore im Alltag betreuen "
                "soll – in allen fünf Rathäusern sind die Stellen knapp."
            ),
            "",
            "# Tag 2: Arbeitsphase und Fahrplan",
            (
                "- Alle Städte haben ihren Steckbrief vorgestellt, die Runde hat nach Ort, "
                "Zielgruppe, Personal und Plan B gefragt."
            ),
            (
                "- Dippoldiswalde: Zwei Co-Working-Spaces auf Zeit bleiben das Ziel, Budget und "
                "Räume sind aber offen. Plan B wäre eine Befragung der Bewohnerschaft."
            ),
            (
                "- Oestrich-Winkel: Das vorgesehene Ladenlokal ist unsicher; die Stadt prüft ein "
                "früheres Wohnhaus als Ausweichort."
            ),
            (
                "- Mölln (vorgestellt von Katrin Vogel): Themenwoche im September, vorbereitet "
                "mit CoWorkLand."
            ),
            (
                "- Zeitplan der Transferphase: Oestrich-Winkel öffnet am 21. Juni, Dießen befragt"
                " ab Juni online, Wittenberge startet im Juli, Mölln folgt im September."
            ),
            "",
            "# Was wir mitnehmen",
            (
                "- Früh klären, ob ein Raum wirklich verfügbar und nutzbar ist, bevor ein Termin "
                "verkündet wird."
            ),
        ),
        roadmap=(
            RoadmapEntry(
                "Klären, ob Budget und Räume für zwei Co-Working-Spaces auf Zeit reichen; "
                "sonst Plan B (Befragung)",
                "Sabine Richter",
                date(2022, 9, 15),
                Done,
            ),
            RoadmapEntry(
                "Ausweichort für den Pop-up-Space festmachen, Eröffnung am 21. Juni vorbereiten",
                "Claudia Weber",
                date(2022, 6, 21),
                Done,
            ),
            RoadmapEntry(
                "Gemeinsamen Auswertungsbogen für alle Pop-up-Labore entwerfen",
                "Julia Schmidt (Kernteam)",
                date(2022, 6, 30),
                Done,
            ),
            RoadmapEntry(
                "Befragung der Bahnpendelnden in Wittenberge vorbereiten",
                "Anna Berger",
                date(2022, 8, 31),
                Done,
            ),
            RoadmapEntry(
                "Programm der Themenwoche mit CoWorkLand abstimmen",
                "Jan Petersen",
                date(2022, 8, 31),
                Done,
            ),
        ),
    ),
    DemoWorkshop(
        town="moelln",
        title="Mölln – zu Gast bei der Themenwoche",
        day=date(2022, 9, 29),
        created_by="katrin.vogel",
        venue_name="Co-Working-Space im Vereinsheim des Möllner Sportvereins",
        venue_address="Am Sportplatz 4\n23879 Mölln",
        directions=(
            "Mit der Bahn: Mölln liegt an der Strecke Lübeck–Lüneburg; aus Hamburg mit Umstieg "
            "in Büchen. Treffpunkt für den Rundgang: 13:30 Uhr am Marktplatz.\n"
            "Mit dem Auto: Parkplätze am Vereinsheim."
        ),
        description=(
            "Die vierte Transferwerkstatt besucht ein Pop-up-Labor bei der Arbeit: Mölln steckt "
            "mitten in seiner Themenwoche „Co-Working-Space und Regionalzentrum“. Wir arbeiten im "
            "Co-Working-Space des Sportvereins, besuchen eine Abendveranstaltung der Woche und "
            "ziehen zur Halbzeit der Transferphase eine erste Bilanz aller fünf Labore.\n\n"
            + ASSUMED_DATE
        ),
        agenda={
            Kind.ARRIVAL: ("Ankommen im Vereinsheim, Begrüßung", "Jan Petersen", ""),
            Kind.TOWN_WALK: (
                "Rundgang: Altstadt, Leerstand und Eulenspiegel",
                "Jan Petersen",
                "",
            ),
            Kind.EXPERT_INPUT: (
                "Die Themenwoche von innen",
                "Standortmarketing, Sportverein, CoWorkLand eG",
                "",
            ),
            Kind.DINNER: (
                "Gemeinsames Abendessen, danach Abendveranstaltung der Themenwoche",
                "",
                "",
            ),
            Kind.WORK_SESSION: (
                "Arbeitsphase: Halbzeit der Pop-up-Labore",
                "Katrin Vogel",
                "",
            ),
            Kind.ROADMAP: ("Fahrplan bis zum Jahresende", "Julia Schmidt", ""),
        },
        attendees=_team("moelln"),
        ideas=(
            ("jan.petersen", "Co-Working", "Schnuppertage für Pendelnde: eine Woche kostenlos"),
            ("anna.berger", "Co-Working", "Arbeitsplätze im Bahnhof statt am Stadtrand"),
            (
                "claudia.weber",
                "Co-Working",
                "Regionale Firmen als Ankermieter gewinnen, bevor der Raum aufmacht",
            ),
            ("michael.huber", "Beteiligung", "Zur Abendveranstaltung persönlich einladen"),
            (
                "sabine.richter",
                "Beteiligung",
                "Auch über das Scheitern berichten – das macht anderen Mut",
            ),
            ("katrin.vogel", "Verstetigung", "Wer betreibt den Raum nach der Laborphase?"),
            ("julia.schmidt", "", "Themenwochen der anderen Labore gegenseitig besuchen"),
        ),
        protocol=_markdown(
            (
                "**Phase:** Transfer · **Gastgeberin:** Stadt Mölln, während der Themenwoche „Co-"
                "Working-Space und Regionalzentrum“ · **Protokoll:** Katrin Vogel"
            ),
            "",
            "# Tag 1: Rundgang, Inputs, Abendessen",
            (
                "- **Rundgang:** Durch die Altstadt mit ihren leeren Ladenlokalen, am "
                "Eulenspiegel vorbei zum Vereinsheim des Sportvereins, das in dieser Woche als "
                "Co-Working-Space offensteht."
            ),
            (
                "- **Inputs aus dem Ort:** Standortmarketing, Sportverein und CoWorkLand "
                "berichteten von der Woche: voller Auftakt am Montag, bei den Einzelterminen "
                "danach nur wenige Gäste."
            ),
            (
                "- **Abendessen** und danach die Abendveranstaltung zu Lerninseln und Dritten "
                "Orten – wir waren gut ein Drittel des Publikums."
            ),
            "",
            "# Tag 2: Halbzeit der Pop-up-Labore",
            (
                "- Oestrich-Winkel: Nach ruhigen Sommerferien steigt seit September die Nachfrage"
                " im Pop-up-Space."
            ),
            (
                "- Dießen: Die Ergebnisse der Online-Befragung liegen vor, zwei Bürgerworkshops "
                "folgen im Oktober und November."
            ),
            (
                "- Dippoldiswalde: Die Co-Working-Spaces auf Zeit sind zurückgestellt – kein "
                "Budget, kein passender Raum. Plan B: eine Befragung der Bewohnerschaft ab "
                "November."
            ),
            (
                "- Wittenberge: Die Befragung der Bahnpendelnden per QR-Code auf Äpfeln hatte "
                "hohen Rücklauf; als Nächstes kommt ein Schnupper-Co-Working für Unternehmen."
            ),
            "",
            "# Was wir mitnehmen",
            (
                "- Wenig Publikum ist kein Scheitern: Wer beim Auftakt war, persönlich wieder "
                "einladen."
            ),
            (
                "- Offen über den gescheiterten Plan in Dippoldiswalde zu sprechen, hat allen "
                "geholfen."
            ),
        ),
        roadmap=(
            RoadmapEntry(
                "Zwei Bürgerworkshops zu Arbeitsorten, Anreizen und Infrastruktur durchführen",
                "Michael Huber",
                date(2022, 11, 22),
                Done,
            ),
            RoadmapEntry(
                "Befragung der Bewohnerschaft in Dippoldiswalde starten",
                "Sabine Richter",
                date(2022, 11, 7),
                Done,
            ),
            RoadmapEntry(
                "Dokumentation der Themenwoche an alle Teilnehmenden schicken",
                "Jan Petersen",
                date(2022, 11, 15),
                Done,
            ),
            RoadmapEntry(
                "Schnupper-Co-Working für regionale Unternehmen anbieten",
                "Anna Berger",
                date(2023, 1, 31),
                Done,
            ),
            RoadmapEntry(
                "Transferwerkstatt im Pop-up-Space Oestrich-Winkel vorbereiten",
                "Claudia Weber, Julia Schmidt",
                None,
                InProgress,
            ),
        ),
    ),
    DemoWorkshop(
        town="oestrich-winkel",
        title="Oestrich-Winkel – vom Pop-up-Space zum dauerhaften Co-Working-Angebot",
        day=None,
        created_by="julia.schmidt",
        venue_name="Pop-up-Co-Working-Space",
        venue_address="Rheingaustraße 24a\n65375 Oestrich-Winkel",
        directions=(
            "Mit der Bahn: Rheingaulinie (RB 10) zwischen Wiesbaden und Koblenz bis Bahnhof "
            "Oestrich-Winkel, aus Wiesbaden etwa 25 Minuten, Anschluss aus Frankfurt in "
            "Wiesbaden. Vom Bahnhof Oestrich-Winkel sind es etwa zehn Minuten zu Fuß; wer mit dem "
            "Zug kommt, wird um 12:40 Uhr am Bahnhof abgeholt.\n"
            "Mit dem Auto: über die B 42; Parkplätze am Rheinufer, am Space selbst gibt es keine.\n"
            "Übernachtung: Ein Zimmerkontingent in Oestrich ist reserviert – bitte bei der "
            "Anmeldung angeben."
        ),
        description=(
            "Die fünfte Transferwerkstatt des Verbunds, zu Gast im Pop-up-Co-Working-Space der "
            "Stadt Oestrich-Winkel: sieben Arbeitsplätze in einem früheren Wohnhaus, kostenlos "
            "und online buchbar, betreut von Mitarbeitenden der Verwaltung. Wir probieren den Raum "
            "selbst aus, hören, was der Betrieb bisher gezeigt hat, und arbeiten an der Frage, die "
            "alle Labore verbindet: Wie wird aus einem Versuch ein dauerhaftes Angebot – und wer "
            "trägt es?\n\n"
            "Hinweis zur Demo: Nach dem BBSR-Bericht fand diese Werkstatt im Herbst 2022 statt, "
            "als der Space geöffnet war (21. Juni bis 21. Dezember 2022). Für die Demo ist der "
            "Termin einige Wochen nach dem Einspielen der Demo-Daten angesetzt, damit man die "
            "Anmeldung ausprobieren kann; die Adresse ist angenommen."
        ),
        agenda={
            Kind.ARRIVAL: (
                "Ankommen im Pop-up-Space: Kaffee und Arbeitsplätze ausprobieren",
                "Claudia Weber",
                "",
            ),
            Kind.TOWN_WALK: (
                "Rundgang: Von Oestrich nach Winkel – eine Stadt ohne gemeinsame Mitte",
                "Claudia Weber",
                "Am Rhein entlang, vorbei am Ladenlokal, das zuerst für den Space vorgesehen war.",
            ),
            Kind.EXPERT_INPUT: (
                "Ein Co-Working-Space auf Zeit: Buchungen, Gäste, Veranstaltungen",
                "Stadtverwaltung Oestrich-Winkel, Gäste des Space",
                "Wer den Space genutzt hat, wann – und wer für einen dauerhaften Platz zahlen "
                "würde.",
            ),
            Kind.DINNER: ("Gemeinsames Abendessen in einem Weingut", "", ""),
            Kind.WORK_SESSION: (
                "Arbeitsphase: Betreibermodelle, Finanzierung, Personal",
                "Katrin Vogel",
                "Mit den Erfahrungen aus Wittenberge, wo ein Betriebskonzept für den "
                "Co-Working-Space im Bahnhof entsteht.",
            ),
            Kind.ROADMAP: ("Fahrplan bis zum Ende der Pilotphase", "Julia Schmidt", ""),
        },
        # Registered through the service. anna.berger stays out: the browser test signs her up.
        attendees=(
            Attendee("claudia.weber", arrival=Arrival.OTHER, remarks="Ich bin ab 11 Uhr im Space."),
            Attendee("michael.huber", overnight=True, dietary="vegetarisch"),
            Attendee("jan.petersen", overnight=True),
            Attendee("katrin.vogel", overnight=True),
            Attendee(
                "julia.schmidt",
                overnight=True,
                arrival=Arrival.CAR,
                dietary="vegan",
                remarks="Ich kann ab Frankfurt zwei Personen mitnehmen.",
            ),
            Attendee(
                "sabine.richter",
                attending=False,
                remarks="Leider tagt an dem Tag unser Stadtrat – ich lese das Protokoll.",
            ),
        ),
        announce_publicly=True,
    ),
]


# --------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------


def seed_workshops_demo(*, created: Counter, updated: Counter) -> None:
    """Create the demo workshops that are missing; count what was created in ``created`` and
    changed in ``updated``. Expects the towns, consortium and accounts of ``seed_demo``."""
    consortium = Consortium.objects.filter(slug=CONSORTIUM_SLUG).first()
    if consortium is None:
        logger.warning("No consortium „%s“: demo workshops skipped.", CONSORTIUM_SLUG)
        return
    towns = {town.slug: town for town in consortium.towns.all()}
    for data in WORKSHOPS:
        town = towns.get(data.town)
        if town is None:
            logger.warning("Town „%s“ is not in the consortium: workshop skipped.", data.town)
            continue
        existing = Workshop.objects.filter(
            consortium=consortium, host_town=town, title=data.title
        ).first()
        if existing is not None:
            if data.is_upcoming:
                _keep_ahead(existing, updated)
            continue
        _seed_workshop(consortium, town, data, created)


def _demo_user(local: str) -> Any:
    # A fresh object each time: the role cache of forum.rules must see current memberships.
    from forum.management.commands.seed_demo import EMAIL_DOMAIN

    return (
        get_user_model()
        .objects.select_related("profile")
        .get(email__iexact=f"{local}@{EMAIL_DOMAIN}")
    )


def upcoming_day(today: date | None = None) -> date:
    """A Thursday (the held workshops met Thursday to Friday) about four weeks ahead."""
    day = _next_thursday((today or timezone.localdate()) + timedelta(days=UPCOMING_DAYS_AHEAD))
    if (day.month, day.day) >= (12, 20):
        day = _next_thursday(date(day.year + 1, 1, 7))
    elif (day.month, day.day) <= (1, 6):
        day = _next_thursday(date(day.year, 1, 7))
    return day


def _next_thursday(day: date) -> date:
    return day + timedelta(days=(THURSDAY - day.weekday()) % 7)


def upcoming_schedule(today: date | None = None) -> tuple[datetime, datetime, datetime]:
    """Start, end and registration deadline of the upcoming demo workshop."""
    today = today or timezone.localdate()
    starts_at, ends_at = services.default_schedule(upcoming_day(today))
    deadline = datetime.combine(
        today + timedelta(days=UPCOMING_REGISTRATION_DAYS),
        time(23, 59),
        tzinfo=timezone.get_default_timezone(),
    )
    return starts_at, ends_at, deadline


def _schedule(data: DemoWorkshop) -> tuple[datetime, datetime, datetime]:
    if data.day is None:
        return upcoming_schedule()
    starts_at, ends_at = services.default_schedule(data.day)
    return starts_at, ends_at, starts_at - REGISTRATION_CLOSES_BEFORE


def _agenda(data: DemoWorkshop) -> list[AgendaEntry]:
    entries = []
    for day, start, kind, title in AGENDA_TEMPLATE:
        title, speaker, description = data.agenda.get(kind, (str(title), "", ""))
        entries.append(AgendaEntry(day, start, title, kind, speaker, description))
    return entries


def _seed_workshop(consortium: Consortium, town: Town, data: DemoWorkshop, created: Counter):
    actor = _demo_user(data.created_by)
    starts_at, ends_at, deadline = _schedule(data)
    workshop = services.create_workshop(
        consortium=consortium,
        actor=actor,
        data=WorkshopData(
            host_town=town,
            title=data.title,
            starts_at=starts_at,
            ends_at=ends_at,
            venue_name=data.venue_name,
            venue_address=data.venue_address,
            directions=data.directions,
            description=data.description,
            capacity=data.capacity,
            registration_deadline=deadline,
            seats_per_town=data.seats_per_town,
            announce_publicly=data.announce_publicly,
        ),
    )
    created[Workshop._meta.label] += 1
    # create_workshop opens the discussion topic with one post by the creator.
    created[Topic._meta.label] += 1
    created[Post._meta.label] += 1

    agenda = _agenda(data)
    services.save_agenda(workshop=workshop, actor=actor, entries=agenda)
    created[AgendaItem._meta.label] += len(agenda)

    workshop = services.set_status(workshop=workshop, actor=actor, status=Workshop.Status.OPEN)
    if data.is_upcoming:
        for attendee in data.attendees:
            services.register(
                workshop=workshop,
                user=_demo_user(attendee.local),
                details=RegistrationDetails(
                    attending=attendee.attending,
                    needs_overnight_stay=attendee.overnight,
                    dietary_needs=attendee.dietary,
                    arrival=attendee.arrival,
                    remarks=attendee.remarks,
                ),
            )
        created[Registration._meta.label] += len(data.attendees)
        return

    workshop = services.set_status(workshop=workshop, actor=actor, status=Workshop.Status.CLOSED)
    present = _write_history(workshop, data)
    created[Registration._meta.label] += len(data.attendees)
    workshop = services.set_status(workshop=workshop, actor=actor, status=Workshop.Status.HELD)
    services.record_attendance(workshop=workshop, actor=actor, present_user_ids=present)
    services.save_protocol(workshop=workshop, actor=actor, protocol=data.protocol)
    services.save_roadmap(workshop=workshop, actor=actor, entries=list(data.roadmap))
    created[RoadmapItem._meta.label] += len(data.roadmap)
    for local, group, text in data.ideas:
        services.add_idea(workshop=workshop, actor=_demo_user(local), text=text, group=group)
    created[IdeaCard._meta.label] += len(data.ideas)


def _write_history(workshop: Workshop, data: DemoWorkshop) -> set[int]:
    """Registrations of a workshop in the past, written directly as demo history.

    There is no service path for them: ``services.register`` refuses once the deadline has
    passed, and the demo's past workshops were planned with dates in the past. The rows look like
    those of the service: the seat counts for the person's town, answered in the weeks before the
    deadline. Returns the ids of the people who came (for ``services.record_attendance``).
    """
    present = set()
    first_answer = workshop.registration_deadline - timedelta(days=21)
    rows = []
    for number, attendee in enumerate(data.attendees):
        user = _demo_user(attendee.local)
        answered = first_answer + timedelta(days=2 * number, hours=3 * number)
        rows.append(
            Registration(
                workshop=workshop,
                user=user,
                town_id=user.profile.town_id,
                status=(
                    Registration.Status.CONFIRMED
                    if attendee.attending
                    else Registration.Status.DECLINED
                ),
                needs_overnight_stay=attendee.overnight and attendee.attending,
                dietary_needs=attendee.dietary if attendee.attending else "",
                arrival=attendee.arrival,
                remarks=attendee.remarks,
                queued_at=answered,
                updated_at=answered,
            )
        )
        if attendee.attending and attendee.present:
            present.add(user.pk)
    Registration.objects.bulk_create(rows)
    return present


def _keep_ahead(workshop: Workshop, updated: Counter) -> None:
    """An old demo database: once the upcoming workshop's registration deadline has passed
    while it is still open, move it ahead again so that demo members can still sign up."""
    if workshop.status != Workshop.Status.OPEN or timezone.now() <= workshop.registration_deadline:
        return
    starts_at, ends_at, deadline = upcoming_schedule()
    fields = {field: getattr(workshop, field) for field in WorkshopData.__dataclass_fields__}
    fields.update(starts_at=starts_at, ends_at=ends_at, registration_deadline=deadline)
    actor = _demo_user(next(d.created_by for d in WORKSHOPS if d.is_upcoming))
    services.update_workshop(workshop=workshop, actor=actor, data=WorkshopData(**fields))
    updated[Workshop._meta.label] += 1
