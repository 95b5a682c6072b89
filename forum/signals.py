"""Signals the forum sends for other apps; sent by services, never by model saves."""

from django.dispatch import Signal

# Sent after the members of a consortium changed (``consortium``); the CMS derives its editing
# rights from membership and listens here.
membership_changed = Signal()
