"""The validator named at an entry (« saisie », PDF deposit, ``soumettreFacture``): who validates a
sub-contractor's invoice before the public recipient sees it (domain.md §2.1-§2.2).

* A9 (sub-contractor; A10 follows the same circuit): the main contractor, **required**; an optional
  second level (a sub-contractor of a co-contractor: the co-contractor validates first, then the
  second level, each with the 15-day rule).
* A12 (co-contractor): the group's representative (mandataire), **optional**; informed, not asked.
* A1, A2: no validator; naming one is refused rather than silently dropped.

EN 16931 has no business term for a validator, so the findings name the ``EntryData`` field in
their ``location`` (``validator_identifier``, ``validator_service_code``, ``validator2_…``); the
portal and the API put each one on their own field from there. Rules ``FR-VAL-01`` … ``FR-VAL-07``
are listed in docs/deposits.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from facturier.flows.services import finding
from facturier.structures.models import IdentifierType, Service, Structure

if TYPE_CHECKING:
    from .entry import EntryData

# Frames (short codes) whose invoice goes to a validator first, and those that may name one.
VALIDATED_FRAMES = frozenset({"A9", "A10"})
REPRESENTED_FRAMES = frozenset({"A12"})

# ``EntryData`` field of each level: (structure identifier, service code).
FIELDS = {
    1: ("validator_identifier", "validator_service_code"),
    2: ("validator2_identifier", "validator2_service_code"),
}


@dataclass(frozen=True)
class ValidatorChoice:
    """The checked validators of an entry, ready for ``invoice_deposit`` (``None`` when not named)."""

    validator: Structure | None = None
    validator_service: Service | None = None
    validator2: Structure | None = None
    validator2_service: Service | None = None

    def deposit_kwargs(self) -> dict[str, Any]:
        return {
            "validator": self.validator, "validator_service": self.validator_service,
            "validator2": self.validator2, "validator2_service": self.validator2_service,
        }


def validator_structure(identifier: str) -> Structure | None:
    """The structure with this identifier (spaces ignored), a SIRET first when several types share it."""
    value = "".join((identifier or "").split())
    if not value:
        return None
    matches = list(Structure.objects.filter(identifier=value))
    return next((s for s in matches if s.identifier_type == IdentifierType.SIRET), matches[0] if matches else None)


def _short(frame: str) -> str:
    return (frame or "A1").strip().upper().split("_", 1)[0]


def _level_name(level: int) -> tuple[str, str]:
    return ("le valideur", "the validator") if level == 1 else ("le valideur de niveau 2", "the level-2 validator")


def _check_level(
    data: EntryData, level: int, errors: list[dict[str, Any]]
) -> tuple[Structure | None, Service | None]:
    id_field, service_field = FIELDS[level]
    structure, service, found = validator_resolve(
        identifier=getattr(data, id_field), service_code=getattr(data, service_field),
        excluded=(data.supplier.pk, data.recipient.pk), supplier_id=data.supplier.pk, level=level,
    )
    errors.extend(found)
    return structure, service


def validator_resolve(
    *, identifier: str, service_code: str, excluded: tuple[int, ...], supplier_id: int, level: int = 1,
) -> tuple[Structure | None, Service | None, list[dict[str, Any]]]:
    """The structure and service named as the validator of ``level``, or the findings that refuse
    them: unknown (FR-VAL-02), inactive (FR-VAL-03), one of the ``excluded`` parties (the supplier,
    ``supplier_id``, or the recipient: FR-VAL-04), a service that does not exist or is not active
    (FR-VAL-05), a service without structure (FR-VAL-01). Also used by the supplier's correction of
    a wrong validator. Each finding's ``location`` is the ``EntryData`` field of ``level``."""
    errors: list[dict[str, Any]] = []
    id_field, service_field = FIELDS[level]
    identifier = "".join((identifier or "").split())
    code = (service_code or "").strip()
    who_fr, who_en = _level_name(level)
    if not identifier:
        if code:
            errors.append(finding(
                "FR-VAL-01", (), "Le code service %s exige l'identifiant (SIRET) de sa structure." % _of(who_fr),
                "The service code of %s needs the identifier (SIRET) of its structure." % who_en, id_field,
            ))
        return None, None, errors
    structure = validator_structure(identifier)
    if structure is None:
        errors.append(finding(
            "FR-VAL-02", (),
            "Aucune structure n'a l'identifiant « %s » : vérifiez le SIRET %s." % (identifier, _of(who_fr)),
            "No structure has the identifier '%s': check the SIRET of %s." % (identifier, who_en), id_field,
        ))
        return None, None, errors
    if not structure.is_active:
        errors.append(finding(
            "FR-VAL-03", (), "La structure %s (%s) est inactive : elle ne peut pas valider de factures."
            % (structure.name, identifier),
            "The structure %s (%s) is inactive: it cannot validate invoices." % (structure.name, identifier), id_field,
        ))
        return None, None, errors
    if structure.pk in excluded:
        role_fr, role_en = ("le fournisseur", "the supplier") if structure.pk == supplier_id \
            else ("le destinataire", "the recipient")
        errors.append(finding(
            "FR-VAL-04", (), "%s ne peut pas être %s de la facture." % (_capital(who_fr), role_fr),
            "%s cannot be %s of the invoice." % (_capital(who_en), role_en), id_field,
        ))
        return None, None, errors
    service = None
    if code:
        service = Service.objects.filter(structure=structure, code=code).first()
        if service is None or not service.is_valid_on(timezone.localdate()):
            errors.append(finding(
                "FR-VAL-05", (), "Le service « %s » n'existe pas ou n'est pas actif dans la structure %s (%s)."
                % (code, structure.name, identifier),
                "The service '%s' does not exist or is not active in the structure %s (%s)."
                % (code, structure.name, identifier), service_field,
            ))
            return structure, None, errors
    return structure, service, errors


