"""Flow services: receive a flow file, process it into invoices, sweep stuck flows.

``flow_receive`` is the one entry point of every channel (API, portal, SFTP, inbox): it numbers
the flow at once, stores the file, and queues ``process_flow`` after commit. ``flow_process`` is
idempotent and crash-safe: each entry is integrated in its own transaction together with its
``FlowItem`` row, unique per (flow, entry index), so a re-run skips what is done and never
integrates an entry twice; the flow's final state is written last. ``flow_sweep`` re-queues flows
whose processing lease has expired (a killed worker, a lost message).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from facturier.audit.services import audit_log
from facturier.core.jobs import enqueue
from facturier.einvoice import EInvoiceError, read
from facturier.einvoice.findings import Severity
from facturier.einvoice.platform import KEY_PARTS, PlatformContext, Subject, SupplierKind, is_valid_siret
from facturier.einvoice.validate import ReportError, validate
from facturier.invoices.enums import DepositMode
from facturier.invoices.services import billing_frame_of, invoice_deposit
from facturier.structures.errors import ServiceNotUsable, StructureInactive
from facturier.structures.models import IdentifierType, Service, Structure, TechnicalAccount
from facturier.structures.selectors import actor_structure_ids
from facturier.structures.services.structures import service_usable_for
from facturier.structures.spaces import Space

from . import unpack
from .directory import ModelDirectory, duplicate_of
from .errors import (
    FlowContentRejected,
    FlowEmpty,
    FlowFileNameInvalid,
    FlowSyntaxUnsupported,
    FlowTooLarge,
)
from .models import SYNTAX_FORMAT, Channel, Flow, FlowItem, FlowState, FlowSyntax
from .report import render_pdf, report_data

if TYPE_CHECKING:
    from facturier.accounts.models import User
    from facturier.einvoice.model import Invoice as DocumentInvoice
    from facturier.einvoice.readers import ParsedDocument

logger = logging.getLogger(__name__)

MAX_ERRORS_PER_INVOICE = 100
CHUNK = 1024 * 1024


# --- receiving ------------------------------------------------------------------------------------


def flow_number() -> str:
    """``CPP`` + 22 digits: the time in milliseconds (13 digits) then 9 random digits, so numbers
    sort roughly by deposit time and two deposits in the same millisecond still differ."""
    return f"CPP{int(time.time() * 1000):013d}{secrets.randbelow(10**9):09d}"


def _clean_name(file_name: str) -> str:
    name = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or len(name) > 200 or "." not in name.strip(".") or any(ord(c) < 32 for c in name):
        raise FlowFileNameInvalid()
    return name


def _check_syntax(syntax: str) -> FlowSyntax:
    try:
        return FlowSyntax((syntax or "").strip())
    except ValueError:
        raise FlowSyntaxUnsupported(syntax=syntax, allowed=", ".join(FlowSyntax.values)) from None


def _spool(data: bytes | None, fileobj: IO[bytes] | None, limit: int) -> tuple[File[Any], str, int]:
    """The content as a Django File, its SHA-256 and size; streamed with the size cap."""
    if data is not None:
        if len(data) > limit:
            raise FlowTooLarge(max=limit)
        return ContentFile(data), hashlib.sha256(data).hexdigest(), len(data)
    if fileobj is None:
        raise FlowEmpty()
    digest = hashlib.sha256()
    size = 0
    spool = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)
    while chunk := fileobj.read(CHUNK):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise FlowTooLarge(max=limit)
        digest.update(chunk)
        spool.write(chunk)
    spool.seek(0)
    return File(spool), digest.hexdigest(), size


def depositor_supplier(actor: User) -> Structure | None:
    """The structure a flow is deposited for by default: the technical account's structure, or the
    user's only structure in « Factures émises »."""
    account = TechnicalAccount.objects.filter(user=actor).select_related("structure").first()
    if account is not None:
        return account.structure
    ids = actor_structure_ids(actor=actor, space=Space.FACTURES_EMISES, modification=True)
    return Structure.objects.get(pk=next(iter(ids))) if len(ids) == 1 else None


