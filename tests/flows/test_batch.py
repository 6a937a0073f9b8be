"""Batched integration (facturier.flows.integrate, invoices_deposit_many) and chunked flows.

The batch path must leave exactly the records the one-by-one path leaves, and a flow split into
chunk tasks must end with the same invoices, items, report and final state whatever the order in
which its chunks run, however often they run.
"""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from facturier.accounts.models import User
from facturier.audit.models import AuditEntry
from facturier.audit.services import audit_chain_verify
from facturier.einvoice import read
from facturier.flows import integrate
from facturier.flows.models import Flow, FlowItem, FlowState
from facturier.flows.services import chunks_of, flow_process, flow_process_chunk, flow_receive
from facturier.invoices.enums import InvoiceStatus
from facturier.invoices.models import Invoice
from facturier.invoices.services import invoice_deposit, invoice_prepare, invoices_deposit_many
from facturier.structures.models import Service, Structure

from .builders import COMMUNE_SIRET, SUPPLIER_SIRET, invoice_file, targz, zipped

pytestmark = pytest.mark.django_db(transaction=True)

MAIN_CONTRACTOR = "52345678800018"


def lot(numbers: list[str], **overrides: Any) -> bytes:
    return targz([(f"{n}.xml", invoice_file("cii", n, **overrides)) for n in numbers])


def receive(actor: User, data: bytes, name: str = "lot.tar.gz") -> Flow:
    flow = flow_receive(actor=actor, data=data, file_name=name, syntax="IN_DP_E1_CII_16B", channel="API")
    return Flow.objects.get(pk=flow.pk)


# --- the batch writes what invoice_deposit writes ------------------------------------------------


def _records(invoice: Invoice) -> dict[str, Any]:
    """What a deposit leaves, without what differs between two deposits (ids, instants, paths)."""
    entries = AuditEntry.objects.for_object(invoice).order_by("sequence")
    volatile = {"fingerprint"}
    return {
        "status": invoice.status,
        "history": list(invoice.status_changes.order_by("pk").values_list("status", "previous_status", "actor_id",
                                                                         "comment")),
        "audit": [(e.action, e.actor_id, e.object_label.split(" (")[1],
                   {k: v for k, v in e.data.items() if k not in volatile}) for e in entries],
        "events": list(invoice.events.values_list("code", flat=True)),
        "validator1": invoice.validator1_id,
    }


@pytest.mark.parametrize(
    ("frame", "with_validator"),
    [("A1", False), ("A2", False), ("A9", True), ("A12", False), ("A12", True)],
)
def test_a_batch_deposit_leaves_the_records_of_one_by_one_deposits(
    supplier_tech: User, frame: str, with_validator: bool
) -> None:
    supplier = Structure.objects.get(identifier=SUPPLIER_SIRET)
    recipient = Structure.objects.get(identifier=COMMUNE_SIRET)
    service = Service.objects.get(structure=recipient, code="FINANCES")
    validator = Structure.objects.get(identifier=MAIN_CONTRACTOR) if with_validator else None

    def arguments(number: str) -> dict[str, Any]:
        data = invoice_file("cii", number, business_process=frame)
        return {
            "document": read(data).invoice, "data": data, "file_name": f"{number}.xml", "supplier": supplier,
            "recipient": recipient, "service": service, "deposit_mode": "UPLOAD_API", "syntax": "cii",
            "billing_frame": frame, "validator": validator,
        }

    one = invoice_deposit(actor=supplier_tech, **arguments("ONE-1"))
    [batched] = invoices_deposit_many(actor=supplier_tech,
                                      deposits=[invoice_prepare(actor=supplier_tech, **arguments("ONE-1"))])
    one.refresh_from_db()
    batched.refresh_from_db()
    assert _records(batched) == _records(one)
    assert one.status == {"A1": InvoiceStatus.MISE_A_DISPOSITION, "A2": InvoiceStatus.MISE_EN_PAIEMENT,
                          "A9": InvoiceStatus.A_VALIDER_1, "A12": InvoiceStatus.MISE_A_DISPOSITION}[frame]
    with batched.original_file.open("rb") as handle:
        assert handle.read() == arguments("ONE-1")["data"]
    assert audit_chain_verify().intact


