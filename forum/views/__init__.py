"""The forum's pages, one module per domain: ``community`` (consortia, members, profiles),
``invitations``, ``topics`` (home, spaces, topics, replies), ``posts``, ``moderation``,
``files``, ``notifications`` and ``search``. ``guards`` holds the checks they start with.

Thin views: authorise through ``forum.rules`` (via ``guards``), read through selectors, write
through services."""
