"""The journal subscribers: after commit, queue the job that mails the people concerned.

Subscribers run in the process that made the change, so they only queue (``enqueue``); the job
(:func:`.tasks.notify_entries`) does the work. The subscriber is a batch one: the entries of one
transaction (a batch of a flow: up to 50 invoices and their status changes) make one job.
Imported by ``NotificationsConfig.ready``.
"""

from __future__ import annotations

from facturier.audit.subscribers import subscribe
from facturier.core.jobs import enqueue

from .audience import PREFIXES


def on_entries(entry_ids: list[int]) -> None:
    from .tasks import notify_entries

    enqueue(notify_entries, entry_ids)


for _prefix in PREFIXES:
    subscribe(_prefix, batch=True)(on_entries)
