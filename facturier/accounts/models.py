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
