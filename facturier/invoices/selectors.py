"""Read-side queries on invoices, scoped to what the actor may see (STYLE.md §6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from facturier.structures.selectors import actor_structure_ids
from facturier.structures.spaces import Space

from .enums import InvoiceStatus
from .models import Invoice, InvoiceEvent, InvoiceStatusChange
from .transitions import TRANSITIONS, Mover

if TYPE_CHECKING:
    from collections.abc import Iterable

    from facturier.accounts.models import User
    from facturier.einvoice import ParsedDocument


def invoice_list_issued(*, actor: User) -> QuerySet[Invoice]:
    """Invoices issued by the actor's structures (« Factures émises »), or deposited by the actor."""
    ids = actor_structure_ids(actor=actor, space=Space.FACTURES_EMISES)
    return Invoice.objects.filter(Q(supplier_id__in=ids) | Q(depositor=actor))


@dataclass(frozen=True)
class InvoiceHistory:
    """The three parts of an invoice's history (api.md F11; issue 6 §5), each oldest first:
    ``statuses`` (date, author, comment, coded motives), ``actions`` (user actions: download,
    acknowledgement, rejection handled) and ``events`` (additional events: transfer, recycling...)."""

    statuses: list[InvoiceStatusChange]
    actions: list[InvoiceEvent]
    events: list[InvoiceEvent]


def invoice_history(*, invoice: Invoice) -> InvoiceHistory:
    """The full history of ``invoice`` (the caller has already checked that the actor may see it).
    Two queries: the status rows, then the user actions and events together."""
    statuses = list(InvoiceStatusChange.objects.filter(invoice=invoice).select_related("actor"))
    rows = list(InvoiceEvent.objects.filter(invoice=invoice).select_related("actor"))
    return InvoiceHistory(
        statuses=statuses,
        actions=[row for row in rows if row.kind == InvoiceEvent.Kind.ACTION],
        events=[row for row in rows if row.kind == InvoiceEvent.Kind.EVENT],
    )


# --- « Factures reçues »: the recipient's invoices ---------------------------------------------------

_S = InvoiceStatus
# Statuses in which an invoice has not reached its recipient yet (draft, deposit and routing, the
# sub-contracting validation circuit): « Factures reçues » does not show it.
NOT_YET_RECEIVED = frozenset({
    _S.BROUILLON, _S.SUPPRIMEE, _S.DEPOSEE, _S.EN_COURS_ACHEMINEMENT,
    _S.A_VALIDER_1, _S.VALIDEE_1, _S.REFUSEE_1, _S.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
    _S.ABSENCE_VALIDATION_1_HORS_DELAI, _S.A_VALIDER_2, _S.VALIDEE_2, _S.REFUSEE_2,
    _S.ERREUR_COTRAITANT_SUR_VALIDEUR, _S.ABSENCE_VALIDATION_2_HORS_DELAI,
})


# The order in which « Factures reçues » lists statuses: the nominal path of a received invoice,
# then the statuses that send it back to the supplier.
RECEIVED_ORDER = (
    _S.MISE_A_DISPOSITION, _S.COMPLETEE, _S.SERVICE_FAIT, _S.MANDATEE, _S.MISE_A_DISPOSITION_COMPTABLE,
    _S.COMPTABILISEE, _S.MISE_EN_PAIEMENT, _S.SUSPENDUE, _S.A_RECYCLER, _S.REJETEE,
)


def received_order(statuses: Iterable[str]) -> list[str]:
    """``statuses`` in :data:`RECEIVED_ORDER`, any other after them in the enum's order."""
    rank = {str(status): i for i, status in enumerate(RECEIVED_ORDER)}
    enum_rank = {status: i for i, status in enumerate(InvoiceStatus.values)}
    return sorted({str(s) for s in statuses}, key=lambda s: (rank.get(s, len(rank)), enum_rank.get(s, 0), s))


def _recipient_sources() -> tuple[frozenset[str], frozenset[str]]:
    """From the transition table: the statuses from which the recipient always has a move, and
    those from which its only moves need the payment status to be reported (COMPTABILISEE)."""
    always: set[str] = set()
    guarded: set[str] = set()
    for (_group, mover, source), row in TRANSITIONS.items():
        if mover != Mover.RECIPIENT or not row:
            continue
        if any(not guards for guards in row.values()):
            always.add(source)
        else:
            if any(guards != (("payment_status_reported", True),) for guards in row.values()):
                raise ValueError(f"a recipient row from {source} has guards the synthesis does not read")
            guarded.add(source)
    return frozenset(always), frozenset(guarded - always)


