"""The invoice (demande de paiement) as deposited: an immutable legal record (STYLE.md §4).

Identity of the supplier, the recipient and the service is *snapshotted* at deposit next to the
foreign keys, so renaming a structure later never rewrites an issued invoice. The original file is
stored once with its SHA-256; ``delete()`` raises; only ``status`` (through
``transitions.invoice_transition``) changes after the deposit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import BillingFrame, DepositMode, InvoiceStatus, InvoiceType
from .errors import InvoiceImmutable

AMOUNT = {"max_digits": 19, "decimal_places": 6, "null": True, "blank": True}

# Fields that may change after the deposit: the status and its timestamp (the rest is the record).
MUTABLE_FIELDS = frozenset({"status", "status_changed_at"})


def _original_path(instance: Invoice, filename: str) -> str:
    day = timezone.now()
    return f"invoices/{day:%Y/%m}/{uuid.uuid4().hex}/{filename}"


def _attachment_path(instance: InvoiceAttachment, filename: str) -> str:
    day = timezone.now()
    return f"attachments/{day:%Y/%m}/{uuid.uuid4().hex}/{filename}"


class Invoice(models.Model):
    # Parties, with their identity copied at deposit (domain.md §3; STYLE.md §4).
    supplier = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="issued_invoices"
    )
    supplier_identifier = models.CharField(_("identifiant du fournisseur"), max_length=80)
    supplier_identifier_type = models.CharField(max_length=20, default="SIRET")
    supplier_name = models.CharField(_("raison sociale du fournisseur"), max_length=200)
    recipient = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="received_invoices"
    )
    recipient_identifier = models.CharField(_("identifiant du destinataire"), max_length=80)
    recipient_name = models.CharField(_("raison sociale du destinataire"), max_length=200)
    service = models.ForeignKey(
        "structures.Service", on_delete=models.PROTECT, related_name="invoices", null=True, blank=True
    )
    service_code = models.CharField(_("code service"), max_length=100, blank=True)
    service_name = models.CharField(_("nom du service"), max_length=200, blank=True)

    # What the document says.
    number = models.CharField(_("numéro de facture"), max_length=100)
    type = models.CharField(_("type"), max_length=8, choices=InvoiceType.choices, default=InvoiceType.FACTURE)
    document_type_code = models.CharField(_("code de type de document (BT-3)"), max_length=8, blank=True)
    billing_frame = models.CharField(
        _("cadre de facturation"), max_length=48, choices=BillingFrame.choices, default=BillingFrame.A1
    )
    issue_date = models.DateField(_("date de facture"), null=True, blank=True)
    due_date = models.DateField(_("date d'échéance"), null=True, blank=True)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    amount_ht = models.DecimalField(_("montant HT"), **AMOUNT)
    amount_vat = models.DecimalField(_("montant de TVA"), **AMOUNT)
    amount_ttc = models.DecimalField(_("montant TTC"), **AMOUNT)
    amount_due = models.DecimalField(_("montant à payer"), **AMOUNT)
    commitment_number = models.CharField(_("numéro d'engagement"), max_length=50, blank=True)
    contract_number = models.CharField(_("numéro de marché"), max_length=50, blank=True)
    deposit_mode = models.CharField(_("mode de dépôt"), max_length=32, choices=DepositMode.choices)
    syntax = models.CharField(_("format"), max_length=16, blank=True)  # ubl, cii, facturx
    structured_data = models.JSONField(_("données structurées"), default=dict, blank=True)

    # Where it came from.
    flow = models.ForeignKey(
        "flows.Flow", on_delete=models.PROTECT, related_name="invoices", null=True, blank=True
    )
    depositor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deposited_invoices"
    )
    original_file = models.FileField(_("fichier original"), upload_to=_original_path, max_length=255)
    original_name = models.CharField(_("nom du fichier original"), max_length=255)
    original_sha256 = models.CharField(max_length=64)
    original_size = models.PositiveBigIntegerField(default=0)

    # The deposit certificate.
    deposited_at = models.DateTimeField(_("date de dépôt"))
    certificate_fingerprint = models.CharField(_("empreinte du certificat de dépôt"), max_length=64)

    status = models.CharField(_("statut"), max_length=48, choices=InvoiceStatus.choices)
    status_changed_at = models.DateTimeField(_("date du statut"))

    class Meta:
        verbose_name = _("facture")
        indexes = [
            models.Index(fields=["supplier_identifier", "number"]),
            models.Index(fields=["supplier", "-deposited_at"]),
            models.Index(fields=["recipient", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.supplier_identifier} → {self.recipient_identifier})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= MUTABLE_FIELDS:
                raise InvoiceImmutable()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise InvoiceImmutable()


def certificate_fingerprint(
    *, number: str, supplier_identifier: str, recipient_identifier: str, deposited_at: Any, file_sha256: str
) -> str:
    """``empreinteCertificatDepot``: SHA-256 over ``number|supplier|recipient|deposit instant (UTC,
    ISO 8601, microseconds)|SHA-256 of the original``. Anyone holding the file and the
    certificate can recompute it."""
    instant = deposited_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    canonical = "|".join((number, supplier_identifier, recipient_identifier, instant, file_sha256))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class InvoiceStatusChange(models.Model):
    """One row per status an invoice entered (the history ``consulter/historique`` shows)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="status_changes")
    status = models.CharField(max_length=48, choices=InvoiceStatus.choices)
    previous_status = models.CharField(max_length=48, blank=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("changement de statut")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise InvoiceImmutable()


class InvoiceAttachment(models.Model):
    """A file attached to an invoice (pièce jointe) or uploaded ahead of one (``ajouter/fichier``):
    ``invoice`` is empty until a deposit uses it."""

    class Kind(models.TextChoices):
        MAIN = "PRINCIPALE", _("Pièce jointe principale")
        ADDITIONAL = "COMPLEMENTAIRE", _("Pièce jointe complémentaire")

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="attachments", null=True, blank=True
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ADDITIONAL)
    name = models.CharField(_("nom"), max_length=50)
    designation = models.CharField(_("désignation"), max_length=100, blank=True)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100, blank=True)
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise InvoiceImmutable()
