"""The journal subscribers: after commit, queue the job that mails the people concerned.

Subscribers run in the process that made the change, so they only queue (``enqueue``); the job
(:func:`.tasks.notify_entry`) does the work. Imported by ``NotificationsConfig.ready``.
"""

from __future__ import annotations

from facturier.audit.subscribers import subscribe
from facturier.core.jobs import enqueue

from .audience import PREFIXES


def on_entry(entry_id: int) -> None:
    from .tasks import notify_entry

    enqueue(notify_entry, entry_id)


for _prefix in PREFIXES:
    subscribe(_prefix)(on_entry)