def flow_receive(
    *,
    actor: User,
    file_name: str,
    syntax: str,
    channel: str,
    data: bytes | None = None,
    fileobj: IO[bytes] | None = None,
    with_signature: bool = False,
    supplier: Structure | None = None,
    max_bytes: int | None = None,
) -> Flow:
    """Accept a flow file: number it, store it, queue its processing. Raises before storing
    anything when the syntax is unknown, the name invalid, the file empty or too large."""
    flow_syntax = _check_syntax(syntax)
    name = _clean_name(file_name)
    channel = Channel(channel)
    limit = max_bytes or settings.FACTURIER_FLOW_MAX_BYTES
    content, digest, size = _spool(data, fileobj, limit)
    try:
        return _store_flow(actor=actor, content=content, digest=digest, size=size, name=name,
                           channel=channel, flow_syntax=flow_syntax, with_signature=with_signature,
                           supplier=supplier)
    finally:
        # The spooled temporary file (fileobj deposits) is ours to close, stored or not.
        content.close()


def _store_flow(*, actor: User, content: File[Any], digest: str, size: int, name: str, channel: Channel,
                flow_syntax: FlowSyntax, with_signature: bool, supplier: Structure | None) -> Flow:
    if size == 0:
        raise FlowEmpty()
    now = timezone.now()
    flow = Flow(
        number=flow_number(),
        depositor=actor,
        supplier=supplier or depositor_supplier(actor),
        channel=channel,
        syntax=flow_syntax,
        file_name=name,
        sha256=digest,
        size=size,
        with_signature=bool(with_signature),
        state=FlowState.IN_RECU,
        received_at=now,
        state_changed_at=now,
    )
    flow.file.save(name, content, save=False)
    try:
        with transaction.atomic():
            flow.save()
            audit_log(
                actor=actor,
                action="flow.received",
                obj=flow,
                data={"number": flow.number, "file": name, "syntax": flow.syntax, "channel": channel.value,
                      "size": size, "sha256": digest},
            )
            # Received, then at once waiting for processing (domain.md §4.3).
            flow.state, flow.queued_at, flow.state_changed_at = FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP, now, now
            flow.save(update_fields=["state", "queued_at", "state_changed_at"])
            from .tasks import process_flow

            enqueue(process_flow, flow.pk)
    except Exception:
        flow.file.delete(save=False)
        raise
    return flow


# --- processing -----------------------------------------------------------------------------------


def _lease() -> timedelta:
    return timedelta(seconds=settings.FACTURIER_FLOW_LEASE_SECONDS)


def _deposit_mode(flow: Flow) -> str:
    """``modeDepot`` of invoices from a flow (api.md §8.9 leaves it open; docs/deposits.md)."""
    if flow.channel == Channel.API:
        return DepositMode.UPLOAD_API
    if flow.channel == Channel.PORTAIL:
        return DepositMode.UPLOAD_PORTAIL
    return DepositMode.EDI_MIXTE if flow.syntax == FlowSyntax.E2_FACTURX else DepositMode.EDI_XML_STRUCT


@dataclass
class _Run:
    """What every entry of one flow shares."""

    flow: Flow
    allowed_supplier_ids: set[int]
    directory: ModelDirectory
    deposit_mode: str
    duplicate_key: tuple[str, ...] = field(default_factory=tuple)


def _allowed_supplier_ids(flow: Flow) -> set[int]:
    """Structures the depositor may deposit for: its technical account's structure, or the ones it
    is attached to in « Factures émises » (an operator deposits with the supplier's technical
    account, through a connection the supplier declared)."""
    ids = actor_structure_ids(actor=flow.depositor, space=Space.FACTURES_EMISES)
    if flow.supplier_id is not None and flow.depositor.is_technical:
        ids.add(flow.supplier_id)
    return ids