def test_a_rolled_back_batch_leaves_no_stored_original(supplier_tech: User) -> None:
    supplier = Structure.objects.get(identifier=SUPPLIER_SIRET)
    recipient = Structure.objects.get(identifier=COMMUNE_SIRET)
    data = invoice_file("cii", "RB-1")
    prepared = invoice_prepare(actor=supplier_tech, document=read(data).invoice, data=data, file_name="f.xml",
                               supplier=supplier, recipient=recipient, service=None, deposit_mode="UPLOAD_API",
                               syntax="cii", billing_frame="A1")
    path = Path(prepared.invoice.original_file.path)
    assert path.exists()
    prepared.discard()
    assert not path.exists()


# --- flows in batches and chunks -------------------------------------------------------------------


def test_a_flow_is_written_in_a_few_statements_whatever_its_size(supplier_tech: User) -> None:
    """Statements per flow do not grow with its invoices (a batch is BATCH_ENTRIES of them). The
    journal's subscribers (notifications) are left out: what they do after commit is their own."""

    def statements(numbers: list[str]) -> int:
        with mock.patch("facturier.flows.services.enqueue"):
            flow = receive(supplier_tech, lot(numbers))
        with CaptureQueriesContext(connection) as queries, mock.patch("facturier.audit.services.dispatch_on_commit"):
            flow_process(flow_id=flow.pk)
        assert Flow.objects.get(pk=flow.pk).state == FlowState.IN_INTEGRE
        return len(queries)

    small = statements([f"Q-{i}" for i in range(3)])
    big = statements([f"R-{i}" for i in range(integrate.BATCH_ENTRIES)])
    assert big <= small + 2, (small, big)
    assert Invoice.objects.filter(status=InvoiceStatus.MISE_A_DISPOSITION).count() == 3 + integrate.BATCH_ENTRIES


def test_duplicates_inside_one_batch_and_across_batches(supplier_tech: User) -> None:
    first = receive(supplier_tech, invoice_file("cii", "D-0"), name="f.xml")
    assert first.state == FlowState.IN_INTEGRE
    with mock.patch.object(integrate, "BATCH_ENTRIES", 3):  # batches [D-0, D-1, D-1] and [D-2, D-1]
        flow = receive(supplier_tech, lot(["D-0", "D-1", "D-1", "D-2", "D-1"]))
    assert flow.state == FlowState.IN_INTEGRE_PARTIEL
    items = list(FlowItem.objects.filter(flow=flow).order_by("index"))
    assert [i.outcome for i in items] == ["REJETE", "INTEGRE", "REJETE", "INTEGRE", "REJETE"]
    d0 = Invoice.objects.get(flow=first)
    d1 = Invoice.objects.get(flow=flow, number="D-1")
    assert str(d0.pk) in items[0].errors[0]["message"]["fr"]  # an earlier flow: the platform rule
    assert items[2].errors == [integrate._duplicate("D-1", d1.pk)]  # earlier in the same batch
    assert f"identifiantFactureCPP {d1.pk}" in items[4].errors[0]["message"]["fr"]  # an earlier batch
    assert all(e["rule"] == "FR-PLT-09" for i in items if i.errors for e in i.errors)