# What the synthesis lists: exactly the invoices for which ``allowed_targets(mover=RECIPIENT)`` is
# not empty (tests/invoices/portal/test_received.py checks it against the function).
TO_PROCESS, TO_PROCESS_IF_PAYMENT_REPORTED = _recipient_sources()
# The invoice's recipient structure and service report the payment status (``conditions_for``).
PAYMENT_REPORTED_Q = Q(recipient__payment_status_not_reported=False) & (
    Q(service__isnull=True) | Q(service__payment_status_reported=True)
)


def _received_by(structure_ids: set[int]) -> QuerySet[Invoice]:
    return Invoice.objects.filter(recipient_id__in=structure_ids).exclude(status__in=NOT_YET_RECEIVED)


def _to_process(received: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return received.filter(
        Q(status__in=TO_PROCESS) | (Q(status__in=TO_PROCESS_IF_PAYMENT_REPORTED) & PAYMENT_REPORTED_Q)
    )


def invoice_list_received(*, actor: User, modification: bool = False) -> QuerySet[Invoice]:
    """Invoices addressed to the actor's structures through « Factures reçues » (in modification
    mode if asked), once they have reached the recipient."""
    ids = actor_structure_ids(actor=actor, space=Space.FACTURES_RECUES, modification=modification)
    return _received_by(ids)


def invoice_get_received(*, actor: User, invoice_id: int, modification: bool = False) -> Invoice | None:
    return (
        invoice_list_received(actor=actor, modification=modification)
        .select_related("recipient", "service", "supplier", "previous")
        .filter(pk=invoice_id)
        .first()
    )


def invoice_list_to_process(*, actor: User) -> QuerySet[Invoice]:
    """The synthesis: received invoices the recipient can move on, newest deposit first."""
    return _to_process(invoice_list_received(actor=actor)).select_related("recipient", "service").order_by(
        "-deposited_at", "-pk"
    )


def structures_report_payment(*, actor: User) -> bool:
    """Whether one of the actor's recipient structures reports the payment status: when none does,
    MISE_EN_PAIEMENT is not shown in « Factures reçues » (``statutMiseEnPaiementNestPasRemonte``)."""
    from facturier.structures.models import Structure

    ids = actor_structure_ids(actor=actor, space=Space.FACTURES_RECUES)
    return Structure.objects.filter(pk__in=ids, payment_status_not_reported=False).exists()


@dataclass(frozen=True)
class ReceivedCriteria:
    """A search in « Factures reçues ». Empty values do not filter; dates are inclusive;
    amounts are the total including VAT (TTC)."""

    supplier: str = ""  # SIRET prefix (digits) or part of the name
    number: str = ""  # part of the invoice number
    deposited_from: dt.date | None = None
    deposited_to: dt.date | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    statuses: tuple[str, ...] = ()
    structure_ids: tuple[int, ...] = ()  # recipient structures among the actor's
    service_ids: tuple[int, ...] = ()
    frames: tuple[str, ...] = ()
    downloaded: bool | None = None


def _search_common(
    qs: QuerySet[Invoice], *, party: str, party_text: str, number: str, ranges: Iterable[tuple[str, object]]
) -> QuerySet[Invoice]:
    """The criteria every invoice search shares: the other party (``party`` is ``supplier`` or
    ``recipient``) by SIRET prefix when ``party_text`` is digits, else by part of its name; part of
    the number; and ``(lookup, bound)`` ranges whose bound is not None."""
    digits = "".join(party_text.split())
    if digits.isdigit():
        qs = qs.filter(**{f"{party}_identifier__startswith": digits})
    elif party_text.strip():
        qs = qs.filter(**{f"{party}_name__icontains": party_text.strip()})
    if number.strip():
        qs = qs.filter(number__icontains=number.strip())
    for lookup, value in ranges:
        if value is not None:
            qs = qs.filter(**{lookup: value})
    return qs


def invoice_search_received(*, actor: User, criteria: ReceivedCriteria) -> QuerySet[Invoice]:
    """Received invoices matching ``criteria``, newest deposit first (one query, no N+1)."""
    c = criteria
    qs = _search_common(
        invoice_list_received(actor=actor).select_related("recipient", "service"), party="supplier",
        party_text=c.supplier, number=c.number, ranges=(
            ("deposited_at__date__gte", c.deposited_from), ("deposited_at__date__lte", c.deposited_to),
            ("issue_date__gte", c.issued_from), ("issue_date__lte", c.issued_to),
            ("amount_ttc__gte", c.amount_min), ("amount_ttc__lte", c.amount_max),
        ),
    )
    if c.statuses:
        qs = qs.filter(status__in=c.statuses)
    if c.structure_ids:
        qs = qs.filter(recipient_id__in=c.structure_ids)
    if c.service_ids:
        qs = qs.filter(service_id__in=c.service_ids)
    if c.frames:
        qs = qs.filter(billing_frame__in=c.frames)
    if c.downloaded is not None:
        qs = qs.filter(downloaded_by_recipient=c.downloaded)
    return qs.order_by("-deposited_at", "-pk")


# Age since the deposit of the invoices to process, in days (inclusive bounds; None = no bound).
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 7), (8, 15), (16, 30), (31, 60), (61, None))


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int
    amounts: tuple[tuple[str, Decimal], ...]  # (currency, total TTC)

    @property
    def label(self) -> str:
        return str(InvoiceStatus(self.status).label)


