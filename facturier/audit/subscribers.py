"""Journal subscribers: how notifications and webhooks are derived from the journal.

An app registers a function for an action prefix, usually in its ``AppConfig.ready``::

    from facturier.audit.subscribers import subscribe

    @subscribe("invoice.status")
    def on_invoice_status(entry_id: int) -> None:
        enqueue(notify_invoice_status, entry_id)

The function receives the entry's id once the transaction that appended it has committed, so it
never sees an entry that was rolled back. It runs in the appending process: keep it short and
queue real work with ``facturier.core.jobs.enqueue``. An exception in one subscriber is logged and
does not stop the others, nor undo the (already committed) change.

A subscriber registered with ``batch=True`` receives the list of the ids its prefix matched in one
transaction, once, after the commit: a flow that integrates a thousand invoices in a few
transactions then queues a few jobs instead of a thousand. (Ids of entries appended in a savepoint
that was rolled back may be in the list: the function must skip ids that do not exist.)

A prefix matches whole dotted segments: ``"invoice.status"`` matches ``invoice.status`` and
``invoice.status.rejected`` but not ``invoice.statuses``; ``""`` matches every action.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction

logger = logging.getLogger(__name__)

Subscriber = Callable[[Any], None]  # an entry id, or a list of ids for a batch subscriber

_subscribers: list[tuple[str, Subscriber]] = []
_batch: set[Subscriber] = set()


def subscribe(prefix: str, *, batch: bool = False) -> Callable[[Subscriber], Subscriber]:
    def decorator(fn: Subscriber) -> Subscriber:
        if (prefix, fn) not in _subscribers:  # re-imports must not double notifications
            _subscribers.append((prefix, fn))
        if batch:
            _batch.add(fn)
        return fn

    return decorator


def unsubscribe(prefix: str, fn: Subscriber) -> None:
    if (prefix, fn) in _subscribers:
        _subscribers.remove((prefix, fn))
    if not any(other is fn for _p, other in _subscribers):
        _batch.discard(fn)


def matches(prefix: str, action: str) -> bool:
    return not prefix or action == prefix or action.startswith(prefix + ".")


def subscribers_for(action: str) -> list[Subscriber]:
    found: list[Subscriber] = []
    for prefix, fn in _subscribers:
        if matches(prefix, action) and fn not in found:
            found.append(fn)
    return found


def dispatch_on_commit(*, action: str, entry_id: int, using: str | None = None) -> None:
    for fn in subscribers_for(action):
        if fn in _batch and connections[using or DEFAULT_DB_ALIAS].in_atomic_block:
            _batched(fn, using).ids.append(entry_id)
        elif fn in _batch:  # autocommit: on_commit runs it at once
            transaction.on_commit(_Call(fn, None, batch=True, ids=[entry_id]), using=using)
        else:
            transaction.on_commit(_Call(fn, entry_id), using=using)


def _batched(fn: Subscriber, using: str | None) -> _Call:
    """The batch call of ``fn`` registered in the current transaction, registered now if there is
    none (a new transaction, or the previous one was rolled back and dropped its callbacks)."""
    connection = connections[using or DEFAULT_DB_ALIAS]
    for _savepoints, callback, *_rest in connection.run_on_commit:
        if isinstance(callback, _Call) and callback.fn is fn and callback.batch and not callback.ran:
            return callback
    call = _Call(fn, None, batch=True)
    transaction.on_commit(call, using=using)
    return call


class _Call:
    """One subscriber call. It logs its own failure rather than using on_commit(robust=True),
    whose log message needs a ``__qualname__`` that functools.partial does not have."""

    def __init__(self, fn: Subscriber, entry_id: int | None, *, batch: bool = False,
                 ids: list[int] | None = None) -> None:
        self.fn, self.entry_id, self.batch = fn, entry_id, batch
        self.ids: list[int] = list(ids or [])
        self.ran = False  # a test's captured callbacks stay listed after they ran
        self.__qualname__ = getattr(fn, "__qualname__", repr(fn))

    def __call__(self) -> None:
        self.ran = True
        argument = list(self.ids) if self.batch else self.entry_id
        if self.batch and not argument:
            return
        try:
            self.fn(argument)
        except Exception:
            logger.exception("journal subscriber %s failed on entry %s", self.__qualname__, argument)
