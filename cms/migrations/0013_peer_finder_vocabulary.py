from django.db import migrations, models

# PostgreSQL only: misspelt question words are compared with the vocabulary of names (a trigram
# index on its words) instead of with every row's words, whose index goes.
FORWARD = [
    "CREATE INDEX cms_peerfinderword_trigrams ON cms_peerfinderword USING gin (word gin_trgm_ops)",
    "DROP INDEX cms_peerfinder_words",
]
BACKWARD = [
    "CREATE INDEX cms_peerfinder_words ON cms_peerfinderentry USING gin (words gin_trgm_ops)",
    "DROP INDEX cms_peerfinderword_trigrams",
]
MIN_LENGTH = 5  # PeerFinderWord.MIN_LENGTH when this was written


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)
    Entry = apps.get_model("cms", "PeerFinderEntry")
    Word = apps.get_model("cms", "PeerFinderWord")
    words = set()
    for text in Entry.objects.exclude(words="").values_list("words", flat=True).iterator():
        words.update(word[:100] for word in text.split() if len(word) >= MIN_LENGTH)
    Word.objects.bulk_create([Word(word=word) for word in sorted(words)], ignore_conflicts=True)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0012_peer_finder_entries"),
    ]

    operations = [
        migrations.CreateModel(
            name="PeerFinderWord",
            fields=[
                ("word", models.CharField(max_length=100, primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "Wort der Suche „Wer hat das schon gemacht?“",
            },
        ),
        migrations.RunPython(forward, backward),
    ]
