"""The forum's pages, one module per domain: ``community`` (consortia, members, profiles),
``invitations``, ``topics`` (home, spaces, topics, replies), ``posts``, ``moderation``,
``files``, ``notifications``, ``privacy`` ("Meine Daten"), ``search`` and ``mfa`` (two-factor
setup that returns to the page that asked for it). ``guards`` holds the checks they start with.

Thin views: authorise through ``forum.rules`` (via ``guards``), read through selectors, write
through services."""
