"""Integrating a flow's entries into invoices, a batch at a time (``services.flow_process`` drives it).

A batch is at most :data:`BATCH_ENTRIES` entries or :data:`BATCH_BYTES` of files; when the next entry
comes more than :data:`BATCH_SECONDS` after the batch's first one, the batch is written before it
(so a slow flow still shows its progress). Each batch goes in two steps:

1. **check**, outside any transaction, entry by entry: read the document, resolve the supplier,
   validate it (``facturier.einvoice.validate`` with the platform rules; their duplicate rule is
   answered for the whole batch by one query, ``ModelDirectory.prefetch_duplicates``) and apply the
   depositor rules. This is the costly part and it holds no lock, so workers check in parallel;
2. **write**, in one transaction: lock the batch's suppliers (``FOR NO KEY UPDATE``, in primary-key
   order), skip the entries another run recorded meanwhile, re-check the duplicates (one query,
   exact now that the supplier is locked), create the invoices with their history rows and audit
   entries (``facturier.invoices.services.invoices_deposit_many``), write every entry's
   ``FlowItem`` (integrated, or rejected with its errors), renew the flow's lease, commit.

A batch may hold the entries of several flows of one depositor (``services.flow_process`` coalesces
waiting single-invoice flows): each entry carries its flow's :class:`Run`, and the runs share their
directory and supplier cache.

So an invoice is either integrated with its history, audit entries, stored original and
``FlowItem``, or listed as rejected: a batch commits whole or not at all. ``FlowItem`` is unique per
(flow, entry index): a run racing another one (a re-queued flow) fails its batch transaction rather
than integrating an entry twice, and the batch is then written again one entry per transaction,
each skipping what the other run did.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from facturier.einvoice import EInvoiceError, read
from facturier.einvoice.findings import Severity
from facturier.einvoice.platform import KEY_PARTS, DuplicateKey, PlatformContext, Subject, SupplierKind, is_valid_siret
from facturier.einvoice.validate import Report, ReportError, validate
from facturier.invoices.models import Invoice
from facturier.invoices.services import billing_frame_of, invoice_prepare, invoices_deposit_many
from facturier.invoices.transitions import FrameGroup, frame_group
from facturier.structures.errors import ServiceNotUsable, StructureInactive
from facturier.structures.models import IdentifierType, Service, Structure
from facturier.structures.services.structures import service_usable_for

from .directory import ModelDirectory, duplicates_of
from .models import Flow, FlowItem

if TYPE_CHECKING:
    from datetime import date

    from facturier.einvoice.model import Invoice as DocumentInvoice
    from facturier.einvoice.readers import ParsedDocument

logger = logging.getLogger(__name__)

MAX_ERRORS_PER_INVOICE = 100
BATCH_ENTRIES = 50
BATCH_BYTES = 8 * 1024 * 1024
BATCH_SECONDS = 1.0


@dataclass
class Run:
    """What every entry of one flow run (or chunk task) shares."""

    flow: Flow
    allowed_supplier_ids: set[int]
    directory: ModelDirectory
    deposit_mode: str
    duplicate_key: tuple[str, ...]
    today: date
    # Seller identifiers found in a document → (supplier, error, identifier shown).
    suppliers: dict[tuple[tuple[str, ...], ...], tuple[Structure | None, dict[str, Any] | None, str]] = field(
        default_factory=dict
    )


@dataclass
class Entry:
    """One entry of the flow on its way through a batch."""

    index: int
    name: str
    data: bytes
    run: Run
    errors: list[dict[str, Any]] = field(default_factory=list)
    number: str = ""
    supplier_identifier: str = ""
    recipient_identifier: str = ""
    doc: ParsedDocument | None = None
    context: PlatformContext | None = None
    subject: Subject | None = None
    supplier: Structure | None = None
    supplier_error: dict[str, Any] | None = None
    key: DuplicateKey | None = None  # None when incomplete (EN 16931 reports the missing term)
    frame: str | None = None
    recipient: Structure | None = None
    service: Service | None = None

    def item(self, outcome: str, *, errors: Sequence[dict[str, Any]] = (),
             invoice: Invoice | None = None) -> FlowItem:
        """The entry's ``FlowItem``: integrated with its invoice, or rejected with its errors."""
        return FlowItem(
            flow=self.run.flow, index=self.index, entry_name=self.name[:255], outcome=outcome,
            errors=list(errors)[:MAX_ERRORS_PER_INVOICE], invoice=invoice, number=self.number,
            supplier_identifier=self.supplier_identifier[:80], recipient_identifier=self.recipient_identifier[:80],
        )