@dataclass(frozen=True)
class AgeCount:
    low: int
    high: int | None
    count: int


@dataclass(frozen=True)
class Overdue:
    invoice: Invoice
    due_on: dt.date  # deposit date + the structure's legal payment delay
    days_late: int


@dataclass(frozen=True)
class ReceivedDashboard:
    total: int
    to_process: int
    by_status: list[StatusCount]
    ages: list[AgeCount]
    overdue_count: int
    overdue_amounts: tuple[tuple[str, Decimal], ...]
    overdue: list[Overdue]  # the oldest first, at most ``overdue_limit``


def received_dashboard(
    *, actor: User, now: dt.datetime | None = None, overdue_limit: int = 20
) -> ReceivedDashboard:
    """Counts and amounts by status, the age of the invoices to process, and the invoices past the
    legal payment delay (``Structure.payment_delay_days`` from the deposit) that are still to
    process. MISE_EN_PAIEMENT is left out for structures that do not report payment. The same
    number of queries whatever the volume."""
    from facturier.structures.models import Structure

    now = now or timezone.now()
    structure_ids = actor_structure_ids(actor=actor, space=Space.FACTURES_RECUES)
    received = _received_by(structure_ids)
    shown = received.exclude(Q(status=_S.MISE_EN_PAIEMENT) & Q(recipient__payment_status_not_reported=True))
    counts = {row.status: row for row in status_counts(shown)}
    statuses = [counts[status] for status in received_order(counts)]
    pending = _to_process(received)
    aggregates: dict[str, Q] = {}
    for low, high in AGE_BUCKETS:
        q = Q(deposited_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            q &= Q(deposited_at__gt=now - dt.timedelta(days=high + 1))
        aggregates[f"age_{low}"] = q
    buckets = pending.aggregate(total=Count("pk"), **{key: Count("pk", filter=q) for key, q in aggregates.items()})
    ages = [AgeCount(low, high, buckets[f"age_{low}"]) for low, high in AGE_BUCKETS]
    delays = dict(Structure.objects.filter(pk__in=structure_ids).values_list("pk", "payment_delay_days"))
    late_q = Q(pk__in=[])
    for structure_id, days in delays.items():
        late_q |= Q(recipient_id=structure_id, deposited_at__lte=now - dt.timedelta(days=days))
    late = pending.filter(late_q)
    late_rows = list(late.values("currency").annotate(n=Count("pk"), ttc=Sum("amount_ttc")))
    overdue_amounts = tuple(sorted((row["currency"], row["ttc"] or Decimal(0)) for row in late_rows))
    overdue = []
    for invoice in late.select_related("recipient", "service").order_by("deposited_at", "pk")[:overdue_limit]:
        due_on = timezone.localdate(invoice.deposited_at) + dt.timedelta(days=delays[invoice.recipient_id])
        overdue.append(Overdue(invoice, due_on, (timezone.localdate(now) - due_on).days))
    return ReceivedDashboard(
        total=sum(s.count for s in statuses), to_process=buckets["total"], by_status=statuses, ages=ages,
        overdue_count=sum(row["n"] for row in late_rows), overdue_amounts=overdue_amounts, overdue=overdue,
    )


def invoice_list_to_validate(*, actor: User, modification: bool = False) -> QuerySet[Invoice]:
    """Invoices the actor's structures validate (« Factures à valider »): as validator 1 (the main
    contractor; A12: the group's representative, informed), or as validator 2 once the invoice has
    reached the second level."""
    ids = actor_structure_ids(actor=actor, space=Space.FACTURES_A_VALIDER, modification=modification)
    reached_level_2 = InvoiceStatusChange.objects.filter(invoice=OuterRef("pk"), status=InvoiceStatus.A_VALIDER_2)
    return Invoice.objects.filter(Q(validator1_id__in=ids) | (Q(validator2_id__in=ids) & Q(Exists(reached_level_2))))


def invoices_visible_to(*, actor: User) -> QuerySet[Invoice]:
    """Every invoice the actor sees as supplier, recipient or validator."""
    return Invoice.objects.filter(
        Q(pk__in=invoice_list_issued(actor=actor).values("pk"))
        | Q(pk__in=invoice_list_received(actor=actor).values("pk"))
        | Q(pk__in=invoice_list_to_validate(actor=actor).values("pk"))
    )


def invoice_document(*, invoice: Invoice) -> ParsedDocument | None:
    """The deposited document re-read from the original file (lines, VAT breakdown, payment means:
    what ``structured_data`` does not keep); None when the file is missing or cannot be read. The
    caller has already checked that the actor may see the invoice."""
    from facturier.einvoice import EInvoiceError, read

    try:
        with invoice.original_file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):
        return None
    try:
        return read(data)
    except EInvoiceError:
        return None


