"""Celery tasks of invoices: thin (STYLE.md §7).

``invoices.validation_deadlines`` moves on every A9/A10 invoice its validator left untouched for
15 days (tacit validation, ABSENCE_VALIDATION_x_HORS_DELAI, then routed on). It is periodic: celery
beat or the embedded scheduler runs it every quarter of an hour, so an invoice moves at most that
long after its deadline. Running it twice is harmless: an invoice that moved is no longer due.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from facturier.core.jobs import periodic

from .lifecycle import validation_deadlines_run

DEADLINES_EVERY = timedelta(minutes=15)


@periodic(every=DEADLINES_EVERY)
@shared_task(name="invoices.validation_deadlines")
def validation_deadlines() -> list[int]:
    return validation_deadlines_run()
