"""EDI partners, their SSH keys, and the files refused before they became a flow."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Chorus Pro gives EDI partners a code of the form "AAA999" (domain.md §3.6). It also names the
# partner's directory, so it must stay a safe file name.
PARTNER_CODE = r"^[A-Z]{3}[0-9]{3}$"


class EdiPartner(models.Model):
    """An EDI connection: a technical account allowed to deposit flows over SFTP or through the
    watched inbox. Only an active partner can log in and have its inbox polled."""

    technical_account = models.OneToOneField(
        "structures.TechnicalAccount", on_delete=models.PROTECT, related_name="edi_partner"
    )
    code = models.CharField(
        _("code partenaire"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(PARTNER_CODE, _("Le code partenaire a la forme AAA999."))],
    )
    active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("partenaire EDI")
        verbose_name_plural = _("partenaires EDI")

    def __str__(self) -> str:
        return self.code


class EdiKey(models.Model):
    """An SSH public key a partner logs in with over SFTP (next to, or instead of, the technical
    account's password). Revoked keys are kept (inactive) for the record."""

    technical_account = models.ForeignKey(
        "structures.TechnicalAccount", on_delete=models.PROTECT, related_name="edi_keys"
    )
    public_key = models.TextField(_("clé publique"))  # OpenSSH format, one line
    fingerprint = models.CharField(_("empreinte"), max_length=100)  # "SHA256:…"
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    active = models.BooleanField(_("active"), default=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("clé SSH EDI")
        verbose_name_plural = _("clés SSH EDI")
        constraints = [
            models.UniqueConstraint(
                fields=["technical_account", "fingerprint"],
                condition=models.Q(active=True),
                name="edi_key_active_unique",
            )
        ]

    def __str__(self) -> str:
        return self.fingerprint


class EdiRejection(models.Model):
    """A file dropped by a partner that never became a flow (no declared syntax, unknown syntax,
    empty, too large, bad name). It is listed in the day's rejects file of its issuer."""

    partner = models.ForeignKey(EdiPartner, on_delete=models.PROTECT, related_name="rejections")
    # The issuer the partner deposits for by default (its technical account's structure).
    issuer_identifier = models.CharField(max_length=80, blank=True)
    channel = models.CharField(max_length=8)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    code = models.CharField(max_length=64)
    # {"fr": …, "en": …}: both languages, the reports are read by machines and people alike.
    message = models.JSONField(default=dict)
    rejected_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("fichier EDI refusé")
        ordering = ["rejected_at", "pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.code})"