@override_settings(FACTURIER_FLOW_CHUNK_SIZE=2)
def test_chunk_tasks_in_any_order_and_repeated_give_one_result(supplier_tech: User) -> None:
    bad = invoice_file("cii", "C-BAD", purchase_order_reference=None)  # FINANCES requires an EJ
    entries = [(f"c{i}.xml", invoice_file("cii", f"C-{i}")) for i in range(6)]
    entries.insert(3, ("bad.xml", bad))
    with mock.patch("facturier.flows.services.enqueue"):
        flow = receive(supplier_tech, targz(entries))
    with mock.patch("facturier.flows.services.enqueue") as queued:
        flow = flow_process(flow_id=flow.pk)  # takes the lease, integrates chunk [0, 2), queues the others
    chunks = [call.args[2:] for call in queued.call_args_list]
    with flow.file.open("rb") as handle:  # each chunk starts where the first pass saw its first entry
        with tarfile.open(fileobj=handle, mode="r|gz") as archive:
            offsets = [member.offset for member in archive]
    assert chunks == [(2, 4, offsets[2]), (4, 6, offsets[4]), (6, 7, offsets[6])]
    assert 0 < offsets[2] < offsets[4] < offsets[6]
    assert flow.state == FlowState.IN_EN_COURS_TRAITEMENT_CPP and flow.entry_count == 7
    assert FlowItem.objects.filter(flow=flow).count() == 2

    flow_process_chunk(flow_id=flow.pk, start=6, stop=7, offset=offsets[6])
    flow_process_chunk(flow_id=flow.pk, start=2, stop=4, offset=offsets[2])
    flow_process_chunk(flow_id=flow.pk, start=2, stop=4)  # delivered twice; as queued before offsets
    assert Flow.objects.get(pk=flow.pk).state == FlowState.IN_EN_COURS_TRAITEMENT_CPP
    flow_process_chunk(flow_id=flow.pk, start=4, stop=6)  # the last one finishes the flow
    flow_process_chunk(flow_id=flow.pk, start=4, stop=6)

    flow = Flow.objects.get(pk=flow.pk)
    assert flow.state == FlowState.IN_INTEGRE_PARTIEL
    assert (flow.invoice_count, flow.integrated_count, flow.rejected_count) == (7, 6, 1)
    assert [f["index"] for f in flow.report["factures"]] == list(range(7))
    assert flow.report["factures"][3]["resultat"] == "REJETE"
    assert sorted(Invoice.objects.filter(flow=flow).values_list("number", flat=True)) == [f"C-{i}" for i in range(6)]
    assert AuditEntry.objects.filter(action="flow.integre_partiel").count() == 1
    assert audit_chain_verify().intact


@override_settings(FACTURIER_FLOW_CHUNK_SIZE=3)
def test_in_process_chunks_run_as_they_are_queued(supplier_tech: User) -> None:
    """Without a broker the chunk tasks run in-process when queued: the flow still ends whole."""
    flow = receive(supplier_tech, zipped([(f"z{i}.xml", invoice_file("cii", f"Z-{i}")) for i in range(8)]),
                   name="lot.zip")
    assert flow.state == FlowState.IN_INTEGRE and flow.integrated_count == 8
    assert sorted(FlowItem.objects.filter(flow=flow).values_list("index", flat=True)) == list(range(8))


def test_chunks_cover_what_is_left() -> None:
    assert chunks_of([], 2) == []
    assert chunks_of([0, 1, 2, 3, 4], 0) == [(0, 5)]
    assert chunks_of([0, 1, 2, 3, 4], 2) == [(0, 2), (2, 4), (4, 5)]
    assert chunks_of([1, 4, 5, 9], 2) == [(1, 5), (5, 10)]  # the done entries in between are skipped


