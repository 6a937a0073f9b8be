"""Background jobs: queue a task after commit, and declare periodic jobs once.

- ``enqueue(task, *args, **kwargs)`` sends ``task.delay(*args, **kwargs)`` when the current
  transaction commits (at once outside a transaction; never if it rolls back), so a task never
  looks for data that is not committed yet. Without ``CELERY_BROKER_URL`` Celery is eager and the
  task then runs in-process; with a broker it goes to ``facturier worker``.
- ``@periodic(every=...)`` on a Celery task declares it periodic. The one registry feeds both the
  celery beat schedule (``beat_schedule``, installed by ``config/celery.py``) and the embedded
  scheduler (``EmbeddedScheduler``, run by ``facturier scheduler --embedded`` inside ``make run``).

Periodic tasks take no arguments and must be harmless to run twice: a restart, a clock change or
two schedulers by mistake can run them again.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from django.db import connections, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)

T = TypeVar("T")


def enqueue(task: Any, /, *args: Any, **kwargs: Any) -> None:
    """Queue ``task.delay(*args, **kwargs)`` for when the current transaction commits.

    Pass ids, not objects (the task loads what it needs). Once the transaction has committed the
    caller cannot undo it, so a broker outage or, in eager mode, a failing task is logged rather
    than turned into an error for a change that did happen (and the other on-commit callbacks
    still run); periodic sweepers pick up work that was left behind.
    """
    transaction.on_commit(_Send(task, args, kwargs))


def warm_up_validation(*, refuse: bool) -> dict[str, float] | None:
    """Before a process takes invoices: validate one built UBL and CII invoice, so that what the
    first validation compiles (schemas, rule plans) is compiled now (``facturier.einvoice.warmup``).
    Returns the seconds per syntax, or None when ``FACTURIER_WARM_UP`` is off or the warm-up failed.

    A failed warm-up means a broken validator (it refuses a valid invoice): with ``refuse`` (a
    Celery worker, whose only work is processing) the process exits with the reason; otherwise (the
    web server, the scheduler, the EDI server: they also serve other work) it is logged as critical."""
    from django.conf import settings

    if not settings.FACTURIER_WARM_UP:
        return None
    from facturier.einvoice.warmup import WarmUpFailed, warm_up

    started = time.perf_counter()
    try:
        timings = warm_up()
    except WarmUpFailed as exc:
        if refuse:
            raise SystemExit(f"facturier worker: {exc}") from exc
        logger.critical("validation warm-up failed, invoices will be refused: %s", exc)
        return None
    logger.info(
        "validation warmed up in %.0f ms (%s)", 1000 * (time.perf_counter() - started),
        ", ".join(f"{syntax} {1000 * seconds:.0f} ms" for syntax, seconds in timings.items()),
    )
    return timings


def warm_up_if_tasks_in_process() -> None:
    """In a process that runs tasks itself when no broker is configured (the web server, the
    embedded scheduler, the EDI server of ``make run``): warm the validation up, logging a failure."""
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        warm_up_validation(refuse=False)


class _Send:
    # Not on_commit(robust=True): its log message reads __qualname__, which a partial lacks.
    def __init__(self, task: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.task, self.args, self.kwargs = task, args, kwargs
        self.__qualname__ = f"enqueue({getattr(task, 'name', task)})"

    def __call__(self) -> None:
        try:
            self.task.delay(*self.args, **self.kwargs)
        except Exception:
            logger.exception("%s failed", self.__qualname__)


# --- Periodic jobs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Any  # a Celery task (usually the proxy returned by shared_task)
    every: timedelta

    @property
    def task_name(self) -> str:
        return str(self.task.name)


# (task, every, explicit name). Task names are resolved when the jobs are listed, not at import:
# reading a shared_task's name would finalise the Celery app in the middle of autodiscovery.
_declared: list[tuple[Any, timedelta, str | None]] = []


def periodic(*, every: timedelta, name: str | None = None) -> Callable[[T], T]:
    """Declare a Celery task periodic. Apply it above ``@shared_task(name=...)``.

    ``name`` defaults to the task's name; it keys the beat schedule and the embedded scheduler's state.
    """
    if every <= timedelta(0):
        raise ValueError("a periodic job needs a positive interval")

    def decorator(task: T) -> T:
        if not any(t is task for t, _, _ in _declared):
            _declared.append((task, every, name))
        return task

    return decorator


def periodic_jobs(*, discover: bool = True) -> list[PeriodicJob]:
    """Every declared periodic job, by name. ``discover`` first imports each app's ``tasks`` module."""
    if discover:
        autodiscover_modules("tasks")
    jobs: dict[str, PeriodicJob] = {}
    for task, every, name in _declared:
        job = PeriodicJob(name=name or str(task.name), task=task, every=every)
        if job.name in jobs:
            raise ValueError(f"two periodic jobs are named {job.name!r}")
        jobs[job.name] = job
    return [jobs[name] for name in sorted(jobs)]


