"""No loss, no duplicate: a real ``facturier worker`` is SIGKILLed in the middle of a flow, then
the sweeper re-queues the flow and the re-run finishes it (issue 5, "No loss").

Like tests/core/test_processes.py: Redis db 15, a worker process on the test database, and under
CI=true a missing Redis is a failure, never a skip. A test-only setting
(FACTURIER_FLOW_TEST_DELAY_SECONDS, read by the service) slows each invoice down so the kill lands
mid-flow.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from celery import Celery
from django.db import connection
from django.test import override_settings

from config.celery import app
from facturier.core.demo import load_demo
from facturier.flows.models import Flow, FlowItem, FlowState
from facturier.flows.services import flow_receive, flow_sweep
from facturier.invoices.models import Invoice
from tests.core.conftest import database_url

from .builders import invoice_file, targz

REPO = Path(__file__).resolve().parents[2]
N = 8


@pytest.fixture
def eager() -> Iterator[None]:
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def wait(condition: Any, process: subprocess.Popen[Any], log: Path, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the worker exited ({process.returncode}) before {what}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{log.read_text()}")
        time.sleep(0.1)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_flow_loses_and_duplicates_nothing(redis_url: str, eager: None, tmp_path: Path) -> None:
    load_demo()
    from facturier.accounts.models import User
    from facturier.core.demo import TECH_LOGIN

    actor = User.objects.get(email=TECH_LOGIN)
    lot = targz([(f"f{i}.xml", invoice_file("cii", f"AD-KILL-{i}")) for i in range(N)])
    with mock.patch("facturier.flows.services.enqueue"):  # the worker, not this process, takes it
        flow = flow_receive(actor=actor, data=lot, file_name="lot.tar.gz", syntax="IN_DP_E1_CII_16B", channel="API")
    connection.close()

    queue = f"facturier-test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url(),
        "PYTHONPATH": str(REPO),
        "PYTHONUNBUFFERED": "1",
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": "",
        "FACTURIER_FLOW_TEST_DELAY_SECONDS": "0.4",
    }
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "facturier.cli", "worker", "--pool=solo", f"--queues={queue}",
             f"--hostname={queue}@%h"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    sender = Celery("facturier-test-client", broker=redis_url, set_as_current=False)
    try:
        sender.send_task("flows.process_flow", args=[flow.pk], queue=queue)
        wait(lambda: FlowItem.objects.filter(flow_id=flow.pk).count() >= 3, worker, log, "3 invoices integrated")
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)  # the whole group: no orphan keeps working
        worker.wait(timeout=30)
        sender.close()

    killed = Flow.objects.get(pk=flow.pk)
    done = FlowItem.objects.filter(flow=killed).count()
    assert killed.state == FlowState.IN_EN_COURS_TRAITEMENT_CPP and 3 <= done < N, log.read_text()
    assert Invoice.objects.filter(flow=killed).count() == done  # each invoice committed with its row

    # The sweeper finds the flow whose lease expired and re-queues it (in-process here).
    with override_settings(FACTURIER_FLOW_LEASE_SECONDS=0):
        assert flow_sweep() == [flow.pk]

    flow = Flow.objects.get(pk=flow.pk)
    assert flow.state == FlowState.IN_INTEGRE, flow.report
    assert flow.attempts == 2
    numbers = list(Invoice.objects.filter(flow=flow).values_list("number", flat=True))
    assert len(numbers) == N and len(set(numbers)) == N
    assert FlowItem.objects.filter(flow=flow).count() == N
    assert flow.report["nbIntegrees"] == N
    # A second sweep finds nothing; re-running the task changes nothing.
    with override_settings(FACTURIER_FLOW_LEASE_SECONDS=0):
        assert flow_sweep() == []
    assert Invoice.objects.count() == N