def finding(rule: str, terms: tuple[str, ...], fr: str, en: str, location: str = "", line: int | None = None) -> dict[str, Any]:
    return {"rule": rule, "terms": list(terms), "location": location, "line": line, "message": {"fr": fr, "en": en}}


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


def _resolve_supplier(run: _Run, document: DocumentInvoice) -> tuple[Structure | None, dict[str, Any] | None, str]:
    """The supplier structure named by the document, or the error; and the identifier shown."""
    sirets, sirens, vats = _seller_ids(document)
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


def reader_error(error: ReportError) -> dict[str, Any]:
    return finding(error.code.upper(), (), error.message_fr, error.message_en)


def _write_item(flow: Flow, index: int, name: str, **fields: Any) -> None:
    try:
        with transaction.atomic():
            FlowItem.objects.create(flow=flow, index=index, entry_name=name[:255], **fields)
    except IntegrityError:
        logger.info("flow %s entry %s was already recorded by another run", flow.number, index)


def _integrate_entry(run: _Run, index: int, name: str, data: bytes) -> None:
    flow = run.flow
    number = supplier_id = recipient_id = ""
    try:
        doc: ParsedDocument | None = read(data)
    except EInvoiceError as exc:
        _write_item(flow, index, name, outcome=FlowItem.Outcome.REJETE,
                    errors=[reader_error(ReportError.from_exception(exc))])
        return
    except Exception:  # a reader bug on hostile input must not stop the flow
        logger.exception("reading entry %s of flow %s failed", index, flow.number)
        doc = None
    if doc is None:
        _write_item(flow, index, name, outcome=FlowItem.Outcome.REJETE, errors=[finding(
            "INTERNAL_ERROR", (), "Erreur interne lors de la lecture de la facture.",
            "Internal error while reading the invoice.")])
        return
    document = doc.invoice
    number = document.number.normalized[:100] if document.number is not None else ""
    supplier, supplier_error, supplier_id = _resolve_supplier(run, document)
    context = PlatformContext(
        directory=run.directory,
        supplier_siret=supplier.identifier if supplier is not None else None,
        supplier_kind=(SupplierKind.PUBLIC if supplier.is_public else SupplierKind.PRIVATE) if supplier else None,
        duplicate_key=run.duplicate_key,
    )
    subject = Subject(doc, context)
    recipient_id = subject.recipient_siret or ""
    report = validate(data, file=name, platform=context)
    errors: list[dict[str, Any]] = []
    if report.error is not None:
        errors.append(reader_error(report.error))
    for f in report.findings:
        if f.severity is Severity.FATAL:
            errors.append(finding(f.rule, f.terms, f.message_fr, f.message_en, f.location, f.line))
    if supplier_error is not None:
        errors.append(supplier_error)
    frame = billing_frame_of(document)
    if frame is None:
        errors.append(finding(
            "FR-DEP-03", ("BT-23",),
            "Le cadre de facturation « %s » (BT-23) n'est pas accepté pour une facture : utilisez A1, A2, A9 ou A12."
            % subject.invoice.business_process.normalized,
            "The billing frame '%s' (BT-23) is not accepted for an invoice: use A1, A2, A9 or A12."
            % subject.invoice.business_process.normalized,
        ))
    common = {"number": number, "supplier_identifier": supplier_id[:80], "recipient_identifier": recipient_id[:80]}
    if errors:
        _write_item(flow, index, name, outcome=FlowItem.Outcome.REJETE, errors=errors[:MAX_ERRORS_PER_INVOICE], **common)
        return
    assert supplier is not None and frame is not None
    recipient = Structure.objects.get(identifier_type=IdentifierType.SIRET, identifier=recipient_id)
    code = subject.service_code
    service = Service.objects.filter(structure=recipient, code=code).first() if code else None
    key = tuple((part, KEY_PARTS[part](subject)) for part in run.duplicate_key)
    try:
        with transaction.atomic():
            # Serialise the deposits of one supplier, so the duplicate check below is exact. FOR NO KEY
            # UPDATE still excludes another integration of the supplier, but not the KEY SHARE lock
            # a concurrent deposit's deferred FK check takes at COMMIT while it holds the audit head:
            # FOR UPDATE deadlocked them on PostgreSQL (benchmarks/ingest.py, 1 worker).
            Structure.objects.select_for_update(no_key=True).filter(pk=supplier.pk).exists()
            if FlowItem.objects.filter(flow=flow, index=index).exists():
                return  # integrated by another run meanwhile
            if all(value is not None for _, value in key):
                first = duplicate_of(key)  # type: ignore[arg-type]
                if first is not None:
                    raise _Duplicate(first.pk)
            if service is not None:
                service_usable_for(service=service, supplier=supplier, on=timezone.localdate())
            invoice = invoice_deposit(
                actor=flow.depositor,
                document=document,
                data=data,
                file_name=name,
                supplier=supplier,
                recipient=recipient,
                service=service,
                deposit_mode=run.deposit_mode,
                syntax=doc.format.value,
                billing_frame=frame,
                flow=flow,
                deposited_at=flow.received_at,
            )
            FlowItem.objects.create(
                flow=flow, index=index, entry_name=name[:255], outcome=FlowItem.Outcome.INTEGRE, invoice=invoice, **common
            )
    except _Duplicate as dup:
        _write_item(flow, index, name, outcome=FlowItem.Outcome.REJETE, errors=[finding(
            "FR-PLT-09", ("BT-1",),
            "Le numéro de facture « %s » a déjà été utilisé (identifiantFactureCPP %s)." % (number, dup.first),
            "The invoice number '%s' has already been used (identifiantFactureCPP %s)." % (number, dup.first),
        )], **common)
    except (ServiceNotUsable, StructureInactive) as exc:
        _write_item(flow, index, name, outcome=FlowItem.Outcome.REJETE, errors=[finding(
            "FR-PLT-06", ("BT-10",), message_in("fr", exc), message_in("en", exc))], **common)
    except IntegrityError:
        logger.info("flow %s entry %s was integrated by another run", flow.number, index)


