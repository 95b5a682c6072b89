"""The CMS's part of erasing an account (``forum.privacy.erasure``), registered in
``CmsConfig.ready()`` so the forum does not import cms: the quotes of the person's posts are
removed from every case page, its live version, drafts and stored revisions, and @mentions of
them in other quotes become "@ehemaliges-Mitglied". (Page ownership,
revisions and Wagtail's log keep no name: their user columns are emptied with the account, and
the forum's part relabels log entries.)"""

from __future__ import annotations

from forum.privacy.erasure import Erasure

from . import services


def erase(erasure: Erasure) -> None:
    services.erase_quotes_of(person=erasure.person)
