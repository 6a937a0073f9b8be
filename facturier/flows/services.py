"""Flow services: receive a flow file, process it into invoices, sweep stuck flows.

``flow_receive`` is the one entry point of every channel (API, portal, SFTP, inbox): it numbers
the flow at once, stores the file, and queues ``process_flow`` after commit. ``flow_process`` is
idempotent and crash-safe: entries are integrated a batch at a time (``integrate``), each batch in
one transaction together with its ``FlowItem`` rows, unique per (flow, entry index), so a re-run
skips what is done and never integrates an entry twice; a big flow is split into chunk tasks that
the workers process in parallel; the flow's final state is written last, by whichever run writes
the last entry. ``flow_sweep`` re-queues flows whose processing lease has expired (a killed
worker, a lost message).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import tempfile
import threading
import time
from dataclasses import replace
from datetime import timedelta
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from facturier.audit.services import AuditRecord, audit_log, audit_log_many
from facturier.core.db import rows_update
from facturier.core.jobs import enqueue
from facturier.invoices.enums import DepositMode
from facturier.structures.models import Structure
from facturier.structures.selectors import actor_structure_ids, technical_account_of
from facturier.structures.spaces import Space

from . import unpack
from .directory import ModelDirectory
from .errors import (
    FlowContentRejected,
    FlowEmpty,
    FlowFileNameInvalid,
    FlowSyntaxUnsupported,
    FlowTooLarge,
)
from .integrate import (
    BATCH_BYTES,
    BATCH_ENTRIES,
    MAX_ERRORS_PER_INVOICE,
    Batch,
    Run,
    finding,
    integrate_batch,
    integrate_entries,
    message_in,
    reader_error,
    refusals_of,
)
from .models import EDI_CHANNELS, FINAL_STATES, SYNTAX_FORMAT, Channel, Flow, FlowItem, FlowState, FlowSyntax
from .report import render_pdf, report_data

if TYPE_CHECKING:
    from facturier.accounts.models import User

# Re-exported: the entry services (facturier.invoices.entry) report their findings the same way.
__all__ = ["MAX_ERRORS_PER_INVOICE", "finding", "message_in", "reader_error", "refusals_of"]

logger = logging.getLogger(__name__)

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
    account = technical_account_of(user=actor)
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
        # Received (IN_RECU, the audit entry below) and at once waiting for processing (domain.md
        # §4.3): both in this transaction, so the row is written once, already waiting.
        state=FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP,
        received_at=now,
        queued_at=now,
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
            from .tasks import process_flow

            linger = settings.FACTURIER_FLOW_COALESCE_SECONDS
            if linger > 0 and _coalescible(flow):
                transaction.on_commit(_CoalescedRun(flow, linger))
            else:
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


def _allowed_supplier_ids(flow: Flow) -> set[int]:
    """Structures the depositor may deposit for: its technical account's structure, or the ones it
    is attached to in « Factures émises » (an operator deposits with the supplier's technical
    account, through a connection the supplier declared)."""
    ids = actor_structure_ids(actor=flow.depositor, space=Space.FACTURES_EMISES)
    if flow.supplier_id is not None and flow.depositor.is_technical:
        ids.add(flow.supplier_id)
    return ids


def _new_run(flow: Flow) -> Run:
    today = timezone.localdate()
    return Run(
        flow=flow,
        allowed_supplier_ids=_allowed_supplier_ids(flow),
        directory=ModelDirectory(on=today),
        deposit_mode=_deposit_mode(flow),
        duplicate_key=tuple(settings.FACTURIER_DUPLICATE_KEY),
        today=today,
    )


def _taken(flow: Flow, *, now: Any) -> bool:
    """Final, or processed by a run whose lease is fresh: nothing for this run to do."""
    return flow.is_final or (
        flow.state == FlowState.IN_EN_COURS_TRAITEMENT_CPP
        and flow.processing_started_at is not None
        and now - flow.processing_started_at < _lease()
    )


def _start(flow_id: int, *, now: Any) -> Flow | None:
    """Take the processing lease; ``None`` when the flow is final or another run holds a live lease."""
    with transaction.atomic():
        # of=("self",): lock the flow row only. A plain FOR UPDATE would also lock the joined user row,
        # and a deposit by the same user, holding the audit head, deadlocks on it at COMMIT (its
        # deferred FK check takes KEY SHARE on that user row) on PostgreSQL.
        flow = Flow.objects.select_for_update(of=("self",)).select_related("depositor").get(pk=flow_id)
        if _taken(flow, now=now):
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


def chunks_of(todo: list[int], size: int) -> list[tuple[int, int]]:
    """Entry index ranges ``[start, stop)`` of at most ``size`` entries still to do each (one range
    when ``size`` is 0)."""
    if not todo:
        return []
    if size <= 0:
        return [(todo[0], todo[-1] + 1)]
    return [(group[0], group[-1] + 1) for group in (todo[i:i + size] for i in range(0, len(todo), size))]


SINGLE_SUFFIXES = (".xml", ".pdf")
SINGLE_WAIT_SECONDS = 60  # a waiting single-file flow older than this is re-queued by the sweeper


def _single_file() -> Q:
    """Flows that may be coalesced: one XML or PDF file (not an archive by its name), small."""
    return (Q(file_name__iendswith=SINGLE_SUFFIXES[0]) | Q(file_name__iendswith=SINGLE_SUFFIXES[1])) & Q(
        size__lte=BATCH_BYTES)


def _coalescible(flow: Flow) -> bool:
    """May be integrated with other flows of its depositor: one XML or PDF file, small (as
    :func:`_single_file` selects them)."""
    return flow.file_name.lower().endswith(SINGLE_SUFFIXES) and flow.size <= BATCH_BYTES


def _waiting_siblings(flow: Flow) -> Any:
    """The other waiting single-file flows of the flow's depositor and supplier, oldest first."""
    return (Flow.objects.filter(_single_file(), state=FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP,
                                depositor_id=flow.depositor_id, supplier_id=flow.supplier_id)
            .exclude(pk=flow.pk).order_by("pk"))


