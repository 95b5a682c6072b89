"""Every write to the community model and the forum: check, write, then notify after commit.

One module per domain: ``invitations``, ``members``, ``spaces``, ``posting``, ``moderation``,
``reading``, ``realtime``. Their public functions are re-exported here, so callers write
``from forum import services`` and ``services.post_reply(...)``.
"""

from .invitations import (
    InvitationError,
    IssuedInvitation,
    accept_invitation_as_user,
    accept_invitation_with_signup,
    account_exists,
    find_invitation,
    invitation_matches_user,
    invitation_url,
    invite_member,
    resend_invitation,
    revoke_invitation,
)
from .members import add_member, change_membership, remove_member, update_profile
from .moderation import (
    MoveNeedsConfirmation,
    handle_report,
    hide_post,
    move_topic,
    report_post,
    restore_post,
    set_topic_flag,
)
from .posting import (
    MAX_POST_LENGTH,
    MAX_POSTS_PER_MINUTE,
    EditConflict,
    create_topic,
    delete_post,
    edit_post,
    post_reply,
    require_unchanged,
)
from .reading import mark_read, set_lesson, set_subscription, toggle_helpful
from .realtime import (
    PRESENCE_TIMEOUT,
    check_realtime_sessions,
    end_realtime_session,
    enter_presence,
    leave_presence,
    refresh_presence,
)
from .spaces import change_space, create_consortium_space

__all__ = [
    "MAX_POSTS_PER_MINUTE",
    "MAX_POST_LENGTH",
    "PRESENCE_TIMEOUT",
    "EditConflict",
    "InvitationError",
    "IssuedInvitation",
    "MoveNeedsConfirmation",
    "accept_invitation_as_user",
    "accept_invitation_with_signup",
    "account_exists",
    "add_member",
    "change_membership",
    "change_space",
    "check_realtime_sessions",
    "create_consortium_space",
    "create_topic",
    "delete_post",
    "edit_post",
    "end_realtime_session",
    "enter_presence",
    "find_invitation",
    "handle_report",
    "hide_post",
    "invitation_matches_user",
    "invitation_url",
    "invite_member",
    "leave_presence",
    "mark_read",
    "move_topic",
    "post_reply",
    "refresh_presence",
    "remove_member",
    "report_post",
    "require_unchanged",
    "resend_invitation",
    "restore_post",
    "revoke_invitation",
    "set_lesson",
    "set_subscription",
    "set_topic_flag",
    "toggle_helpful",
    "update_profile",
]
