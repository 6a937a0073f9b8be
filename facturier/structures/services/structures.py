"""Writes on structures, their services, bank details, spaces and status."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facturier.accounts.models import User
from facturier.audit.services import audit_log
from facturier.core.errors import ValidationFailed

from .. import validators
from ..errors import ReservedServiceRefused, ServiceNotUsable, StructureInactive
from ..models import BankAccount, Service, Structure, StructureSpace
from ..spaces import NOT_SUBSCRIBABLE, Space
from ._common import checked, require_manager

# What a manager may change with structure_update (identity fields are changed by a new SIRET).
UPDATABLE_FIELDS = frozenset(
    {
        "label",
        "email",
        "vat_number",
        "rcs_number",
        "address_line",
        "address_complement1",
        "address_complement2",
        "postal_code",
        "city",
        "country",
        "phone",
        "kind",
        "service_code_required",
        "commitment_required",
        "commitment_or_service_required",
        "payment_status_not_reported",
        "is_state_service",
        "receives_by_edi",
        "edi_connected",
        "payment_delay_days",
        "two_factor_required",
    }
)


def structure_update(*, actor: User, structure: Structure, **changes: Any) -> Structure:
    """Change a structure's address, contact details and parameters (managers only)."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            _("Ces champs ne peuvent pas être modifiés : %(fields)s."), fields=", ".join(sorted(unknown))
        )
    if changes.get("vat_number"):
        siren = structure.identifier[:9] if structure.identifier_type == "SIRET" else None
        changes["vat_number"] = checked(
            "vat_number",
            lambda value: (
                validators.validate_french_vat(value, siren=siren)
                if siren
                else validators.validate_eu_vat(value)
            ),
            changes["vat_number"],
        )
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        require_manager(actor=actor, structure=structure)
        changed = {name: value for name, value in changes.items() if getattr(structure, name) != value}
        if not changed:
            return structure
        before = {name: getattr(structure, name) for name in changed}
        for name, value in changed.items():
            setattr(structure, name, value)
        structure.full_clean(exclude=["identifier"], validate_unique=False)
        structure.save(update_fields=[*changed, "updated_at"])
        audit_log(
            actor=actor, action="structure.updated", obj=structure, data={"before": before, "after": changed}
        )
    return structure


def _set_status(*, actor: User, structure: Structure, status: str, action: str) -> Structure:
    with transaction.atomic():
        structure = Structure.objects.select_for_update().get(pk=structure.pk)
        require_manager(actor=actor, structure=structure, principal_only=True)
        if structure.status == status:
            return structure  # replaying is harmless
        structure.status = status
        structure.save(update_fields=["status", "updated_at"])
        audit_log(actor=actor, action=action, obj=structure)
    return structure


def structure_inactivate(*, actor: User, structure: Structure) -> Structure:
    """The structure can no longer send or receive invoices (``structure_require_active``);
    everything it holds stays readable, and invoices already received can still be processed."""
    return _set_status(
        actor=actor, structure=structure, status=Structure.Status.INACTIVE, action="structure.inactivated"
    )


def structure_activate(*, actor: User, structure: Structure) -> Structure:
    return _set_status(
        actor=actor, structure=structure, status=Structure.Status.ACTIVE, action="structure.activated"
    )


def structure_require_active(*, structure: Structure) -> None:
    """For deposits and sends: raise StructureInactive when the structure is inactive."""
    if not structure.is_active:
        raise StructureInactive(name=structure.name)


def check_subscribable(space: Space | str) -> Space:
    """Mon compte and the manager space are always there for whoever has the right: a structure
    neither opens nor closes them, and nobody subscribes to them."""
    space = Space(space)
    if space in NOT_SUBSCRIBABLE:
        raise ValidationFailed(
            _("L'espace %(space)s ne s'ouvre pas et ne s'abonne pas : il est toujours là pour qui y a droit."),
            space=space.label,
        )
    return space


def _set_space(*, actor: User, structure: Structure, space: Space | str, is_open: bool) -> StructureSpace:
    space = check_subscribable(space)
    with transaction.atomic():
        require_manager(actor=actor, structure=structure)
        row, created = StructureSpace.objects.select_for_update().get_or_create(
            structure=structure, space=space, defaults={"is_open": is_open}
        )
        if not created and row.is_open == is_open:
            return row  # replaying is harmless
        if not created:
            row.is_open = is_open
            row.save(update_fields=["is_open"])
        audit_log(
            actor=actor,
            action="structure.space.opened" if is_open else "structure.space.closed",
            obj=structure,
            data={"structure_id": structure.pk, "space": space.value},
        )
    return row


def structure_open_space(*, actor: User, structure: Structure, space: Space | str) -> StructureSpace:
    return _set_space(actor=actor, structure=structure, space=space, is_open=True)


def structure_close_space(*, actor: User, structure: Structure, space: Space | str) -> StructureSpace:
    """Close a space; users' subscriptions stay recorded but the space no longer opens for them."""
    return _set_space(actor=actor, structure=structure, space=space, is_open=False)


# --- services --------------------------------------------------------------------------------

SERVICE_FIELDS = frozenset(
    {"name", "description", "valid_from", "valid_until", "commitment_required", "payment_status_reported"}
)