class _CoalescedRun:
    """After a single-file flow's deposit commits: queue its run ``linger`` seconds later, unless
    a run was queued for the same depositor and supplier that cannot have started yet (it starts
    ``linger`` after it was queued; this flow is committed well before, 20 % of the wait, and that
    run's claim takes it). So a burst of single invoices costs about one task per wait, not one
    per invoice. What a run leaves waiting (more than a batch) it re-queues itself
    (:func:`_requeue_left`); the sweeper re-queues a single-file flow waiting for a minute.

    The window is remembered in this process and, when the broker is Redis, shared with the other
    processes that take deposits (:func:`_window_elsewhere`): with one window per process, eight
    web workers queued eight runs per wait, each with an eighth of the flows, and a run's fixed
    cost (lease, claim, journal, report, notifications) was paid eight times."""

    _pending: dict[tuple[int | None, int | None], float] = {}  # (depositor, supplier) → no start before
    _lock = threading.Lock()

    def __init__(self, flow: Flow, linger: float) -> None:
        self.flow_id, self.linger = flow.pk, linger
        self.key = (flow.depositor_id, flow.supplier_id)
        self.__qualname__ = f"coalesced run of flow {flow.pk}"

    def __call__(self) -> None:
        now = time.monotonic()
        window = 0.8 * self.linger
        with self._lock:
            if self._pending.get(self.key, 0.0) > now:
                return  # joins the run queued earlier
            if len(self._pending) >= 1024:  # a long-lived process: forget the windows that are over
                for key in [k for k, until in self._pending.items() if until <= now]:
                    del self._pending[key]
            self._pending[self.key] = now + window
        left = _window_elsewhere(self.key, window)
        if left:
            with self._lock:  # another process's run takes this flow, and ours until its window ends
                self._pending[self.key] = now + left
            return
        from .tasks import process_flow

        try:
            process_flow.apply_async((self.flow_id,), countdown=self.linger)
        except Exception:
            with self._lock:
                self._pending.pop(self.key, None)
            _window_close(self.key)
            logger.exception("queueing the run of flow %s failed", self.flow_id)


