"""One status enum, one transition table, one transition function (STYLE.md §3).

The table (:data:`RULES`, compiled into :data:`TRANSITIONS`) says, per *frame group* (A1/A12, A2,
A9/A10), per *mover* (system, supplier, validator, recipient) and per current status, which targets
are allowed, and under which *condition* of the recipient structure or the invoice (State service,
payment reported, second validation level). It starts from domain.md §1.3; every row the sources do
not give says why next to it, and ``docs/lifecycle.md`` repeats the reasons with a state diagram.

:func:`allowed_targets` answers ``recuperer/etats/traitement`` and fills the portal's "Traiter"
dialog; :func:`invoice_transition` applies a move and is the only writer of ``Invoice.status``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from facturier.audit.services import audit_log

from .enums import InvoiceStatus as S
from .enums import LifecycleFrame as F
from .errors import IllegalTransition, ReasonRequired, ReasonTooLong, TransitionForbidden
from .models import Invoice, InvoiceStatusChange

if TYPE_CHECKING:
    from facturier.accounts.models import User


class Mover(StrEnum):
    """Who makes a move. The transition function checks the move against this role's rows."""

    SYSTEM = "system"  # integration, routing, timers (actor may be None)
    SUPPLIER = "supplier"  # the depositor: recycles, completes, corrects the validator
    VALIDATOR = "validator"  # main contractor / co-contractor validating a sub-contractor's invoice
    RECIPIENT = "recipient"  # the public body processing a received invoice (ordonnateur and comptable)


class FrameGroup(StrEnum):
    """Frames that share one circuit (domain.md §2.2)."""

    PLAIN = "plain"  # A1, A12: straight to the recipient (the A12 group representative is informed only)
    ALREADY_PAID = "already_paid"  # A2: informative, goes straight to MISE_EN_PAIEMENT
    SUBCONTRACTING = "subcontracting"  # A9, A10: validation by the main contractor (and a second level)


FRAME_GROUPS: Mapping[str, FrameGroup] = {
    F.A1: FrameGroup.PLAIN,
    F.A12: FrameGroup.PLAIN,
    F.A2: FrameGroup.ALREADY_PAID,
    F.A9: FrameGroup.SUBCONTRACTING,
    F.A10: FrameGroup.SUBCONTRACTING,
}
ALL_GROUPS = frozenset(FrameGroup)
RECEIVED = frozenset({FrameGroup.PLAIN, FrameGroup.SUBCONTRACTING})  # frames a recipient processes
SUB = frozenset({FrameGroup.SUBCONTRACTING})
PLAIN = frozenset({FrameGroup.PLAIN})
PAID = frozenset({FrameGroup.ALREADY_PAID})


@dataclass(frozen=True)
class Conditions:
    """Facts outside the status that change the table's answer (see :func:`conditions_for`)."""

    is_state_service: bool = False  # recipient structure flag: no A_RECYCLER (domain.md §1.5)
    payment_status_reported: bool = True  # False = statutMiseEnPaiementNestPasRemonte (domain.md §1.3)
    second_validation: bool = False  # A9 under a co-contractor: A_VALIDER_2 after level 1 (domain.md §2.2)


# A guard is (Conditions attribute, value it must have).
Guard = tuple[str, bool]
NOT_STATE: Guard = ("is_state_service", False)
PAYMENT_REPORTED: Guard = ("payment_status_reported", True)
ONE_LEVEL: Guard = ("second_validation", False)
TWO_LEVELS: Guard = ("second_validation", True)


@dataclass(frozen=True)
class Rule:
    groups: frozenset[FrameGroup]
    mover: Mover
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    when: Guard | None = None


def _r(groups: Iterable[FrameGroup], mover: Mover, sources: Iterable[str], targets: Iterable[str],
       when: Guard | None = None) -> Rule:
    return Rule(frozenset(groups), mover, tuple(sources), tuple(targets), when)