def test_a_batch_that_races_another_run_is_written_again_one_entry_at_a_time(supplier_tech: User) -> None:
    """Another run records entry 1 while this one writes its batch: the batch transaction fails on
    the (flow, index) constraint, nothing of it stays (rows or stored originals), and each entry is
    written again in its own transaction."""
    from django.core.files.storage import default_storage

    with mock.patch("facturier.flows.services.enqueue"):
        flow = receive(supplier_tech, lot(["RACE-0", "RACE-1", "RACE-2"]))
    real_duplicates, real_prepare = integrate.duplicates_of, integrate.invoice_prepare
    raced: list[int] = []
    stored: list[str] = []

    def other_run_meanwhile(keys: Any) -> Any:
        if not raced:  # only during the first (batch) attempt
            raced.append(1)
            FlowItem.objects.create(flow_id=flow.pk, index=1, entry_name="RACE-1.xml", outcome="REJETE")
        return real_duplicates(keys)

    def prepare(**arguments: Any) -> Any:
        prepared = real_prepare(**arguments)
        stored.append(prepared.invoice.original_file.name)
        return prepared

    with mock.patch.object(integrate, "duplicates_of", other_run_meanwhile), \
            mock.patch.object(integrate, "invoice_prepare", prepare):
        flow = flow_process(flow_id=flow.pk)
    assert raced == [1]
    assert flow.state == FlowState.IN_INTEGRE
    invoices = Invoice.objects.filter(flow=flow)
    assert sorted(invoices.values_list("number", flat=True)) == ["RACE-0", "RACE-1", "RACE-2"]
    kept = set(invoices.values_list("original_file", flat=True))
    assert len(stored) == 6 and kept <= set(stored)  # 3 for the batch, then 3 one by one
    assert {name for name in stored if default_storage.exists(name)} == kept  # the batch's copies are gone
    assert audit_chain_verify().intact


@pytest.mark.parametrize("pack", [targz, zipped])
def test_entries_of_a_range_are_read_alone(pack: Any, tmp_path: Path) -> None:
    import io

    from facturier.flows import unpack

    entries = [(f"e{i}.xml", f"<x>{i}</x>".encode()) for i in range(5)]
    data = pack(entries)
    limits = unpack.UnpackLimits(max_entries=10, max_entry_bytes=1000, max_total_bytes=10_000, max_ratio=100)

    def read_range(start: int, stop: int | None) -> list[tuple[int, str, bytes]]:
        return list(unpack.iter_entries(io.BytesIO(data), file_name="lot", size=len(data), limits=limits,
                                        start=start, stop=stop))

    assert read_range(0, None) == [(i, n, d) for i, (n, d) in enumerate(entries)]
    assert read_range(2, 4) == [(2, "e2.xml", b"<x>2</x>"), (3, "e3.xml", b"<x>3</x>")]
    assert read_range(4, 9) == [(4, "e4.xml", b"<x>4</x>")]
    assert read_range(5, 6) == []


@override_settings(FACTURIER_FLOW_CHUNK_SIZE=2)
def test_a_lost_chunk_task_is_recovered_by_the_sweeper(supplier_tech: User) -> None:
    """A chunk task whose worker died (or whose message was lost) leaves the flow processing; once
    the lease has expired the sweeper re-queues the flow, whose new run does only what is left."""
    from facturier.flows.services import flow_sweep

    with mock.patch("facturier.flows.services.enqueue"):
        flow = receive(supplier_tech, lot([f"L-{i}" for i in range(6)]))
    with mock.patch("facturier.flows.services.enqueue") as queued:
        flow_process(flow_id=flow.pk)
    [first, _lost] = [c.args[2:] for c in queued.call_args_list]
    flow_process_chunk(flow_id=flow.pk, start=first[0], stop=first[1])  # the other chunk never runs
    assert Flow.objects.get(pk=flow.pk).state == FlowState.IN_EN_COURS_TRAITEMENT_CPP
    assert flow_sweep() == []  # the lease is fresh

    with override_settings(FACTURIER_FLOW_LEASE_SECONDS=0), mock.patch("facturier.flows.services.enqueue") as again:
        assert flow_sweep() == [flow.pk]
        [requeued] = again.call_args_list
        requeued.args[0].apply(args=requeued.args[1:])  # the re-queued flows.process_flow
    assert again.call_count == 1  # what was left is one chunk: done in the re-run itself
    flow = Flow.objects.get(pk=flow.pk)
    assert flow.state == FlowState.IN_INTEGRE and flow.attempts == 2
    assert sorted(FlowItem.objects.filter(flow=flow).values_list("index", flat=True)) == list(range(6))
    assert Invoice.objects.filter(flow=flow).count() == 6