_redis_clients: dict[str, Any] = {}


def _shared_window(key: tuple[int | None, int | None]) -> tuple[Any, str] | None:
    """The broker's Redis client and the name of ``key``'s shared coalescing window (named after the
    database, so deployments or test databases sharing a Redis do not mix); None without a Redis
    broker."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis
    from django.db import connection

    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return client, f"facturier:coalesce:{connection.settings_dict['NAME']}:{key[0]}:{key[1]}"


def _window_elsewhere(key: tuple[int | None, int | None], seconds: float) -> float:
    """Open the shared coalescing window of ``key`` for ``seconds``: 0 when this process opened it
    (it queues the run), else the seconds left of the window another process opened (its run takes
    the flow). One ``SET NX PX`` on the broker's Redis. Without a Redis broker, or when Redis does
    not answer, 0: the process queues its own run, never relying on a window it cannot see."""
    import redis

    shared = _shared_window(key)
    if shared is None:
        return 0.0
    client, name = shared
    try:
        if client.set(name, 1, nx=True, px=max(1, int(seconds * 1000))):
            return 0.0
        left = client.pttl(name)
    except redis.RedisError:
        logger.warning("the coalescing window of %s could not be shared (Redis): queueing a run", name)
        return 0.0
    return left / 1000 if left and left > 0 else 0.0


def _window_close(key: tuple[int | None, int | None]) -> None:
    """Close the shared window of ``key``: its run could not be queued, so nobody may count on it."""
    import redis

    shared = _shared_window(key)
    if shared is None:
        return
    client, name = shared
    try:
        client.delete(name)
    except redis.RedisError:  # it expires on its own within the window
        logger.warning("the coalescing window of %s could not be closed (Redis)", name)


def _requeue_left(flow: Flow, *, full: bool) -> None:
    """After a coalesced run: the oldest sibling still waiting gets a run.

    ``full``: the run took as many flows as a batch holds, so more were waiting than it could take
    (a backlog): their run is queued now. Otherwise the siblings left were deposited after the
    run's claim; with coalescing on they are treated as a new deposit would be (:class:`_CoalescedRun`):
    they join the run a window already has queued for them, else one is queued ``linger``
    seconds later, for every deposit of that wait. Queued at once, such a run would take only
    the few flows of the run's own duration, and pay a run's fixed cost for each few."""
    left = _waiting_siblings(flow).only("pk", "depositor", "supplier").first()
    if left is None:
        return
    linger = settings.FACTURIER_FLOW_COALESCE_SECONDS
    if not full and linger > 0:
        _CoalescedRun(left, linger)()
        return
    from .tasks import process_flow

    enqueue(process_flow, left.pk)


def _claim_waiting(flow: Flow, *, now: Any) -> list[Flow]:
    """Take the lease of up to ``BATCH_ENTRIES - 1`` other waiting single-file flows of the same
    depositor and supplier, as ``_start`` would (their own queued tasks then find them leased or
    final and do nothing). ``SKIP LOCKED``: a flow another worker is claiming is left to it."""
    if not _coalescible(flow):
        return []
    with transaction.atomic():
        others = list(
            _waiting_siblings(flow).select_for_update(of=("self",), skip_locked=True)
            .select_related("depositor")[:BATCH_ENTRIES - 1]
        )
        if not others:
            return []
        Flow.objects.filter(pk__in=[f.pk for f in others]).update(
            state=FlowState.IN_EN_COURS_TRAITEMENT_CPP, processing_started_at=now, state_changed_at=now,
            attempts=F("attempts") + 1,
        )
        for other in others:
            other.state, other.processing_started_at, other.state_changed_at = (
                FlowState.IN_EN_COURS_TRAITEMENT_CPP, now, now)
            other.attempts += 1
        audit_log_many([
            AuditRecord(actor=None, action="flow.processing", obj=other,
                        data={"number": other.number, "attempt": other.attempts, "with": flow.number})
            for other in others
        ])
    return others


def flow_process(*, flow_id: int) -> Flow:
    """Process a queued flow into invoices (idempotent; see the module docstring).

    Takes the lease. A single-file flow also takes the lease of other waiting single-file flows of
    the same depositor (``_claim_waiting``) and integrates their invoices in one batch with its
    own (``_process_coalesced``). Otherwise it checks the whole container, then splits the entries
    still to do into chunks of ``FACTURIER_FLOW_CHUNK_SIZE``: the first is integrated here, each
    other one by a ``flows.process_chunk`` task, so the workers share a big flow. Whichever run
    writes the last entry writes the final state and the report. A run whose flow another run
    took runs the flows of that flow's coalescing window still waiting (``_take_over_waiting``)."""
    now = timezone.now()
    current = Flow.objects.get(pk=flow_id)
    # Checked without a lock first: the usual case of a flow another run coalesced.
    if not _taken(current, now=now):
        flow = _start(flow_id, now=now)
        if flow is not None:
            return _run(flow, now=now)
        current = Flow.objects.get(pk=flow_id)
    _take_over_waiting(current, now=now)
    return current