def message_in(lang: str, exc: Exception) -> str:
    from django.utils import translation

    with translation.override(lang):
        return str(exc)


class _Duplicate(Exception):
    def __init__(self, first: int) -> None:
        self.first = first


def _start(flow_id: int, *, now: Any) -> Flow | None:
    """Take the processing lease; ``None`` when the flow is final or another run holds a live lease."""
    with transaction.atomic():
        # of=("self",): lock the flow row only. A plain FOR UPDATE would also lock the joined user row,
        # and a deposit by the same user, holding the audit head, deadlocks on it at COMMIT (its
        # deferred FK check takes KEY SHARE on that user row) on PostgreSQL.
        flow = Flow.objects.select_for_update(of=("self",)).select_related("depositor").get(pk=flow_id)
        if flow.is_final:
            return None
        if (
            flow.state == FlowState.IN_EN_COURS_TRAITEMENT_CPP
            and flow.processing_started_at is not None
            and now - flow.processing_started_at < _lease()
        ):
            return None
        first_start = flow.state != FlowState.IN_EN_COURS_TRAITEMENT_CPP
        flow.state = FlowState.IN_EN_COURS_TRAITEMENT_CPP
        flow.processing_started_at = now
        flow.attempts += 1
        if first_start:
            flow.state_changed_at = now
        flow.save(update_fields=["state", "processing_started_at", "attempts", "state_changed_at"])
        audit_log(actor=None, action="flow.processing", obj=flow, data={"number": flow.number, "attempt": flow.attempts})
    return flow