def _check_service(
    *,
    code: str | None = None,
    name: str | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> None:
    if code is not None:
        if not code.strip():
            raise ValidationFailed(
                _("Saisissez le code du service."), details={"code": [str(_("Obligatoire."))]}
            )
        if len(code) > 100:
            raise ValidationFailed(
                _("Le code service compte au plus 100 caractères ; celui-ci en compte %(count)d."),
                count=len(code),
            )
    if name is not None and not name.strip():
        raise ValidationFailed(
            _("Saisissez le nom du service : un service sans nom ne peut pas recevoir de facture.")
        )
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationFailed(_("La date de fin de validité du service précède sa date de début."))


def service_create(*, actor: User, structure: Structure, code: str, name: str, **fields: Any) -> Service:
    unknown = set(fields) - SERVICE_FIELDS
    if unknown:
        raise ValidationFailed(_("Champs inconnus : %(fields)s."), fields=", ".join(sorted(unknown)))
    code = code.strip()
    _check_service(
        code=code, name=name, valid_from=fields.get("valid_from"), valid_until=fields.get("valid_until")
    )
    with transaction.atomic():
        require_manager(actor=actor, structure=structure)
        if Service.objects.filter(structure=structure, code=code).exists():
            raise ValidationFailed(
                _("La structure a déjà un service de code %(code)s : choisissez un autre code."), code=code
            )
        service = Service.objects.create(structure=structure, code=code, name=name.strip(), **fields)
        audit_log(actor=actor, action="service.created", obj=service, data={"code": code, **fields})
    return service


def service_update(*, actor: User, service: Service, **changes: Any) -> Service:
    unknown = set(changes) - SERVICE_FIELDS
    if unknown:
        raise ValidationFailed(
            _("Ces champs ne peuvent pas être modifiés : %(fields)s."), fields=", ".join(sorted(unknown))
        )
    with transaction.atomic():
        service = Service.objects.select_for_update().select_related("structure").get(pk=service.pk)
        require_manager(actor=actor, structure=service.structure)
        _check_service(
            name=changes.get("name"),
            valid_from=changes.get("valid_from", service.valid_from),
            valid_until=changes.get("valid_until", service.valid_until),
        )
        changed = {name: value for name, value in changes.items() if getattr(service, name) != value}
        if not changed:
            return service
        for name, value in changed.items():
            setattr(service, name, value)
        service.save(update_fields=[*changed, "updated_at"])
        audit_log(actor=actor, action="service.updated", obj=service, data=changed)
    return service


def _service_set_active(*, actor: User, service: Service, active: bool) -> Service:
    with transaction.atomic():
        service = Service.objects.select_for_update().select_related("structure").get(pk=service.pk)
        require_manager(actor=actor, structure=service.structure)
        if service.is_active == active:
            return service
        service.is_active = active
        service.save(update_fields=["is_active", "updated_at"])
        audit_log(actor=actor, action="service.activated" if active else "service.deactivated", obj=service)
    return service


def service_activate(*, actor: User, service: Service) -> Service:
    return _service_set_active(actor=actor, service=service, active=True)


def service_deactivate(*, actor: User, service: Service) -> Service:
    return _service_set_active(actor=actor, service=service, active=False)


def service_usable_for(*, service: Service, supplier: Structure, on: date | None = None) -> None:
    """Raise unless ``supplier`` may address an invoice to ``service`` (used by deposits).

    * ``FACTURES_PUBLIQUES`` is reserved to invoices between public entities (domain.md §3.3);
    * the service must be active, named and within its validity dates;
    * its structure must be active (an inactive structure receives nothing).
    """
    if service.code == Service.RESERVED_PUBLIC_CODE and not supplier.is_public:
        raise ReservedServiceRefused()
    structure_require_active(structure=service.structure)
    day = on or timezone.localdate()
    if not service.is_valid_on(day):
        raise ServiceNotUsable(
            _(
                "Le service %(code)s de %(structure)s est inactif ou hors de ses dates de validité : "
                "il ne peut pas recevoir de facture. Choisissez un service actif."
            ),
            code=service.code,
            structure=service.structure.name,
        )


# --- bank details ------------------------------------------------------------------------------


def bank_account_add(*, actor: User, structure: Structure, name: str, iban: str, bic: str) -> BankAccount:
    """Add bank details; the IBAN and BIC checksums are verified (python-stdnum)."""
    if not name.strip():
        raise ValidationFailed(_("Donnez un intitulé à ces coordonnées bancaires."))
    iban = checked("iban", validators.validate_iban, iban)
    bic = checked("bic", validators.validate_bic, bic)
    with transaction.atomic():
        require_manager(actor=actor, structure=structure)
        if BankAccount.objects.filter(structure=structure, iban=iban).exists():
            raise ValidationFailed(_("Cet IBAN est déjà enregistré pour cette structure."))
        account = BankAccount.objects.create(
            structure=structure, name=name.strip(), iban=iban, bic=bic, created_by=actor
        )
        # The IBAN is masked in the journal: it is a personal datum for individuals.
        audit_log(
            actor=actor,
            action="structure.bank_account.added",
            obj=structure,
            data={"bank_account": account.pk, "iban": account.masked_iban, "bic": bic},
        )
    return account


def bank_account_deactivate(*, actor: User, bank_account: BankAccount) -> BankAccount:
    with transaction.atomic():
        bank_account = (
            BankAccount.objects.select_for_update().select_related("structure").get(pk=bank_account.pk)
        )
        require_manager(actor=actor, structure=bank_account.structure)
        if bank_account.is_active:
            bank_account.is_active = False
            bank_account.save(update_fields=["is_active"])
            audit_log(
                actor=actor,
                action="structure.bank_account.deactivated",
                obj=bank_account.structure,
                data={"bank_account": bank_account.pk},
            )
    return bank_account