def _take_over_waiting(flow: Flow, *, now: Any) -> None:
    """This run's flow was taken by another run (or is final): run the oldest single-file flow of
    its depositor and supplier still waiting, if any.

    A coalesced run is queued for one flow on behalf of every flow deposited in its window, which
    have no task of their own (:class:`_CoalescedRun`). When another run (a backlog's re-queued
    run, the sweeper's) took that one flow before the window's flows were committed, its claim
    missed them and its own re-queue check ran too early to see them; without this, they would
    wait for the sweeper (a minute). One statement when nothing waits."""
    if not _coalescible(flow):
        return
    left = _waiting_siblings(flow).values_list("pk", flat=True).first()
    if left is None:
        return
    started = _start(left, now=now)
    if started is not None:  # else another run took it meanwhile, and its claim takes the rest
        _run(started, now=now)


def _run(flow: Flow, *, now: Any) -> Flow:
    """Process a flow whose lease this run took, with the waiting flows it may coalesce."""
    others = _claim_waiting(flow, now=now)
    if others:
        processed = _process_coalesced([flow, *others])[0]
        _requeue_left(flow, full=len(others) >= BATCH_ENTRIES - 1)
        return processed
    return _process_started(flow)


def _process_coalesced(flows: list[Flow]) -> list[Flow]:
    """Integrate flows of the same depositor and supplier, each leased by this run, in shared
    batches: a flow of one entry joins the batch, any other is processed on its own."""
    limits = unpack.UnpackLimits.from_settings()
    done = set(FlowItem.objects.filter(flow__in=flows).values_list("flow_id", flat=True))
    out: dict[int, Flow] = {}
    singles: list[Flow] = []
    for flow in flows:
        try:
            with flow.file.open("rb") as handle:
                entries = unpack.preflight(handle, file_name=flow.file_name, size=flow.size, limits=limits,
                                           expected_format=SYNTAX_FORMAT[FlowSyntax(flow.syntax)])
        except FlowContentRejected as exc:
            out[flow.pk] = _finish(flow, technical_errors=[exc.as_dict()])
            continue
        if len(entries) != 1 or flow.pk in done:
            out[flow.pk] = _process_started(flow)
            continue
        flow.entry_count = 1
        singles.append(flow)
    if singles:
        base = _new_run(singles[0])  # the same depositor and supplier: the same rules and directory
        runs = [replace(base, flow=flow, deposit_mode=_deposit_mode(flow)) for flow in singles]
        batch: list[tuple[Run, int, str, bytes]] = []
        size = 0
        for run in runs:
            try:
                with run.flow.file.open("rb") as handle:
                    for index, name, data in unpack.iter_entries(handle, file_name=run.flow.file_name,
                                                                 size=run.flow.size, limits=limits):
                        batch.append((run, index, name, data))
                        size += len(data)
            except FlowContentRejected as exc:  # checked above: the file changed on disk
                out[run.flow.pk] = _finish(run.flow, technical_errors=[exc.as_dict()])
                continue
            if size >= BATCH_BYTES:
                integrate_entries(batch)
                batch, size = [], 0
        integrate_entries(batch)
        _finish_complete_many([run.flow for run in runs if run.flow.pk not in out])
        for run in runs:
            out.setdefault(run.flow.pk, run.flow)
    return [out[flow.pk] for flow in flows]


