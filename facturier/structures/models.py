"""Structures (legal entities identified by SIRET or another identifier), their services,
user attachments with roles, and space subscriptions. Field meanings: domain.md §3."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .spaces import Space, SpaceMode


class IdentifierType(models.TextChoices):
    SIRET = "SIRET", _("SIRET")
    UE_HORS_FRANCE = "UE_HORS_FRANCE", _("Union européenne hors France")
    HORS_UE = "HORS_UE", _("Hors Union européenne")
    RIDET = "RIDET", _("RIDET")
    TAHITI = "TAHITI", _("Numéro Tahiti")
    AUTRE = "AUTRE", _("Autre (en cours d'immatriculation)")
    PARTICULIER = "PARTICULIER", _("Particulier")


class Structure(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "PUBLIQUE", _("Publique")
        PRIVATE = "PRIVEE", _("Privée")

    class Status(models.TextChoices):
        ACTIVE = "ACTIF", _("Active")
        INACTIVE = "INACTIF", _("Inactive")

    identifier_type = models.CharField(
        _("type d'identifiant"), max_length=20, choices=IdentifierType.choices, default=IdentifierType.SIRET
    )
    identifier = models.CharField(_("identifiant"), max_length=80)
    name = models.CharField(_("raison sociale"), max_length=200)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    kind = models.CharField(_("public ou privé"), max_length=8, choices=Kind.choices, default=Kind.PRIVATE)
    status = models.CharField(_("statut"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    vat_number = models.CharField(_("numéro de TVA"), max_length=20, blank=True)
    rcs_number = models.CharField(_("numéro RCS"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail de la structure"), blank=True)

    address_line = models.CharField(_("adresse"), max_length=200, blank=True)
    address_complement1 = models.CharField(_("complément d'adresse 1"), max_length=200, blank=True)
    address_complement2 = models.CharField(_("complément d'adresse 2"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=12, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    # Parameters (domain.md §3.2).
    service_code_required = models.BooleanField(_("code service obligatoire"), default=False)
    commitment_required = models.BooleanField(_("numéro d'engagement obligatoire"), default=False)
    commitment_or_service_required = models.BooleanField(
        _("numéro d'engagement ou code service obligatoire"), default=False
    )
    payment_status_not_reported = models.BooleanField(_("statut mise en paiement non remonté"), default=False)
    is_state_service = models.BooleanField(_("service de l'État"), default=False)
    receives_by_edi = models.BooleanField(_("reçoit ses factures par EDI"), default=False)
    edi_connected = models.BooleanField(_("connectée en EDI"), default=False)
    payment_delay_days = models.PositiveSmallIntegerField(_("délai légal de paiement (jours)"), default=30)
    two_factor_required = models.BooleanField(_("double authentification obligatoire"), default=False)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("structure")
        constraints = [
            models.UniqueConstraint(
                fields=["identifier_type", "identifier"], name="structure_identifier_unique"
            ),
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"

    @property
    def is_public(self) -> bool:
        return self.kind == self.Kind.PUBLIC

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class Service(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="services")
    code = models.CharField(_("code"), max_length=100)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    valid_from = models.DateField(_("début de validité"), null=True, blank=True)
    valid_until = models.DateField(_("fin de validité"), null=True, blank=True)
    commitment_required = models.BooleanField(_("numéro d'engagement obligatoire"), default=False)
    payment_status_reported = models.BooleanField(_("statut de mise en paiement remonté"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    # Reserved for invoices between public entities: refused on a private supplier's invoice.
    RESERVED_PUBLIC_CODE = "FACTURES_PUBLIQUES"

    class Meta:
        verbose_name = _("service")
        constraints = [models.UniqueConstraint(fields=["structure", "code"], name="service_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def is_valid_on(self, day: date) -> bool:
        """Active, named, and ``day`` (a date) within its validity dates (domain.md §3.3)."""
        if not self.is_active or not self.name:
            return False
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_until is not None and day > self.valid_until)

    @property
    def status_code(self) -> str:
        """``statutService`` (domain.md §3.3): ACTIF or INACTIF."""
        return "ACTIF" if self.is_active else "INACTIF"


class Role(models.TextChoices):
    PRINCIPAL_MANAGER = "GESTIONNAIRE_PRINCIPAL", _("Gestionnaire principal")
    SECONDARY_MANAGER = "GESTIONNAIRE_SECONDAIRE", _("Gestionnaire secondaire")
    USER = "UTILISATEUR", _("Utilisateur")


class Attachment(models.Model):
    """A user's attachment (rattachement) to a structure, with a role, optionally to services."""

    class Status(models.TextChoices):
        PENDING = "EN_ATTENTE", _("En attente")
        VALIDATED = "VALIDE", _("Validé")
        REFUSED = "REFUSE", _("Refusé")
        INACTIVE = "INACTIF", _("Inactif")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attachments")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="attachments")
    role = models.CharField(_("rôle"), max_length=24, choices=Role.choices, default=Role.USER)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.PENDING)
    services = models.ManyToManyField(Service, blank=True, related_name="attachments")
    comment = models.CharField(_("commentaire"), max_length=255, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rattachement")
        constraints = [models.UniqueConstraint(fields=["user", "structure"], name="attachment_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.structure} ({self.role})"


class SpaceSubscription(models.Model):
    """A user's subscription to one of a structure's spaces, in consultation or modification mode."""

    class Status(models.TextChoices):
        PENDING = "EN_ATTENTE", _("En attente")
        ACTIVE = "ACTIF", _("Actif")
        REFUSED = "REFUSE", _("Refusé")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subscriptions")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="subscriptions")
    space = models.CharField(_("espace"), max_length=24, choices=Space.choices)
    mode = models.CharField(
        _("mode"), max_length=16, choices=SpaceMode.choices, default=SpaceMode.CONSULTATION
    )
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("abonnement à un espace")
        constraints = [
            models.UniqueConstraint(fields=["user", "structure", "space"], name="subscription_unique"),
        ]


class StructureSpace(models.Model):
    """A space a structure has opened to its users."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="open_spaces")
    space = models.CharField(_("espace"), max_length=24, choices=Space.choices)
    is_open = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["structure", "space"], name="structure_space_unique")]


class TechnicalAccount(models.Model):
    """A technical (API/EDI) account: a login/password user bound to one structure."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="technical_account"
    )
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="technical_accounts")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    # Chorus Pro expires technical passwords after 424 days (domain.md §3.6); the manager is
    # warned 15 days before (as the Odoo connector does).
    PASSWORD_LIFETIME_DAYS = 424
    PASSWORD_WARNING_DAYS = 15

    class Meta:
        verbose_name = _("compte technique")

    def __str__(self) -> str:
        return self.user.email

    @property
    def password_expires_at(self) -> datetime:
        return self.user.password_changed_at + timedelta(days=self.PASSWORD_LIFETIME_DAYS)

    def password_expired(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.password_expires_at

    def password_expires_soon(self, now: datetime | None = None) -> bool:
        """True in the last 15 days before expiry (and after it)."""
        now = now or timezone.now()
        return now >= self.password_expires_at - timedelta(days=self.PASSWORD_WARNING_DAYS)


class BankAccount(models.Model):
    """Bank details (coordonnées bancaires) of a structure; IBAN and BIC checksums are verified."""

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="bank_accounts")
    name = models.CharField(_("intitulé"), max_length=100)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    is_active = models.BooleanField(_("valide"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("coordonnées bancaires")
        verbose_name_plural = _("coordonnées bancaires")
        constraints = [models.UniqueConstraint(fields=["structure", "iban"], name="bank_account_iban_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_iban})"

    @property
    def masked_iban(self) -> str:
        return f"{self.iban[:4]} **** {self.iban[-4:]}"


def _document_path(instance: StructureDocument, filename: str) -> str:
    return f"structures/{instance.structure_id}/{instance.kind.lower()}/{filename}"


class StructureDocument(models.Model):
    """A file attached to a structure: a pièce jointe, or its generated billing mandate."""

    class Kind(models.TextChoices):
        ATTACHMENT = "PIECE_JOINTE", _("Pièce jointe")
        MANDATE = "MANDAT", _("Mandat de facturation")

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("nature"), max_length=16, choices=Kind.choices, default=Kind.ATTACHMENT)
    designation = models.CharField(_("désignation"), max_length=200)
    file = models.FileField(_("fichier"), upload_to=_document_path, max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("document de structure")

    def __str__(self) -> str:
        return self.designation


class ApiConnection(models.Model):
    """A structure's API connection (raccordement): which application may act with which of its
    technical accounts. Declared in the « Raccordement EDI & API » space, then validated by the
    principal manager; only an ACTIF connection lets API calls through (api/connections.py)."""

    class UsageType(models.TextChoices):
        OWN_USE = "USAGE_PROPRE", _("Usage propre")
        PUBLISHER = "SOLUTION_EDITEUR", _("Solution d'un éditeur")
        OPERATOR = "OPERATEUR_DEMATERIALISATION", _("Opérateur de dématérialisation")

    class Environment(models.TextChoices):
        QUALIFICATION = "QUALIFICATION", _("Qualification")
        PRODUCTION = "PRODUCTION", _("Production")

    class Status(models.TextChoices):
        PENDING = "EN_ATTENTE", _("En attente de validation")
        ACTIVE = "ACTIF", _("Actif")
        INACTIVE = "INACTIF", _("Inactif")

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="api_connections")
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.PROTECT, related_name="connections"
    )
    application_name = models.CharField(_("nom de l'application"), max_length=255)
    technical_account = models.ForeignKey(
        TechnicalAccount, on_delete=models.PROTECT, related_name="connections"
    )
    usage_type = models.CharField(_("type d'usage"), max_length=32, choices=UsageType.choices)
    partner_name = models.CharField(_("nom de l'éditeur ou de l'opérateur"), max_length=200, blank=True)
    environment = models.CharField(_("environnement"), max_length=16, choices=Environment.choices)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.PENDING)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(default=timezone.now, editable=False)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    validated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("raccordement API")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "technical_account", "environment"], name="api_connection_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_name} → {self.technical_account_id} ({self.status})"