def flow_process(*, flow_id: int) -> Flow:
    """Process a queued flow into invoices (idempotent; see the module docstring)."""
    flow = _start(flow_id, now=timezone.now())
    if flow is None:
        return Flow.objects.get(pk=flow_id)
    run = _Run(
        flow=flow,
        allowed_supplier_ids=_allowed_supplier_ids(flow),
        directory=ModelDirectory(on=timezone.localdate()),
        deposit_mode=_deposit_mode(flow),
        duplicate_key=tuple(settings.FACTURIER_DUPLICATE_KEY),
    )
    limits = unpack.UnpackLimits.from_settings()
    done = set(FlowItem.objects.filter(flow=flow).values_list("index", flat=True))
    delay = settings.FACTURIER_FLOW_TEST_DELAY_SECONDS
    try:
        with flow.file.open("rb") as handle:
            unpack.preflight(handle, file_name=flow.file_name, size=flow.size,
                             expected_format=SYNTAX_FORMAT[FlowSyntax(flow.syntax)], limits=limits)
        with flow.file.open("rb") as handle:
            for index, name, data in unpack.iter_entries(handle, file_name=flow.file_name, size=flow.size, limits=limits):
                if index in done:
                    continue
                if delay:
                    time.sleep(delay)
                _integrate_entry(run, index, name, data)
                # Renew the lease: a long flow that progresses is not "stuck".
                Flow.objects.filter(pk=flow.pk).update(processing_started_at=timezone.now())
    except FlowContentRejected as exc:
        return _finish(flow, technical_errors=[exc.as_dict()])
    return _finish(flow, technical_errors=[])


def _finish(flow: Flow, *, technical_errors: list[dict[str, Any]]) -> Flow:
    items = list(FlowItem.objects.filter(flow=flow).select_related("invoice").order_by("index"))
    integrated = sum(1 for i in items if i.outcome == FlowItem.Outcome.INTEGRE)
    rejected = len(items) - integrated
    if technical_errors or integrated == 0:
        state = FlowState.IN_REJETE
    elif rejected:
        state = FlowState.IN_INTEGRE_PARTIEL
    else:
        state = FlowState.IN_INTEGRE
    now = timezone.now()
    flow.state, flow.state_changed_at, flow.processed_at = state, now, now
    flow.technical_errors = technical_errors
    flow.invoice_count, flow.integrated_count, flow.rejected_count = len(items), integrated, rejected
    data = report_data(flow, items)
    pdf = render_pdf(data)
    with transaction.atomic():
        locked = Flow.objects.select_for_update().get(pk=flow.pk)
        if locked.is_final:
            return locked  # another run finished first
        flow.report = data
        flow.report_pdf.save(f"compte-rendu-{flow.number}.pdf", ContentFile(pdf), save=False)
        flow.save(update_fields=[
            "state", "state_changed_at", "processed_at", "technical_errors", "invoice_count",
            "integrated_count", "rejected_count", "report", "report_pdf",
        ])
        audit_log(
            actor=None,
            action=f"flow.{state.value.lower().removeprefix('in_')}",
            obj=flow,
            data={"number": flow.number, "integrated": integrated, "rejected": rejected,
                  "technical_errors": [e["code"] for e in technical_errors]},
        )
    return flow


# --- sweeping -------------------------------------------------------------------------------------


def flow_sweep(*, now: Any = None) -> list[int]:
    """Re-queue the flows stuck waiting or processing for longer than the lease (their worker died
    or their message was lost). Harmless to run twice: ``flow_process`` is idempotent."""
    now = now or timezone.now()
    cutoff = now - _lease()
    from .tasks import process_flow

    stuck = list(
        Flow.objects.filter(
            Q(state=FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP, queued_at__lte=cutoff)
            | Q(state=FlowState.IN_EN_COURS_TRAITEMENT_CPP, processing_started_at__lte=cutoff)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        for flow_id in stuck:
            Flow.objects.filter(pk=flow_id, state=FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP).update(queued_at=now)
            audit_log(actor=None, action="flow.requeued", data={"flow_id": flow_id})
            enqueue(process_flow, flow_id)
    return stuck