def _process_started(flow: Flow) -> Flow:
    """The processing of a flow whose lease this run holds: check the container, integrate."""
    limits = unpack.UnpackLimits.from_settings()
    try:
        with flow.file.open("rb") as handle:
            entries = unpack.preflight(handle, file_name=flow.file_name, size=flow.size,
                                       expected_format=SYNTAX_FORMAT[FlowSyntax(flow.syntax)], limits=limits)
    except FlowContentRejected as exc:
        return _finish(flow, technical_errors=[exc.as_dict()])
    flow.entry_count = len(entries)
    done = set(FlowItem.objects.filter(flow=flow).values_list("index", flat=True))
    chunks = chunks_of([e.index for e in entries if e.index not in done], settings.FACTURIER_FLOW_CHUNK_SIZE)
    if len(chunks) > 1:
        # The chunk tasks read it to know which of them writes the last entry.
        Flow.objects.filter(pk=flow.pk).update(entry_count=flow.entry_count)
        from .tasks import process_flow_chunk

        offsets = {e.index: e.offset for e in entries}
        for start, stop in chunks[1:]:
            enqueue(process_flow_chunk, flow.pk, start, stop, offsets[start])
    if chunks:
        return _integrate_range(flow, *chunks[0], done=done)
    return _finish_if_complete(flow)


def flow_process_chunk(*, flow_id: int, start: int, stop: int, offset: int = 0) -> Flow:
    """Integrate the entries ``[start, stop)`` of a flow being processed (a ``flows.process_chunk``
    task queued by :func:`flow_process`, with the ``offset`` of entry ``start`` in a tar.gz that
    the first pass noted); harmless to run twice."""
    flow = Flow.objects.select_related("depositor").get(pk=flow_id)
    if flow.state != FlowState.IN_EN_COURS_TRAITEMENT_CPP:
        return flow
    return _integrate_range(flow, start, stop, offset=offset)


def _integrate_range(flow: Flow, start: int, stop: int, *, done: set[int] | None = None, offset: int = 0) -> Flow:
    run = _new_run(flow)
    if done is None:
        done = set(FlowItem.objects.filter(flow=flow, index__gte=start, index__lt=stop)
                   .values_list("index", flat=True))
    delay = settings.FACTURIER_FLOW_TEST_DELAY_SECONDS
    batch = Batch()
    try:
        with flow.file.open("rb") as handle:
            for index, name, data in unpack.iter_entries(handle, file_name=flow.file_name, size=flow.size,
                                                         limits=unpack.UnpackLimits.from_settings(),
                                                         start=start, stop=stop, offset=offset):
                if index in done:
                    continue
                if delay:
                    time.sleep(delay)
                if batch.stale:
                    integrate_batch(run, batch.take())
                batch.add(index, name, data)
                if batch.full:
                    integrate_batch(run, batch.take())
        integrate_batch(run, batch.take())
    except FlowContentRejected as exc:  # the container was checked first: a file changed on disk
        return _finish(flow, technical_errors=[exc.as_dict()])
    return _finish_if_complete(flow)


def _finish_if_complete(flow: Flow) -> Flow:
    """Finish the flow when every entry has its ``FlowItem`` (else another chunk will)."""
    if FlowItem.objects.filter(flow=flow).count() < flow.entry_count:
        return flow
    return _finish(flow, technical_errors=[])


