"""The academy's question templates, seeded from the topics the labs' surveys asked about in the
report (Dießen: daily work, alternative forms of work, the town's appeal; Wittenberge: commuters
by train, where to, whether they must be at their workplace; interest in co-working). Their keys
and option keys are what towns' answers are compared by. Existing keys are left alone."""

from django.db import migrations

TEMPLATES = [
    # (topic, key, kind, text, text_en, options [(key, label, label_en)], extra)
    (
        "daily_work",
        "arbeitsort",
        "single",
        "Wo arbeiten Sie überwiegend?",
        "Where do you mostly work?",
        [
            ("im-ort", "Hier im Ort", "Here in town"),
            ("umgebung", "In der Umgebung (bis 30 km)", "Nearby (up to 30 km)"),
            ("weiter-weg", "Weiter entfernt", "Further away"),
            ("zu-hause", "Zu Hause", "At home"),
            ("nicht-erwerbstaetig", "Ich bin nicht erwerbstätig", "I am not in work"),
        ],
        {},
    ),
    (
        "daily_work",
        "arbeitsweg-minuten",
        "number",
        "Wie viele Minuten brauchen Sie für einen Arbeitsweg?",
        "How many minutes does one trip to work take you?",
        [],
        {"min_value": 0, "max_value": 300},
    ),
    (
        "daily_work",
        "arbeitsweg-zufriedenheit",
        "scale",
        "Wie zufrieden sind Sie mit Ihrem Arbeitsweg?",
        "How satisfied are you with your way to work?",
        [],
        {
            "help_text": "1 = gar nicht zufrieden, 5 = sehr zufrieden",
            "help_text_en": "1 = not at all, 5 = very satisfied",
        },
    ),
    (
        "commuting",
        "pendeln",
        "single",
        "Pendeln Sie zur Arbeit oder Ausbildung in einen anderen Ort?",
        "Do you commute to another place for work or training?",
        [("ja", "Ja", "Yes"), ("nein", "Nein", "No")],
        {},
    ),
    (
        "commuting",
        "pendelziel",
        "short_text",
        "Wohin pendeln Sie? (Ortsname)",
        "Where do you commute to? (name of the place)",
        [],
        {},
    ),
    (
        "commuting",
        "pendelstrecke-km",
        "number",
        "Wie weit ist Ihr Arbeitsweg in Kilometern (eine Richtung)?",
        "How far is your commute in kilometres (one way)?",
        [],
        {"min_value": 0, "max_value": 500},
    ),
    (
        "commuting",
        "verkehrsmittel",
        "multiple",
        "Womit pendeln Sie?",
        "How do you commute?",
        [
            ("auto", "Auto", "Car"),
            ("bahn", "Bahn", "Train"),
            ("bus", "Bus", "Bus"),
            ("rad", "Fahrrad", "Bicycle"),
            ("fahrgemeinschaft", "Fahrgemeinschaft", "Car sharing with others"),
        ],
        {"has_other": True},
    ),
    (
        "commuting",
        "pendeltage",
        "single",
        "Wie oft pendeln Sie?",
        "How often do you commute?",
        [
            ("taeglich", "Jeden Arbeitstag", "Every working day"),
            ("3-4", "3–4 Tage pro Woche", "3–4 days a week"),
            ("1-2", "1–2 Tage pro Woche", "1–2 days a week"),
            ("seltener", "Seltener", "Less often"),
        ],
        {},
    ),
    (
        "remote_work",
        "mobil-moeglich",
        "single",
        "Könnten Sie Ihre Arbeit auch mobil oder von zu Hause erledigen?",
        "Could you do your work remotely or from home?",
        [
            ("ja", "Ja", "Yes"),
            ("teilweise", "Teilweise", "Partly"),
            ("nein", "Nein", "No"),
        ],
        {},
    ),
    (
        "remote_work",
        "mobil-tage",
        "number",
        "An wie vielen Tagen pro Woche könnten Sie mobil arbeiten?",
        "On how many days a week could you work remotely?",
        [],
        {"min_value": 0, "max_value": 5},
    ),
    (
        "remote_work",
        "arbeitgeber-erlaubt",
        "single",
        "Erlaubt Ihr Arbeitgeber mobiles Arbeiten?",
        "Does your employer allow remote work?",
        [
            ("ja", "Ja", "Yes"),
            ("teilweise", "Teilweise", "Partly"),
            ("nein", "Nein", "No"),
            ("weiss-nicht", "Weiß nicht", "Don't know"),
        ],
        {},
    ),
    (
        "coworking",
        "coworking-interesse",
        "scale",
        "Wie groß ist Ihr Interesse an einem Co-Working-Platz hier im Ort?",
        "How interested are you in a co-working desk here in town?",
        [],
        {
            "help_text": "1 = gar kein Interesse, 5 = sehr großes Interesse",
            "help_text_en": "1 = not at all, 5 = very interested",
        },
    ),
    (
        "coworking",
        "coworking-wichtig",
        "multiple",
        "Was wäre Ihnen an einem Co-Working-Platz wichtig?",
        "What would matter to you in a co-working space?",
        [
            ("internet", "Schnelles Internet", "Fast internet"),
            ("bahnhof", "Nähe zum Bahnhof", "Close to the station"),
            ("ruhe", "Ruhige Arbeitsplätze", "Quiet desks"),
            ("besprechung", "Besprechungsraum", "Meeting room"),
            ("kinder", "Kinderbetreuung in der Nähe", "Childcare nearby"),
            ("austausch", "Austausch mit anderen", "Meeting other people"),
            ("preis", "Günstiger Preis", "Low price"),
        ],
        {"has_other": True},
    ),
    (
        "wishes",
        "wuensche",
        "long_text",
        "Was wünschen Sie sich für unseren Ort?",
        "What do you wish for our town?",
        [],
        {},
    ),
    (
        "wishes",
        "attraktivitaet",
        "scale",
        "Wie attraktiv ist unser Ort für Sie zum Leben und Arbeiten?",
        "How attractive is our town to you as a place to live and work?",
        [],
        {
            "help_text": "1 = gar nicht, 5 = sehr attraktiv",
            "help_text_en": "1 = not at all, 5 = very attractive",
        },
    ),
    (
        "about",
        "altersgruppe",
        "single",
        "Wie alt sind Sie?",
        "How old are you?",
        [
            ("unter-25", "Unter 25", "Under 25"),
            ("25-39", "25 bis 39", "25 to 39"),
            ("40-54", "40 bis 54", "40 to 54"),
            ("55-64", "55 bis 64", "55 to 64"),
            ("ab-65", "65 oder älter", "65 or older"),
        ],
        {},
    ),
]


def seed_templates(apps, schema_editor):
    QuestionTemplate = apps.get_model("cms", "QuestionTemplate")
    existing = set(QuestionTemplate.objects.values_list("key", flat=True))
    QuestionTemplate.objects.bulk_create(
        QuestionTemplate(
            topic=topic,
            key=key,
            kind=kind,
            text=text,
            text_en=text_en,
            options=[{"key": k, "label": label, "label_en": en} for k, label, en in options],
            position=position,
            **extra,
        )
        for position, (topic, key, kind, text, text_en, options, extra) in enumerate(TEMPLATES)
        if key not in existing
    )


def remove_templates(apps, schema_editor):
    QuestionTemplate = apps.get_model("cms", "QuestionTemplate")
    QuestionTemplate.objects.filter(
        key__in=[row[1] for row in TEMPLATES], questions__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cms", "0015_surveys_results")]

    operations = [migrations.RunPython(seed_templates, remove_templates)]
