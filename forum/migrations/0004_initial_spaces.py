from django.db import migrations
from django.utils.text import slugify


def create_spaces(apps, schema_editor):
    """The academy-wide exchange space, and a closed space for every existing consortium."""
    Space = apps.get_model("forum", "Space")
    Consortium = apps.get_model("forum", "Consortium")
    Space.objects.get_or_create(
        slug="erfahrungsaustausch",
        defaults={
            "name": "Forum für Erfahrungsaustausch",
            "description": "Offen für alle Mitglieder aller Verbünde.",
        },
    )
    for consortium in Consortium.objects.filter(spaces__isnull=True):
        Space.objects.create(
            consortium=consortium,
            name=consortium.name,
            slug=slugify(consortium.slug)[:150],
        )


class Migration(migrations.Migration):
    dependencies = [("forum", "0003_spaces_topics_posts")]

    operations = [migrations.RunPython(create_spaces, migrations.RunPython.noop)]
