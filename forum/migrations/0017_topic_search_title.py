"""PostgreSQL: the topic title's search vector stored (a generated column) instead of computed.

Ranking a search's candidates computed ``forum_search_document(title)`` once per candidate: about
19 of 25 ms for "Kleinstadt" at 1,000,000 posts (604 candidates, bench/scale.py). Stored, it is
computed once per write of a title, and the title index is built over the column.
"""

from django.db import migrations

FORWARD = [
    """
    ALTER TABLE forum_topic ADD COLUMN search_title tsvector GENERATED ALWAYS AS
        (forum_search_document(title)) STORED
    """,
    "DROP INDEX forum_topic_space_title_search",
    "CREATE INDEX forum_topic_space_title_search ON forum_topic USING gin (space_id, search_title)",
]

BACKWARD = [
    "DROP INDEX forum_topic_space_title_search",
    "ALTER TABLE forum_topic DROP COLUMN search_title",
    """
    CREATE INDEX forum_topic_space_title_search ON forum_topic
    USING gin (space_id, forum_search_document(title))
    """,
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("forum", "0016_case_page_notifications")]

    operations = [migrations.RunPython(forward, backward)]
