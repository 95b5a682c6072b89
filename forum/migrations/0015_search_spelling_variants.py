"""PostgreSQL: search finds spelling variants ("Moelln" for "Mölln", "Coworking" for "Co-Working").

``forum_search_fold`` folds text the way ``forum.search.fold`` folds the query: lower case,
umlauts and accents to the plain letter, "ß" to "ss", and "ae"/"oe"/"ue" after a consonant (or at
the start) to the plain vowel, so that "neue" or "Mauer" keep their stems.
``forum_search_document`` is the German vector of the folded text plus the hyphenated words
joined ("co-working-space" also as "coworking", "workingspace" and "coworkingspace"); the parts
stay matchable on their own. It costs about four times a plain ``to_tsvector`` per written post
(well under a millisecond). Both functions
use only immutable built-ins and SQL-standard bodies (bound at creation, whatever the search path
of a later restore), so the generated column and the expression index may use them.

The stored vector of migration 0012 is replaced by one over the document (the table is
rewritten), and the title index follows; the space column, its triggers and the newest-first
index stay.
"""

from django.db import migrations

FORWARD = [
    r"""
    CREATE FUNCTION forum_search_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.regexp_replace(
        pg_catalog.translate(
            pg_catalog.replace(pg_catalog.lower(value), 'ß', 'ss'),
            'äöüáàâéèêëíìîïóòôúùûçñÄÖÜ',
            'aouaaaeeeeiiiiooouuucnaou'
        ),
        '(^|[^aeiouyq])([aou])e', '\1\2', 'g'
    )
    """,
    # The parser keeps a hyphenated word whole ("co-working-space") besides its parts; each run
    # of two or more of its parts is added joined ("coworking", "workingspace", "coworkingspace").
    """
    CREATE FUNCTION forum_search_document(value text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
        SELECT document || pg_catalog.to_tsvector(
            'pg_catalog.german'::regconfig,
            pg_catalog.array_to_string(ARRAY(
                SELECT pg_catalog.array_to_string(parts[first:last], '')
                FROM pg_catalog.unnest(pg_catalog.tsvector_to_array(document)) AS lexeme,
                    LATERAL (SELECT pg_catalog.string_to_array(lexeme, '-') AS parts) AS split,
                    LATERAL pg_catalog.generate_series(1, pg_catalog.cardinality(parts) - 1)
                        AS first,
                    LATERAL pg_catalog.generate_series(first + 1, pg_catalog.cardinality(parts))
                        AS last
                WHERE pg_catalog.strpos(lexeme, '-') > 0
            ), ' ')
        )
        FROM (SELECT pg_catalog.to_tsvector(
            'pg_catalog.german'::regconfig, forum_search_fold(COALESCE(value, ''))
        ) AS document) AS folded
    )
    """,
    "ALTER TABLE forum_post DROP COLUMN search_vector",
    """
    ALTER TABLE forum_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS
        (forum_search_document(body)) STORED
    """,
    """
    CREATE INDEX forum_post_space_search ON forum_post
    USING gin (search_space_id, search_vector)
    WHERE deleted_at IS NULL AND hidden_at IS NULL
    """,
    "DROP INDEX forum_topic_space_title_search",
    """
    CREATE INDEX forum_topic_space_title_search ON forum_topic
    USING gin (space_id, forum_search_document(title))
    """,
]

BACKWARD = [
    "DROP INDEX forum_topic_space_title_search",
    """
    CREATE INDEX forum_topic_space_title_search ON forum_topic
    USING gin (space_id, to_tsvector('german'::regconfig, COALESCE(title, '')))
    """,
    "ALTER TABLE forum_post DROP COLUMN search_vector",
    """
    ALTER TABLE forum_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS
        (to_tsvector('german'::regconfig, COALESCE(body, ''))) STORED
    """,
    """
    CREATE INDEX forum_post_space_search ON forum_post
    USING gin (search_space_id, search_vector)
    WHERE deleted_at IS NULL AND hidden_at IS NULL
    """,
    "DROP FUNCTION forum_search_document(text)",
    "DROP FUNCTION forum_search_fold(text)",
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
    dependencies = [("forum", "0014_topic_newest_activity")]

    operations = [migrations.RunPython(forward, backward)]
