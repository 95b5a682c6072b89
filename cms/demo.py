"""Demo content of the case pages: the "Fallstudien", "Handlungsbausteine" and
"Transferwerkstätten" overviews, a page for each demo consortium, town pages and the five
pop-up labs of "StadtLabor Kleinstadt" with the action modules drawn from them.

Facts and figures follow the BBSR report "StadtLabor Kleinstadt" (BBSR-Online-Publikation
09/2025, sections 3, 4 and 6.2); the texts are written for the demo. Where the report gives no
date, the dates below are plausible assumptions inside the consortium's period; every case page
says so in a closing note. Quotes are attributed to town administrations, not to real people, and
are invented like the contact persons (the demo accounts of ``seed_demo``).

``seed_cms_demo`` is idempotent: a page is created only when its slug is missing under its parent
(consortium and town pages: when the consortium or town has no page yet), so pages editors have
changed are never touched, and a second run creates nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from wagtail.models import Page
from wagtail.rich_text import RichText

from forum.models import Consortium, Town
from forum.rules import EDITOR_GROUP

from .models import (
    ActionModuleIndexPage,
    ActionModulePage,
    CaseDiscussion,
    CaseIndexPage,
    ConsortiumPage,
    HomePage,
    LabCasePage,
    LabFormat,
    StandardPage,
    TownPage,
    Visibility,
    WorkshopIndexPage,
)
from .services import create_consortium_page

logger = logging.getLogger(__name__)

REPORT_CONSORTIUM = "stadtlabor-kleinstadt"
CASE_INDEX_SLUG = "fallstudien"
ACTION_MODULE_INDEX_SLUG = "handlungsbausteine"
WORKSHOP_INDEX_SLUG = "werkstaetten"
# The overview pages go in front of this menu page (the workshops overview).
MENU_ANCHOR_SLUG = WORKSHOP_INDEX_SLUG

DEMO_NOTE = (
    "<p><i>Demo-Inhalt, frei formuliert nach dem BBSR-Bericht „StadtLabor Kleinstadt“ "
    "(BBSR-Online-Publikation 09/2025). Daten, die der Bericht nicht nennt, sind für die Demo "
    "angenommen; Zitate und Ansprechpersonen sind erfunden.</i></p>"
)


# --------------------------------------------------------------------------------------------
# Overview pages
# --------------------------------------------------------------------------------------------

CASE_INDEX_TITLE = "Fallstudien"
CASE_INDEX_INTRO = (
    "<p>In ihren Pop-up-Laboren probieren Kleinstädte aus, was zu ihnen passt – und halten fest, "
    "was funktioniert hat und was nicht. Jede Fallstudie beschreibt Ziele, Vorgehen, Kennzahlen "
    "und Erkenntnisse und nennt eine Ansprechperson, die Fragen beantwortet.</p>"
    "<p>Manche Fallstudien sind zunächst nur für den eigenen Verbund sichtbar, damit dort offen "
    "über Hürden gesprochen werden kann. Wer dazugehört, sieht sie nach der Anmeldung hier.</p>"
)

WORKSHOP_INDEX_TITLE = "Transferwerkstätten"
WORKSHOP_INDEX_INTRO = (
    "<p>Einmal im Verbund kommen alle zusammen: Eine Transferwerkstatt dauert 24 Stunden und "
    "findet reihum in einer der beteiligten Städte statt – vom frühen Nachmittag mit Ankunft "
    "und Stadtrundgang über Impulse und ein gemeinsames Abendessen bis zur Arbeitssitzung und "
    "einem Fahrplan am nächsten Mittag.</p>"
    "<p>Die Begegnung vor Ort schafft den meisten Austausch. Vorbereitet und dokumentiert werden "
    "die Werkstätten im geschützten Bereich des Verbunds; hier stehen die öffentlich "
    "angekündigten Termine und Rückblicke, die die Verbünde für alle freigegeben haben.</p>"
)

ACTION_MODULE_INDEX_TITLE = "Handlungsbausteine"
ACTION_MODULE_INDEX_INTRO = (
    "<p>Handlungsbausteine halten fest, was sich aus den Pop-up-Laboren auf andere Kleinstädte "
    "übertragen lässt: eine Empfehlung, für welche Ausgangslage sie passt, was man dafür "
    "braucht – und auf welche Fallstudien sie sich stützt.</p>"
)


# --------------------------------------------------------------------------------------------
# Consortium and town pages
# --------------------------------------------------------------------------------------------

CONSORTIUM_INTROS = {
    REPORT_CONSORTIUM: (
        "<p>Was bedeutet es für eine Kleinstadt, wenn immer mehr Menschen arbeiten können, wo "
        "sie wollen? Wittenberge, Dießen am Ammersee, Dippoldiswalde, Mölln und Oestrich-Winkel "
        "sind dieser Frage in der Pilotphase der Kleinstadtakademie gemeinsam nachgegangen, "
        "begleitet von Kleinstadtpatinnen und -paten und einem Kernteam aus Wissenschaft und "
        "Projektagentur.</p>"
        "<p>Nach einer Bestandsaufnahme in jeder Stadt und gemeinsam entwickelten Konzepten hat "
        "jede Stadt ihr eigenes Pop-up-Labor erprobt – vom Co-Working-Space auf Zeit über eine "
        "Themenwoche bis zur Task Force. Zu den Transferwerkstätten hat jede Stadt einmal "
        "eingeladen. Hier finden Sie die fünf Städte und ihre Fallstudien.</p>"
    ),
    "lebendige-ortskerne": (
        "<p>Uslar, Bad Frankenhausen/Kyffhäuser und Kirchheimbolanden wollen leere Läden und "
        "Häuser in ihren Ortskernen wieder mit Leben füllen. Gemeinsam sammeln sie, was sie über "
        "ihren Leerstand wissen, probieren Zwischennutzungen aus und suchen Wege, Eigentümerinnen "
        "und Eigentümer ins Boot zu holen. Fallstudien folgen, sobald die ersten Pop-up-Labore "
        "laufen.</p>"
        "<p><i>Fiktiver Demo-Verbund.</i></p>"
    ),
}

TOWN_INTROS = {
    "wittenberge": (
        "<p>Die Elbestadt Wittenberge ist die Leitkommune des Verbunds und mit knapp 17.000 "
        "Einwohnerinnen und Einwohnern die größte Stadt der Prignitz. Leere Gewerbe- und "
        "Wohnräume versteht sie als Chance für neue Arbeitsformen; wie Probewohnen und "
        "-arbeiten gelingen kann, hat sie beim „Summer of Pioneers“ erlebt. Der Co-Working-Space "
        "der Stadt soll künftig in das Bahnhofsgebäude ziehen.</p>"
    ),
    "diessen-am-ammersee": (
        "<p>Die Marktgemeinde Dießen liegt am Ammersee, gut 45 Kilometer von München, und hat "
        "rund 10.000 Einwohnerinnen und Einwohner. Sie ist schuldenfrei und kaufkräftig, doch "
        "etwa drei von zehn Beschäftigten arbeiten außerhalb. Das Ammersee Denkerhaus bietet "
        "schon seit 2013 Co-Working im Ort an.</p>"
    ),
    "dippoldiswalde": (
        "<p>Die Bergbaustadt Dippoldiswalde südlich von Dresden ist mit zwanzig Ortsteilen die "
        "flächengrößte Stadt des Verbunds. Die Nähe zu Dresden und zur tschechischen Grenze "
        "sieht sie als Stärke, eine direkte Bahnverbindung fehlt allerdings. Um Zuziehende und "
        "neue Betriebe zu gewinnen, sucht die Stadt nach Wegen, ihre Standortqualität zu "
        "verbessern.</p>"
    ),
    "moelln": (
        "<p>Die Eulenspiegelstadt Mölln liegt zwischen mehreren Seen, rund 50 Kilometer von "
        "Hamburg entfernt, und ist mit etwa 20.000 Einwohnerinnen und Einwohnern die größte "
        "Stadt des Verbunds. Viele Möllnerinnen und Möllner pendeln in die Metropolregion, in "
        "der Altstadt stehen Läden leer. Dafür bringt sich die Stadtgesellschaft lebhaft in die "
        "Stadtentwicklung ein.</p>"
    ),
    "oestrich-winkel": (
        "<p>Oestrich-Winkel liegt mitten im Rheingau am Rhein; rund 70 Weingüter und 100 "
        "landwirtschaftliche Betriebe prägen die Stadt mit etwa 12.000 Einwohnerinnen und "
        "Einwohnern. Eine gemeinsame Ortsmitte gibt es nicht. Über die gute Bahnverbindung "
        "pendeln viele Beschäftigte nach Wiesbaden, Frankfurt und in weitere Städte des "
        "Rhein-Main-Gebiets.</p>"
    ),
}


# --------------------------------------------------------------------------------------------
# Case pages
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseData:
    slug: str
    title: str
    town: str
    # Local part of the email of the town's demo account: drafts the page, opens its
    # discussion and is its contact person.
    author: str
    organisation: str
    visibility: str
    lab_format: str
    period_start: date
    period_end: date | None
    summary: str
    goals: str
    # (block type, value) in order; text values are HTML. The contact block and the closing
    # demo note are appended when the page is built.
    body: tuple[tuple[str, Any], ...]


def _figures(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in pairs]


def _timeline(*entries: tuple[date, str]) -> list[dict[str, Any]]:
    return [{"date": when, "event": event} for when, event in entries]


def _quote(text: str, speaker: str, role: str = "") -> dict[str, str]:
    return {"text": text, "speaker": speaker, "speaker_role": role}


CASES = [
    CaseData(
        slug="diessen-befragung-und-task-force",
        title="Dießen am Ammersee: Von der Online-Befragung zur Task Force",
        town="diessen-am-ammersee",
        author="michael.huber",
        organisation="Markt Dießen am Ammersee",
        visibility=Visibility.PUBLIC,
        lab_format=LabFormat.TASK_FORCE,
        period_start=date(2022, 6, 1),
        period_end=date(2023, 3, 31),
        summary=(
            "Der Markt Dießen hat zuerst online gefragt, wie die Menschen im Ort arbeiten und "
            "pendeln, und daraus in zwei Bürgerworkshops Ideen entwickelt. Eine Task Force aus "
            "Bürgerschaft und Fachleuten führt das Thema seitdem weiter."
        ),
        goals=(
            "<ul>"
            "<li>Verstehen, wie die Digitalisierung der Arbeit den Alltag im Ort verändert – von "
            "Pendelwegen bis zu Arbeitsorten jenseits von Büro und Küchentisch.</li>"
            "<li>Aus den Antworten Ansatzpunkte für ein Pop-up-Labor ableiten.</li>"
            "<li>Menschen mit Fachwissen aus der Bürgerschaft dauerhaft für das Thema "
            "gewinnen.</li>"
            "</ul>"
        ),
        body=(
            (
                "text",
                "<h3>Ausgangslage</h3>"
                "<p>Dießen ist eine flächenreiche, finanziell gut aufgestellte Marktgemeinde rund "
                "45 Kilometer südwestlich von München. Etwa drei von zehn Beschäftigten pendeln "
                "aus. Mit dem Ammersee Denkerhaus gibt es seit 2013 einen Co-Working-Space im Ort, "
                "der seit Jahren an Angeboten für Pendelnde arbeitet – ein Anknüpfungspunkt, auf "
                "den das Labor bauen konnte.</p>"
                "<h3>Vorgehen</h3>"
                "<p>Am Anfang stand eine Online-Befragung, für die ein Flyer warb. Sie drehte "
                "sich um drei Fragen: Wie sieht der Arbeitsalltag aus? Welche Erfahrungen gibt es "
                "mit anderen Arbeitsformen? Und wie attraktiv ist Dießen als Ort zum Leben und "
                "Arbeiten?</p>"
                "<p>Ein Ergebnis: Viele Befragte pendeln regelmäßig und nehmen dafür weite Wege in "
                "Kauf. Besser werden könnte der Ort aus ihrer Sicht vor allem beim öffentlichen "
                "Nahverkehr, beim Internetzugang und bei den Freizeitangeboten.</p>"
                "<p>Mit diesen Rückmeldungen lud die Gemeinde zu zwei Bürgerworkshops ein. "
                "Besprochen wurde, wo man im Ort außer zu Hause arbeiten könnte, was Menschen "
                "dazu bringt, solche Orte auch zu nutzen, und was die Infrastruktur dafür leisten "
                "muss. Aus dem Kreis der Engagierten ist eine Task Force entstanden, die dauerhaft "
                "weiterarbeitet.</p>",
            ),
            (
                "key_figures",
                _figures(
                    ("1", "Online-Befragung, beworben per Flyer"),
                    ("2", "Bürgerworkshops"),
                    ("ca. 30 %", "der Beschäftigten pendeln aus"),
                    ("seit 2013", "Co-Working im Ort (Ammersee Denkerhaus)"),
                ),
            ),
            (
                "timeline",
                _timeline(
                    (date(2022, 6, 13), "Die Online-Befragung startet, ein Flyer wirbt dafür."),
                    (date(2022, 9, 20), "Die Ergebnisse liegen vor und werden vorgestellt."),
                    (date(2022, 10, 18), "Erster Bürgerworkshop: Wo könnte man im Ort arbeiten?"),
                    (date(2022, 11, 22), "Zweiter Bürgerworkshop: Anreize und Infrastruktur."),
                    (date(2023, 2, 7), "Die Task Force trifft sich zum ersten Mal."),
                ),
            ),
            (
                "quote",
                _quote(
                    "Die Befragung hat uns gezeigt: Die Arbeitswelt war schon vor der Pandemie in "
                    "Bewegung. Dieses Thema wollen wir nicht allein im Rathaus bearbeiten, sondern "
                    "mit den Leuten im Ort, die sich damit auskennen.",
                    "Markt Dießen am Ammersee",
                    "Gemeindeentwicklung",
                ),
            ),
            (
                "lessons",
                [
                    "Eine gut beworbene Online-Befragung liefert eine belastbare Grundlage und "
                    "macht das Thema zugleich im Ort bekannt.",
                    "Ein vorhandener Co-Working-Space ist ein wertvoller Partner: Er bringt "
                    "Erfahrung, Räume und Kontakte mit.",
                    "Fachleute aus der Bürgerschaft entlasten die Verwaltung; eine Task Force "
                    "bündelt ihr Wissen über das Projekt hinaus.",
                ],
            ),
            (
                "obstacles",
                [
                    "Zu den Bürgerworkshops kamen weniger Menschen als erhofft.",
                    "Wichtige Stellschrauben wie Nahverkehr und Breitband kann die Gemeinde nur "
                    "zum Teil selbst bewegen.",
                ],
            ),
            (
                "next_steps",
                [
                    "Einen Modellversuch vorbereiten, der Co-Working mit der Unterstützung "
                    "örtlicher Vereine verbindet.",
                    "Vorträge und Veranstaltungen zu neuen Arbeitswelten anbieten.",
                    "Den Austausch mit Fachleuten, der Task Force und anderen Kommunen fortsetzen.",
                ],
            ),
        ),
    ),
    CaseData(
        slug="dippoldiswalde-befragung",
        title="Dippoldiswalde: Erst fragen, dann bauen",
        town="dippoldiswalde",
        author="sabine.richter",
        organisation="Stadtverwaltung Dippoldiswalde",
        visibility=Visibility.INTERNAL,
        lab_format=LabFormat.CITIZEN_SURVEY,
        period_start=date(2022, 6, 1),
        period_end=date(2023, 6, 30),
        summary=(
            "Zwei Co-Working-Spaces auf Zeit waren geplant, scheiterten aber an Geld und Räumen. "
            "Eine Befragung zeigte dann wenig Interesse an Co-Working – und lenkte den Blick auf "
            "mobiles Arbeiten in der eigenen Verwaltung."
        ),
        goals=(
            "<ul>"
            "<li>Klären, ob und in welcher Form es in Dippoldiswalde Bedarf an gemeinsamen "
            "Arbeitsorten gibt.</li>"
            "<li>Die Bewohnerschaft in die Suche nach passenden Angeboten einbeziehen.</li>"
            "<li>Ideen sammeln, wie die Stadt für Zuziehende und Betriebe attraktiver werden "
            "kann.</li>"
            "</ul>"
        ),
        body=(
            (
                "text",
                "<h3>Ausgangslage</h3>"
                "<p>Dippoldiswalde liegt rund 25 Kilometer südlich von Dresden, nicht weit von "
                "der tschechischen Grenze, und besteht aus zwanzig Ortsteilen; in einigen stehen "
                "viele Wohnungen leer. Eine direkte Bahnverbindung gibt es nicht, was das Pendeln "
                "prägt.</p>"
                "<h3>Was geplant war – und warum es anders kam</h3>"
                "<p>Die erste Idee für das Pop-up-Labor waren zwei Co-Working-Spaces auf Zeit. "
                "Daraus wurde nichts: Das Geld reichte nicht, und trotz Suche fand sich kein "
                "passender Raum. Die Stadt beschloss deshalb, zuerst genauer hinzuhören, und "
                "entwickelte einen Fragebogen zu digitalen Arbeitswelten, für den ein Flyer "
                "warb.</p>"
                "<p>Das Ergebnis fiel eindeutig aus: Nur wenige Befragte interessierten sich für "
                "gemeinsame Arbeitsräume. Ein eigener Co-Working-Space wurde daher vorerst "
                "zurückgestellt. Die Auswertung stieß aber lange Gespräche an – über die Lage "
                "kleinstädtischer Verwaltungen und darüber, wer in der Stadt überhaupt "
                "Arbeitsräume sucht.</p>"
                "<h3>Warum diese Seite nur für den Verbund sichtbar ist</h3>"
                "<p>Die Fallstudie erzählt auch, was nicht geklappt hat. Deshalb teilen wir sie "
                "zunächst nur im Verbund – damit wir offen darüber sprechen können, was andere "
                "daraus lernen.</p>",
            ),
            (
                "key_figures",
                _figures(
                    ("2", "geplante Co-Working-Spaces auf Zeit, nicht umgesetzt"),
                    ("20", "Ortsteile"),
                    ("25 km", "bis Dresden, ohne direkte Bahnverbindung"),
                ),
            ),
            (
                "timeline",
                _timeline(
                    (date(2022, 6, 1), "Konzept: zwei Co-Working-Spaces auf Zeit."),
                    (
                        date(2022, 9, 15),
                        "Die Idee wird zurückgestellt: kein Budget, kein passender Raum.",
                    ),
                    (date(2022, 11, 7), "Die Befragung der Bewohnerschaft beginnt."),
                    (date(2023, 2, 14), "Auswertung: wenig Interesse an Co-Working."),
                    (
                        date(2023, 6, 30),
                        "Ende der Pilotphase; Vorschlag: mobiles Arbeiten in der Verwaltung "
                        "erproben.",
                    ),
                ),
            ),
            (
                "quote",
                _quote(
                    "Dass aus dem Co-Working-Space nichts wurde, hat uns zuerst enttäuscht. Im "
                    "Rückblick hat uns die Befragung davor bewahrt, einen Raum aufzumachen, den "
                    "kaum jemand nutzt.",
                    "Stadtverwaltung Dippoldiswalde",
                    "Stadtentwicklung",
                ),
            ),
            (
                "lessons",
                [
                    "Erst fragen, dann bauen: Eine Befragung kostet wenig und schützt vor "
                    "Angeboten, die am Bedarf vorbeigehen.",
                    "Auch ein verworfenes Vorhaben bringt Erkenntnisse – hier den Blick auf die "
                    "Stadtverwaltung als Arbeitgeberin.",
                    "Bürgerbeteiligung über Befragungen kam gut an und brachte neue Ideen.",
                    "Der Austausch mit den anderen Städten im Verbund hat eigene Abläufe in "
                    "einem neuen Licht gezeigt.",
                ],
            ),
            (
                "obstacles",
                [
                    "Für Räume auf Zeit fehlten Budget und ein geeigneter Ort.",
                    "Das Interesse der Bevölkerung an Co-Working war gering.",
                    "Mobiles Arbeiten in der Verwaltung blieb in der Projektlaufzeit ein "
                    "Vorschlag.",
                ],
            ),
            (
                "next_steps",
                [
                    "Mobiles Arbeiten für Beschäftigte der Verwaltung erproben – die Stadt als "
                    "Vorbild.",
                    "Übergangsweise Räume im Neubaugebiet nutzen.",
                    "Nach der Pilotphase prüfen, ob ein Co-Working-Space im erweiterten "
                    "Gewerbegebiet trägt.",
                    "Befragungen als Beteiligungsformat beibehalten.",
                ],
            ),
        ),
    ),
    CaseData(
        slug="moelln-themenwoche",
        title="Mölln: Themenwoche „Co-Working-Space und Regionalzentrum“",
        town="moelln",
        author="jan.petersen",
        organisation="Stadt Mölln",
        visibility=Visibility.PUBLIC,
        lab_format=LabFormat.THEME_WEEK,
        period_start=date(2022, 9, 26),
        period_end=date(2022, 9, 30),
        summary=(
            "Eine Woche lang ging es in Mölln an drei Orten um neue Arbeitswelten, Co-Working, "
            "E-Sport und Dritte Orte. Der Auftakt war voll, die Folgetermine kleiner – in Gang "
            "gebracht hat die Woche trotzdem einiges."
        ),
        goals=(
            "<ul>"
            "<li>Digitale Arbeitswelten in Mölln zum Gesprächsthema machen.</li>"
            "<li>Den Co-Working-Space im Vereinsheim des Möllner Sportvereins bekannt machen und "
            "Nutzende wie Partner gewinnen.</li>"
            "<li>Für das geplante Regionalzentrum mit Schwerpunkt E-Sport werben.</li>"
            "<li>Mölln als zeitgemäßen Ort zum Arbeiten zeigen.</li>"
            "</ul>"
        ),
        body=(
            (
                "text",
                "<h3>Ausgangslage</h3>"
                "<p>Mölln liegt rund 50 Kilometer von Hamburg entfernt, ist per Bahn mit Lübeck "
                "und Lüneburg verbunden und gilt vielen als Schlafstadt: Ein großer Teil der "
                "Beschäftigten pendelt. In der Altstadt stehen Läden leer, zugleich ist die "
                "Stadtgesellschaft sehr aktiv. Der Sportverein hat in seinem Vereinsheim einen "
                "Co-Working-Space eingerichtet.</p>"
                "<h3>Die Themenwoche</h3>"
                "<p>Die Idee entstand in mehreren Workshops der Möllner Projektverantwortlichen "
                "mit dem Kernteam. Vorbereitet haben die Woche die Stadt, die wissenschaftliche "
                "Begleitung und die Projektagentur CoWorkLand gemeinsam. Eingeladen waren "
                "Selbstständige und Unternehmen, Studierende, Schülerinnen und Schüler, "
                "Beschäftigte im Homeoffice und alle Neugierigen.</p>"
                "<p>An drei Orten gab es Veranstaltungen zu vier Schwerpunkten: neue "
                "Arbeitswelten, Co-Working-Spaces, E-Sport sowie Lerninseln und Dritte Orte. "
                "Fachleute gaben Impulse, eine Moderation führte durch Diskussionen und "
                "spielerische Formate. Till Eulenspiegel, die Symbolfigur der Stadt, war überall "
                "dabei. Pressegespräche, Graphic Recordings und Fotos hielten die Woche fest; "
                "danach bekamen alle Teilnehmenden eine Dokumentation.</p>",
            ),
            (
                "key_figures",
                _figures(
                    ("1", "Woche"),
                    ("3", "Veranstaltungsorte"),
                    ("4", "Themenschwerpunkte"),
                    ("ca. 50 km", "bis Hamburg"),
                ),
            ),
            (
                "timeline",
                _timeline(
                    (
                        date(2022, 5, 10),
                        "Workshops mit dem Kernteam: Die Idee der Themenwoche entsteht.",
                    ),
                    (date(2022, 9, 26), "Auftakt zu neuen Arbeitswelten – gut besucht."),
                    (date(2022, 9, 30), "Letzter Tag der Themenwoche."),
                    (date(2022, 11, 15), "Die Dokumentation geht an alle Teilnehmenden."),
                ),
            ),
            (
                "quote",
                _quote(
                    "Volle Reihen hatten wir nur beim Auftakt. Aber seit dieser Woche reden in "
                    "Mölln mehr Leute über Dritte Orte und Co-Working als vorher – und darum ging "
                    "es uns.",
                    "Stadt Mölln",
                    "Standortmarketing",
                ),
            ),
            (
                "lessons",
                [
                    "Eine Themenwoche holt ein abstraktes Thema in die Öffentlichkeit – vor allem "
                    "über die Presse und einen starken Auftakt.",
                    "Eine vertraute Figur wie Till Eulenspiegel senkt die Schwelle, "
                    "vorbeizukommen.",
                    "Eine Dokumentation für alle Teilnehmenden hält Kontakte und Ideen über die "
                    "Woche hinaus lebendig.",
                    "Besonders nachgewirkt hat der Austausch mit Studierenden der TH Lübeck.",
                ],
            ),
            (
                "obstacles",
                [
                    "Abgesehen vom Auftakt waren die Veranstaltungen eher schwach besucht.",
                    "Eine einzelne Woche schafft Aufmerksamkeit, aber noch keine dauerhaften "
                    "Strukturen.",
                    "Welche konkreten Maßnahmen aus den Anregungen folgen, ist noch offen.",
                ],
            ),
            (
                "next_steps",
                [
                    "Weitere einzelne Veranstaltungen zu neuen Arbeitswelten, meist organisiert "
                    "vom Standortmarketing.",
                    "Die Kontakte zur TH Lübeck weiter pflegen.",
                    "Die Debatte über Dritte Orte, Co-Working und die Entwicklung der Stadt "
                    "wach halten.",
                ],
            ),
        ),
    ),
    CaseData(
        slug="oestrich-winkel-pop-up-coworking",
        title="Oestrich-Winkel: Ein Co-Working-Space auf Zeit",
        town="oestrich-winkel",
        author="claudia.weber",
        organisation="Magistrat der Stadt Oestrich-Winkel",
        visibility=Visibility.PUBLIC,
        lab_format=LabFormat.COWORKING,
        period_start=date(2022, 6, 21),
        period_end=date(2022, 12, 21),
        summary=(
            "Ein halbes Jahr lang konnte in Oestrich-Winkel jede und jeder kostenlos an einem von "
            "sieben Arbeitsplätzen arbeiten, gebucht wurde online. Der Test zeigt: Bedarf ist da. "
            "Offen ist, wer einen Dauerbetrieb trägt."
        ),
        goals=(
            "<ul>"
            "<li>Ausprobieren, ob flexibles Arbeiten vor Ort in Oestrich-Winkel angenommen "
            "wird.</li>"
            "<li>Herausfinden, was ein dauerhafter Co-Working-Space bieten müsste – "
            "Ausstattung, Öffnungszeiten, Preis.</li>"
            "<li>Einen Ort schaffen, an dem über Co-Working und neue Arbeitsformen gesprochen "
            "wird.</li>"
            "</ul>"
        ),
        body=(
            (
                "text",
                "<h3>Ausgangslage</h3>"
                "<p>Oestrich-Winkel im Rheingau lebt vom Wein und vom Tourismus, hat keine "
                "gemeinsame Ortsmitte und eine gute Bahnverbindung ins Rhein-Main-Gebiet. Viele "
                "Beschäftigte pendeln nach Wiesbaden, Frankfurt, Rüsselsheim oder Ingelheim.</p>"
                "<h3>Der Space</h3>"
                "<p>Gedacht war das Labor als Ideenschmiede für einen künftigen "
                "Co-Working-Space. Das zuerst vorgesehene Ladenlokal fiel aus, also zog das "
                "Projekt in ein ehemaliges Wohnhaus. Dort standen sieben Arbeitsplätze bereit, "
                "dazu eine Lounge-Ecke, ein Empfang, ein Besprechungstisch, Whiteboard und "
                "Flipchart.</p>"
                "<p>Wer kommen wollte, buchte vorher über eine Online-Plattform; die Nutzung "
                "selbst war kostenlos. Während der Öffnungszeiten arbeiteten Beschäftigte der "
                "Stadtverwaltung im Space, kümmerten sich um die Gäste und erledigten nebenbei "
                "ihre eigenen Aufgaben. Geworben wurde mit Bannern, Flyern, Beiträgen in sozialen "
                "Medien und Pressemitteilungen.</p>"
                "<p>Neben dem Co-Working diente das Haus als Ort für eigene und fremde "
                "Veranstaltungen. Ein Höhepunkt war die Transferwerkstatt des Verbunds.</p>",
            ),
            (
                "key_figures",
                _figures(
                    ("7", "Arbeitsplätze"),
                    ("6 Monate", "geöffnet"),
                    ("0 €", "Nutzungsentgelt, Buchung online"),
                    ("1", "Transferwerkstatt im Space"),
                ),
            ),
            (
                "timeline",
                _timeline(
                    (date(2022, 6, 21), "Eröffnung im ehemaligen Wohnhaus."),
                    (date(2022, 9, 1), "Nach ruhigen Sommerferien steigt die Nachfrage."),
                    (
                        date(2022, 10, 1),
                        "Oktober und November: viele Workshops, Treffen und Sitzungen im Space.",
                    ),
                    (date(2022, 12, 21), "Letzter Öffnungstag, danach die Auswertung."),
                ),
            ),
            (
                "quote",
                _quote(
                    "Dass immer jemand von uns vor Ort war, hat den Unterschied gemacht. Die Leute "
                    "kamen nicht nur zum Arbeiten, sondern auch, um uns zu sagen, was sie sich von "
                    "einem festen Space wünschen.",
                    "Magistrat der Stadt Oestrich-Winkel",
                    "Stabsstelle Digitalisierung",
                ),
            ),
            (
                "lessons",
                [
                    "Kostenlos und online buchbar: Das senkt die Hürde für den ersten Besuch.",
                    "Ansprechpersonen aus der Verwaltung vor Ort machen den Raum lebendig und "
                    "sammeln nebenbei Rückmeldungen.",
                    "Die Sommerferien sind ein schwacher Start – die Nachfrage kam erst ab "
                    "September.",
                    "Als Veranstaltungsort erreicht ein Space auf Zeit weitere Zielgruppen.",
                    "Viele Nutzende wären bereit, für ein dauerhaftes Angebot zu bezahlen.",
                ],
            ),
            (
                "obstacles",
                [
                    "Das ursprünglich vorgesehene Ladenlokal stand nicht zur Verfügung; ein "
                    "anderer Ort musste her.",
                    "Wie ein dauerhafter Betrieb finanziert und organisiert wird, ist die größte "
                    "offene Frage.",
                ],
            ),
            (
                "next_steps",
                [
                    "Ein festes Co-Working-Angebot für Oestrich-Winkel aufbauen.",
                    "Träger- und Finanzierungsmodell klären.",
                    "Die Unterstützung, die Verwaltung und Politik signalisiert haben, in "
                    "konkrete Schritte übersetzen.",
                ],
            ),
        ),
    ),
    CaseData(
        slug="wittenberge-schnupper-coworking",
        title="Wittenberge: Schnupper-Co-Working und Äpfel für Pendelnde",
        town="wittenberge",
        author="anna.berger",
        organisation="Stadt Wittenberge",
        visibility=Visibility.PUBLIC,
        lab_format=LabFormat.TRIAL_DAYS,
        period_start=date(2022, 7, 1),
        period_end=date(2023, 6, 30),
        summary=(
            "Die Leitkommune hat ein Jahr lang erkundet, wer ihren Co-Working-Space künftig im "
            "Bahnhof nutzen könnte: mit Schnupper-Co-Working für Unternehmen, Community-Workshops "
            "und einer Pendlerbefragung per QR-Code auf Äpfeln."
        ),
        goals=(
            "<ul>"
            "<li>Nutzungsgruppen für den Co-Working-Space finden – mit Blick auf den geplanten "
            "Umzug ins Bahnhofsgebäude 2025.</li>"
            "<li>Den Space bei Unternehmen und Pendelnden als Arbeitsort bekannt machen, ohne "
            "die bisherige Community zu verlieren.</li>"
            "<li>Klären, ob die heutige Organisationsform in ein Betriebskonzept für den Bahnhof "
            "passt.</li>"
            "</ul>"
        ),
        body=(
            (
                "text",
                "<h3>Ausgangslage</h3>"
                "<p>Wittenberge, die Leitkommune des Verbunds, liegt auf halbem Weg zwischen "
                "Hamburg und Berlin. In der Laborstraße 1 gibt es bereits einen Co-Working-Space, "
                "den vor allem die Community der elblandwerker nutzt. Er soll in das "
                "Bahnhofsgebäude umziehen, das bis 2022 leer stand und seit dem Frühjahr 2023 "
                "saniert wird.</p>"
                "<h3>Vorgehen</h3>"
                "<p>Weil Wittenberge ganz unterschiedliche Gruppen erreichen wollte, war das Labor "
                "bewusst breit angelegt. Schauplätze waren der Space in der Laborstraße 1 und der "
                "Stadtsalon Safari, ein Ort für kreativen Austausch und Kultur; der Bahnhof als "
                "künftiger Standort war immer mitgedacht.</p>"
                "<ul>"
                "<li><b>Zwei Umfragen</b>: eine unter den Nutzenden des Spaces, eine unter "
                "Menschen, die mit dem Zug pendeln. Zu deren Fragebogen führten QR-Codes auf "
                "Äpfeln.</li>"
                "<li><b>Schnupper-Co-Working</b>: Zum ersten Termin im Januar 2023 kamen acht "
                "Beschäftigte aus sechs regionalen Unternehmen, eingeladen waren "
                "Marketingabteilungen, Thema waren die Marketing-Trends 2023. Auf einen kurzen "
                "Impuls einer Expertin, die den Space selbst nutzt, folgte ein Austausch, der "
                "statt einer Stunde zwei dauerte.</li>"
                "<li><b>Community-Workshops</b> mit den Menschen, die den Space heute nutzen.</li>"
                "<li><b>Betriebskonzept für den Bahnhof</b>, erarbeitet mit einem externen "
                "Dienstleister, der Eigentümerin des Gebäudes (WGW) und dem Architektenteam.</li>"
                "</ul>"
                "<h3>Was die Pendlerbefragung zeigt</h3>"
                "<p>Die meisten Befragten pendeln nach Hamburg oder Berlin. Mehr als die Hälfte "
                "muss nach eigener Angabe nicht unbedingt am Arbeitsplatz sein – sie kommen also "
                "als Coworker infrage. Als Arbeitgeberin wurde besonders oft die Deutsche Bahn "
                "genannt; 40 Prozent der Befragten, die dort beschäftigt sind, können auch remote "
                "arbeiten.</p>",
            ),
            (
                "key_figures",
                _figures(
                    ("12 Monate", "Laufzeit des Labors"),
                    ("2", "Umfragen: Nutzende des Spaces und Bahnpendelnde"),
                    ("8 aus 6", "Teilnehmende aus Unternehmen beim ersten Schnupper-Co-Working"),
                    ("> 50 %", "der befragten Pendelnden müssen nicht zwingend vor Ort sein"),
                    (
                        "40 %",
                        "der befragten Beschäftigten der Deutschen Bahn können remote arbeiten",
                    ),
                ),
            ),
            (
                "timeline",
                _timeline(
                    (date(2022, 7, 1), "Start des Pop-up-Labors."),
                    (
                        date(2023, 1, 25),
                        "Erstes Schnupper-Co-Working für Unternehmen: „Marketing-Trends 2023“.",
                    ),
                    (date(2023, 3, 20), "Die Sanierung des Bahnhofsgebäudes beginnt."),
                    (
                        date(2023, 6, 30),
                        "Ende des Labors; Betreibermodelle und Nutzungskonzept für den Bahnhof "
                        "folgen.",
                    ),
                ),
            ),
            (
                "quote",
                _quote(
                    "Einen Fragebogen im Zug beachtet kaum jemand. Einen Apfel schon – so viele "
                    "Antworten hatten wir selbst nicht erwartet.",
                    "Stadt Wittenberge",
                    "Wirtschaftsförderung",
                ),
            ),
            (
                "lessons",
                [
                    "Ungewöhnliche Zugänge wirken: Die QR-Codes auf Äpfeln brachten der "
                    "Pendlerbefragung einen hohen Rücklauf.",
                    "Das Schnupper-Co-Working kam gut an – allerdings eher als Treffen zum "
                    "Vernetzen denn als Probearbeitstag.",
                    "Das Angebot, einen Tag kostenlos im Space zu arbeiten, hat niemand genutzt.",
                    "Eine kleine Runde mit Anmeldung – höchstens sechs Firmen – lässt Raum für "
                    "echten Austausch.",
                ],
            ),
            (
                "obstacles",
                [
                    "Neue Zielgruppen gewinnen und zugleich die bestehende Community halten: ein "
                    "Spagat.",
                    "Gespräche mit Landesinstitutionen über Arbeitsplätze für ihre Beschäftigten "
                    "brauchen mehr Zeit als ein Projektjahr.",
                    "Offen ist, wie viele Orte des Wandels eine Stadt dieser Größe gleichzeitig "
                    "bespielen kann.",
                ],
            ),
            (
                "next_steps",
                [
                    "Das Schnupper-Co-Working fortführen – vielleicht unter einem Namen, der das "
                    "Vernetzen betont.",
                    "Betreibermodelle und Nutzungskonzept in die Planung des Bahnhofs einbringen.",
                    "Gespräche mit Landesinstitutionen gemeinsam mit anderen Kommunen und "
                    "Space-Betreibern führen.",
                ],
            ),
        ),
    ),
]


# --------------------------------------------------------------------------------------------
# Action modules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleData:
    slug: str
    title: str
    summary: str
    recommendation: str
    fits_town_types: str
    resources_needed: str
    # Slugs of case pages (see CASES).
    evidence: tuple[str, ...]


MODULES = [
    ModuleData(
        slug="thema-aus-dem-ort-entwickeln",
        title="Das Thema aus dem Ort heraus entwickeln",
        summary=(
            "Ein Zukunftsthema trägt, wenn es an etwas anknüpft, das es vor Ort schon gibt – "
            "einen Co-Working-Space, eine Initiative, eine drängende Frage. Von außen gesetzte "
            "Themen brauchen eine Übersetzung in die Sprache des Ortes."
        ),
        recommendation=(
            "<p>Suchen Sie vor der Planung die Anknüpfungspunkte: Wer im Ort beschäftigt sich "
            "schon mit dem Thema? Welche Räume, Vereine und Unternehmen gibt es, welche Frage "
            "bewegt die Menschen gerade? In Dießen war das ein seit Jahren bestehender "
            "Co-Working-Space, in Wittenberge die Community eines vorhandenen Spaces und der "
            "bevorstehende Umzug in den Bahnhof.</p>"
            "<p>Neu ist nicht automatisch innovativ: Innovativ wird ein Thema erst, wenn die "
            "Stadt es mit ihren Mitteln umsetzen kann. Vermeiden Sie akademische Begriffe und "
            "beschreiben Sie, was sich im Alltag ändern soll. Findet sich kein Anknüpfungspunkt, "
            "fragen Sie zuerst nach dem Bedarf und passen Sie das Vorhaben an.</p>"
        ),
        fits_town_types=(
            "Alle Kleinstädte, besonders solche, die über einen Verbund oder ein Förderprogramm "
            "zu einem Thema kommen, das sie sich nicht selbst ausgesucht haben."
        ),
        resources_needed=(
            "Einige Wochen Zeit für Gespräche mit Schlüsselpersonen vor Ort und eine Übersicht "
            "über vorhandene Initiativen, Räume und Unternehmen. Kaum Budget."
        ),
        evidence=(
            "diessen-befragung-und-task-force",
            "wittenberge-schnupper-coworking",
            "dippoldiswalde-befragung",
        ),
    ),
    ModuleData(
        slug="sensibilisieren-und-vernetzen",
        title="Sensibilisieren und vernetzen, bevor man baut",
        summary=(
            "Neue Arbeitswelten sind für viele noch kein Alltagsthema. Befragungen, Themenwochen "
            "und öffentliche Veranstaltungen machen es bekannt, bringen Menschen zusammen und "
            "zeigen, ob es Bedarf gibt."
        ),
        recommendation=(
            "<p>Beginnen Sie mit Formaten, die informieren und zugleich zuhören. Eine gut "
            "beworbene Befragung liefert Zahlen für die Kommunalpolitik und macht das Thema "
            "sichtbar; ein ungewöhnlicher Zugang – in Wittenberge QR-Codes auf Äpfeln – erhöht "
            "den Rücklauf. Eine Themenwoche wie in Mölln bündelt Aufmerksamkeit, vor allem über "
            "die Presse und einen starken Auftakt.</p>"
            "<p>Rechnen Sie damit, dass Folgetermine kleiner ausfallen als der Auftakt, und planen "
            "Sie die Dokumentation von Anfang an mit: Sie hält Kontakte und Ideen fest. Auch eine "
            "Transferwerkstatt wirkt nach innen – wenn der Verbund zu Gast ist, schaut auch die "
            "örtliche Öffentlichkeit auf das Thema.</p>"
        ),
        fits_town_types=(
            "Städte, in denen das Thema neu oder der Bedarf unklar ist, unabhängig von ihrer "
            "Größe. Befragungen eignen sich besonders für Flächengemeinden mit vielen Ortsteilen."
        ),
        resources_needed=(
            "Befragung: Fragebogen, ein Online-Werkzeug, Flyer und einige Tage für die "
            "Auswertung. Themenwoche: Veranstaltungsorte, Referentinnen und Referenten, "
            "Moderation, Pressearbeit und Dokumentation – mit externen Partnern gut leistbar."
        ),
        evidence=(
            "moelln-themenwoche",
            "diessen-befragung-und-task-force",
            "wittenberge-schnupper-coworking",
            "dippoldiswalde-befragung",
        ),
    ),
    ModuleData(
        slug="neue-arbeitsformen-erlebbar-machen",
        title="Neue Arbeitsformen erlebbar machen",
        summary=(
            "Oft entsteht die Nachfrage erst mit dem Angebot. Ein Co-Working-Space auf Zeit oder "
            "ein Schnuppertermin lässt Menschen ausprobieren, was sie sich vorher nicht "
            "vorstellen konnten – und die Verwaltung kann mit gutem Beispiel vorangehen."
        ),
        recommendation=(
            "<p>Richten Sie für einige Monate einen einfachen Arbeitsort ein, kostenlos und mit "
            "Online-Buchung, und sorgen Sie dafür, dass während der Öffnungszeiten jemand da ist. "
            "In Oestrich-Winkel arbeiteten dafür Beschäftigte der Verwaltung selbst im Space – "
            "das machte ihn lebendig und brachte Hinweise, was ein dauerhafter Ort bieten "
            "muss.</p>"
            "<p>Schnupperformate für Unternehmen wirken eher als Vernetzungstreffen denn als "
            "Probearbeitstag: Geben Sie ihnen ein Thema und einen passenden Namen. Nutzen Sie den "
            "Raum auch für Veranstaltungen, und starten Sie nicht in den Sommerferien. Prüfen "
            "Sie außerdem, ob die eigene Verwaltung mobiles Arbeiten erproben kann – als "
            "Arbeitgeberin hat die Stadt hier den größten eigenen Spielraum.</p>"
        ),
        fits_town_types=(
            "Städte mit vielen Auspendelnden und ordentlicher Breitbandversorgung, in denen ein "
            "leerstehendes Ladenlokal oder Gebäude für einige Monate zu haben ist."
        ),
        resources_needed=(
            "Ein Raum für einige Monate, Grundausstattung (Arbeitsplätze, WLAN, "
            "Besprechungstisch), ein Buchungswerkzeug, Personal für die Betreuung während der "
            "Öffnungszeiten und ein Budget für Werbung."
        ),
        evidence=(
            "oestrich-winkel-pop-up-coworking",
            "wittenberge-schnupper-coworking",
            "dippoldiswalde-befragung",
        ),
    ),
    ModuleData(
        slug="unterstuetzungsnetzwerk-aufbauen",
        title="Ein Unterstützungsnetzwerk aufbauen",
        summary=(
            "Die Bürgermeisterin oder der Bürgermeister öffnet Türen, tragen muss ein Vorhaben "
            "aber ein breiteres Netzwerk. Eine Task Force aus Bürgerschaft, Vereinen und "
            "Unternehmen entlastet die Verwaltung."
        ),
        recommendation=(
            "<p>Gewinnen Sie zuerst die Spitze der Verwaltung. Als Ermöglicher kann der "
            "Bürgermeister oder die Bürgermeisterin Räume, Haushaltsmittel und Rückendeckung "
            "geben – persönlich oder indem die Verantwortung klar übertragen wird. Verlassen "
            "Sie sich aber nicht allein darauf.</p>"
            "<p>Holen Sie von Anfang an engagierte Menschen aus Verwaltung, Wirtschaft und "
            "Zivilgesellschaft zusammen, etwa in einer Task Force wie in Dießen. Knüpfen Sie an "
            "bestehende Gemeinschaften an: den Sportverein mit eigenem Co-Working-Space in Mölln, "
            "die Community eines vorhandenen Spaces in Wittenberge. Viele Akteure sind anfangs "
            "nicht miteinander vernetzt und müssen erst gewonnen werden; eine vermittelnde "
            "Person von außen, etwa eine Kleinstadtpatin, hilft dabei.</p>"
        ),
        fits_town_types=(
            "Alle Kleinstädte; besonders dort, wo die Verwaltung wenig Personal für neue Themen "
            "hat oder Vorhaben bisher an einer einzelnen Person hängen."
        ),
        resources_needed=(
            "Ein Auftaktgespräch mit der Verwaltungsspitze, eine koordinierende Person in der "
            "Verwaltung mit einigen Stunden pro Woche, regelmäßige Treffen der Task Force und "
            "Mittel für eine Moderation."
        ),
        evidence=(
            "diessen-befragung-und-task-force",
            "moelln-themenwoche",
            "wittenberge-schnupper-coworking",
            "oestrich-winkel-pop-up-coworking",
        ),
    ),
    ModuleData(
        slug="langen-atem-einplanen",
        title="Langen Atem einplanen – und Scheitern erlauben",
        summary=(
            "Innovative Vorhaben brauchen in Kleinstädten länger als eine Projektlaufzeit. Wer "
            "von Beginn an die Zeit danach plant und Fehlschläge als Erkenntnis behandelt, "
            "kommt weiter."
        ),
        recommendation=(
            "<p>Planen Sie von Anfang an über das Projektende hinaus: Wer betreibt das Angebot "
            "danach, wer bezahlt es, wer kümmert sich? In Oestrich-Winkel war genau das nach "
            "einem erfolgreichen Test die größte Hürde. In Wittenberge brauchen die Gespräche "
            "mit Landesinstitutionen und die Planung für den Bahnhof deutlich mehr Zeit als ein "
            "Projektjahr.</p>"
            "<p>Behandeln Sie verworfene Ideen als Ergebnis: Eine Befragung, die wenig Interesse "
            "an Co-Working zeigt, erspart einen leeren Raum und lenkt den Blick auf andere "
            "Ansätze, etwa mobiles Arbeiten in der eigenen Verwaltung. Sprechen Sie im Verbund "
            "offen über solche Erfahrungen – im geschützten Kreis lernen alle am meisten aus den "
            "Fehlern der anderen.</p>"
        ),
        fits_town_types=(
            "Städte, die ein Vorhaben mit Fördermitteln oder als Test beginnen und es später "
            "verstetigen wollen."
        ),
        resources_needed=(
            "Eine Planung für die Zeit nach der Förderung ab der Projektmitte, feste "
            "Ansprechpersonen in Politik und Verwaltung, ein Haushaltsansatz für den Betrieb "
            "danach und regelmäßige Rückblicke im Verbund."
        ),
        evidence=(
            "oestrich-winkel-pop-up-coworking",
            "wittenberge-schnupper-coworking",
            "dippoldiswalde-befragung",
        ),
    ),
]


# --------------------------------------------------------------------------------------------
# Seeding
# --------------------------------------------------------------------------------------------

Warn = Callable[[str], None]


def seed_cms_demo(*, created: Counter, updated: Counter, warn: Warn | None = None) -> None:
    """Create the demo pages that are missing; count what was created in ``created`` and
    replaced in ``updated``. Expects the demo towns, consortia and accounts of ``seed_demo``."""
    warn = warn or logger.warning
    home = HomePage.objects.first()
    if home is None:
        warn("No HomePage: case page demo content skipped.")
        return
    case_index = _seed_case_index(home, created, updated, warn)
    _seed_action_module_index(home, case_index, created, warn)
    _seed_workshop_index(home, created, updated, warn)
    for consortium in Consortium.objects.filter(slug__in=CONSORTIUM_INTROS).order_by("start"):
        _seed_consortium_page(home, consortium, created, warn)

    consortium = Consortium.objects.filter(slug=REPORT_CONSORTIUM).first()
    parent = ConsortiumPage.objects.filter(consortium=consortium).first() if consortium else None
    if parent is None:
        warn(f"No page of consortium „{REPORT_CONSORTIUM}“: its town and case pages skipped.")
        return
    for town in consortium.own_towns().filter(slug__in=TOWN_INTROS).order_by("name"):
        _seed_town_page(parent, town, created, warn)
    for data in CASES:
        _seed_case_page(parent, consortium, data, created, warn)
    index = ActionModuleIndexPage.objects.first()
    if index is not None:
        for module in MODULES:
            _seed_action_module(index, parent, module, created, warn)


def _slug_taken(parent: Page, slug: str) -> bool:
    return parent.get_children().filter(slug=slug).exists()


def _label(model: type[Page]) -> str:
    return model._meta.label


def _add(parent: Page, page: Page, *, before: Page | None = None, after: Page | None = None):
    """Add ``page`` under ``parent`` – next to a sibling when given, to keep menu order."""
    if before is not None:
        return before.add_sibling(pos="left", instance=page)
    if after is not None:
        return after.add_sibling(pos="right", instance=page)
    return parent.add_child(instance=page)


def _seed_case_index(
    home: HomePage, created: Counter, updated: Counter, warn: Warn
) -> CaseIndexPage | None:
    """Put the case index where the "Fallstudien" menu placeholder was (or in front of the
    workshops page); the placeholder goes only while it is a plain text page without children."""
    existing = CaseIndexPage.objects.first()
    if existing is not None:
        return existing
    before = home.get_children().filter(slug=MENU_ANCHOR_SLUG).first()
    placeholder = home.get_children().filter(slug=CASE_INDEX_SLUG).first()
    if placeholder is not None:
        if placeholder.specific_class is not StandardPage or placeholder.get_children().exists():
            warn(
                f"Page „{placeholder.title}“ holds the slug „{CASE_INDEX_SLUG}“ and is not the "
                "plain placeholder: the case index is not created."
            )
            return None
        before = placeholder.get_next_sibling()
        placeholder.delete()
        updated[f"{_label(StandardPage)} (Platzhalter ersetzt)"] += 1
    page = CaseIndexPage(
        title=CASE_INDEX_TITLE,
        slug=CASE_INDEX_SLUG,
        intro=CASE_INDEX_INTRO,
        show_in_menus=True,
        live=False,
    )
    page = _add(home, page, before=before)
    page.save_revision().publish()
    created[_label(CaseIndexPage)] += 1
    return page


def _seed_action_module_index(
    home: HomePage, case_index: CaseIndexPage | None, created: Counter, warn: Warn
) -> None:
    if ActionModuleIndexPage.objects.exists():
        return
    if _slug_taken(home, ACTION_MODULE_INDEX_SLUG):
        warn(f"The slug „{ACTION_MODULE_INDEX_SLUG}“ is taken: the action module index is skipped.")
        return
    page = ActionModuleIndexPage(
        title=ACTION_MODULE_INDEX_TITLE,
        slug=ACTION_MODULE_INDEX_SLUG,
        intro=ACTION_MODULE_INDEX_INTRO,
        show_in_menus=True,
        live=False,
    )
    after = None
    if case_index is not None and case_index.get_parent().pk == home.pk:
        after = case_index
    page = _add(home, page, after=after)
    page.save_revision().publish()
    created[_label(ActionModuleIndexPage)] += 1


def _seed_workshop_index(home: HomePage, created: Counter, updated: Counter, warn: Warn) -> None:
    """Put the workshops overview where the "Transferwerkstätten" menu placeholder was (or
    behind the other overview pages); the placeholder goes only while it is a plain text page
    without children."""
    if WorkshopIndexPage.objects.exists():
        return
    before = after = None
    placeholder = home.get_children().filter(slug=WORKSHOP_INDEX_SLUG).first()
    if placeholder is not None:
        if placeholder.specific_class is not StandardPage or placeholder.get_children().exists():
            warn(
                f"Page „{placeholder.title}“ holds the slug „{WORKSHOP_INDEX_SLUG}“ and is not "
                "the plain placeholder: the workshop index is not created."
            )
            return
        before = placeholder.get_next_sibling()
        placeholder.delete()
        updated[f"{_label(StandardPage)} (Platzhalter ersetzt)"] += 1
    else:
        for model in (ActionModuleIndexPage, CaseIndexPage):
            after = model.objects.child_of(home).first()
            if after is not None:
                break
    page = WorkshopIndexPage(
        title=WORKSHOP_INDEX_TITLE,
        slug=WORKSHOP_INDEX_SLUG,
        intro=WORKSHOP_INDEX_INTRO,
        show_in_menus=True,
        live=False,
    )
    page = _add(home, page, before=before, after=after)
    page.save_revision().publish()
    created[_label(WorkshopIndexPage)] += 1


def _seed_consortium_page(
    home: HomePage, consortium: Consortium, created: Counter, warn: Warn
) -> None:
    if ConsortiumPage.objects.filter(consortium=consortium).exists():
        return
    if _slug_taken(home, consortium.slug):
        warn(f"The slug „{consortium.slug}“ is taken: no page for consortium {consortium}.")
        return
    create_consortium_page(
        consortium=consortium, parent=home, intro=CONSORTIUM_INTROS[consortium.slug]
    )
    created[_label(ConsortiumPage)] += 1


def _seed_town_page(parent: ConsortiumPage, town: Town, created: Counter, warn: Warn) -> None:
    if TownPage.objects.filter(town=town).exists():
        return
    if _slug_taken(parent, town.slug):
        warn(f"The slug „{town.slug}“ is taken under {parent.title}: no page for {town}.")
        return
    page = TownPage(title=town.name, slug=town.slug, town=town, intro=TOWN_INTROS[town.slug])
    page.live = False
    parent.add_child(instance=page)
    page.save_revision().publish()
    created[_label(TownPage)] += 1


def _demo_user(local: str):
    from forum.management.commands.seed_demo import EMAIL_DOMAIN

    return get_user_model().objects.filter(email__iexact=f"{local}@{EMAIL_DOMAIN}").first()


def _editor():
    return (
        get_user_model()
        .objects.filter(groups__name=EDITOR_GROUP, is_active=True, is_superuser=False)
        .order_by("pk")
        .first()
    )


def _contact(data: CaseData, author: Any) -> dict[str, str]:
    profile = getattr(author, "profile", None)
    return {
        "name": profile.display_name if profile else author.get_full_name(),
        "function": profile.function if profile else "",
        "organisation": data.organisation,
        "email": author.email,
        "phone": "",
    }


def _case_body(data: CaseData, author: Any) -> list[tuple[str, Any]]:
    body: list[tuple[str, Any]] = [
        (kind, RichText(value) if kind == "text" else value) for kind, value in data.body
    ]
    body.append(("contact", _contact(data, author)))
    body.append(("text", RichText(DEMO_NOTE)))
    return body


def _seed_case_page(
    parent: ConsortiumPage,
    consortium: Consortium,
    data: CaseData,
    created: Counter,
    warn: Warn,
) -> None:
    if _slug_taken(parent, data.slug):
        return
    town = consortium.own_towns().filter(slug=data.town).first()
    author = _demo_user(data.author)
    if town is None or author is None:
        warn(f"Town „{data.town}“ or account „{data.author}“ missing: case page skipped.")
        return
    page = LabCasePage(
        title=data.title,
        slug=data.slug,
        town=town,
        consortium=consortium,
        visibility=data.visibility,
        lab_format=data.lab_format,
        period_start=data.period_start,
        period_end=data.period_end,
        summary=data.summary,
        goals=data.goals,
        body=_case_body(data, author),
        owner=author,
        live=False,
    )
    parent.add_child(instance=page)
    # As after the review workflow: the town drafted the page, the editors published it.
    # (Town staff may not publish themselves, hence no permission check for the publisher.)
    # Publishing opens the page's discussion, written by its owner.
    revision = page.save_revision(user=author)
    revision.publish(user=_editor(), skip_permission_checks=True)
    created[_label(LabCasePage)] += 1
    if CaseDiscussion.objects.filter(page=page).exists():
        created[CaseDiscussion._meta.label] += 1
    else:
        warn(f"Case page „{data.title}“ got no discussion topic.")


def _seed_action_module(
    index: ActionModuleIndexPage,
    cases_parent: ConsortiumPage,
    data: ModuleData,
    created: Counter,
    warn: Warn,
) -> None:
    if _slug_taken(index, data.slug):
        return
    evidence = list(
        LabCasePage.objects.child_of(cases_parent).filter(slug__in=data.evidence).order_by("pk")
    )
    if len(evidence) < len(data.evidence):
        warn(f"Action module „{data.title}“: some of its case pages are missing.")
    page = ActionModulePage(
        title=data.title,
        slug=data.slug,
        summary=data.summary,
        recommendation=data.recommendation,
        fits_town_types=data.fits_town_types,
        resources_needed=data.resources_needed,
        live=False,
    )
    page.evidence = evidence
    index.add_child(instance=page)
    page.save_revision().publish()
    created[_label(ActionModulePage)] += 1
