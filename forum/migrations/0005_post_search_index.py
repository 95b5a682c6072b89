from django.db import migrations

INDEX = "forum_post_body_german_fts"


def create_index(apps, schema_editor):
    # The expression must match forum.search exactly so PostgreSQL uses the index.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON forum_post "
            "USING gin (to_tsvector('german'::regconfig, COALESCE(body, '')))"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS forum_topic_title_german_fts ON forum_topic "
            "USING gin (to_tsvector('german'::regconfig, COALESCE(title, '')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute("DROP INDEX IF EXISTS forum_topic_title_german_fts")


class Migration(migrations.Migration):
    dependencies = [("forum", "0004_initial_spaces")]

    operations = [migrations.RunPython(create_index, drop_index)]
