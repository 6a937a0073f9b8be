"""The 15-day validation deadline is a periodic job (``invoices.validation_deadlines``), tested with a
controlled clock: in embedded mode (the scheduler's clock, the invoices' status dates set in the
past) and through Celery, a real worker on Redis (CI=true: a missing Redis fails, never skips)."""

from __future__ import annotations

import datetime as dt
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeout
from django.db import connection
from django.utils import timezone

from facturier.audit.services import audit_chain_verify
from facturier.core.jobs import EmbeddedScheduler, beat_schedule, periodic_jobs
from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.models import Invoice, InvoiceEvent
from facturier.invoices.tasks import DEADLINES_EVERY
from tests.core.conftest import cli_env, eager_celery, facturier_cli  # noqa: F401 - fixtures
from tests.core.test_processes import stop, wait_for

from .world import EAUX, MAIN_CONTRACTOR, deposit_a9, structure

JOB = "invoices.validation_deadlines"


class Clock:
    def __init__(self) -> None:
        self.at = timezone.now()

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


def _waited(invoice: Invoice, **delta: float) -> Invoice:
    """The invoice as if it had entered its current status ``delta`` ago."""
    Invoice.objects.filter(pk=invoice.pk).update(status_changed_at=timezone.now() - dt.timedelta(**delta))
    invoice.refresh_from_db()
    return invoice


def _statuses(invoice: Invoice) -> list[str]:
    return list(invoice.status_changes.values_list("status", flat=True))


def test_the_job_is_declared_periodic() -> None:
    (job,) = [job for job in periodic_jobs() if job.name == JOB]
    assert job.every == DEADLINES_EVERY == dt.timedelta(minutes=15)
    assert beat_schedule()[JOB] == {"task": JOB, "schedule": DEADLINES_EVERY}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo", "eager_celery")
def test_embedded_scheduler_moves_invoices_once_their_fifteen_days_are_over() -> None:
    main = structure(MAIN_CONTRACTOR)
    early = _waited(deposit_a9("DL-EARLY", validator=main), days=14, hours=23)
    due = _waited(deposit_a9("DL-DUE", validator=main), days=15, minutes=1)
    level2 = _waited(deposit_a9("DL-LEVEL2", validator=main, validator2=structure(EAUX)), days=16)
    clock = Clock()
    scheduler = EmbeddedScheduler([job for job in periodic_jobs() if job.name == JOB], now=clock)

    assert scheduler.run_pending() == [JOB]
    due.refresh_from_db()
    assert due.status == S.MISE_A_DISPOSITION
    assert _statuses(due)[-3:] == [S.A_VALIDER_1, S.ABSENCE_VALIDATION_1_HORS_DELAI, S.MISE_A_DISPOSITION]
    assert due.status_changes.get(status=S.ABSENCE_VALIDATION_1_HORS_DELAI).actor is None  # the system
    (event,) = due.events.filter(code=InvoiceEvent.Code.DEADLINE)
    assert event.data == {"level": 1, "days": 15} and event.kind == InvoiceEvent.Kind.EVENT
    level2.refresh_from_db()
    assert level2.status == S.A_VALIDER_2  # tacitly validated at level 1, now 15 days for level 2
    early.refresh_from_db()
    assert early.status == S.A_VALIDER_1

    # Fifteen minutes later the job runs again: nothing new is due, nothing moves twice.
    clock.advance(minutes=10)
    assert scheduler.run_pending() == []
    clock.advance(minutes=5)
    _waited(early, days=15, minutes=1)
    _waited(level2, days=15, minutes=1)
    assert scheduler.run_pending() == [JOB]
    for invoice in (early, level2, due):
        invoice.refresh_from_db()
        assert invoice.status == S.MISE_A_DISPOSITION
    assert _statuses(level2)[-2:] == [S.ABSENCE_VALIDATION_2_HORS_DELAI, S.MISE_A_DISPOSITION]
    assert due.events.filter(code=InvoiceEvent.Code.DEADLINE).count() == 1
    assert audit_chain_verify().intact


@pytest.mark.django_db
@pytest.mark.usefixtures("demo", "eager_celery")
def test_the_deadline_follows_the_setting_and_spares_handled_invoices(settings) -> None:  # type: ignore[no-untyped-def]
    settings.FACTURIER_VALIDATION_DELAY_DAYS = 3
    main = structure(MAIN_CONTRACTOR)
    due = _waited(deposit_a9("DL-3DAYS", validator=main), days=3, minutes=1)
    refused = _waited(deposit_a9("DL-REFUSED", validator=main), days=30)
    Invoice.objects.filter(pk=refused.pk).update(status=S.REFUSEE_1)
    from facturier.invoices.tasks import validation_deadlines

    assert validation_deadlines.apply().get() == [due.pk]
    refused.refresh_from_db()
    assert refused.status == S.REFUSEE_1


# --- through Celery -------------------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("demo")
def test_a_celery_worker_runs_the_deadline_job(
    redis_url: str, cli_env: dict[str, str], facturier_cli: Callable[..., list[str]], tmp_path: Path
) -> None:
    main = structure(MAIN_CONTRACTOR)
    due = _waited(deposit_a9("DL-CELERY", validator=main), days=15, minutes=1)
    early = _waited(deposit_a9("DL-CELERY-EARLY", validator=main), days=14)
    connection.close()  # let the worker's connection see (and SQLite's lock allow) what was committed

    queue = f"facturier-test-{uuid.uuid4().hex}"
    env = {**cli_env, "CELERY_BROKER_URL": redis_url, "CELERY_RESULT_BACKEND": redis_url}
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            facturier_cli("worker", "--pool=solo", f"--queues={queue}", f"--hostname={queue}@%h"),
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    client = Celery("facturier-test-client", broker=redis_url, backend=redis_url, set_as_current=False)
    outcome: list[Any] = []
    try:
        result = client.send_task(JOB, queue=queue)

        def finished() -> bool:
            try:
                outcome.append(result.get(timeout=0.5))
            except CeleryTimeout:
                return False
            return True

        wait_for(finished, worker, log, f"the worker ran {JOB}")
        result.forget()
    finally:
        stop(worker)
        client.close()

    assert outcome == [[due.pk]], log.read_text()
    due.refresh_from_db()
    early.refresh_from_db()
    assert (due.status, early.status) == (S.MISE_A_DISPOSITION, S.A_VALIDER_1)
    assert _statuses(due)[-2:] == [S.ABSENCE_VALIDATION_1_HORS_DELAI, S.MISE_A_DISPOSITION]
    assert audit_chain_verify().intact