FINAL_FIELDS = [
    "state", "state_changed_at", "processed_at", "technical_errors", "invoice_count",
    "integrated_count", "rejected_count", "report", "report_pdf",
]


def _conclude(
    flow: Flow, items: list[FlowItem], technical_errors: list[dict[str, Any]]
) -> tuple[bytes | None, AuditRecord]:
    """Set the flow's final state, counts and report (in memory); its report PDF, and its audit record."""
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
    flow.report = report_data(flow, items)
    # The PDF is stored for the EDI partners' outbox; the portal and the API render it on demand.
    pdf = render_pdf(flow.report) if flow.channel in EDI_CHANNELS else None
    record = AuditRecord(
        actor=None,
        action=f"flow.{state.value.lower().removeprefix('in_')}",
        obj=flow,
        data={"number": flow.number, "channel": flow.channel, "integrated": integrated, "rejected": rejected,
              "technical_errors": [e["code"] for e in technical_errors]},
    )
    return pdf, record


def _store_pdf(flow: Flow, pdf: bytes | None) -> None:
    if pdf is not None:
        flow.report_pdf.save(f"compte-rendu-{flow.number}.pdf", ContentFile(pdf), save=False)


def _finish(flow: Flow, *, technical_errors: list[dict[str, Any]]) -> Flow:
    """Write the final state, the counts and the report, and the audit entry, in one transaction.
    Two chunks finishing together may both build the report: the first to lock the flow writes it."""
    items = list(FlowItem.objects.filter(flow=flow).select_related("invoice").order_by("index"))
    pdf, record = _conclude(flow, items, technical_errors)
    with transaction.atomic():
        locked = Flow.objects.select_for_update().get(pk=flow.pk)
        if locked.is_final:
            return locked  # another run finished first
        _store_pdf(flow, pdf)
        flow.save(update_fields=FINAL_FIELDS)
        audit_log_many([record])
    return flow


def _finish_complete_many(flows: list[Flow]) -> None:
    """``_finish_if_complete`` of flows integrated together: one transaction, one lock of the journal."""
    items: dict[int, list[FlowItem]] = {flow.pk: [] for flow in flows}
    rows = FlowItem.objects.filter(flow__in=flows).select_related("invoice").order_by("flow_id", "index")
    for item in rows:
        items[item.flow_id].append(item)
    complete = [flow for flow in flows if len(items[flow.pk]) >= flow.entry_count]
    if not complete:
        return
    concluded = [(flow, *_conclude(flow, items[flow.pk], [])) for flow in complete]
    with transaction.atomic():
        locked = Flow.objects.select_for_update().filter(pk__in=[f.pk for f in complete]).order_by("pk")
        open_ids = {pk for pk, state in locked.values_list("pk", "state") if state not in FINAL_STATES}
        concluded = [c for c in concluded if c[0].pk in open_ids]  # the others: another run finished first
        if not concluded:
            return
        for flow, pdf, _record in concluded:
            _store_pdf(flow, pdf)
        rows_update([c[0] for c in concluded], FINAL_FIELDS)
        audit_log_many([c[2] for c in concluded])


# --- sweeping -------------------------------------------------------------------------------------


def flow_sweep(*, now: Any = None) -> list[int]:
    """Re-queue the flows stuck waiting or processing for longer than the lease (their worker died
    or their message was lost). Harmless to run twice: ``flow_process`` is idempotent."""
    now = now or timezone.now()
    cutoff = now - _lease()
    # A single-file flow may have no task of its own (_CoalescedRun): waiting for a minute is enough.
    single_cutoff = max(cutoff, now - timedelta(seconds=SINGLE_WAIT_SECONDS))
    from .tasks import process_flow

    stuck = list(
        Flow.objects.filter(
            Q(state=FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP, queued_at__lte=cutoff)
            | Q(_single_file(), state=FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP, queued_at__lte=single_cutoff)
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
