"""The invoice (demande de paiement) as deposited: an immutable legal record (STYLE.md §4).

Identity of the supplier, the recipient and the service is *snapshotted* at deposit next to the
foreign keys, so renaming a structure later never rewrites an issued invoice. The original file is
stored once with its SHA-256; ``delete()`` raises; only ``status`` (through
``transitions.invoice_transition``) changes after the deposit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facturier.core.storage import stored_name

from .enums import BillingFrame, DepositMode, InvoiceStatus, InvoiceType
from .errors import InvoiceImmutable

AMOUNT = {"max_digits": 19, "decimal_places": 6, "null": True, "blank": True}

# Fields that may change after the deposit (the rest is the record, and the original file never
# changes): the status and its timestamp; the routing data a recycling or a transfer between services
# corrects (domain.md §1.5); the validator a supplier corrects and the validation dates; and the
# flags the lifecycle sets (downloaded by the recipient, rejection handled, acknowledged). Each
# change is made by a lifecycle service that records it in the history and the audit journal.
ROUTING_FIELDS = frozenset({
    "recipient", "recipient_identifier", "recipient_name",
    "service", "service_code", "service_name", "commitment_number",
})
VALIDATOR_FIELDS = frozenset({
    "validator1", "validator1_service", "validator1_identifier", "validator1_name", "validated1_on",
    "validator2", "validator2_service", "validator2_identifier", "validator2_name", "validated2_on",
})
MUTABLE_FIELDS = frozenset({
    "status", "status_changed_at", "downloaded_by_recipient", "rejection_handled", "acknowledged_at",
    "mandate_number",
}) | ROUTING_FIELDS | VALIDATOR_FIELDS


def _original_path(instance: Invoice, filename: str) -> str:
    return stored_name("invoices", filename)


def _attachment_path(instance: InvoiceAttachment, filename: str) -> str:
    return stored_name("attachments", filename)


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

    # Validation circuit (domain.md §2.2). A9/A10: validator 1 is the main contractor (titulaire)
    # who validates; validator 2 the co-contractor above a sub-contractor of a co-contractor (a
    # second level). A12: validator 1 is the group's representative (mandataire), informed only.
    # Identity is snapshotted like the parties'.
    validator1 = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="invoices_to_validate_1",
        null=True, blank=True,
    )
    validator1_service = models.ForeignKey(
        "structures.Service", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    validator1_identifier = models.CharField(_("identifiant du valideur"), max_length=80, blank=True)
    validator1_name = models.CharField(_("raison sociale du valideur"), max_length=200, blank=True)
    validated1_on = models.DateField(_("date de validation 1"), null=True, blank=True)
    validator2 = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="invoices_to_validate_2",
        null=True, blank=True,
    )
    validator2_service = models.ForeignKey(
        "structures.Service", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    validator2_identifier = models.CharField(_("identifiant du valideur 2"), max_length=80, blank=True)
    validator2_name = models.CharField(_("raison sociale du valideur 2"), max_length=200, blank=True)
    validated2_on = models.DateField(_("date de validation 2"), null=True, blank=True)

    # The rejected invoice this one re-submits (State service SE/EJ rejection, domain.md §1.5):
    # ``piecePrecedente`` / ``pieceSuivante`` in the API.
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="next_invoices", null=True, blank=True,
        verbose_name=_("facture précédente"),
    )
    # Lifecycle flags (api.md F4/F5: factureTelechargeeParDestinataire, rejetTraite).
    downloaded_by_recipient = models.BooleanField(_("téléchargée par le destinataire"), default=False)
    rejection_handled = models.BooleanField(_("rejet traité"), default=False)
    acknowledged_at = models.DateTimeField(_("acquittée le"), null=True, blank=True)
    mandate_number = models.CharField(_("numéro de mandat"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("facture")
        indexes = [
            models.Index(fields=["supplier_identifier", "number"]),
            models.Index(fields=["supplier", "-deposited_at"]),
            models.Index(fields=["recipient", "status"]),
            models.Index(fields=["validator1", "status"]),
            models.Index(fields=["validator2", "status"]),
            models.Index(fields=["status", "status_changed_at"]),
            models.Index(fields=["supplier", "status_changed_at"]),  # the supplier's live statuses
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
    # Coded motives next to the free comment: a State service's rejection ("SE incorrect", "EJ
    # incorrect ou inexistant", :class:`facturier.invoices.enums.StateRejectionMotive`), a
    # validator's refusal motive.
    motives = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("changement de statut")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise InvoiceImmutable()


class InvoiceEvent(models.Model):
    """The history's two other parts (api.md F11): *user actions* (download, acknowledgement of a
    rejection or suspension, rejection handled: ``histoActionCode``) and *additional events*
    (transfer between services, recycling, completion, validator correction, re-submission,
    automatic transfer after the validation deadline...)."""

    class Kind(models.TextChoices):
        ACTION = "ACTION", _("Action utilisateur")
        EVENT = "EVENEMENT", _("Évènement complémentaire")

    class Code(models.TextChoices):
        # User actions (histoActionCode, api.md F11).
        DOWNLOAD = "TELECHARGEMENT_FACTURE", _("Téléchargement de la facture")
        ACK_REJECTION = "ACQUITTEMENT_REJET", _("Acquittement du rejet")
        ACK_SUSPENSION = "ACQUITTEMENT_SUSPENSION", _("Acquittement de la suspension")
        REJECTION_HANDLED = "TRAITEMENT_REJET", _("Rejet traité")
        # Additional events.
        TRANSFER = "TRANSFERT_SERVICE", _("Transfert vers un autre service")
        RECYCLED = "RECYCLAGE", _("Recyclage des données d'acheminement")
        COMPLETED = "COMPLEMENT", _("Complément d'information")
        VALIDATOR_CORRECTED = "CORRECTION_VALIDEUR", _("Correction du valideur")
        RESUBMITTED = "RESOUMISSION", _("Nouvelle soumission après rejet")
        DEADLINE = "DELAI_VALIDATION_DEPASSE", _("Délai de validation dépassé : transmission automatique")
        REPRESENTATIVE_INFORMED = "MANDATAIRE_INFORME", _("Mandataire du groupement informé")

    ACTION_CODES = frozenset({Code.DOWNLOAD, Code.ACK_REJECTION, Code.ACK_SUSPENSION, Code.REJECTION_HANDLED})

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    code = models.CharField(max_length=40, choices=Code.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Who, as shown (``evenementQui``): the actor's structure name, or "facturier" for the system.
    who = models.CharField(max_length=200, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("évènement de facture")
        indexes = [models.Index(fields=["invoice", "kind"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise InvoiceImmutable()
        super().save(*args, **kwargs)

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
