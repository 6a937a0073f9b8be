"""Users log in with their e-mail address. Technical accounts (API/EDI) are users of kind TECHNICAL."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Logins are case-insensitive: e-mail addresses are stored lower-cased.
        return self.get(email=(username or "").lower())


class NotificationFrequency(models.TextChoices):
    DAILY = "DAILY", _("Quotidienne")
    WEEKLY = "WEEKLY", _("Hebdomadaire")


class User(AbstractBaseUser, PermissionsMixin):
    class Kind(models.TextChoices):
        PERSON = "PERSON", _("Personne")
        TECHNICAL = "TECHNICAL", _("Compte technique")

    class Language(models.TextChoices):
        FR = "fr", _("Français")
        EN = "en", _("English")

    email = models.EmailField(_("e-mail de connexion"), unique=True)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    kind = models.CharField(_("type de compte"), max_length=16, choices=Kind.choices, default=Kind.PERSON)
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices, default=Language.FR)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("équipe"), default=False)
    date_joined = models.DateTimeField(_("date de création"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("mot de passe changé le"), default=timezone.now)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmé le"), null=True, blank=True)
    notifications_enabled = models.BooleanField(_("notifications d'activité"), default=False)
    notification_frequency = models.CharField(
        _("fréquence des notifications"), max_length=8, choices=NotificationFrequency.choices,
        default=NotificationFrequency.WEEKLY,
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def notification_email(self) -> str:
        """Notifications go to the contact address, which may differ from the login."""
        return self.contact_email or self.email

    @property
    def is_technical(self) -> bool:
        return self.kind == self.Kind.TECHNICAL

    @property
    def has_two_factor(self) -> bool:
        device = getattr(self, "totp_device", None) if self.pk else None
        return device is not None and device.is_confirmed

    @property
    def state_label(self) -> str:
        if self.is_active:
            return str(_("Actif"))
        if self.email_confirmed_at is None:
            return str(_("En attente de confirmation de l'adresse e-mail"))
        return str(_("Désactivé"))


class Registration(models.Model):
    """A registration waiting for its e-mail confirmation.

    The user exists (inactive) from the start; the structure is created, or the attachment
    requested, only once the address is confirmed, so an unconfirmed address never claims a SIRET.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", _("En attente de confirmation")
        CONFIRMED = "CONFIRMED", _("Confirmée")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="registration")
    identifier_type = models.CharField(_("type d'identifiant"), max_length=20)
    identifier = models.CharField(_("identifiant"), max_length=80)
    structure_name = models.CharField(_("raison sociale"), max_length=200)
    vat_number = models.CharField(_("numéro de TVA"), max_length=20, blank=True)
    address_line = models.CharField(_("adresse"), max_length=200)
    postal_code = models.CharField(_("code postal"), max_length=12)
    city = models.CharField(_("ville"), max_length=100)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")


class TOTPDevice(models.Model):
    """A TOTP authenticator (RFC 6238). Enrolment is finished when the first code is checked."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last time step accepted: a code is never accepted twice (replay).
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("application d'authentification")

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A single-use recovery code, stored hashed like a password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("code de récupération")


class Merger(models.Model):
    """A merger by absorption, followed step by step (checklist) until its summary."""

    class Status(models.TextChoices):
        IN_PROGRESS = "EN_COURS", _("En cours")
        DONE = "TERMINEE", _("Terminée")

    absorbing = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="+", verbose_name=_("structure absorbante")
    )
    absorbed = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="+", verbose_name=_("structure absorbée")
    )
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    final_manager = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("gestionnaire principal final"),
    )
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    manager_designated_at = models.DateTimeField(null=True, blank=True)
    users_moved_at = models.DateTimeField(null=True, blank=True)
    users_moved = models.JSONField(default=list, blank=True)
    absorbed_inactivated_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fusion-absorption")
