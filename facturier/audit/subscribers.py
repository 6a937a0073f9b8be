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

A prefix matches whole dotted segments: ``"invoice.status"`` matches ``invoice.status`` and
``invoice.status.rejected`` but not ``invoice.statuses``; ``""`` matches every action.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

Subscriber = Callable[[int], None]

_subscribers: list[tuple[str, Subscriber]] = []


def subscribe(prefix: str) -> Callable[[Subscriber], Subscriber]:
    def decorator(fn: Subscriber) -> Subscriber:
        if (prefix, fn) not in _subscribers:  # re-imports must not double notifications
            _subscribers.append((prefix, fn))
        return fn

    return decorator


def unsubscribe(prefix: str, fn: Subscriber) -> None:
    if (prefix, fn) in _subscribers:
        _subscribers.remove((prefix, fn))


def matches(prefix: str, action: str) -> bool:
    return not prefix or action == prefix or action.startswith(prefix + ".")


def subscribers_for(action: str) -> list[Subscriber]:
    return [fn for prefix, fn in _subscribers if matches(prefix, action)]


def dispatch_on_commit(*, action: str, entry_id: int, using: str | None = None) -> None:
    for fn in subscribers_for(action):
        transaction.on_commit(_Call(fn, entry_id), using=using)


class _Call:
    """One subscriber call. It logs its own failure rather than using on_commit(robust=True),
    whose log message needs a ``__qualname__`` that functools.partial does not have."""

    def __init__(self, fn: Subscriber, entry_id: int) -> None:
        self.fn, self.entry_id = fn, entry_id
        self.__qualname__ = getattr(fn, "__qualname__", repr(fn))

    def __call__(self) -> None:
        try:
            self.fn(self.entry_id)
        except Exception:
            logger.exception("journal subscriber %s failed on entry %s", self.__qualname__, self.entry_id)