SYS, SUP, VAL, REC = Mover.SYSTEM, Mover.SUPPLIER, Mover.VALIDATOR, Mover.RECIPIENT

# The recipient's optional processing steps, in their nominal order (domain.md §1.3 [cp-cycle]).
_PROCESSING = (S.SERVICE_FAIT, S.MANDATEE, S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE)

RULES: tuple[Rule, ...] = (
    # ---- system: integration, routing, timers -------------------------------------------------
    # A portal draft becomes a deposit when sent (domain.md §6 step 1); the deposit service creates
    # API/EDI invoices directly at DEPOSEE.
    _r(ALL_GROUPS, SYS, [S.BROUILLON], [S.DEPOSEE]),
    # Routing (domain.md §1.3, §6 step 3). EN_COURS_ACHEMINEMENT is transient and may be skipped:
    # the deposit service routes in the same transaction, so it goes DEPOSEE → MISE_A_DISPOSITION.
    _r(PLAIN, SYS, [S.DEPOSEE], [S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION]),
    _r(RECEIVED, SYS, [S.EN_COURS_ACHEMINEMENT], [S.MISE_A_DISPOSITION]),
    # A2 is already paid: straight to MISE_EN_PAIEMENT, whatever the structure reports (issue 6 §4,
    # domain.md §2.2 [unverified]); it is never routed for processing.
    _r(PAID, SYS, [S.DEPOSEE], [S.MISE_EN_PAIEMENT]),
    # A9/A10: the named validator gets it first (domain.md §2.2).
    _r(SUB, SYS, [S.DEPOSEE], [S.A_VALIDER_1]),
    # 15-day timers: silence is tacit validation (domain.md §2.2 [cp-soustraitance]).
    _r(SUB, SYS, [S.A_VALIDER_1], [S.ABSENCE_VALIDATION_1_HORS_DELAI]),
    _r(SUB, SYS, [S.A_VALIDER_2], [S.ABSENCE_VALIDATION_2_HORS_DELAI]),
    # After level 1 (explicit or tacit): to level 2 when the invoice has one, else to the recipient.
    _r(SUB, SYS, [S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI], [S.A_VALIDER_2], TWO_LEVELS),
    _r(SUB, SYS, [S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI],
       [S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION], ONE_LEVEL),
    _r(SUB, SYS, [S.VALIDEE_2, S.ABSENCE_VALIDATION_2_HORS_DELAI], [S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION]),
    # ---- validator (A9/A10 only; A12's representative only takes note, domain.md §2.2) ---------
    # VALIDATION / REFUS (with motifRefus) / wrong validator. The action enum's MISE_EN_PAIEMENT,
    # MISE_EN_RECYCLAGE, SUSPENSION, REJET are the recipient's business, not the validator's
    # (domain.md §2.2 marks the list uncertain), so they are not offered.
    _r(SUB, VAL, [S.A_VALIDER_1], [S.VALIDEE_1, S.REFUSEE_1, S.ERREUR_FOURNISSEUR_SUR_VALIDEUR]),
    _r(SUB, VAL, [S.A_VALIDER_2], [S.VALIDEE_2, S.REFUSEE_2, S.ERREUR_COTRAITANT_SUR_VALIDEUR]),
    # ---- supplier -------------------------------------------------------------------------------
    # Delete a draft (domain.md §1.1 SUPPRIMEE "e.g. draft"); a deposited invoice is never deleted.
    _r(ALL_GROUPS, SUP, [S.BROUILLON], [S.SUPPRIMEE]),
    # completerFacture (domain.md §1.5).
    _r(RECEIVED, SUP, [S.SUSPENDUE], [S.COMPLETEE]),
    # recyclerFacture: new routing data, same invoice, re-routed (domain.md §1.3). Not back to
    # DEPOSEE: the deposit instant (certificate, start of the payment delay) does not change.
    _r(RECEIVED, SUP, [S.A_RECYCLER], [S.EN_COURS_ACHEMINEMENT]),
    # corrigerValideurFacture (domain.md §2.2 [inferred pairing]): back to the (new) validator.
    # Level 2's validator is also named by the depositor at deposit, so the supplier corrects it too.
    _r(SUB, SUP, [S.ERREUR_FOURNISSEUR_SUR_VALIDEUR], [S.A_VALIDER_1]),
    _r(SUB, SUP, [S.ERREUR_COTRAITANT_SUR_VALIDEUR], [S.A_VALIDER_2]),
    # ---- recipient (ordonnateur and comptable of the recipient structure) ------------------------
    # From MISE_A_DISPOSITION: the official example of recupererEtatsPossiblesPourTraitement plus
    # Pastell's SERVICE_FAIT (domain.md §1.3). COMPLETEE offers the same (domain.md §1.3).
    _r(RECEIVED, REC, [S.MISE_A_DISPOSITION, S.COMPLETEE], [*_PROCESSING, S.SUSPENDUE, S.REJETEE]),
    _r(RECEIVED, REC, [S.MISE_A_DISPOSITION, S.COMPLETEE], [S.MISE_EN_PAIEMENT], PAYMENT_REPORTED),
    _r(RECEIVED, REC, [S.MISE_A_DISPOSITION, S.COMPLETEE], [S.A_RECYCLER], NOT_STATE),
    # SERVICE_FAIT: the (✓) row of §1.3 minus MISE_A_DISPOSITION — going back would hide the
    # certification from the current status and the sources only infer it.
    _r(RECEIVED, REC, [S.SERVICE_FAIT], [*_PROCESSING[1:], S.SUSPENDUE, S.REJETEE]),
    _r(RECEIVED, REC, [S.SERVICE_FAIT], [S.MISE_EN_PAIEMENT], PAYMENT_REPORTED),
    _r(RECEIVED, REC, [S.SERVICE_FAIT], [S.A_RECYCLER], NOT_STATE),
    # MANDATEE → REJETEE ("?" in §1.3): allowed, because when the invoice itself is wrong after the
    # mandate the body "must reject it in Chorus Pro" (domain.md §1.3 [pg-collectivites]).
    _r(RECEIVED, REC, [S.MANDATEE], [S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE, S.REJETEE]),
    _r(RECEIVED, REC, [S.MANDATEE], [S.MISE_EN_PAIEMENT], PAYMENT_REPORTED),
    _r(RECEIVED, REC, [S.MISE_A_DISPOSITION_COMPTABLE], [S.COMPTABILISEE]),
    _r(RECEIVED, REC, [S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE], [S.MISE_EN_PAIEMENT], PAYMENT_REPORTED),
    # SUSPENDUE → REJETEE ("—" in §1.3, i.e. not seen): allowed, otherwise an invoice whose supplier
    # never completes it stays open for ever in both spaces.
    _r(RECEIVED, REC, [S.SUSPENDUE], [S.REJETEE]),
)

