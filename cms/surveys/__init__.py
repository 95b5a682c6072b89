"""Citizen surveys (Bürgerbefragungen): a town asks its people, on the academy's own server,
with a public link, QR code and flyer; the consortium sees the results, and towns that asked
the same template questions compare them.

``models``; ``rules`` and ``selectors`` (who runs a survey and who sees which results);
``services`` (every write); ``views`` (the staff pages, the public form, results and exports).
"""