def invoices_visible_in(*, actor: User, space: Space | str) -> QuerySet[Invoice]:
    """The invoices ``actor`` sees through one of the three invoice spaces (what a page of that
    space may serve, e.g. the downloads of facturier/invoices/portal/downloads.py)."""
    lists = {Space.FACTURES_EMISES: invoice_list_issued, Space.FACTURES_RECUES: invoice_list_received,
             Space.FACTURES_A_VALIDER: invoice_list_to_validate}
    return lists[Space(space)](actor=actor)


# --- « Factures émises »: the supplier's follow-up (issue 6 §3) ---------------------------------------


class SupplierAction:
    """What the supplier has to do about an invoice (the synthesis of « Factures émises »)."""

    RECYCLE = "recycle"  # A_RECYCLER: correct the routing data (lifecycle.invoice_recycle)
    COMPLETE = "complete"  # SUSPENDUE: add attachments and/or a comment (lifecycle.invoice_complete)
    ACKNOWLEDGE = "acknowledge"  # REJETEE/SUSPENDUE not acknowledged yet (lifecycle.invoice_acknowledge)
    RESUBMIT = "resubmit"  # a State service's SE/EJ rejection (facturier.invoices.resubmit)
    CORRECT_VALIDATOR = "correct_validator"  # ERREUR_*_SUR_VALIDEUR (lifecycle.invoice_correct_validator)


_ACTION_OF_STATUS = {
    InvoiceStatus.A_RECYCLER: SupplierAction.RECYCLE,
    InvoiceStatus.SUSPENDUE: SupplierAction.COMPLETE,
    InvoiceStatus.ERREUR_FOURNISSEUR_SUR_VALIDEUR: SupplierAction.CORRECT_VALIDATOR,
    InvoiceStatus.ERREUR_COTRAITANT_SUR_VALIDEUR: SupplierAction.CORRECT_VALIDATOR,
}


def unacknowledged_q() -> Q:
    """A rejection or suspension the supplier has not acknowledged since it happened (the same
    test as ``lifecycle.acknowledgement_pending``: an acknowledgement counts for the current status)."""
    from django.db.models import F

    from .lifecycle import ACKNOWLEDGEABLE

    return Q(status__in=list(ACKNOWLEDGEABLE)) & (
        Q(acknowledged_at__isnull=True) | Q(acknowledged_at__lt=F("status_changed_at"))
    )


