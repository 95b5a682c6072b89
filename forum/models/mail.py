"""Email as it leaves the platform: one row per message, queued with the change it reports."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    """An email written in the transaction of the change it reports, sent by a task
    (``forum.mail.send_outgoing_email``): retried while the mail server fails, and recorded as
    sent in the transaction that ends right after the server accepted it, so a task run twice
    sends it once. The content is dropped once it has left or been given up (invitations and
    password resets carry sign-in links); the row keeps what left when, for whom.
    Notification emails keep their own record (``Notification.emailed_at``) because they
    re-check access when they are sent; everything else leaves through here."""

    kind = models.CharField(max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    from_email = models.CharField(max_length=254, blank=True)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=998)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "failed_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"