def beat_schedule(jobs: Iterable[PeriodicJob] | None = None) -> dict[str, dict[str, Any]]:
    """The celery beat schedule (``app.conf.beat_schedule``) built from the registry."""
    return {
        job.name: {"task": job.task_name, "schedule": job.every}
        for job in (periodic_jobs() if jobs is None else jobs)
    }


class EmbeddedScheduler:
    """Run periodic jobs in this process, each on its interval.

    A job that raises is logged and retried at its next interval; it never stops the loop. The
    last run of each job is kept in ``state_file`` (when given), so a restart neither re-runs a
    daily job at once nor postpones it by a day; a job never run before is due immediately.
    ``now`` is injectable so tests drive the clock; ``run_pending`` is one iteration.
    """

    def __init__(
        self,
        jobs: Iterable[PeriodicJob],
        *,
        now: Callable[[], datetime] = timezone.now,
        state_file: Path | None = None,
        max_sleep: float = 60.0,
    ) -> None:
        self.jobs = list(jobs)
        self.now = now
        self.state_file = state_file
        self.max_sleep = max_sleep
        self.last_run: dict[str, datetime] = self._load_state()
        self._stop = threading.Event()

    # -- the loop --

    def run_forever(self) -> None:
        logger.info(
            "embedded scheduler started: %s", ", ".join(f"{j.name} every {j.every}" for j in self.jobs)
        )
        while not self._stop.is_set():
            self.run_pending()
            self._stop.wait(self.seconds_until_next())
        logger.info("embedded scheduler stopped")

    def stop(self) -> None:
        """Ask the loop to end (safe from a signal handler); a running job finishes first."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run_pending(self) -> list[str]:
        """Run each job that is due, once; return their names."""
        ran = []
        for job in self.jobs:
            if self._stop.is_set():
                break
            started_at = self.now()
            if not self.is_due(job, started_at):
                continue
            self.run_job(job)
            # Counted from the start, so the schedule does not drift by the job's duration; a failed
            # run counts too, so a job that keeps failing does not spin.
            self.last_run[job.name] = started_at
            self._save_state()
            ran.append(job.name)
        return ran

    def is_due(self, job: PeriodicJob, at: datetime) -> bool:
        last = self.last_run.get(job.name)
        return last is None or at >= last + job.every

    def seconds_until_next(self) -> float:
        at = self.now()
        waits = [
            (self.last_run[job.name] + job.every - at).total_seconds() if job.name in self.last_run else 0.0
            for job in self.jobs
        ]
        return max(0.0, min([self.max_sleep, *waits]))

    def run_job(self, job: PeriodicJob) -> bool:
        logger.info("periodic job %s: started", job.name)
        began = time.monotonic()
        _close_stale_connections()
        try:
            job.task.apply(throw=True)
        except Exception:
            logger.exception("periodic job %s: failed after %.2fs", job.name, time.monotonic() - began)
            return False
        finally:
            _close_stale_connections()
        logger.info("periodic job %s: done in %.2fs", job.name, time.monotonic() - began)
        return True

    # -- state --

    def _load_state(self) -> dict[str, datetime]:
        if self.state_file is None or not self.state_file.exists():
            return {}
        try:
            raw = json.loads(self.state_file.read_text())
            return {name: datetime.fromisoformat(value) for name, value in raw.items()}
        except (OSError, ValueError, AttributeError):
            logger.warning("embedded scheduler: unreadable state %s, starting afresh", self.state_file)
            return {}

    def _save_state(self) -> None:
        if self.state_file is None:
            return
        tmp = self.state_file.with_name(self.state_file.name + ".tmp")
        tmp.write_text(json.dumps({name: at.isoformat() for name, at in self.last_run.items()}, indent=1))
        os.replace(tmp, self.state_file)


def _close_stale_connections() -> None:
    # What Django does around each request: a long-lived process must not keep a connection the
    # server has dropped, nor hold one past CONN_MAX_AGE. Never inside a transaction (tests).
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()
