"""enqueue() runs tasks after commit; the periodic registry feeds beat and the embedded scheduler."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from celery import shared_task
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from config.celery import _install_beat_schedule, _warm_up_validation, app
from facturier.audit.models import AuditEntry
from facturier.audit.services import audit_log
from facturier.core import jobs
from facturier.core.jobs import (
    EmbeddedScheduler,
    PeriodicJob,
    beat_schedule,
    enqueue,
    periodic,
    periodic_jobs,
)
from facturier.einvoice import warmup

calls: list[tuple[str, ...]] = []


@shared_task(name="tests.core.record")
def record(*values: str) -> None:
    calls.append(values)


@shared_task(name="tests.core.explode")
def explode() -> None:
    raise RuntimeError("the job failed")


@pytest.fixture(autouse=True)
def _clear_calls() -> None:
    calls.clear()


# --- enqueue -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_celery")
def test_enqueue_waits_for_the_commit() -> None:
    with transaction.atomic():
        enqueue(record, "committed")
        assert calls == []  # not before the data is committed
    assert calls == [("committed",)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_celery")
def test_enqueue_in_a_rolled_back_transaction_never_runs() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(record, "rolled back")
        raise RuntimeError
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint
            enqueue(record, "savepoint rolled back")
            raise RuntimeError
        enqueue(record, "kept")
    assert calls == [("kept",)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_celery")
def test_enqueue_outside_a_transaction_runs_now() -> None:
    enqueue(record, "now")
    assert calls == [("now",)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("eager_celery")
def test_a_failing_task_does_not_undo_the_commit_nor_stop_other_callbacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with transaction.atomic():
        audit_log(actor=None, action="test.committed")
        enqueue(explode)
        enqueue(record, "after")
    assert AuditEntry.objects.filter(action="test.committed").exists()
    assert calls == [("after",)]
    assert "enqueue(tests.core.explode) failed" in caplog.text


# --- the periodic registry -------------------------------------------------------------------------


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """An empty registry for jobs declared by the test."""
    declared: list[object] = []
    monkeypatch.setattr(jobs, "_declared", declared)
    return declared


def test_the_audit_chain_is_verified_daily() -> None:
    by_name = {job.name: job for job in periodic_jobs()}
    assert by_name["audit.verify_chain"].every == dt.timedelta(days=1)
    assert by_name["audit.verify_chain"].task_name == "audit.verify_chain"


def test_beat_schedule_is_built_from_the_registry() -> None:
    schedule = beat_schedule()
    assert schedule["audit.verify_chain"] == {"task": "audit.verify_chain", "schedule": dt.timedelta(days=1)}
    assert set(schedule) == {job.name for job in periodic_jobs()}


def test_beat_start_installs_the_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.conf, "beat_schedule", {})
    _install_beat_schedule()
    assert app.conf.beat_schedule == beat_schedule()


def _counted_warm_up(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Replace the warm-up with one that records its calls (one True each) and takes 0.2 + 0.1 s."""
    seen: list[bool] = []
    monkeypatch.setattr(warmup, "warm_up", lambda: seen.append(True) or {"cii": 0.2, "ubl": 0.1})
    return seen


def test_worker_start_warms_validation_up(monkeypatch: pytest.MonkeyPatch, settings, caplog) -> None:
    seen = _counted_warm_up(monkeypatch)
    settings.FACTURIER_WARM_UP = False
    _warm_up_validation()
    assert seen == []
    settings.FACTURIER_WARM_UP = True
    with caplog.at_level(logging.INFO, logger="facturier.core.jobs"):
        _warm_up_validation()
    assert seen == [True]
    assert "validation warmed up in" in caplog.text and "cii 200 ms, ubl 100 ms" in caplog.text


def _broken_validator() -> dict[str, float]:
    raise warmup.WarmUpFailed("the CII warm-up invoice is not valid: BR-02")