class Batch:
    """Entries gathered until the batch is full (count, bytes or time)."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, str, bytes]] = []
        self.size = 0
        self.started = 0.0

    def add(self, index: int, name: str, data: bytes) -> None:
        if not self.entries:
            self.started = time.monotonic()
        self.entries.append((index, name, data))
        self.size += len(data)

    @property
    def full(self) -> bool:
        return len(self.entries) >= BATCH_ENTRIES or self.size >= BATCH_BYTES

    @property
    def stale(self) -> bool:
        """Open for BATCH_SECONDS: entries come slowly, so what is read is written first."""
        return bool(self.entries) and time.monotonic() - self.started >= BATCH_SECONDS

    def take(self) -> list[tuple[int, str, bytes]]:
        entries, self.entries, self.size = self.entries, [], 0
        return entries


def integrate_batch(run: Run, raw: list[tuple[int, str, bytes]]) -> None:
    """Check then write one batch of entries of one flow (see the module docstring)."""
    integrate_entries([(run, index, name, data) for index, name, data in raw])


def integrate_entries(raw: list[tuple[Run, int, str, bytes]]) -> None:
    """Check then write one batch of entries, each of its own run (one flow or several)."""
    if not raw:
        return
    entries = [_read(run, index, name, data) for run, index, name, data in raw]
    directories = {id(e.run.directory): e.run.directory for e in entries}
    for key, directory in directories.items():
        directory.prefetch_duplicates(
            e.key for e in entries if e.key is not None and id(e.run.directory) == key)
    for entry in entries:
        if not entry.errors:
            _check(entry.run, entry)
    write(entries)


# --- check -----------------------------------------------------------------------------------------


def finding(rule: str, terms: tuple[str, ...], fr: str, en: str, location: str = "", line: int | None = None) -> dict[str, Any]:
    return {"rule": rule, "terms": list(terms), "location": location, "line": line, "message": {"fr": fr, "en": en}}


def reader_error(error: ReportError) -> dict[str, Any]:
    return finding(error.code.upper(), (), error.message_fr, error.message_en)


def refusals_of(report: Report) -> list[dict[str, Any]]:
    """The findings that refuse a document: the reader's error, then every FATAL finding."""
    errors = [reader_error(report.error)] if report.error is not None else []
    errors += [finding(f.rule, f.terms, f.message_fr, f.message_en, f.location, f.line)
               for f in report.findings if f.severity is Severity.FATAL]
    return errors


def message_in(lang: str, exc: Exception) -> str:
    from django.utils import translation

    with translation.override(lang):
        return str(exc)


def _read(run: Run, index: int, name: str, data: bytes) -> Entry:
    """Read the document, resolve its supplier, compute its uniqueness key."""
    entry = Entry(index=index, name=name, data=data, run=run)
    try:
        doc = read(data)
    except EInvoiceError as exc:
        entry.errors.append(reader_error(ReportError.from_exception(exc)))
        return entry
    except Exception:  # a reader bug on hostile input must not stop the flow
        logger.exception("reading entry %s of flow %s failed", index, run.flow.number)
        entry.errors.append(finding(
            "INTERNAL_ERROR", (), "Erreur interne lors de la lecture de la facture.",
            "Internal error while reading the invoice."))
        return entry
    document = doc.invoice
    entry.doc = doc
    entry.number = document.number.normalized[:100] if document.number is not None else ""
    entry.supplier, entry.supplier_error, entry.supplier_identifier = _resolve_supplier(run, document)
    supplier = entry.supplier
    entry.context = PlatformContext(
        directory=run.directory,
        supplier_siret=supplier.identifier if supplier is not None else None,
        supplier_kind=(SupplierKind.PUBLIC if supplier.is_public else SupplierKind.PRIVATE) if supplier else None,
        duplicate_key=run.duplicate_key,
    )
    entry.subject = Subject(doc, entry.context)
    entry.recipient_identifier = entry.subject.recipient_siret or ""
    key = tuple((part, KEY_PARTS[part](entry.subject)) for part in run.duplicate_key)
    entry.key = key if all(value is not None for _, value in key) else None  # type: ignore[assignment]
    return entry


