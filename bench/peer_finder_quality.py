"""Print the peer finder's top 3 results, with their reasons, for 10 questions written from the
report (``stadtlabor-kleinstadt-bbsr-09-2025``), on whatever data the database holds – meant for
the demo data:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ksa_demo .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py seed_demo
    DATABASE_URL=... .venv/bin/python bench/peer_finder_quality.py [--rebuild] [--markdown]

The questions are asked as an anonymous visitor and as a member: the first person whose profile
names Mölln, else the first member of a consortium; their town decides "gleiche Größenklasse",
"gleiches Bundesland" and the distances. ``--rebuild`` writes the finder's table anew first (for a
database filled before the table existed). ``--markdown`` prints a table for a closing note, with
an empty column to judge each result. Nothing is written otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

QUESTIONS = [
    "Befragung mit QR-Code",
    "Coworking im Leerstand",
    "Pendler Bahnhof",
    "Bürgerbeteiligung Kleinstadt unter 15.000",
    "gescheitert Co-Working Räume",
    "Verwaltung mobiles Arbeiten",
    "Themenwoche Moelln",
    "Schnuppertag Arbeitsplätze auf Probe",
    "Task Force mit Bürgerschaft und Verwaltung",
    "Dritte Orte Ortskern beleben",
]


def _member():
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(is_active=True, memberships__isnull=False)
    return people.filter(profile__town__name="Mölln").first() or people.order_by("pk").first()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="rebuild the table first")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser

    from cms.peer_finder.index import rebuild
    from cms.peer_finder.search import Filters, Viewer, find
    from cms.peer_finder.terms import Vocabulary, read_question
    from forum.models import Challenge, Format, Profile

    if args.rebuild:
        print(f"Neu aufgebaut: {rebuild()} Einträge")
    vocabulary = Vocabulary(
        challenges=list(Challenge.objects.all()), formats=list(Format.objects.all())
    )
    member = _member()
    profile = Profile.objects.select_related("town").filter(user=member).first()
    town = profile.town if profile else None
    askers = [("anonym", AnonymousUser(), Viewer())]
    if member is not None:
        label = f"Mitglied {member.get_username()}" + (f" ({town.name})" if town else "")
        askers.append((label, member, Viewer(town)))
    if args.markdown:
        print("| Frage | Wer | # | Ergebnis | Gründe | richtig? |")
        print("| --- | --- | --- | --- | --- | --- |")
    for question_text in QUESTIONS:
        question = read_question(question_text, vocabulary)
        for label, user, viewer in askers:
            findings = find(user, question, Filters(), viewer)
            top = findings.results[0:3]
            if not args.markdown:
                total = sum(findings.counts.values())
                print(f"\n„{question_text}“ – {label}: {total} Treffer {findings.counts}")
            for place, result in enumerate(top, start=1):
                entry = result.entry
                where = f" ({entry.town.name})" if entry.town else ""
                what = f"{entry.get_kind_display()}: {entry.title}{where}"
                reasons = "; ".join(result.reasons)
                if args.markdown:
                    print(f"| {question_text} | {label} | {place} | {what} | {reasons} | |")
                else:
                    print(f"  {place}. {what}\n     {reasons}")
            if not top:
                print(
                    "  (nichts gefunden)"
                    if not args.markdown
                    else f"| {question_text} | {label} | – | nichts gefunden | | |"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