# Targets that carry a mandatory motive (domain.md §1.4; issue 6: "validator refusal").
REASON_REQUIRED = frozenset({S.REJETEE, S.SUSPENDUE, S.A_RECYCLER, S.REFUSEE_1, S.REFUSEE_2})
REASON_MAX = 255  # domain.md §1.4 (Pastell truncates at 255; we refuse instead of truncating)


def _compile(rules: Iterable[Rule]) -> dict[tuple[FrameGroup, Mover, str], dict[str, tuple[Guard, ...]]]:
    """``(group, mover, from) -> {target: guards}``; a target with no guard maps to ``()``."""
    table: dict[tuple[FrameGroup, Mover, str], dict[str, tuple[Guard, ...]]] = {}
    for rule in rules:
        for group in rule.groups:
            for source in rule.sources:
                row = table.setdefault((group, rule.mover, str(source)), {})
                for target in rule.targets:
                    if str(target) == str(source):
                        raise ValueError(f"self-move in the table: {source}")
                    if str(target) in row:
                        raise ValueError(f"duplicate row: {group} {rule.mover} {source} → {target}")
                    row[str(target)] = (rule.when,) if rule.when else ()
    return table


TRANSITIONS: Mapping[tuple[FrameGroup, Mover, str], Mapping[str, tuple[Guard, ...]]] = _compile(RULES)