def invoices_acknowledgement_overdue(*, supplier_ids: Iterable[int], now: dt.datetime | None = None) -> QuerySet[Invoice]:
    """Invoices of these suppliers rejected or suspended for longer than the acknowledgement
    delay (7 days) and not acknowledged: the portal asks for them on every page (one query on
    the (supplier) and (status, status_changed_at) indexes). Agrees with
    ``lifecycle.acknowledgement_overdue``."""
    from .lifecycle import acknowledgement_delay

    limit = (now or timezone.now()) - acknowledgement_delay()
    return Invoice.objects.filter(supplier_id__in=list(supplier_ids), status_changed_at__lte=limit).filter(
        unacknowledged_q()
    )


def invoice_get_issued(*, actor: User, invoice_id: int) -> Invoice | None:
    """An invoice of « Factures émises » (issued by the actor's structures, or deposited by the actor)."""
    return (
        invoice_list_issued(actor=actor)
        .select_related("supplier", "recipient", "service", "previous")
        .filter(pk=invoice_id)
        .first()
    )


@dataclass(frozen=True)
class IssuedToAct:
    invoice: Invoice
    actions: tuple[str, ...]  # SupplierAction values, in the order the page offers them
    acknowledgement_overdue: bool


def invoices_issued_to_act(*, actor: User, now: dt.datetime | None = None) -> list[IssuedToAct]:
    """The synthesis of « Factures émises »: the invoices waiting for the supplier (to recycle, to
    complete, to acknowledge, to re-submit after a State SE/EJ rejection, a validator to correct),
    latest status change first. One query: the last rejection's coded motives come with each
    rejected invoice, and the answer agrees with ``lifecycle.resubmittable``."""
    from django.db.models import Exists, JSONField, OuterRef, Subquery

    from .enums import StateRejectionMotive
    from .lifecycle import acknowledgement_overdue, acknowledgement_pending

    rejections = InvoiceStatusChange.objects.filter(invoice=OuterRef("pk"), status=InvoiceStatus.REJETEE)
    has_next = Exists(Invoice.objects.filter(previous=OuterRef("pk")))
    coded_rejection = Q(status=InvoiceStatus.REJETEE) & ~has_next & Exists(rejections.exclude(motives=[]))
    rows = (
        invoice_list_issued(actor=actor)
        .filter(Q(status__in=list(_ACTION_OF_STATUS)) | unacknowledged_q() | coded_rejection)
        .annotate(
            has_next=has_next,
            last_motives=Subquery(rejections.order_by("-at", "-pk").values("motives")[:1], output_field=JSONField()),
        )
        .select_related("recipient", "service")
        .order_by("-status_changed_at", "-pk")
    )
    coded = set(StateRejectionMotive.values)
    out = []
    for invoice in rows:
        actions = []
        if invoice.status in _ACTION_OF_STATUS:
            actions.append(_ACTION_OF_STATUS[invoice.status])
        if invoice.status == InvoiceStatus.REJETEE and not invoice.has_next and coded & set(invoice.last_motives or ()):
            actions.append(SupplierAction.RESUBMIT)
        if acknowledgement_pending(invoice):
            actions.append(SupplierAction.ACKNOWLEDGE)
        if actions:
            out.append(IssuedToAct(invoice, tuple(actions), acknowledgement_overdue(invoice=invoice, now=now)))
    return out


def status_counts(invoices: QuerySet[Invoice]) -> list[StatusCount]:
    """Count and total TTC (per currency) of ``invoices`` by status, in the enum's order."""
    counts: dict[str, int] = {}
    amounts: dict[str, list[tuple[str, Decimal]]] = {}
    for row in invoices.order_by().values("status", "currency").annotate(n=Count("pk"), ttc=Sum("amount_ttc")):
        counts[row["status"]] = counts.get(row["status"], 0) + row["n"]
        amounts.setdefault(row["status"], []).append((row["currency"], row["ttc"] or Decimal(0)))
    return [StatusCount(s, counts[s], tuple(sorted(amounts[s]))) for s in InvoiceStatus.values if s in counts]


@dataclass(frozen=True)
class IssuedCriteria:
    """A search in « Factures émises ». Empty values do not filter; dates are inclusive."""

    number: str = ""  # part of the invoice number
    recipient: str = ""  # SIRET prefix (digits) or part of the name
    deposited_from: dt.date | None = None
    deposited_to: dt.date | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    statuses: tuple[str, ...] = ()


