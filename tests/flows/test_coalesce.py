"""Coalesced processing of waiting single-invoice flows (facturier.flows.services._claim_waiting).

A worker that takes a single-file flow also takes the other waiting single-file flows of the same
depositor and supplier and integrates them in one batch; their own queued tasks then do nothing.
Each flow still ends with its own items, counts, report and audit entry, and a run killed after
the claim leaves flows the sweeper re-queues, never an invoice lost or written twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facturier.accounts.models import User
from facturier.audit.models import AuditEntry
from facturier.audit.services import audit_chain_verify
from facturier.flows.models import Flow, FlowItem, FlowState
from facturier.flows.services import flow_process, flow_receive, flow_sweep
from facturier.invoices.enums import InvoiceStatus
from facturier.invoices.models import Invoice

from .builders import invoice_file, targz

pytestmark = pytest.mark.django_db(transaction=True)

CII = "IN_DP_E1_CII_16B"


def waiting(actor: User, data: bytes, name: str, channel: str = "API") -> Flow:
    """A received flow whose processing task was not run (queued for a worker)."""
    with mock.patch("facturier.flows.services.enqueue"):
        flow = flow_receive(actor=actor, data=data, file_name=name, syntax=CII, channel=channel)
    return Flow.objects.get(pk=flow.pk)


def test_a_burst_of_single_invoice_flows_costs_one_delayed_run_an_archive_runs_at_once(
    supplier_tech: User, settings: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from facturier.flows import services
    from facturier.flows.tasks import process_flow

    monkeypatch.setattr(services._CoalescedRun, "_pending", {})
    clock = [time.monotonic()]
    monkeypatch.setattr(services.time, "monotonic", lambda: clock[0])
    settings.FACTURIER_FLOW_COALESCE_SECONDS = 0.3

    def deposit(name: str, data: bytes) -> Flow:
        return flow_receive(actor=supplier_tech, data=data, file_name=name, syntax=CII, channel="API")

    with mock.patch.object(process_flow, "apply_async") as later, mock.patch.object(process_flow, "delay") as now:
        first = deposit("w.xml", invoice_file("cii", "CO-W"))
        clock[0] += 0.2  # within 80 % of the wait: the run queued for the first one takes it too
        deposit("j.xml", invoice_file("cii", "CO-J"))
        lot = deposit("l.tar.gz", targz([("x.xml", invoice_file("cii", "CO-L"))]))
        clock[0] += 0.05  # that run may start any moment now: a run of its own
        late = deposit("t.xml", invoice_file("cii", "CO-T"))
        settings.FACTURIER_FLOW_COALESCE_SECONDS = 0  # switched off: at once, each its own
        alone = deposit("a.xml", invoice_file("cii", "CO-A"))
    assert [(c.args, c.kwargs) for c in later.call_args_list] == [
        (((first.pk,),), {"countdown": 0.3}), (((late.pk,),), {"countdown": 0.3})]
    assert [c.args for c in now.call_args_list] == [(lot.pk,), (alone.pk,)]


def test_a_failed_deposit_queues_no_run_and_blocks_none(
    supplier_tech: User, settings: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import transaction

    from facturier.flows import services
    from facturier.flows.tasks import process_flow

    monkeypatch.setattr(services._CoalescedRun, "_pending", {})
    settings.FACTURIER_FLOW_COALESCE_SECONDS = 0.3
    with mock.patch.object(process_flow, "apply_async") as later:
        with pytest.raises(RuntimeError), transaction.atomic():
            flow_receive(actor=supplier_tech, data=invoice_file("cii", "CO-X"), file_name="x.xml",
                         syntax=CII, channel="API")
            raise RuntimeError("the caller fails after the deposit")
        kept = flow_receive(actor=supplier_tech, data=invoice_file("cii", "CO-Y"), file_name="y.xml",
                            syntax=CII, channel="API")
    assert [c.args for c in later.call_args_list] == [((kept.pk,),)]


def test_a_run_requeues_the_waiting_flows_beyond_its_batch(supplier_tech: User) -> None:
    flows = [waiting(supplier_tech, invoice_file("cii", f"CO-R{i}"), f"r{i}.xml") for i in range(4)]
    with mock.patch("facturier.flows.services.BATCH_ENTRIES", 2), \
            mock.patch("facturier.flows.services.enqueue") as enqueue:
        flow_process(flow_id=flows[0].pk)  # takes itself and one more
    states = [Flow.objects.get(pk=f.pk).state for f in flows]
    assert states == [FlowState.IN_INTEGRE] * 2 + [FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP] * 2
    assert [c.args[1] for c in enqueue.call_args_list if c.args[0].name == "flows.process_flow"] == [flows[2].pk]


def _run_with_a_late_deposit(supplier_tech: User, monkeypatch: pytest.MonkeyPatch, deposit_linger: float) -> tuple[
        list[Flow], list[Flow]]:
    """Two waiting flows, and a third deposited while the first one's run integrates them (after
    its claim), with coalescing at ``deposit_linger`` for that deposit."""
    from django.conf import settings as live

    from facturier.flows import services

    flows = [waiting(supplier_tech, invoice_file("cii", f"CO-D{i}"), f"d{i}.xml") for i in range(2)]
    late: list[Flow] = []
    real = services._process_coalesced

    def run_and_deposit(batch: list[Flow]) -> list[Flow]:
        out = real(batch)
        linger, live.FACTURIER_FLOW_COALESCE_SECONDS = live.FACTURIER_FLOW_COALESCE_SECONDS, deposit_linger
        try:
            late.append(flow_receive(actor=supplier_tech, data=invoice_file("cii", "CO-LATE"), file_name="late.xml",
                                     syntax=CII, channel="API"))
        finally:
            live.FACTURIER_FLOW_COALESCE_SECONDS = linger
        return out

    monkeypatch.setattr(services, "_process_coalesced", run_and_deposit)
    monkeypatch.setattr(services._CoalescedRun, "_pending", {})
    return flows, late


@pytest.mark.parametrize("deposit_linger", [0.3, 0], ids=["its-deposit-queued-a-run", "no-run-queued-for-it"])
def test_a_flow_deposited_during_a_run_gets_a_delayed_run_not_one_at_once(
    deposit_linger: float, supplier_tech: User, settings: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With coalescing on (0.3 s), a flow committed during a run, after its claim, either joins the
    run its deposit's window queued (0.3) or, deposited without one (0: its deposit queued an
    immediate run, as a lost message would leave it with none), gets a run 0.3 s later from the
    run that ends; never one at once from that run, for that single flow (a run's fixed cost for
    one invoice)."""
    from facturier.flows.tasks import process_flow

    flows, late = _run_with_a_late_deposit(supplier_tech, monkeypatch, deposit_linger=deposit_linger)
    settings.FACTURIER_FLOW_COALESCE_SECONDS = 0.3
    with mock.patch.object(process_flow, "apply_async") as later, \
            mock.patch("facturier.flows.services.enqueue") as now:
        flow_process(flow_id=flows[0].pk)
    assert [Flow.objects.get(pk=f.pk).state for f in flows] == [FlowState.IN_INTEGRE] * 2
    assert Flow.objects.get(pk=late[0].pk).state == FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP
    # One delayed run for it: its deposit's (0.3), or the one the ending run queued (0).
    assert [(c.args, c.kwargs) for c in later.call_args_list] == [(((late[0].pk,),), {"countdown": 0.3})]
    # At once: only the late deposit's own, when it was made without coalescing.
    expected_now = [] if deposit_linger else [late[0].pk]
    assert [c.args[1] for c in now.call_args_list if c.args[0].name == "flows.process_flow"] == expected_now


