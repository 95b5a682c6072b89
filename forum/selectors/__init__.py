"""Reads that depend on who asks; each result is already filtered by ``forum.rules``.

One module per domain: ``access`` (who reads and moderates which spaces, as query conditions),
``community`` (consortia, memberships, invitations, profiles), ``discussion`` (spaces, topics,
posts and their pages), ``moderation``, ``sharing`` and ``conversations``. Their public
functions are re-exported here, so callers write ``from forum import selectors``.
"""

from .access import (
    EVERYTHING,
    editors_and_admins,
    moderated_spaces_q,
    moderators_of,
    readable_spaces_q,
    readers_of,
)
from .community import (
    consortia_managed_by,
    consortia_visible_to,
    consortium_for_overview,
    memberships_of,
    pending_invitations,
    profile_user_visible_to,
)
from .conversations import (
    attach_authors,
    blocks_of,
    conversation_for,
    conversations_of,
    conversations_q,
    message_page,
    messages_after,
    messages_of,
)
from .discussion import (
    attachment_visible_to,
    load_attachments,
    load_mentions,
    new_for_user,
    post_visible_to,
    posts_for_topic_page,
    space_visible_to,
    spaces_for_home,
    spaces_visible_to,
    topic_page,
    topic_visible_to,
    topics_in_space,
    topics_visible_to,
)
from .moderation import moderation_log, move_targets, open_reports
from .sharing import (
    consents_asked_of,
    consents_of,
    share_proposal_visible_to,
    share_proposals_for,
    share_target_label,
    share_targets,
)

__all__ = [
    "EVERYTHING",
    "attach_authors",
    "attachment_visible_to",
    "blocks_of",
    "consents_asked_of",
    "consents_of",
    "consortia_managed_by",
    "consortia_visible_to",
    "consortium_for_overview",
    "conversation_for",
    "conversations_of",
    "conversations_q",
    "editors_and_admins",
    "load_attachments",
    "load_mentions",
    "memberships_of",
    "message_page",
    "messages_after",
    "messages_of",
    "moderated_spaces_q",
    "moderation_log",
    "moderators_of",
    "move_targets",
    "new_for_user",
    "open_reports",
    "pending_invitations",
    "post_visible_to",
    "posts_for_topic_page",
    "profile_user_visible_to",
    "readable_spaces_q",
    "readers_of",
    "share_proposal_visible_to",
    "share_proposals_for",
    "share_target_label",
    "share_targets",
    "space_visible_to",
    "spaces_for_home",
    "spaces_visible_to",
    "topic_page",
    "topic_visible_to",
    "topics_in_space",
    "topics_visible_to",
]
