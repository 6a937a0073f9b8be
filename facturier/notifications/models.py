"""What the notifications have done, so that nothing is sent twice.

- :class:`NotifiedEntry`: one row per audit entry whose mails were decided (the unique row is the
  claim: a retried or concurrent job for the same entry inserts it again, fails, and rolls back its
  mails). The sweeper looks for recent entries without one.
- :class:`Notification`: one row per mail sent for an entry, per user (unique).
- :class:`Digest`: one row per user and period (a day or an ISO week), mailed or not (an empty
  digest is recorded but not sent); the next digest starts where the last one ended.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facturier.accounts.models import NotificationFrequency


class NotifiedEntry(models.Model):
    entry = models.OneToOneField(
        "audit.AuditEntry", on_delete=models.PROTECT, related_name="notified",
        verbose_name=_("entrée du journal"),
    )
    processed_at = models.DateTimeField(_("traitée le"), default=timezone.now)
    mails = models.PositiveIntegerField(_("e-mails envoyés"), default=0)

    class Meta:
        verbose_name = _("entrée notifiée")
        verbose_name_plural = _("entrées notifiées")

    def __str__(self) -> str:
        return f"entry {self.entry_id}: {self.mails}"


class Notification(models.Model):
    """One e-mail about one audit entry to one user (what was sent, where, in which language)."""

    entry = models.ForeignKey("audit.AuditEntry", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    invoice = models.ForeignKey(
        "invoices.Invoice", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    email = models.EmailField(_("adresse"))
    language = models.CharField(_("langue"), max_length=8)
    roles = models.JSONField(_("rôles"), default=list)
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)

    class Meta:
        verbose_name = _("notification")
        constraints = [models.UniqueConstraint(fields=["entry", "user"], name="notification_once_per_user")]

    def __str__(self) -> str:
        return f"entry {self.entry_id} → {self.email}"


class Digest(models.Model):
    """A user's periodic digest for one period (``D2025-03-04`` or ``W2025-10``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="digests")
    period = models.CharField(_("période"), max_length=16)
    frequency = models.CharField(_("fréquence"), max_length=8, choices=NotificationFrequency.choices)
    since = models.DateTimeField(_("depuis"))
    until = models.DateTimeField(_("jusqu'à"))
    changes = models.PositiveIntegerField(_("changements de statut"), default=0)
    pending = models.PositiveIntegerField(_("actions en attente"), default=0)
    mailed = models.BooleanField(_("envoyé"), default=False)
    email = models.EmailField(_("adresse"), blank=True)

    class Meta:
        verbose_name = _("résumé périodique")
        verbose_name_plural = _("résumés périodiques")
        constraints = [models.UniqueConstraint(fields=["user", "period"], name="digest_once_per_period")]
        indexes = [models.Index(fields=["user", "-until"], name="digest_last_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period}"
