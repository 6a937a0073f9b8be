"""Appending to the audit journal and verifying its chain.

Every service that changes something that matters calls ``audit_log`` inside its own transaction,
so the entry is committed with the change it records, or not at all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router, transaction
from django.utils import timezone

from .canonical import GENESIS_HASH, entry_hash, normalise
from .models import ActorKind, AuditEntry, AuditHead
from .subscribers import dispatch_on_commit

if TYPE_CHECKING:
    from facturier.accounts.models import User

logger = logging.getLogger(__name__)

HEAD_PK = 1
# Namespaced, lower-case, at least two segments: "auth.login", "invoice.status.rejected".
ACTION_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
SYSTEM_LABEL = "system"

_LABEL_MAX = AuditEntry._meta.get_field("object_label").max_length or 255
_ID_MAX = AuditEntry._meta.get_field("object_id").max_length or 64


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One entry to append with :func:`audit_log_many`: the arguments of :func:`audit_log`."""

    actor: User | None
    action: str
    obj: models.Model | None = None
    data: Mapping[str, Any] | None = None


def audit_log(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry to the journal, in the caller's transaction, and return it.

    ``actor`` is the acting user (a person or a technical account) or ``None`` for the system.
    ``data`` is normalised to JSON values and its secrets are masked (``canonical.MASKED_KEY_PARTS``)
    before it is stored. Appends are serialised by locking the journal head until the transaction
    ends, so call this last, after the business rows are locked and written: that keeps the
    serialised part short and the lock order (rows, then head) the same everywhere, so no deadlock.
    """
    return audit_log_many([AuditRecord(actor=actor, action=action, obj=obj, data=data)])[0]


def audit_log_many(records: Sequence[AuditRecord]) -> list[AuditEntry]:
    """Append several entries, in order, in the caller's transaction, under one lock of the head.

    The entries are exactly those :func:`audit_log` would append one after another (each chained to
    the previous one, so ``facturier audit verify`` cannot tell the difference) but they are inserted
    in one statement and the head is locked and moved once: a batch of deposits pays for the
    serialised part of the journal once, not once per entry. Everything that can fail on the
    caller's input (action codes, unsaved objects, data that is not JSON) is checked before the lock.
    """
    prepared = []
    for record in records:
        if not ACTION_CODE.match(record.action):
            raise ValueError(
                f"audit action codes are dotted lower-case names like 'invoice.created', not {record.action!r}"
            )
        prepared.append((record, _actor_snapshot(record.actor), _object_snapshot(record.obj),
                         normalise(dict(record.data or {}))))
    if not prepared:
        return []
    # savepoint=False: inside the caller's transaction a failed append must fail the whole change.
    with transaction.atomic(savepoint=False):
        head = _lock_head()
        # Taken under the lock, so timestamps follow the sequence (clock steps aside).
        now = timezone.now()
        sequence, prev_hash = head.sequence, head.hash
        entries = []
        for record, (kind, actor_label), (object_type, object_id, object_label), payload in prepared:
            sequence += 1
            entry = AuditEntry(
                sequence=sequence,
                timestamp=now,
                actor_kind=kind,
                actor=record.actor,
                actor_label=actor_label,
                action=record.action,
                object_type=object_type,
                object_id=object_id,
                object_label=object_label,
                data=payload,
                prev_hash=prev_hash,
            )
            entry.hash = prev_hash = entry_hash(prev_hash, entry.hashed_fields())
            entries.append(entry)
        AuditEntry.objects.append_chained(entries)
        _head_move(sequence, prev_hash)
        for entry in entries:
            dispatch_on_commit(action=entry.action, entry_id=entry.pk)
    return entries


def _actor_snapshot(actor: User | None) -> tuple[str, str]:
    if actor is None:
        return ActorKind.SYSTEM.value, SYSTEM_LABEL
    if getattr(actor, "pk", None) is None:
        raise ValueError("the audit actor must be a saved user, or None for the system")
    kind = ActorKind.TECHNICAL.value if actor.is_technical else ActorKind.USER.value
    return kind, actor.email[:_LABEL_MAX]


def _object_snapshot(obj: models.Model | None) -> tuple[ContentType | None, str, str]:
    if obj is None:
        return None, "", ""
    if obj.pk is None:
        raise ValueError("audit an object once it has been saved")
    object_id = str(obj.pk)
    if len(object_id) > _ID_MAX:
        raise ValueError(f"audit object ids are at most {_ID_MAX} characters")
    return ContentType.objects.get_for_model(obj), object_id, str(obj)[:_LABEL_MAX]


def _lock_head() -> AuditHead:
    """Lock and return the journal head, creating it on the first append.

    On PostgreSQL ``select_for_update`` blocks concurrent appenders until this transaction ends.
    SQLite ignores it; there the write lock taken by ``BEGIN IMMEDIATE`` (the ``transaction_mode``
    in settings) serialises appends instead. Either way the unique ``sequence`` makes a lost race
    an error, never a forked chain.
    """
    head = _head_locked()
    if head is None:
        # First append (or a flushed test database). If entries exist, continue after the last one.
        last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "hash").first()
        if last is not None:
            logger.warning("audit journal head missing: rebuilt from entry #%s", last[0])
        seq, digest = last if last is not None else (0, GENESIS_HASH)
        # Two first appends may race here: get_or_create turns the loser's IntegrityError into a get.
        AuditHead.objects.get_or_create(pk=HEAD_PK, defaults={"sequence": seq, "hash": digest})
        head = AuditHead.objects.select_for_update().get(pk=HEAD_PK)
    return head


# Every change appends to the journal, so its two head statements are plain SQL: compiling them
# through the ORM cost more CPU than the database spends running them.
def _head_locked() -> AuditHead | None:
    """The head row, locked (``FOR UPDATE`` where the database has it; SQLite's ``BEGIN
    IMMEDIATE`` already serialises writers), or None when it does not exist yet."""
    connection = connections[router.db_for_write(AuditHead)]
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sequence, hash FROM {AuditHead._meta.db_table} WHERE id = %s{lock}", [HEAD_PK])
        row = cursor.fetchone()
    return None if row is None else AuditHead(pk=HEAD_PK, sequence=row[0], hash=row[1])


def _head_move(sequence: int, digest: str) -> None:
    connection = connections[router.db_for_write(AuditHead)]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditHead._meta.db_table} SET sequence = %s, hash = %s WHERE id = %s",
                       [sequence, digest, HEAD_PK])


@dataclass(frozen=True)
class ChainReport:
    """The result of a chain verification. ``problem`` is None when the chain is intact."""

    entries: int
    problem: str | None = None
    sequence: int | None = None
    entry_id: int | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        if self.intact:
            return f"chain intact: {self.entries} entries"
        where = "" if self.sequence is None else f" at entry #{self.sequence} (id {self.entry_id})"
        return f"chain broken{where}: {self.problem}"


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the journal in sequence order and report the first entry that breaks the chain.

    Streams the table, so memory stays flat however long the journal is. Entries appended while it
    runs are ignored: the walk stops at the head read at the start.
    """
    head = AuditHead.objects.filter(pk=HEAD_PK).first()
    entries = AuditEntry.objects.order_by("sequence")
    if head is not None:
        entries = entries.filter(sequence__lte=head.sequence)
    expected, prev, count = 1, GENESIS_HASH, 0
    for entry in entries.iterator(chunk_size=chunk_size):
        problem = None
        if entry.sequence != expected:
            problem = (
                f"sequence gap: expected #{expected}, found #{entry.sequence} "
                "(entries were deleted or renumbered)"
            )
        elif entry.prev_hash != prev:
            problem = (
                f"prev_hash does not match the hash of entry #{expected - 1} "
                "(an entry before it was deleted, the entries were re-ordered, or this one was edited)"
            )
        elif entry_hash(entry.prev_hash, entry.hashed_fields()) != entry.hash:
            problem = "hash mismatch: the entry was edited after it was written"
        if problem is not None:
            return ChainReport(entries=count, problem=problem, sequence=entry.sequence, entry_id=entry.pk)
        expected, prev, count = expected + 1, entry.hash, count + 1
    if head is None:
        if count:
            return ChainReport(entries=count, problem="the journal head is missing")
    elif (head.sequence, head.hash) != (count, prev):
        return ChainReport(
            entries=count,
            problem=f"the head records entry #{head.sequence} but the chain ends at #{count} "
            "(the last entries were deleted or the head was edited)",
        )
    return ChainReport(entries=count)


def audit_chain_check() -> ChainReport:
    """Verify the chain; when it is broken, log an error and record an ``audit.chain.broken`` entry.

    The alert is itself a journal entry so that subscribers (notifications) can tell an operator.
    """
    report = audit_chain_verify()
    if report.intact:
        logger.info("audit %s", report)
    else:
        logger.error("audit %s", report)
        with transaction.atomic():
            audit_log(actor=None, action="audit.chain.broken", data=report.as_dict())
    return report
