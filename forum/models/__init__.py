"""The forum app's models, one module per domain; everything is re-exported here, so
``from forum.models import Post`` works and migrations keep their dotted paths
(``forum.models.private_storage``, ``forum.models.attachment_path``). Imported in the order
the models had in one module, so they register (and get content types) in that order."""

from .community import (
    AreaType,
    Consortium,
    Invitation,
    Membership,
    Phase,
    Profile,
    Role,
    State,
    Town,
    display_name,
    hash_invitation_token,
)
from .discussion import (
    Attachment,
    HelpfulMark,
    ModerationLogEntry,
    Post,
    PostRevision,
    ReadState,
    Report,
    Space,
    Subscription,
    Tag,
    Topic,
    TopicPresence,
    attachment_path,
    private_storage,
)
from .notifications import (
    DEFAULT_DELIVERY,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationSettings,
    SpaceNotificationLevel,
    UnreadCount,
)
from .taxonomy import Challenge, Format

# isort: split
from .background import WorkerHeartbeat
from .contact import ContactBlock, Conversation, ConversationMessage
from .mail import OutgoingEmail
from .privacy import DataExport
from .sharing import ShareConsent, ShareProposal
from .streams import StreamEvent, StreamHead

__all__ = [
    "DEFAULT_DELIVERY",
    "AreaType",
    "Attachment",
    "Challenge",
    "Consortium",
    "ContactBlock",
    "Conversation",
    "ConversationMessage",
    "DataExport",
    "Delivery",
    "Format",
    "HelpfulMark",
    "Invitation",
    "Membership",
    "ModerationLogEntry",
    "OutgoingEmail",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "NotificationSettings",
    "Phase",
    "Post",
    "PostRevision",
    "Profile",
    "ReadState",
    "Report",
    "Role",
    "ShareConsent",
    "ShareProposal",
    "Space",
    "SpaceNotificationLevel",
    "State",
    "StreamEvent",
    "StreamHead",
    "Subscription",
    "Tag",
    "Topic",
    "TopicPresence",
    "Town",
    "UnreadCount",
    "WorkerHeartbeat",
    "attachment_path",
    "display_name",
    "hash_invitation_token",
    "private_storage",
]
