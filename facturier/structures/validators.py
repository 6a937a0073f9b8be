"""Checks of structure identifiers and bank details (domain.md §3.1).

Each validator raises ``django.core.exceptions.ValidationError`` with a message that says exactly
what to fix (translatable, French source), so forms show it as is and services wrap it in
``ValidationFailed``. Checksums come from python-stdnum, a maintained library, except where the
French rules differ from it (La Poste's SIRET exception) or where we need the exact reason.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.eu import vat as stdnum_eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

# La Poste's establishments do not follow Luhn: their SIRET's digits add up to a multiple of 5
# (domain.md §3.1; GOBL exempts the SIREN likewise).
LA_POSTE_SIREN = "356000000"

_SPACES = re.compile(r"[\s.\-]")


def compact(value: str) -> str:
    """The value without spaces, dots or dashes, upper-cased (what users paste varies)."""
    return _SPACES.sub("", value or "").upper()


def validate_siren(value: str) -> str:
    """Return the compact SIREN (9 digits, Luhn check digit); raise ValidationError otherwise."""
    siren = compact(value)
    if not siren.isdigit():
        raise ValidationError(
            _("Le SIREN ne doit contenir que des chiffres (9 chiffres) : « %(value)s »."),
            code="siren_format",
            params={"value": value},
        )
    if len(siren) != 9:
        raise ValidationError(
            _("Le SIREN compte 9 chiffres ; vous en avez saisi %(count)d."),
            code="siren_length",
            params={"count": len(siren)},
        )
    if siren != LA_POSTE_SIREN and not luhn.is_valid(siren):
        raise ValidationError(
            _(
                "Le SIREN %(value)s est invalide : sa clé de contrôle (algorithme de Luhn) ne correspond pas. "
                "Vérifiez les chiffres saisis."
            ),
            code="siren_checksum",
            params={"value": siren},
        )
    return siren


def validate_siret(value: str) -> str:
    """Return the compact SIRET (14 digits = SIREN + NIC); raise ValidationError otherwise.

    The SIREN and the whole SIRET are Luhn-valid, except for La Poste (SIREN 356000000), whose
    SIRET's digit sum is a multiple of 5.
    """
    siret = compact(value)
    if not siret.isdigit():
        raise ValidationError(
            _("Le SIRET ne doit contenir que des chiffres (14 chiffres) : « %(value)s »."),
            code="siret_format",
            params={"value": value},
        )
    if len(siret) != 14:
        raise ValidationError(
            _(
                "Le SIRET compte 14 chiffres (SIREN sur 9 chiffres + NIC sur 5 chiffres) ; "
                "vous en avez saisi %(count)d."
            ),
            code="siret_length",
            params={"count": len(siret)},
        )
    siren = siret[:9]
    if siren == LA_POSTE_SIREN:
        if sum(int(digit) for digit in siret) % 5:
            raise ValidationError(
                _(
                    "Le SIRET %(value)s est invalide : pour La Poste, la somme des chiffres du SIRET "
                    "doit être un multiple de 5. Vérifiez le NIC (5 derniers chiffres)."
                ),
                code="siret_checksum",
                params={"value": siret},
            )
        return siret
    validate_siren(siren)
    if not luhn.is_valid(siret):
        raise ValidationError(
            _(
                "Le SIRET %(value)s est invalide : sa clé de contrôle (algorithme de Luhn) ne correspond pas. "
                "Vérifiez le NIC (5 derniers chiffres)."
            ),
            code="siret_checksum",
            params={"value": siret},
        )
    return siret


def french_vat_key(siren: str) -> int:
    """The 2-digit key of a French VAT number: (12 + 3 × (SIREN mod 97)) mod 97."""
    return (12 + 3 * (int(siren) % 97)) % 97


def french_vat_number(siren: str) -> str:
    return f"FR{french_vat_key(siren):02d}{siren}"


def validate_french_vat(value: str, *, siren: str | None = None) -> str:
    """Return the compact French VAT number ``FR`` + key + SIREN; raise ValidationError otherwise.

    ``siren``, when given, must be the one inside the number (the structure's own SIREN). A key
    with letters (some public bodies) is accepted without a key check, as GOBL does.
    """
    number = compact(value)
    if not re.fullmatch(r"FR[0-9A-Z]{2}\d{9}", number):
        raise ValidationError(
            _(
                "Le numéro de TVA français s'écrit FR, suivi d'une clé de 2 caractères et du SIREN "
                "(9 chiffres), par exemple FR%(example)s : « %(value)s » ne suit pas ce format."
            ),
            code="vat_format",
            params={"value": value, "example": "32123456789"},
        )
    key, number_siren = number[2:4], number[4:]
    validate_siren(number_siren)
    if siren is not None and compact(siren) != number_siren:
        raise ValidationError(
            _("Le numéro de TVA %(value)s ne contient pas le SIREN de la structure (%(siren)s)."),
            code="vat_siren",
            params={"value": number, "siren": compact(siren)},
        )
    if key.isdigit() and int(key) != french_vat_key(number_siren):
        raise ValidationError(
            _(
                "La clé du numéro de TVA %(value)s est fausse : pour le SIREN %(siren)s, la clé est %(key)s "
                "(numéro attendu : %(expected)s)."
            ),
            code="vat_key",
            params={
                "value": number,
                "siren": number_siren,
                "key": f"{french_vat_key(number_siren):02d}",
                "expected": french_vat_number(number_siren),
            },
        )
    return number


def validate_eu_vat(value: str) -> str:
    """Return the compact intra-EU VAT number (country prefix + national number)."""
    number = compact(value)
    if number.startswith("FR"):
        return validate_french_vat(number)
    country = number[:2]
    if country == "EL":
        country = "GR"
    if not re.fullmatch(r"[A-Z]{2}", country) or country.lower() not in stdnum_eu_vat.MEMBER_STATES:
        raise ValidationError(
            _(
                "Le numéro de TVA intracommunautaire doit commencer par le code d'un pays de l'Union "
                "européenne (par exemple DE, BE, IT) : « %(value)s »."
            ),
            code="vat_country",
            params={"value": value},
        )
    try:
        return stdnum_eu_vat.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _(
                "Le numéro de TVA intracommunautaire %(value)s est invalide : sa clé de contrôle ne "
                "correspond pas. Vérifiez les chiffres saisis."
            ),
            code="vat_checksum",
            params={"value": number},
        ) from None
    except StdnumError:
        raise ValidationError(
            _(
                "Le numéro de TVA intracommunautaire %(value)s n'a pas la longueur ou le format attendu "
                "pour le pays %(country)s."
            ),
            code="vat_format",
            params={"value": number, "country": country},
        ) from None


def _iban_shape_problem(number: str) -> type[Exception] | None:
    """Is the country or the length/structure wrong? python-stdnum checks the checksum first, so a
    wrong length would otherwise be reported as a wrong key; ask its IBAN registry directly."""
    try:
        info = stdnum_iban._ibandb.info(number)
        if not info[0][1]:
            return InvalidComponent
        if not stdnum_iban._struct_to_re(info[0][1].get("bban", "")).match(number[4:]):
            return InvalidLength
    except Exception:  # noqa: BLE001 - private helpers changed: fall back to stdnum's own order
        return None
    return None


def validate_iban(value: str) -> str:
    number = compact(value)
    try:
        problem = _iban_shape_problem(number)
        if problem is not None:
            raise problem()
        return stdnum_iban.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _(
                "L'IBAN %(value)s est invalide : sa clé de contrôle (2 chiffres après le code pays) ne "
                "correspond pas. Vérifiez-le sur votre relevé d'identité bancaire."
            ),
            code="iban_checksum",
            params={"value": number},
        ) from None
    except InvalidComponent:
        raise ValidationError(
            _(
                "L'IBAN %(value)s est invalide : le code pays est inconnu ou le numéro de compte ne suit "
                "pas le format de ce pays."
            ),
            code="iban_country",
            params={"value": number},
        ) from None
    except (InvalidLength, InvalidFormat, StdnumError):
        raise ValidationError(
            _(
                "L'IBAN %(value)s n'a pas la longueur attendue pour son pays (27 caractères pour un IBAN "
                "français commençant par FR76)."
            ),
            code="iban_length",
            params={"value": number},
        ) from None


def validate_bic(value: str) -> str:
    number = compact(value)
    try:
        return stdnum_bic.validate(number)
    except StdnumError:
        raise ValidationError(
            _(
                "Le BIC %(value)s est invalide : il compte 8 ou 11 caractères (4 lettres pour la banque, "
                "2 lettres pour le pays, 2 caractères pour la ville, 3 facultatifs pour l'agence)."
            ),
            code="bic_format",
            params={"value": number},
        ) from None


def validate_identifier(identifier_type: str, value: str) -> str:
    """Check ``value`` for its identifier type (domain.md §3.1); return it normalised."""
    from .models import IdentifierType

    if identifier_type == IdentifierType.SIRET:
        return validate_siret(value)
    if identifier_type == IdentifierType.UE_HORS_FRANCE:
        number = validate_eu_vat(value)
        if number.startswith("FR"):
            raise ValidationError(
                _("Une structure française s'identifie par son SIRET, pas par un numéro de TVA."),
                code="vat_french",
            )
        return number
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Saisissez l'identifiant de la structure."), code="identifier_required")
    if len(value) > 80:
        raise ValidationError(_("L'identifiant compte au plus 80 caractères."), code="identifier_length")
    return value