def test_a_worker_whose_validator_refuses_a_valid_invoice_does_not_start(
    monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    monkeypatch.setattr(warmup, "warm_up", _broken_validator)
    settings.FACTURIER_WARM_UP = True
    with pytest.raises(SystemExit, match="facturier worker: the CII warm-up invoice is not valid: BR-02"):
        _warm_up_validation()


def test_a_web_process_whose_warm_up_fails_still_serves_and_says_why(
    monkeypatch: pytest.MonkeyPatch, settings, caplog
) -> None:
    monkeypatch.setattr(warmup, "warm_up", _broken_validator)
    settings.FACTURIER_WARM_UP = True
    with caplog.at_level(logging.CRITICAL, logger="facturier.core.jobs"):
        assert jobs.warm_up_validation(refuse=False) is None
    assert "validation warm-up failed, invoices will be refused: the CII warm-up invoice is not valid: BR-02" in caplog.text


def test_web_workers_warm_up_only_when_they_process_deposits_themselves(
    monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    from facturier.core.management.commands.serve import _post_worker_init

    seen = _counted_warm_up(monkeypatch)
    settings.FACTURIER_WARM_UP = True
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"  # deposits go to the Celery workers
    _post_worker_init(object())
    assert seen == []
    settings.CELERY_BROKER_URL = ""  # tasks run in the web process
    _post_worker_init(object())
    assert seen == [True]


def test_periodic_declaration(registry: list[object]) -> None:
    periodic(every=dt.timedelta(minutes=5))(record)
    periodic(every=dt.timedelta(hours=1), name="tests.hourly_explosion")(explode)
    periodic(every=dt.timedelta(minutes=5))(record)  # a module imported twice declares once

    assert beat_schedule(periodic_jobs(discover=False)) == {
        "tests.core.record": {"task": "tests.core.record", "schedule": dt.timedelta(minutes=5)},
        "tests.hourly_explosion": {"task": "tests.core.explode", "schedule": dt.timedelta(hours=1)},
    }
    with pytest.raises(ValueError):
        periodic(every=dt.timedelta(0))


def test_periodic_job_names_are_unique(registry: list[object]) -> None:
    periodic(every=dt.timedelta(minutes=5), name="same")(record)
    periodic(every=dt.timedelta(minutes=5), name="same")(explode)
    with pytest.raises(ValueError):
        periodic_jobs(discover=False)


# --- the embedded scheduler --------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.at = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


EVERY_5_MIN = PeriodicJob(name="record", task=record, every=dt.timedelta(minutes=5))
HOURLY_FAILURE = PeriodicJob(name="explode", task=explode, every=dt.timedelta(hours=1))


@pytest.mark.usefixtures("eager_celery")
def test_embedded_scheduler_runs_due_jobs_on_their_interval() -> None:
    clock = Clock()
    scheduler = EmbeddedScheduler([EVERY_5_MIN], now=clock)

    assert scheduler.run_pending() == ["record"]  # never run: due at once
    assert scheduler.run_pending() == []
    assert scheduler.seconds_until_next() == 60.0  # capped by max_sleep
    clock.advance(minutes=4, seconds=30)
    assert scheduler.seconds_until_next() == 30.0
    assert scheduler.run_pending() == []
    clock.advance(seconds=30)
    assert scheduler.run_pending() == ["record"]
    assert calls == [(), ()]


@pytest.mark.usefixtures("eager_celery")
def test_a_failing_job_is_logged_and_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    scheduler = EmbeddedScheduler([HOURLY_FAILURE, EVERY_5_MIN], now=clock)
    with caplog.at_level(logging.INFO, logger="facturier.core.jobs"):
        assert scheduler.run_pending() == ["explode", "record"]
    assert calls == [()]
    assert "periodic job explode: failed" in caplog.text and "the job failed" in caplog.text
    assert "periodic job record: done" in caplog.text
    clock.advance(minutes=5)
    assert scheduler.run_pending() == ["record"]  # the failure waits for its next hour, no spinning


@pytest.mark.usefixtures("eager_celery")
def test_last_runs_survive_a_restart(tmp_path: Path) -> None:
    clock, state = Clock(), tmp_path / "scheduler-state.json"
    EmbeddedScheduler([EVERY_5_MIN], now=clock, state_file=state).run_pending()

    clock.advance(minutes=2)
    restarted = EmbeddedScheduler([EVERY_5_MIN], now=clock, state_file=state)
    assert restarted.run_pending() == []
    clock.advance(minutes=3)
    assert restarted.run_pending() == ["record"]

    state.write_text("not json")
    assert EmbeddedScheduler([EVERY_5_MIN], now=clock, state_file=state).run_pending() == ["record"]


@pytest.mark.usefixtures("eager_celery")
def test_stop_ends_the_loop_after_the_running_job() -> None:
    scheduler = EmbeddedScheduler([EVERY_5_MIN, HOURLY_FAILURE], now=Clock())

    @shared_task(name="tests.core.stop")
    def stop() -> None:
        calls.append(("stop",))
        scheduler.stop()

    scheduler.jobs.insert(0, PeriodicJob(name="stop", task=stop, every=dt.timedelta(minutes=1)))
    scheduler.run_forever()  # returns: no sleeping, the other jobs do not start
    assert calls == [("stop",)]


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_celery")
def test_embedded_scheduler_runs_the_real_jobs() -> None:
    audit_log(actor=None, action="test.step")
    assert "audit.verify_chain" in EmbeddedScheduler(periodic_jobs(), now=Clock()).run_pending()


# --- commands ----------------------------------------------------------------------------------------


def test_worker_refuses_to_start_without_a_broker(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CELERY_BROKER_URL = ""
    with pytest.raises(CommandError, match="no broker configured: set CELERY_BROKER_URL"):
        call_command("worker")


@pytest.mark.django_db
@pytest.mark.usefixtures("eager_celery")
def test_scheduler_once_runs_the_due_jobs(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    call_command("scheduler", "--embedded", "--once")
    assert "audit.verify_chain" in (tmp_path / "scheduler-state.json").read_text()