def _check(run: Run, entry: Entry) -> None:
    """The e-invoice core's validation (XSD, EN 16931, CIUS, platform rules) and the depositor rules."""
    assert entry.doc is not None and entry.subject is not None
    errors = entry.errors
    # The document read for the routing (_read) is validated as it is, not read a second time.
    errors += refusals_of(validate(entry.data, file=entry.name, platform=entry.context, document=entry.doc))
    if entry.supplier_error is not None:
        errors.append(entry.supplier_error)
    entry.frame = billing_frame_of(entry.doc.invoice)
    if entry.frame is None:
        frame = entry.subject.invoice.business_process.normalized
        errors.append(finding(
            "FR-DEP-03", ("BT-23",),
            "Le cadre de facturation « %s » (BT-23) n'est pas accepté pour une facture : utilisez A1, A2, A9 ou A12."
            % frame,
            "The billing frame '%s' (BT-23) is not accepted for an invoice: use A1, A2, A9 or A12." % frame,
        ))
    elif frame_group(entry.frame) == FrameGroup.SUBCONTRACTING:
        # EN 16931 has no term for the validator of a sub-contractor's invoice (docs/lifecycle.md).
        errors.append(finding(
            "FR-DEP-04", ("BT-23",),
            "Une facture de sous-traitant (cadre A9) doit nommer son valideur (le titulaire du marché), ce "
            "qu'un flux UBL/CII/Factur-X ne peut pas porter : déposez-la par l'API soumettre "
            "(cadreDeFacturation.codeStructureValideur) ou saisissez-la sur le portail.",
            "A sub-contractor's invoice (frame A9) must name its validator (the main contractor), which a "
            "UBL/CII/Factur-X flow cannot carry: submit it through the soumettre API "
            "(cadreDeFacturation.codeStructureValideur) or enter it in the portal.",
        ))
    if errors:
        return
    # The platform rules checked that the recipient exists (the directory holds it since then).
    entry.recipient = run.directory.structure(entry.recipient_identifier)
    assert entry.recipient is not None
    code = entry.subject.service_code
    entry.service = next((s for s in entry.recipient.services.all() if s.code == code), None) if code else None


def _seller_ids(document: DocumentInvoice) -> tuple[list[str], list[str], list[str]]:
    """SIRETs (BT-29/BT-30 with scheme 0009, 1 or 0002 on 14 digits), SIRENs, VAT ids (BT-31)."""
    sirets: list[str] = []
    sirens: list[str] = []
    vats: list[str] = []
    seller = document.seller
    if seller is None:
        return sirets, sirens, vats
    for ident in [*seller.all("identifiers"), *seller.all("legal_id")]:
        value = (getattr(ident, "value", "") or "").replace(" ", "")
        scheme = (getattr(ident, "scheme", "") or "").strip()
        if len(value) == 14 and value.isdigit() and (scheme in ("0009", "1", "0002") or not scheme):
            sirets.append(value)
        elif len(value) == 9 and value.isdigit():
            sirens.append(value)
    if seller.vat_id is not None and not seller.vat_id.is_blank:
        vats.append(seller.vat_id.normalized.replace(" ", "").upper())
    return sirets, sirens, vats


def _resolve_supplier(run: Run, document: DocumentInvoice) -> tuple[Structure | None, dict[str, Any] | None, str]:
    """The supplier structure named by the document, or the error; and the identifier shown
    (looked up once per run for the same seller identifiers)."""
    sirets, sirens, vats = _seller_ids(document)
    ids = (tuple(sirets), tuple(sirens), tuple(vats))
    if ids not in run.suppliers:
        run.suppliers[ids] = _lookup_supplier(run, sirets, sirens, vats)
    return run.suppliers[ids]


