"""Notification jobs. Thin (STYLE.md §7): each calls one service; all are harmless to re-run."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError

from facturier.core.jobs import periodic

from .digests import digests_send
from .services import entries_notify, entry_notify, notifications_sweep

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 30, "max_retries": 3}


@shared_task(name="notifications.notify_entry", **RETRY)
def notify_entry(entry_id: int) -> int:
    """The e-mails of one audit entry."""
    return entry_notify(entry_id=entry_id)


@shared_task(name="notifications.notify_entries", **RETRY)
def notify_entries(entry_ids: list[int]) -> int:
    """The e-mails of the audit entries of one transaction (queued by the journal subscriber after
    commit). A retry re-runs them all; entries already notified send nothing again."""
    return entries_notify(entry_ids=entry_ids)


@periodic(every=timedelta(minutes=10))
@shared_task(name="notifications.sweep", **RETRY)
def sweep_notifications() -> int:
    """Catch up the recent entries whose notification job was lost."""
    return len(notifications_sweep())


@periodic(every=timedelta(hours=1))
@shared_task(name="notifications.send_digests", **RETRY)
def send_digests() -> int:
    """Hourly: each opted-in user's daily or weekly digest, once its period has started."""
    return digests_send()
