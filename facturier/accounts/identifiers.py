"""Checks of a structure's identifier at registration (domain.md §3.1).

Private to registration until ``facturier.structures.validators`` lands (another engineer owns it):
the lead may then replace these helpers by calls to it. Each check returns ``None`` when the value
is valid, or a message that says exactly what to fix.
"""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.eu import vat as eu_vat

# La Poste's establishments break the Luhn rule: their SIRET digits add up to a multiple of 5.
LA_POSTE_SIREN = "356000000"
_SPACES = re.compile(r"[\s.\-]")


def normalise(value: str) -> str:
    """Drop the spaces, dots and dashes people type in identifiers; upper-case letters."""
    return _SPACES.sub("", value or "").upper()


def siren_error(siren: str) -> Promise | None:
    if not siren.isdigit() or len(siren) != 9:
        return _("Un SIREN compte exactement 9 chiffres.")
    if siren != LA_POSTE_SIREN and not luhn.is_valid(siren):
        return _("Ce SIREN n'est pas valide : vérifiez les chiffres (la clé de contrôle ne correspond pas).")
    return None


def siret_error(siret: str) -> Promise | None:
    if not siret.isdigit() or len(siret) != 14:
        return _("Un SIRET compte exactement 14 chiffres (SIREN sur 9 chiffres + NIC sur 5 chiffres).")
    if siret.startswith(LA_POSTE_SIREN):
        if sum(int(digit) for digit in siret) % 5:
            return _("Ce SIRET de La Poste n'est pas valide : vérifiez les chiffres.")
        return None
    if not luhn.is_valid(siret[:9]):
        return _(
            "Les 9 premiers chiffres (le SIREN) ne sont pas valides : "
            "vérifiez-les (la clé de contrôle ne correspond pas)."
        )
    if not luhn.is_valid(siret):
        return _("Ce SIRET n'est pas valide : vérifiez les 5 derniers chiffres (NIC).")
    return None


def french_vat_key(siren: str) -> str:
    """The 2-digit key of a French VAT number: (12 + 3 × (SIREN mod 97)) mod 97."""
    return f"{(12 + 3 * (int(siren) % 97)) % 97:02d}"


def french_vat_error(number: str, *, siren: str | None = None) -> Promise | None:
    if not re.fullmatch(r"FR[0-9A-Z]{2}\d{9}", number):
        return _("Un numéro de TVA français s'écrit FR, puis une clé de 2 caractères, puis le SIREN (9 chiffres).")
    key, number_siren = number[2:4], number[4:]
    if siren_error(number_siren):
        return _("Le SIREN contenu dans ce numéro de TVA n'est pas valide.")
    if siren is not None and number_siren != siren:
        return _("Ce numéro de TVA ne correspond pas au SIREN de la structure.")
    # Some public bodies have a key with letters; it is not computed from the SIREN (domain.md §3.1).
    if key.isdigit() and key != french_vat_key(number_siren):
        return _("La clé de ce numéro de TVA est fausse : pour ce SIREN elle vaut %(key)s.") % {
            "key": french_vat_key(number_siren)
        }
    return None


def eu_vat_error(number: str) -> Promise | None:
    """An intra-EU VAT number of a non-French entity (type UE_HORS_FRANCE)."""
    if len(number) < 4 or not number[:2].isalpha():
        return _("Un numéro de TVA intracommunautaire commence par le code du pays (2 lettres), par exemple DE.")
    if number.startswith("FR"):
        return _("Une entité française s'inscrit avec son SIRET, pas avec son numéro de TVA.")
    if number[:2].lower() not in eu_vat.MEMBER_STATES and number[:2] != "EL":
        return _("%(country)s n'est pas un pays de l'Union européenne.") % {"country": number[:2]}
    if not eu_vat.is_valid(number):
        return _("Ce numéro de TVA intracommunautaire n'est pas valide : vérifiez les chiffres.")
    return None