def _lookup_supplier(
    run: Run, sirets: list[str], sirens: list[str], vats: list[str]
) -> tuple[Structure | None, dict[str, Any] | None, str]:
    shown = (sirets or sirens or vats or [""])[0]
    candidates = list(
        Structure.objects.filter(identifier_type=IdentifierType.SIRET, identifier__in=sirets)
    ) if sirets else []
    if not candidates and vats:
        candidates = list(Structure.objects.filter(vat_number__in=vats))
    if not candidates and sirens:
        candidates = [
            s for s in Structure.objects.filter(pk__in=run.allowed_supplier_ids)
            if s.identifier[:9] in sirens and is_valid_siret(s.identifier)
        ]
    if not candidates:
        return None, finding(
            "FR-DEP-02", ("BT-29", "BT-30", "BT-31"),
            "Le fournisseur (%s) n'est pas référencé sur la plateforme : identifiez le vendeur par le SIRET "
            "d'une structure inscrite (BT-29 ou BT-30, schéma 0009)." % (shown or "sans identifiant"),
            "The supplier (%s) is not registered on the platform: identify the seller by the SIRET of a "
            "registered structure (BT-29 or BT-30, scheme 0009)." % (shown or "no identifier"),
        ), shown
    for structure in candidates:
        if structure.pk in run.allowed_supplier_ids:
            return structure, None, structure.identifier
    structure = candidates[0]
    return None, finding(
        "FR-DEP-01", ("BT-29", "BT-30", "BT-31"),
        "Le fournisseur %s n'est pas une structure pour laquelle le déposant peut déposer des factures "
        "(il doit y être rattaché, ou en être le compte technique)." % structure.identifier,
        "The supplier %s is not a structure the depositor may deposit invoices for (the depositor must be "
        "attached to it, or be its technical account)." % structure.identifier,
    ), structure.identifier


# --- write -----------------------------------------------------------------------------------------


def write(entries: list[Entry]) -> None:
    """Write a checked batch in one transaction; one entry per transaction if another run raced it."""
    try:
        _write(entries)
    except IntegrityError:
        first = entries[0]
        if len(entries) == 1:
            logger.info("flow %s entry %s was recorded by another run", first.run.flow.number, first.index)
            return
        logger.info("flow %s: a batch raced another run, written again one entry at a time",
                    first.run.flow.number)
        for entry in entries:
            write([entry])