def test_a_full_run_requeues_at_once_even_with_coalescing(
    supplier_tech: User, settings: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    from facturier.flows import services
    from facturier.flows.tasks import process_flow

    flows = [waiting(supplier_tech, invoice_file("cii", f"CO-F{i}"), f"f{i}.xml") for i in range(3)]
    monkeypatch.setattr(services._CoalescedRun, "_pending", {})
    settings.FACTURIER_FLOW_COALESCE_SECONDS = 0.3
    with mock.patch("facturier.flows.services.BATCH_ENTRIES", 2), \
            mock.patch.object(process_flow, "apply_async") as later, \
            mock.patch("facturier.flows.services.enqueue") as now:
        flow_process(flow_id=flows[0].pk)
    assert later.call_args_list == []  # a backlog: no waiting
    assert [c.args[1] for c in now.call_args_list if c.args[0].name == "flows.process_flow"] == [flows[2].pk]


def test_the_sweeper_requeues_a_waiting_single_flow_after_a_minute_an_archive_after_the_lease(
    supplier_tech: User,
) -> None:
    single = waiting(supplier_tech, invoice_file("cii", "CO-S"), "s.xml")
    lot = waiting(supplier_tech, targz([("x.xml", invoice_file("cii", "CO-SL"))]), "sl.tar.gz")
    with mock.patch("facturier.flows.services.enqueue"):
        assert flow_sweep(now=timezone.now() + timedelta(seconds=30)) == []
        assert flow_sweep(now=timezone.now() + timedelta(seconds=61)) == [single.pk]
        assert flow_sweep(now=timezone.now() + timedelta(seconds=301)) == [single.pk, lot.pk]


def test_one_run_integrates_the_waiting_single_flows_and_their_tasks_do_nothing(supplier_tech: User) -> None:
    good = [waiting(supplier_tech, invoice_file("cii", f"CO-{i}"), f"co-{i}.xml") for i in range(3)]
    good.append(waiting(supplier_tech, invoice_file("cii", "CO-3"), "co-3.xml", channel="SFTP"))
    bad = waiting(supplier_tech, invoice_file("cii", "CO-BAD", purchase_order_reference=None), "bad.xml")
    again = waiting(supplier_tech, invoice_file("cii", "CO-1"), "again.xml")  # a duplicate of CO-1
    lot = waiting(supplier_tech, targz([("x.xml", invoice_file("cii", "CO-LOT"))]), "lot.tar.gz")

    flow_process(flow_id=good[0].pk)

    states = dict(Flow.objects.values_list("pk", "state"))
    assert [states[f.pk] for f in good] == [FlowState.IN_INTEGRE] * 4
    assert states[bad.pk] == FlowState.IN_REJETE and states[again.pk] == FlowState.IN_REJETE
    assert states[lot.pk] == FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP  # an archive is not coalesced
    for i, flow in enumerate(good):
        flow.refresh_from_db()
        invoice = Invoice.objects.get(flow=flow)
        assert invoice.number == f"CO-{i}" and invoice.status == InvoiceStatus.MISE_A_DISPOSITION
        assert (flow.invoice_count, flow.integrated_count, flow.rejected_count) == (1, 1, 0)
        assert flow.report["nbIntegrees"] == 1 and flow.attempts == 1
        # Each flow keeps its channel's deposit mode, and an EDI flow its stored report PDF.
        assert invoice.deposit_mode == ("EDI_XML_STRUCT" if i == 3 else "UPLOAD_API")
        assert bool(flow.report_pdf) is (i == 3)
    again.refresh_from_db()
    [item] = FlowItem.objects.filter(flow=again)
    assert item.errors[0]["rule"] == "FR-PLT-09"  # the same number in the same batch: refused
    assert str(Invoice.objects.get(number="CO-1").pk) in item.errors[0]["message"]["fr"]
    bad.refresh_from_db()
    assert bad.report["nbRejetees"] == 1 and Invoice.objects.filter(flow=bad).count() == 0
    finals = AuditEntry.objects.filter(action__in=["flow.integre", "flow.rejete"]).values_list("object_id",
                                                                                              flat=True)
    assert sorted(map(int, finals)) == sorted(f.pk for f in [*good, bad, again])

    # The tasks queued for the coalesced flows find them final: nothing more is written.
    entries = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        for flow in [*good[1:], bad, again]:
            assert flow_process(flow_id=flow.pk).state in (FlowState.IN_INTEGRE, FlowState.IN_REJETE)
    assert len(queries) == 10  # one read each and one look for waiting flows; no lock, no write
    assert AuditEntry.objects.count() == entries and Invoice.objects.count() == 4
    assert flow_process(flow_id=lot.pk).state == FlowState.IN_INTEGRE
    assert audit_chain_verify().intact


def test_a_run_whose_flow_another_run_took_runs_the_flows_of_its_window_still_waiting(
    supplier_tech: User,
) -> None:
    first = waiting(supplier_tech, invoice_file("cii", "CO-F"), "f.xml")
    # Another run (a backlog's re-queued run, the sweeper's) takes the flow a window's run was queued
    # for, and finds nothing else waiting yet.
    flow_process(flow_id=first.pk)
    # Then flows are committed in that window: they have no task of their own.
    late = [waiting(supplier_tech, invoice_file("cii", f"CO-L{i}"), f"l{i}.xml") for i in range(3)]
    lot = waiting(supplier_tech, targz([("x.xml", invoice_file("cii", "CO-LOT"))]), "lot.tar.gz")
    other = waiting(supplier_tech, invoice_file("cii", "CO-O"), "o.xml")
    Flow.objects.filter(pk=other.pk).update(supplier=None)

    assert flow_process(flow_id=first.pk).state == FlowState.IN_INTEGRE  # the window's run

    states = dict(Flow.objects.values_list("pk", "state"))
    assert [states[f.pk] for f in late] == [FlowState.IN_INTEGRE] * 3
    # An archive, or another supplier's flow, has a run of its own: it is left to it.
    assert states[lot.pk] == states[other.pk] == FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["CO-F", "CO-L0", "CO-L1", "CO-L2"]
    taken = AuditEntry.objects.filter(action="flow.processing").order_by("sequence").values_list("data",
                                                                                                flat=True)
    # The first run's lease, then one run for the three: it took the oldest and claimed the others.
    assert [(d["number"], d.get("with")) for d in taken] == [
        (first.number, None), (late[0].number, None), (late[1].number, late[0].number),
        (late[2].number, late[0].number)]
    # A run with nothing left to take over writes nothing.
    entries = AuditEntry.objects.count()
    assert flow_process(flow_id=late[1].pk).state == FlowState.IN_INTEGRE
    assert AuditEntry.objects.count() == entries
    assert audit_chain_verify().intact


def test_flows_of_another_supplier_or_already_leased_are_not_taken(supplier_tech: User) -> None:
    first = waiting(supplier_tech, invoice_file("cii", "CO-A"), "a.xml")
    leased = waiting(supplier_tech, invoice_file("cii", "CO-B"), "b.xml")
    other = waiting(supplier_tech, invoice_file("cii", "CO-C"), "c.xml")
    Flow.objects.filter(pk=other.pk).update(supplier=None)
    Flow.objects.filter(pk=leased.pk).update(state=FlowState.IN_EN_COURS_TRAITEMENT_CPP,
                                             processing_started_at=timezone.now())
    flow_process(flow_id=first.pk)
    states = dict(Flow.objects.values_list("pk", "state"))
    assert states == {first.pk: FlowState.IN_INTEGRE, leased.pk: FlowState.IN_EN_COURS_TRAITEMENT_CPP,
                      other.pk: FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP}
    assert flow_process(flow_id=leased.pk).state == FlowState.IN_EN_COURS_TRAITEMENT_CPP  # a live lease
    assert flow_process(flow_id=other.pk).state == FlowState.IN_INTEGRE


def test_a_run_dying_after_its_claim_leaves_flows_the_sweeper_requeues(supplier_tech: User) -> None:
    flows = [waiting(supplier_tech, invoice_file("cii", f"CO-K{i}"), f"k{i}.xml") for i in range(3)]
    with mock.patch("facturier.flows.services.integrate_entries", side_effect=RuntimeError("killed")), \
            pytest.raises(RuntimeError):
        flow_process(flow_id=flows[0].pk)
    assert set(Flow.objects.values_list("state", flat=True)) == {FlowState.IN_EN_COURS_TRAITEMENT_CPP}
    assert Invoice.objects.count() == 0 and FlowItem.objects.count() == 0
    # Their own tasks see a live lease and wait for it to expire.
    assert flow_process(flow_id=flows[1].pk).state == FlowState.IN_EN_COURS_TRAITEMENT_CPP
    later = timezone.now() + timedelta(seconds=301)
    with mock.patch("facturier.flows.services.enqueue") as enqueue:
        assert flow_sweep(now=later) == [f.pk for f in flows]
    assert [c.args[1] for c in enqueue.call_args_list] == [f.pk for f in flows]
    with mock.patch("facturier.flows.services.timezone.now", return_value=later):
        for flow in flows:
            flow_process(flow_id=flow.pk)
    assert set(Flow.objects.values_list("state", flat=True)) == {FlowState.IN_INTEGRE}
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["CO-K0", "CO-K1", "CO-K2"]
    assert FlowItem.objects.count() == 3


@pytest.mark.parametrize(("channel", "queued"), [("API", False), ("PORTAIL", False), ("SFTP", True)])
def test_the_edi_report_task_is_queued_for_edi_flows_only(
    supplier_tech: User, channel: str, queued: bool
) -> None:
    with mock.patch("facturier.edi.subscribers.enqueue") as enqueue:
        flow = flow_receive(actor=supplier_tech, data=invoice_file("cii", "CO-EDI"), file_name="f.xml",
                            syntax=CII, channel=channel)
    assert Flow.objects.get(pk=flow.pk).state == FlowState.IN_INTEGRE
    calls = [c.args for c in enqueue.call_args_list if getattr(c.args[0], "name", "") == "edi.publish_report"]
    assert calls == ([(calls[0][0], flow.pk)] if queued else [])


def test_the_memory_of_queued_runs_forgets_the_windows_that_are_over(
    supplier_tech: User, settings: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from facturier.flows import services
    from facturier.flows.tasks import process_flow

    past = time.monotonic() - 1
    monkeypatch.setattr(services._CoalescedRun, "_pending", {(n, n): past for n in range(1024)})
    settings.FACTURIER_FLOW_COALESCE_SECONDS = 0.3
    with mock.patch.object(process_flow, "apply_async") as later:
        flow = flow_receive(actor=supplier_tech, data=invoice_file("cii", "CO-M"), file_name="m.xml",
                            syntax=CII, channel="API")
    assert [c.args for c in later.call_args_list] == [((flow.pk,),)]
    assert list(services._CoalescedRun._pending) == [(flow.depositor_id, flow.supplier_id)]


# --- the window shared by the processes that take deposits (Redis broker) -------------------------


def _deposit_in_process(actor: User, number: str, process: dict[tuple[int | None, int | None], float],
                        monkeypatch: pytest.MonkeyPatch) -> Flow:
    """A single-invoice deposit made by a web process whose memory of queued runs is ``process``."""
    from facturier.flows import services

    monkeypatch.setattr(services._CoalescedRun, "_pending", process)
    return flow_receive(actor=actor, data=invoice_file("cii", number), file_name=f"{number}.xml", syntax=CII,
                        channel="API")


@pytest.fixture
def shared_windows(settings: pytest.FixtureRequest, redis_url: str) -> Any:
    """A Redis broker without any coalescing window left by another test; windows of 4 s (the
    whole test runs inside one)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for name in client.scan_iter("facturier:coalesce:*"):
        client.delete(name)
    settings.CELERY_BROKER_URL = redis_url
    settings.FACTURIER_FLOW_COALESCE_SECONDS = 5
    return client


def test_two_processes_share_one_run_per_window_through_redis(
    supplier_tech: User, monkeypatch: pytest.MonkeyPatch, shared_windows: Any
) -> None:
    from facturier.flows.tasks import process_flow

    client = shared_windows
    first_process: dict[tuple[int | None, int | None], float] = {}
    second_process: dict[tuple[int | None, int | None], float] = {}
    with mock.patch.object(process_flow, "apply_async") as later:
        first = _deposit_in_process(supplier_tech, "CO-P1", first_process, monkeypatch)
        second = _deposit_in_process(supplier_tech, "CO-P2", second_process, monkeypatch)
        _deposit_in_process(supplier_tech, "CO-P3", second_process, monkeypatch)
    # One run, queued by the first process; the second process queued none, remembering the first
    # one's window for no longer than it lasts.
    assert [c.args for c in later.call_args_list] == [((first.pk,),)]
    key = (second.depositor_id, second.supplier_id)
    assert list(second_process) == [key]
    ttl = client.pttl(f"facturier:coalesce:{connection.settings_dict['NAME']}:{key[0]}:{key[1]}") / 1000
    assert 0 < ttl <= 4
    import time

    assert 0 < second_process[key] - time.monotonic() <= 4
    # The run queued by the first process takes the three flows.
    flow_process(flow_id=first.pk)
    assert set(Flow.objects.filter(depositor=supplier_tech).values_list("state", flat=True)) == {FlowState.IN_INTEGRE}
    assert Invoice.objects.filter(number__in=["CO-P1", "CO-P2", "CO-P3"]).count() == 3


@pytest.mark.parametrize("broker", ["redis://127.0.0.1:9/0", "amqp://guest@127.0.0.1:9//"])
def test_without_a_shared_window_each_process_queues_its_own_run(
    broker: str, supplier_tech: User, settings: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Redis that does not answer, or a broker that is not Redis: nothing is shared, nothing is
    lost (each process queues its run as before)."""
    from facturier.flows.tasks import process_flow

    settings.CELERY_BROKER_URL = broker
    settings.FACTURIER_FLOW_COALESCE_SECONDS = 5
    with mock.patch.object(process_flow, "apply_async") as later:
        first = _deposit_in_process(supplier_tech, "CO-Q1", {}, monkeypatch)
        second = _deposit_in_process(supplier_tech, "CO-Q2", {}, monkeypatch)
    assert [c.args for c in later.call_args_list] == [((first.pk,),), ((second.pk,),)]


def test_a_run_that_could_not_be_queued_closes_the_shared_window(
    supplier_tech: User, monkeypatch: pytest.MonkeyPatch, shared_windows: Any
) -> None:
    """The broker refused the run: the next deposit, in any process, queues one."""
    from facturier.flows.tasks import process_flow

    with mock.patch.object(process_flow, "apply_async", side_effect=ConnectionError("broker down")):
        _deposit_in_process(supplier_tech, "CO-R1", {}, monkeypatch)
    with mock.patch.object(process_flow, "apply_async") as later:
        second = _deposit_in_process(supplier_tech, "CO-R2", {}, monkeypatch)
    assert [c.args for c in later.call_args_list] == [((second.pk,),)]