_GROUPS_BY_SHORT = {code.split("_", 1)[0]: group for code, group in FRAME_GROUPS.items()}


def frame_group(frame: str) -> FrameGroup | None:
    """The group of a frame code (``A9_FACTURE_SOUSTRAITANT`` or ``A9``); None outside the table."""
    return FRAME_GROUPS.get(frame) or _GROUPS_BY_SHORT.get(str(frame).split("_", 1)[0])


def conditions_for(invoice: Invoice) -> Conditions:
    """The table's conditions read from the invoice's recipient structure and service."""
    recipient = invoice.recipient
    service = invoice.service
    reported = not recipient.payment_status_not_reported and (service is None or service.payment_status_reported)
    return Conditions(
        is_state_service=recipient.is_state_service,
        payment_status_reported=reported,
        second_validation=invoice.validator2_id is not None,
    )


def allowed_targets(
    *,
    mover: Mover,
    invoice: Invoice | None = None,
    current: str | None = None,
    frame: str | None = None,
    conditions: Conditions | None = None,
) -> frozenset[str]:
    """The statuses ``mover`` may set from ``current`` (excluding ``current`` itself).

    Give ``invoice`` (its status, frame and recipient conditions are used unless overridden) or
    ``current`` and ``frame`` (``conditions`` then default to a non-State structure that reports
    payment, with one validation level).
    """
    if invoice is not None:
        current = invoice.status if current is None else current
        frame = invoice.billing_frame if frame is None else frame
        if conditions is None:
            conditions = conditions_for(invoice)
    if current is None or frame is None:
        raise TypeError("allowed_targets needs an invoice, or current and frame")
    group = frame_group(frame)
    if group is None:
        return frozenset()
    conditions = conditions or Conditions()
    row = TRANSITIONS.get((group, Mover(mover), str(current)), {})
    return frozenset(
        target for target, guards in row.items() if all(getattr(conditions, name) == value for name, value in guards)
    )


def check_reason(*, to: str, reason: str) -> str:
    """The cleaned motive; :class:`ReasonRequired` / :class:`ReasonTooLong` when the table says so."""
    cleaned = (reason or "").strip()
    if len(cleaned) > REASON_MAX:
        raise ReasonTooLong(max=REASON_MAX, length=len(cleaned))
    if not cleaned and to in REASON_REQUIRED:
        raise ReasonRequired(target=to)
    return cleaned


# Statuses in which the second-level validator (validator 2) acts; validator 1 acts in the others.
LEVEL_2 = frozenset({S.A_VALIDER_2, S.VALIDEE_2, S.REFUSEE_2, S.ERREUR_COTRAITANT_SUR_VALIDEUR,
                     S.ABSENCE_VALIDATION_2_HORS_DELAI})
# "Addressed to the wrong validator", by level: the supplier then names the right one.
WRONG_VALIDATOR_LEVEL = {S.ERREUR_FOURNISSEUR_SUR_VALIDEUR: 1, S.ERREUR_COTRAITANT_SUR_VALIDEUR: 2}


def validator_level(status: str) -> int:
    """The validation level a status belongs to: 2 for validator 2's, else 1."""
    return 2 if status in LEVEL_2 else 1


def acting_structure_id(*, invoice: Invoice, mover: Mover) -> int | None:
    """The structure a human ``mover`` acts for on ``invoice``: the supplier, the recipient, or the
    validator of the invoice's current level."""
    if mover == Mover.SUPPLIER:
        return invoice.supplier_id
    if mover == Mover.RECIPIENT:
        return invoice.recipient_id
    if mover == Mover.VALIDATOR:
        return invoice.validator2_id if invoice.status in LEVEL_2 else invoice.validator1_id
    return None