def _of(who_fr: str) -> str:
    return "du " + who_fr[3:] if who_fr.startswith("le ") else "de " + who_fr


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def validators_check(*, data: EntryData) -> tuple[ValidatorChoice, list[dict[str, Any]]]:
    """The validators of ``data`` checked against its frame, and the findings (empty when valid).

    Each finding names its field in ``location``; nothing is looked up twice."""
    errors: list[dict[str, Any]] = []
    frame = _short(data.frame)
    named = {level: bool(getattr(data, FIELDS[level][0]).strip() or getattr(data, FIELDS[level][1]).strip())
             for level in (1, 2)}
    if frame not in VALIDATED_FRAMES | REPRESENTED_FRAMES:
        for level in (1, 2):
            if named[level]:
                errors.append(finding(
                    "FR-VAL-06", (), "Le cadre de facturation %s ne comporte pas de valideur : "
                    "ne renseignez le valideur que pour une facture de sous-traitant (A9) ou de cotraitant (A12)."
                    % frame,
                    "The billing frame %s has no validator: name one only for a sub-contractor's (A9) or a "
                    "co-contractor's (A12) invoice." % frame, FIELDS[level][0],
                ))
        return ValidatorChoice(), errors
    required_missing = frame in VALIDATED_FRAMES and not getattr(data, FIELDS[1][0]).strip()
    if required_missing:
        errors.append(finding(
            "FR-VAL-01", (), "Une facture de sous-traitant (%s) exige le valideur : le SIRET du titulaire du marché."
            % frame,
            "A sub-contractor's invoice (%s) needs the validator: the SIRET of the main contractor." % frame,
            FIELDS[1][0],
        ))
    if frame in REPRESENTED_FRAMES and named[2]:
        errors.append(finding(
            "FR-VAL-06", (), "Une facture de cotraitant (A12) n'a pas de second niveau de validation : "
            "seul le mandataire du groupement est informé.",
            "A co-contractor's invoice (A12) has no second validation level: only the group's representative "
            "is informed.", FIELDS[2][0],
        ))
        named[2] = False
    validator, service = (None, None) if required_missing else _check_level(data, 1, errors)
    validator2 = service2 = None
    if named[2]:
        validator2, service2 = _check_level(data, 2, errors)
        if validator2 is not None and validator is not None and validator2.pk == validator.pk:
            errors.append(finding(
                "FR-VAL-07", (), "Le valideur de niveau 2 doit être une autre structure que le valideur de niveau 1.",
                "The level-2 validator must be another structure than the level-1 validator.", FIELDS[2][0],
            ))
    return ValidatorChoice(validator, service, validator2, service2), errors
