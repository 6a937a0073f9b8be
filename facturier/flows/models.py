"""A deposited flow and one row per invoice found in it (domain.md §4.2, §4.3)."""

from __future__ import annotations


from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facturier.core.storage import stored_name


class FlowState(models.TextChoices):
    """``etatCourantDepotFlux`` (domain.md §4.3)."""

    IN_RECU = "IN_RECU", _("Reçu")
    IN_EN_ATTENTE_TRAITEMENT_CPP = "IN_EN_ATTENTE_TRAITEMENT_CPP", _("En attente de traitement")
    IN_EN_COURS_TRAITEMENT_CPP = "IN_EN_COURS_TRAITEMENT_CPP", _("En cours de traitement")
    IN_INTEGRE = "IN_INTEGRE", _("Intégré")
    IN_INTEGRE_PARTIEL = "IN_INTEGRE_PARTIEL", _("Intégré partiellement")
    IN_REJETE = "IN_REJETE", _("Rejeté")


FINAL_STATES = frozenset({FlowState.IN_INTEGRE, FlowState.IN_INTEGRE_PARTIEL, FlowState.IN_REJETE})
PENDING_STATES = frozenset({FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP, FlowState.IN_EN_COURS_TRAITEMENT_CPP})


class Channel(models.TextChoices):
    API = "API", _("API")
    PORTAIL = "PORTAIL", _("Portail")
    SFTP = "SFTP", _("SFTP")
    INBOX = "INBOX", _("Répertoire de dépôt")


# Channels of EDI partners, whose reports are written to their outbox.
EDI_CHANNELS = (Channel.SFTP, Channel.INBOX)


class FlowSyntax(models.TextChoices):
    """The ``syntaxeFlux`` values facturier processes (domain.md §4.2)."""

    E1_UBL = "IN_DP_E1_UBL_INVOICE", _("UBL 2.1 structuré (E1)")
    E1_CII_16B = "IN_DP_E1_CII_16B", _("CII D16B structuré (E1)")
    E2_FACTURX = "IN_DP_E2_CII_FACTURX", _("Factur-X (E2)")


# syntaxeFlux → (content format required, interface code of the reports; domain.md §4.2).
SYNTAX_FORMAT = {FlowSyntax.E1_UBL: "ubl", FlowSyntax.E1_CII_16B: "cii", FlowSyntax.E2_FACTURX: "facturx"}
INTERFACE_CODES = {FlowSyntax.E1_UBL: "FSO1100A", FlowSyntax.E1_CII_16B: "FSO1106A", FlowSyntax.E2_FACTURX: "FSO1117A"}


def _flow_path(instance: Flow, filename: str) -> str:
    return stored_name("flows", filename, prefix=instance.number)


def _report_path(instance: Flow, filename: str) -> str:
    return stored_name("flows", filename, prefix=instance.number)


class Flow(models.Model):
    number = models.CharField(_("numéro de flux"), max_length=25, unique=True)  # CPP + 22 digits
    depositor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="flows")
    supplier = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="flows", null=True, blank=True
    )
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    syntax = models.CharField(_("syntaxe du flux"), max_length=40, choices=FlowSyntax.choices)
    file_name = models.CharField(_("nom du fichier"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=_flow_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    with_signature = models.BooleanField(_("avec signature"), default=False)

    state = models.CharField(_("état"), max_length=40, choices=FlowState.choices, default=FlowState.IN_RECU)
    received_at = models.DateTimeField(_("date de dépôt"), default=timezone.now)
    state_changed_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    # The processing lease: set when a worker starts and renewed with each batch; a flow whose
    # lease is older than FACTURIER_FLOW_LEASE_SECONDS is re-queued by the sweeper.
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    # Entries found by the container check: the flow is complete when each has its FlowItem (the
    # chunk tasks of a big flow use it to know which one finishes).
    entry_count = models.PositiveIntegerField(default=0)
    invoice_count = models.PositiveIntegerField(default=0)
    integrated_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # Flow-level errors (listeErreurTechnique): [{"code", "message": {"fr", "en"}, "nature"}].
    technical_errors = models.JSONField(default=list, blank=True)
    report = models.JSONField(_("compte rendu"), default=dict, blank=True)
    report_pdf = models.FileField(upload_to=_report_path, max_length=255, blank=True)

    class Meta:
        verbose_name = _("flux")
        verbose_name_plural = _("flux")
        indexes = [models.Index(fields=["state", "processing_started_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


class FlowItem(models.Model):
    """One invoice of a flow (one entry of an archive): integrated, or rejected with its errors.

    Unique per (flow, index): integrating an entry and writing its row happen in one transaction,
    so a re-run after a crash skips what was done and never integrates an entry twice.
    """

    class Outcome(models.TextChoices):
        INTEGRE = "INTEGRE", _("Intégrée")
        REJETE = "REJETE", _("Rejetée")

    flow = models.ForeignKey(Flow, on_delete=models.PROTECT, related_name="items")
    index = models.PositiveIntegerField()
    entry_name = models.CharField(max_length=255)
    number = models.CharField(_("numéro de la demande de paiement"), max_length=100, blank=True)
    supplier_identifier = models.CharField(max_length=80, blank=True)
    recipient_identifier = models.CharField(max_length=80, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    # [{"rule", "terms", "location", "line", "message": {"fr", "en"}}]
    errors = models.JSONField(default=list, blank=True)
    invoice = models.OneToOneField(
        "invoices.Invoice", on_delete=models.PROTECT, related_name="flow_item", null=True, blank=True
    )
    processed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["flow", "index"]
        constraints = [models.UniqueConstraint(fields=["flow", "index"], name="flow_item_unique_entry")]