def _check_actor(*, invoice: Invoice, mover: Mover, actor: User | None, target: str) -> None:
    """Human roles need an actor attached (validated) to the structure they act for (the supplier,
    the recipient, or the validator of the current level)."""
    if mover == Mover.SYSTEM:
        return
    if actor is None:
        raise TransitionForbidden(target=target, mover=mover.value)
    structure_id = acting_structure_id(invoice=invoice, mover=mover)
    from facturier.structures.models import Attachment

    if structure_id is None or not Attachment.objects.filter(
        user=actor, structure_id=structure_id, status=Attachment.Status.VALIDATED
    ).exists():
        raise TransitionForbidden(target=target, mover=mover.value)


def invoice_transition(
    *,
    invoice: Invoice,
    to: str,
    actor: User | None,
    mover: Mover = Mover.SYSTEM,
    comment: str = "",
    expected: str | None = None,
    conditions: Conditions | None = None,
    motives: Sequence[str] = (),
    changes: Mapping[str, object] | None = None,
) -> Invoice:
    """Move ``invoice`` to status ``to``, in one transaction; ``comment`` is the motive, ``motives``
    its coded motives (State rejection, validator refusal), ``changes`` other mutable fields written
    with the status (e.g. ``mandate_number``, ``validated1_on``).

    Checks the motive (:class:`ReasonRequired`, :class:`ReasonTooLong`), locks the row, re-reads the
    current status, checks the actor's right for ``mover`` (:class:`TransitionForbidden`), refuses a
    move the table does not allow for the invoice's frame and ``conditions`` (default: read from the
    recipient, :func:`conditions_for`) or a stale ``expected`` status (:class:`IllegalTransition`,
    HTTP 409 / codeRetour 20002), writes with ``update_fields``, appends a history row and an audit
    entry ``invoice.status.<to>``. Replaying a move that already happened (the invoice is already at
    ``to`` and ``expected`` is not contradicted) returns the invoice unchanged.

    Callers acting for a user pass ``expected`` (the status the user saw): of two concurrent
    moves, the second then gets the stale-status error instead of moving on from the first's result.
    """
    target = S(to)
    mover = Mover(mover)
    reason = check_reason(to=target.value, reason=comment)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        current = locked.status
        _check_actor(invoice=locked, mover=mover, actor=actor, target=target.value)
        if current == target and (expected is None or expected == current):
            invoice.status, invoice.status_changed_at = locked.status, locked.status_changed_at
            return locked
        if (expected is not None and current != expected) or target not in allowed_targets(
            mover=mover, invoice=locked, conditions=conditions
        ):
            raise IllegalTransition(current=current, target=target.value)
        now = timezone.now()
        locked.status = target.value
        locked.status_changed_at = now
        for name, value in (changes or {}).items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", "status_changed_at", *(changes or {})])
        InvoiceStatusChange.objects.create(
            invoice=locked, status=target.value, previous_status=current, at=now, actor=actor, comment=reason,
            motives=list(motives),
        )
        data = {
            "from": current,
            "to": target.value,
            "comment": reason,
            "mover": mover.value,
            "frame": locked.billing_frame,
            "supplier": locked.supplier_id,
            "recipient": locked.recipient_id,
            "validator": acting_structure_id(invoice=locked, mover=Mover.VALIDATOR),
        }
        if motives:
            data["motives"] = list(motives)
        audit_log(actor=actor, action=f"invoice.status.{target.value.lower()}", obj=locked, data=data)
    invoice.status, invoice.status_changed_at = locked.status, locked.status_changed_at
    for name in changes or {}:
        setattr(invoice, name, getattr(locked, name))
    return locked