def _write(entries: list[Entry]) -> None:
    # Built and stored before the transaction: the supplier lock below is held for the inserts only.
    prepared = {_at(e): invoice_prepare(actor=e.run.flow.depositor, **_deposit(e.run, e))
                for e in entries if not e.errors}
    unused = dict(prepared)
    try:
        with transaction.atomic():
            # Serialise the deposits of one supplier, so the duplicate check below is exact. FOR NO KEY
            # UPDATE still excludes another integration of the supplier, but not the KEY SHARE lock
            # a concurrent deposit's deferred FK check takes at COMMIT while it holds the audit head:
            # FOR UPDATE deadlocked them on PostgreSQL (benchmarks/ingest.py, 1 worker). In primary-key
            # order, so two batches with the same suppliers cannot deadlock either.
            supplier_ids = sorted({e.supplier.pk for e in entries if not e.errors and e.supplier is not None})
            if supplier_ids:
                list(Structure.objects.select_for_update(no_key=True).filter(pk__in=supplier_ids)
                     .order_by("pk").values_list("pk", flat=True))
            # Renew the lease in the same commit (a flow that progresses is not "stuck"), and lock the
            # flow rows (in primary-key order) before the journal head as _start and _finish do: the
            # same order everywhere.
            flow_ids = sorted({e.run.flow.pk for e in entries})
            if len(flow_ids) > 1:
                list(Flow.objects.select_for_update().filter(pk__in=flow_ids).order_by("pk")
                     .values_list("pk", flat=True))
            Flow.objects.filter(pk__in=flow_ids).update(processing_started_at=timezone.now())
            done = set(FlowItem.objects.filter(flow_id__in=flow_ids, index__in={e.index for e in entries})
                       .values_list("flow_id", "index"))
            fresh = [e for e in entries if _at(e) not in done]
            firsts = duplicates_of(e.key for e in fresh if not e.errors and e.key is not None)
            items: list[FlowItem] = []
            accepted: list[Entry] = []
            first_in_batch: dict[DuplicateKey, Entry] = {}
            again: list[tuple[Entry, Entry]] = []  # the same key twice in this batch: (later, first)
            for entry in fresh:
                if entry.errors:
                    items.append(entry.item(FlowItem.Outcome.REJETE, errors=entry.errors))
                elif entry.key is not None and entry.key in firsts:
                    items.append(entry.item(FlowItem.Outcome.REJETE,
                                            errors=[_duplicate(entry.number, firsts[entry.key].pk)]))
                elif entry.key is not None and entry.key in first_in_batch:
                    again.append((entry, first_in_batch[entry.key]))
                elif (refused := _service_refused(entry.run, entry)) is not None:
                    items.append(entry.item(FlowItem.Outcome.REJETE, errors=[refused]))
                else:
                    accepted.append(entry)
                    if entry.key is not None:
                        first_in_batch[entry.key] = entry
            invoice_of = {}
            for depositor, group in _by_depositor(accepted):
                deposits = [unused.pop(_at(e)) for e in group]
                invoices = invoices_deposit_many(actor=depositor, deposits=deposits)
                for entry, invoice in zip(group, invoices, strict=True):
                    items.append(entry.item(FlowItem.Outcome.INTEGRE, invoice=invoice))
                    invoice_of[_at(entry)] = invoice
            for entry, first in again:
                items.append(entry.item(FlowItem.Outcome.REJETE,
                                        errors=[_duplicate(entry.number, invoice_of[_at(first)].pk)]))
            FlowItem.objects.bulk_create(items)
    except BaseException:
        for deposit in prepared.values():  # the stored originals of a batch rolled back
            deposit.discard()
        raise
    for deposit in unused.values():  # and of the entries rejected under the lock
        deposit.discard()


def _at(entry: Entry) -> tuple[int, int]:
    """The entry's place: (flow id, entry index), unique in a batch of several flows."""
    return entry.run.flow.pk, entry.index


def _by_depositor(entries: list[Entry]) -> list[tuple[Any, list[Entry]]]:
    """The entries grouped by their flow's depositor, in order of first appearance."""
    groups: dict[int, tuple[Any, list[Entry]]] = {}
    for entry in entries:
        depositor = entry.run.flow.depositor
        groups.setdefault(depositor.pk, (depositor, []))[1].append(entry)
    return list(groups.values())


def _deposit(run: Run, entry: Entry) -> dict[str, Any]:
    """The keyword arguments of ``invoice_deposit`` for an accepted entry."""
    assert entry.doc is not None
    return {
        "document": entry.doc.invoice,
        "data": entry.data,
        "file_name": entry.name,
        "supplier": entry.supplier,
        "recipient": entry.recipient,
        "service": entry.service,
        "deposit_mode": run.deposit_mode,
        "syntax": entry.doc.format.value,
        "billing_frame": entry.frame,
        "flow": run.flow,
        "deposited_at": run.flow.received_at,
    }


def _service_refused(run: Run, entry: Entry) -> dict[str, Any] | None:
    if entry.service is None:
        return None
    assert entry.supplier is not None
    try:
        service_usable_for(service=entry.service, supplier=entry.supplier, on=run.today)
    except (ServiceNotUsable, StructureInactive) as exc:
        return finding("FR-PLT-06", ("BT-10",), message_in("fr", exc), message_in("en", exc))
    return None


def _duplicate(number: str, first: int) -> dict[str, Any]:
    return finding(
        "FR-PLT-09", ("BT-1",),
        "Le numéro de facture « %s » a déjà été utilisé (identifiantFactureCPP %s)." % (number, first),
        "The invoice number '%s' has already been used (identifiantFactureCPP %s)." % (number, first),
    )
