"""The audit journal: one append-only, hash-chained table, written only by ``audit_log``.

Each entry stores the SHA-256 of the previous entry's hash chained with its own canonical form
(``facturier.audit.canonical``), so editing, deleting or re-ordering rows breaks the chain, which
``facturier audit verify`` detects. ``AuditHead`` is a single row holding the last sequence number
and hash: appends lock it, which serialises them, and it lets verification notice a deleted tail.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .canonical import GENESIS_HASH, iso_utc


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a journal entry through the ORM."""


class ActorKind(models.TextChoices):
    USER = "USER", _("Utilisateur")
    TECHNICAL = "TECHNICAL", _("Compte technique")
    SYSTEM = "SYSTEM", _("Système")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit journal is append-only: entries cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the audit journal is append-only: entries cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit journal is append-only: entries cannot be updated")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        # Bulk inserts would bypass the chaining done by audit_log.
        raise AppendOnlyError("append to the audit journal with facturier.audit.services.audit_log")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("append to the audit journal with facturier.audit.services.audit_log")

    def append_chained(self, entries: list[AuditEntry]) -> list[AuditEntry]:
        """Insert entries that ``audit_log_many`` numbered and chained under the head lock, in one
        statement. Refuses a list that is not one unbroken, hashed run of the chain."""
        for previous, entry in zip([None, *entries], entries, strict=False):
            if not entry.hash or not entry._state.adding or (
                previous is not None
                and (entry.prev_hash != previous.hash or entry.sequence != previous.sequence + 1)
            ):
                raise AppendOnlyError("append to the audit journal with facturier.audit.services.audit_log")
        return super().bulk_create(entries)

    def for_object(self, obj: models.Model) -> AuditEntryQuerySet:
        return self.filter(object_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(_("numéro d'ordre"), unique=True)
    timestamp = models.DateTimeField(_("horodatage"), db_index=True)
    actor_kind = models.CharField(_("type d'acteur"), max_length=16, choices=ActorKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    # A snapshot: the journal must still say who acted after the account is renamed.
    actor_label = models.CharField(_("acteur (libellé)"), max_length=255)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("type d'objet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_id = models.CharField(_("identifiant de l'objet"), max_length=64, blank=True)
    object_label = models.CharField(_("objet (libellé)"), max_length=255, blank=True)
    data = models.JSONField(_("données"), default=dict, blank=True)
    prev_hash = models.CharField(_("empreinte précédente"), max_length=64)
    hash = models.CharField(_("empreinte"), max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("entrées du journal d'audit")
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the audit journal is append-only: entries cannot be updated")
        if not self.hash:
            raise AppendOnlyError("append to the audit journal with facturier.audit.services.audit_log")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit journal is append-only: entries cannot be deleted")

    def hashed_fields(self) -> dict[str, Any]:
        """The fields covered by ``hash``, in their canonical form (see ``canonical``)."""
        object_type = None
        if self.object_type_id is not None:
            ct = ContentType.objects.get_for_id(self.object_type_id)
            object_type = f"{ct.app_label}.{ct.model}"
        return {
            "sequence": self.sequence,
            "timestamp": iso_utc(self.timestamp),
            "actor_kind": self.actor_kind,
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": object_type,
            "object_id": self.object_id,
            "object_label": self.object_label,
            "data": self.data,
        }


class AuditHead(models.Model):
    """The single row (``pk=1``) holding the chain's last sequence number and hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("tête du journal d'audit")

    def __str__(self) -> str:
        return f"head #{self.sequence}"
