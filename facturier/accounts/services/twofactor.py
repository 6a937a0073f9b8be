"""Two-factor authentication: a TOTP authenticator app (RFC 6238, through ``pyotp``) and single-use
recovery codes. A structure may make it mandatory for its users (``Structure.two_factor_required``).

Account recovery is the password reset by e-mail plus these recovery codes; there are no secret
questions (NIST SP 800-63B §5.1.1.2 does not allow knowledge-based authenticators).
"""

from __future__ import annotations

import secrets

import pyotp
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from facturier.audit.services import audit_log
from facturier.core.errors import Conflict, ValidationFailed
from facturier.structures.models import Attachment

from ..models import RecoveryCode, TOTPDevice, User

ISSUER = "facturier"
RECOVERY_CODES = 10
# One 30-second step either way absorbs clock drift between the phone and the server.
VALID_WINDOW = 1
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes are typed by hand


def two_factor_required_by(*, user: User) -> list[str]:
    """Names of the structures (validated attachments) that require 2FA from ``user``."""
    return list(
        Attachment.objects.filter(
            user=user, status=Attachment.Status.VALIDATED, structure__two_factor_required=True
        ).values_list("structure__name", flat=True)
    )


def totp_uri(device: TOTPDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.email, issuer_name=ISSUER)


def totp_device_start(*, actor: User) -> TOTPDevice:
    """Draw a new secret for the actor's authenticator; it counts only once a code is confirmed."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=actor).first()
        if device is not None and device.is_confirmed:
            raise Conflict(_("La double authentification est déjà activée sur votre compte."))
        if device is None:
            device = TOTPDevice.objects.create(user=actor, secret=pyotp.random_base32())
    return device


def _matching_step(device: TOTPDevice, code: str) -> int | None:
    """The time step ``code`` belongs to, if it is valid now and newer than the last one accepted."""
    code = "".join(code.split())
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(device.secret)
    now = timezone.now()
    current = totp.timecode(now)
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        step = current + offset
        if step > device.last_step and constant_time_compare(totp.generate_otp(step), code):
            return step
    return None


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _index in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _char in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(code)) for code in codes)
    return codes


def _hash(code: str) -> str:
    # The codes carry ~49 bits of chance each: a keyed hash is enough, a slow one is not needed.
    return salted_hmac("facturier.accounts.recovery-code", code.replace("-", "").lower()).hexdigest()


def totp_device_confirm(*, actor: User, code: str) -> list[str]:
    """Finish enrolment with a first code from the app; returns the recovery codes, shown once."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=actor).first()
        if device is None:
            raise ValidationFailed(_("Commencez par scanner le QR code ou saisir la clé dans votre application."))
        if device.is_confirmed:
            raise Conflict(_("La double authentification est déjà activée sur votre compte."))
        step = _matching_step(device, code)
        if step is None:
            raise ValidationFailed(
                _("Ce code ne correspond pas : saisissez les 6 chiffres affichés maintenant par votre application "
                  "(vérifiez que l'heure du téléphone est à jour).")
            )
        device.confirmed_at = timezone.now()
        device.last_step = step
        device.save(update_fields=["confirmed_at", "last_step"])
        codes = _new_recovery_codes(actor)
        audit_log(actor=actor, action="account.two_factor.enabled", obj=actor, data={})
    return codes


def two_factor_verify(*, actor: User, code: str) -> str:
    """Check a second factor at login: a TOTP code or an unused recovery code.

    Returns ``"totp"`` or ``"recovery_code"``; raises ``ValidationFailed`` otherwise. A TOTP code is
    accepted once (its step is remembered); a recovery code is spent.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed_at__isnull=False).first()
        if device is None:
            raise ValidationFailed(_("La double authentification n'est pas activée sur ce compte."))
        step = _matching_step(device, code)
        if step is not None:
            device.last_step = step
            device.save(update_fields=["last_step"])
            return "totp"
        digest = _hash("".join(code.split()))
        recovery = RecoveryCode.objects.select_for_update().filter(
            user=actor, code_hash=digest, used_at__isnull=True
        ).first()
        if recovery is None:
            raise ValidationFailed(
                _("Code incorrect : saisissez le code à 6 chiffres de votre application, ou l'un de vos codes "
                  "de récupération (format xxxxx-xxxxx).")
            )
        recovery.used_at = timezone.now()
        recovery.save(update_fields=["used_at"])
        left = RecoveryCode.objects.filter(user=actor, used_at__isnull=True).count()
        audit_log(actor=actor, action="account.two_factor.recovery_code_used", obj=actor, data={"left": left})
    return "recovery_code"


def recovery_codes_regenerate(*, actor: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    with transaction.atomic():
        if not TOTPDevice.objects.filter(user=actor, confirmed_at__isnull=False).exists():
            raise ValidationFailed(_("Activez d'abord la double authentification."))
        codes = _new_recovery_codes(actor)
        audit_log(actor=actor, action="account.two_factor.recovery_codes_regenerated", obj=actor, data={})
    return codes


def totp_device_remove(*, actor: User, code: str) -> None:
    """Turn 2FA off, proving possession with a current code. Refused when a structure requires it."""
    required = two_factor_required_by(user=actor)
    if required:
        raise ValidationFailed(
            _("%(structures)s impose la double authentification : vous ne pouvez pas la désactiver."),
            structures=", ".join(required),
        )
    with transaction.atomic():
        two_factor_verify(actor=actor, code=code)
        TOTPDevice.objects.filter(user=actor).delete()
        RecoveryCode.objects.filter(user=actor).delete()
        audit_log(actor=actor, action="account.two_factor.disabled", obj=actor, data={})


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
