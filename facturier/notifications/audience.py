"""Who is told of what: the rules that turn an audit entry into the structures (and roles) to mail.

Pure functions of the entry's data (``invoice_transition`` writes ``from``, ``to``, ``supplier``,
``recipient`` and ``validator`` structure ids); :mod:`.selectors` turns the structures into users.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.models import Invoice, InvoiceEvent
from facturier.structures.spaces import Space


class Role(StrEnum):
    SUPPLIER = "supplier"
    RECIPIENT = "recipient"
    VALIDATOR = "validator"
    REPRESENTATIVE = "representative"  # A12: the group's representative (validator 1), informed only


# The space through which a user of the structure follows the invoice in that role. The A12
# representative is the invoice's validator 1, so it sees it in « Factures à valider ».
ROLE_SPACES: Mapping[Role, Space] = {
    Role.SUPPLIER: Space.FACTURES_EMISES,
    Role.RECIPIENT: Space.FACTURES_RECUES,
    Role.VALIDATOR: Space.FACTURES_A_VALIDER,
    Role.REPRESENTATIVE: Space.FACTURES_A_VALIDER,
}

STATUS_PREFIX = "invoice.status"
REPRESENTATIVE_ACTION = f"invoice.event.{InvoiceEvent.Code.REPRESENTATIVE_INFORMED.value.lower()}"
# The journal prefixes the app subscribes to (apps.py) and the sweeper re-checks.
PREFIXES = (STATUS_PREFIX, REPRESENTATIVE_ACTION)

# Moves nobody is told of: a draft's fate is the supplier's own business (BROUILLON → DEPOSEE,
# SUPPRIMEE), and EN_COURS_ACHEMINEMENT is transient (the routing that follows in the same
# transaction is the change worth a mail).
QUIET_SOURCES = frozenset({S.BROUILLON})
TRANSIENT = frozenset({S.EN_COURS_ACHEMINEMENT})
# The recipient is told when an invoice is to be processed (again); the validator when one is
# waiting for its decision, and when its deadline passed and the invoice moved on without it.
RECIPIENT_TOLD = frozenset({S.MISE_A_DISPOSITION, S.COMPLETEE})
VALIDATOR_TOLD = frozenset({
    S.A_VALIDER_1, S.A_VALIDER_2, S.ABSENCE_VALIDATION_1_HORS_DELAI, S.ABSENCE_VALIDATION_2_HORS_DELAI,
})


@dataclass(frozen=True)
class Target:
    role: Role
    structure_id: int

    @property
    def space(self) -> Space:
        return ROLE_SPACES[self.role]


def is_notified_action(action: str) -> bool:
    return any(action == prefix or action.startswith(prefix + ".") for prefix in PREFIXES)


def status_targets(data: Mapping[str, Any]) -> list[Target]:
    """The structures told of a status change: the supplier of every change, the recipient when the
    invoice is to be processed, the validator of the level when it must decide or its delay passed."""
    source, to = data.get("from"), data.get("to")
    if source in QUIET_SOURCES or to in TRANSIENT:
        return []
    targets = []
    if data.get("supplier"):
        targets.append(Target(Role.SUPPLIER, int(data["supplier"])))
    if to in RECIPIENT_TOLD and data.get("recipient"):
        targets.append(Target(Role.RECIPIENT, int(data["recipient"])))
    if to in VALIDATOR_TOLD and data.get("validator"):
        targets.append(Target(Role.VALIDATOR, int(data["validator"])))
    return targets


def entry_targets(*, action: str, data: Mapping[str, Any], invoice: Invoice | None) -> list[Target]:
    if action.startswith(STATUS_PREFIX + "."):
        return status_targets(data)
    if action == REPRESENTATIVE_ACTION and invoice is not None and invoice.validator1_id:
        return [Target(Role.REPRESENTATIVE, invoice.validator1_id)]
    return []