def invoice_search_issued(*, actor: User, criteria: IssuedCriteria) -> QuerySet[Invoice]:
    """Issued invoices matching ``criteria``, newest deposit first."""
    c = criteria
    qs = _search_common(
        invoice_list_issued(actor=actor).select_related("recipient", "service"), party="recipient",
        party_text=c.recipient, number=c.number, ranges=(
            ("deposited_at__date__gte", c.deposited_from), ("deposited_at__date__lte", c.deposited_to),
            ("issue_date__gte", c.issued_from), ("issue_date__lte", c.issued_to),
        ),
    )
    if c.statuses:
        qs = qs.filter(status__in=c.statuses)
    return qs.order_by("-deposited_at", "-pk")


def invoices_issued_changed(
    *, actor: User, since: dt.datetime, invoice_ids: Iterable[int] = (), limit: int = 50
) -> list[Invoice]:
    """Issued invoices whose status changed after ``since`` (only among ``invoice_ids`` when
    given), oldest change first: what the portal's live follow-up polls."""
    qs = invoice_list_issued(actor=actor).filter(status_changed_at__gt=since)
    ids = list(invoice_ids)
    if ids:
        qs = qs.filter(pk__in=ids)
    return list(qs.order_by("status_changed_at", "pk")[:limit])


# --- « Factures à valider »: the validator's pending and handled invoices ------------------------

# What each validation level leads to: the invoice has left that level's validator (validated,
# refused, declared addressed to the wrong validator, or moved on when the delay ran out).
VALIDATION_OUTCOMES: dict[int, tuple[str, ...]] = {
    1: (InvoiceStatus.VALIDEE_1, InvoiceStatus.REFUSEE_1, InvoiceStatus.ERREUR_FOURNISSEUR_SUR_VALIDEUR,
        InvoiceStatus.ABSENCE_VALIDATION_1_HORS_DELAI),
    2: (InvoiceStatus.VALIDEE_2, InvoiceStatus.REFUSEE_2, InvoiceStatus.ERREUR_COTRAITANT_SUR_VALIDEUR,
        InvoiceStatus.ABSENCE_VALIDATION_2_HORS_DELAI),
}


def _pending_validation_q(ids: set[int]) -> Q:
    return Q(status=InvoiceStatus.A_VALIDER_1, validator1_id__in=ids) | Q(
        status=InvoiceStatus.A_VALIDER_2, validator2_id__in=ids)


def invoice_list_pending_validation(*, actor: User, modification: bool = False) -> QuerySet[Invoice]:
    """The invoices waiting for the actor's structures (« Factures à valider », synthesis):
    A_VALIDER_1 where one is validator 1, A_VALIDER_2 where one is validator 2; the nearest
    deadline (the oldest status) first."""
    ids = actor_structure_ids(actor=actor, space=Space.FACTURES_A_VALIDER, modification=modification)
    return Invoice.objects.filter(_pending_validation_q(ids)).order_by("status_changed_at", "pk")


def invoice_list_validation_handled(*, actor: User) -> QuerySet[Invoice]:
    """The invoices that have left the actor's structures' level (validated, refused, wrong
    validator, or moved on after the delay) and are not waiting for them again; the latest first."""
    ids = actor_structure_ids(actor=actor, space=Space.FACTURES_A_VALIDER)

    def left(level: int) -> Exists:
        outcomes = InvoiceStatusChange.objects.filter(invoice=OuterRef("pk"), status__in=VALIDATION_OUTCOMES[level])
        return Exists(outcomes)

    return (
        Invoice.objects.filter((Q(validator1_id__in=ids) & left(1)) | (Q(validator2_id__in=ids) & left(2)))
        .exclude(_pending_validation_q(ids))
        .order_by("-status_changed_at", "-pk")
    )


def invoice_list_representative(*, actor: User) -> QuerySet[Invoice]:
    """Co-contractors' invoices (A12) naming one of the actor's structures as the group's
    representative: shown for information, nothing to validate; the latest deposit first."""
    ids = actor_structure_ids(actor=actor, space=Space.FACTURES_A_VALIDER)
    return Invoice.objects.filter(validator1_id__in=ids, billing_frame__startswith="A12_").order_by(
        "-deposited_at", "-pk")
