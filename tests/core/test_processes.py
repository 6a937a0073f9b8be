"""Real processes: a task through Redis to ``facturier worker``, and the embedded scheduler's signals.

Both use ``transaction=True`` tests and a DATABASE_URL naming the test database, so the child
process sees what the test committed and the test sees what the child wrote.
"""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeout
from django.db import connection

from facturier.audit.models import AuditEntry
from facturier.audit.services import audit_log

START_TIMEOUT = 90.0


def stop(process: subprocess.Popen[Any], sig: int = signal.SIGTERM) -> int:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            return process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[Any], log: Path, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the process exited ({process.returncode}) before {what}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{log.read_text()}")
        time.sleep(0.1)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_task_goes_through_redis_to_a_worker_process(
    redis_url: str, cli_env: dict[str, str], facturier_cli: Callable[..., list[str]], tmp_path: Path
) -> None:
    entries = [audit_log(actor=None, action="test.step", data={"n": n}) for n in range(3)]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET data = %s WHERE id = %s", ['{"n": 42}', entries[1].pk])
    connection.close()

    # A queue of its own: other test runs may share this Redis database.
    queue = f"facturier-test-{uuid.uuid4().hex}"
    env = {**cli_env, "CELERY_BROKER_URL": redis_url, "CELERY_RESULT_BACKEND": redis_url}
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            facturier_cli("worker", "--concurrency=1", f"--queues={queue}", f"--hostname={queue}@%h"),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    # Not the project's app: that one is eager in tests, and becoming Celery's current app would
    # reroute every shared task of the test process.
    client = Celery("facturier-test-client", broker=redis_url, backend=redis_url, set_as_current=False)
    outcome: dict[str, Any] = {}
    try:
        result = client.send_task("audit.verify_chain", queue=queue)

        def finished() -> bool:
            try:
                outcome.update(result.get(timeout=0.5))
            except CeleryTimeout:
                return False
            return True

        wait_for(finished, worker, log, "the worker ran audit.verify_chain")
        result.forget()
    finally:
        stop(worker)
        client.close()

    # It validated a built UBL and CII invoice before its pool started (config/celery.py).
    text = log.read_text()
    assert "validation warmed up in" in text and text.index("validation warmed up in") < text.index(" ready."), text
    # The worker found the edited entry and recorded the alert in the test database.
    assert outcome["sequence"] == 2 and outcome["entry_id"] == entries[1].pk, log.read_text()
    alert = AuditEntry.objects.get(action="audit.chain.broken")
    assert alert.data["entry_id"] == entries[1].pk and "hash mismatch" in alert.data["problem"]
    assert alert.sequence == 4 and alert.prev_hash == entries[2].hash


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_embedded_scheduler_runs_jobs_and_stops_cleanly_on_signal(
    sig: int, cli_env: dict[str, str], facturier_cli: Callable[..., list[str]], tmp_path: Path
) -> None:
    connection.close()
    log = tmp_path / "scheduler.log"
    with log.open("w") as out:
        scheduler = subprocess.Popen(
            facturier_cli("scheduler", "--embedded"),
            env={**cli_env, "FACTURIER_DATA_DIR": str(tmp_path)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(
            lambda: "periodic job audit.verify_chain: done" in log.read_text(),
            scheduler,
            log,
            "the first run of audit.verify_chain",
        )
    finally:
        code = stop(scheduler, sig)
    output = log.read_text()
    assert code == 0, output
    assert "embedded scheduler stopped" in output
    # Without a broker its inbox poll processes flows in this process: it warmed the validation up first.
    assert output.index("validation warmed up in") < output.index("periodic job audit.verify_chain: done"), output
    assert "audit.verify_chain" in (tmp_path / "scheduler-state.json").read_text()
