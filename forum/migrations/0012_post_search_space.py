"""PostgreSQL: search reads a stored text vector and the post's space from the post row itself.

``search_vector`` is a generated column (to_tsvector runs once per write, not once per search
for every candidate), ``search_space_id`` a copy of the topic's space kept by two triggers (on a
post's insert and on a topic's move), so that one GIN index (btree_gin) answers "these spaces,
this word" and a btree index "the newest matches in this space". Neither column is a model
field: only ``forum.search`` reads them, and SQLite's fallback search does not need them.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

FORWARD = [
    # The space first, then the vector: the vector's column rewrites the table, and rows this
    # transaction wrote and then updated again would queue a foreign-key check each.
    "ALTER TABLE forum_post ADD COLUMN search_space_id bigint",
    """
    UPDATE forum_post SET search_space_id = forum_topic.space_id
    FROM forum_topic WHERE forum_topic.id = forum_post.topic_id
    """,
    "ALTER TABLE forum_post ALTER COLUMN search_space_id SET NOT NULL",
    """
    ALTER TABLE forum_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS
        (to_tsvector('german'::regconfig, COALESCE(body, ''))) STORED
    """,
    """
    CREATE FUNCTION forum_post_search_space() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_space_id := (SELECT space_id FROM forum_topic WHERE id = NEW.topic_id);
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER forum_post_search_space BEFORE INSERT OR UPDATE OF topic_id ON forum_post
    FOR EACH ROW EXECUTE FUNCTION forum_post_search_space()
    """,
    """
    CREATE FUNCTION forum_topic_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE forum_post SET search_space_id = NEW.space_id WHERE topic_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER forum_topic_moved AFTER UPDATE OF space_id ON forum_topic
    FOR EACH ROW WHEN (OLD.space_id IS DISTINCT FROM NEW.space_id)
    EXECUTE FUNCTION forum_topic_moved()
    """,
    # Only what search may show is indexed: deleted and hidden posts never match.
    """
    CREATE INDEX forum_post_space_search ON forum_post
    USING gin (search_space_id, search_vector)
    WHERE deleted_at IS NULL AND hidden_at IS NULL
    """,
    """
    CREATE INDEX forum_post_space_newest ON forum_post (search_space_id, id)
    WHERE deleted_at IS NULL AND hidden_at IS NULL
    """,
    """
    CREATE INDEX forum_topic_space_title_search ON forum_topic
    USING gin (space_id, to_tsvector('german'::regconfig, COALESCE(title, '')))
    """,
    "DROP INDEX IF EXISTS forum_post_body_german_fts",
    "DROP INDEX IF EXISTS forum_topic_title_german_fts",
]

BACKWARD = [
    "DROP INDEX forum_topic_space_title_search",
    "DROP TRIGGER forum_topic_moved ON forum_topic",
    "DROP FUNCTION forum_topic_moved()",
    "DROP TRIGGER forum_post_search_space ON forum_post",
    "DROP FUNCTION forum_post_search_space()",
    "ALTER TABLE forum_post DROP COLUMN search_vector, DROP COLUMN search_space_id",
    """
    CREATE INDEX forum_post_body_german_fts ON forum_post
    USING gin (to_tsvector('german'::regconfig, COALESCE(body, '')))
    """,
    """
    CREATE INDEX forum_topic_title_german_fts ON forum_topic
    USING gin (to_tsvector('german'::regconfig, COALESCE(title, '')))
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
    dependencies = [("forum", "0011_outgoing_email")]

    # CreateExtension does nothing on other databases.
    operations = [BtreeGinExtension(), migrations.RunPython(forward, backward)]
