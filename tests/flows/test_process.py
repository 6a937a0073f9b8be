"""Flow processing end to end, in-process (eager tasks run after commit)."""

from __future__ import annotations

import pytest

from facturier.accounts.models import User
from facturier.audit.models import AuditEntry
from facturier.flows.models import Flow, FlowItem, FlowState
from facturier.flows.services import flow_receive
from facturier.invoices.enums import InvoiceStatus
from facturier.invoices.models import Invoice, certificate_fingerprint

from .builders import EXTENSIONS, SYNTAXES, invoice_file, targz, zipped

pytestmark = pytest.mark.django_db(transaction=True)


def deposit(actor: User, data: bytes, fmt: str, name: str | None = None, syntax: str | None = None) -> Flow:
    flow = flow_receive(
        actor=actor,
        data=data,
        file_name=name or f"facture.{EXTENSIONS[fmt]}",
        syntax=syntax or SYNTAXES[fmt],
        channel="API",
    )
    return Flow.objects.get(pk=flow.pk)


@pytest.mark.parametrize("fmt", ["facturx", "ubl", "cii"])
def test_one_invoice_is_integrated_and_made_available(supplier_tech: User, fmt: str) -> None:
    flow = deposit(supplier_tech, invoice_file(fmt, "AD-1"), fmt)
    assert flow.number.startswith("CPP") and len(flow.number) == 25 and flow.number[3:].isdigit()
    assert flow.state == FlowState.IN_INTEGRE, (flow.report["factures"], flow.technical_errors)
    invoice = Invoice.objects.get(flow=flow)
    assert invoice.number == "AD-1"
    assert invoice.supplier_identifier == "89123456900012" and invoice.supplier_name == "Au Diapason"
    assert invoice.recipient_identifier == "21345000000012" and invoice.service_code == "FINANCES"
    assert invoice.commitment_number == "EJ-2025-0042" and invoice.contract_number == "MARCHE-2024-07"
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert [c.status for c in invoice.status_changes.all()] == ["DEPOSEE", "MISE_A_DISPOSITION"]
    assert str(invoice.amount_ht) == "205.000000"
    assert invoice.certificate_fingerprint == certificate_fingerprint(
        number="AD-1", supplier_identifier=invoice.supplier_identifier,
        recipient_identifier=invoice.recipient_identifier, deposited_at=invoice.deposited_at,
        file_sha256=invoice.original_sha256,
    )
    with invoice.original_file.open("rb") as handle:
        assert handle.read() == invoice_file(fmt, "AD-1") or fmt == "facturx"
    # The API renders the PDF report on demand (consulterCR); only EDI flows store it for the outbox.
    assert flow.report["nbIntegrees"] == 1 and not flow.report_pdf
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"flow.received", "invoice.deposited", "invoice.status.mise_a_disposition", "flow.integre"} <= actions


def test_archive_with_a_bad_invoice_is_partially_integrated(supplier_tech: User) -> None:
    bad = invoice_file("cii", "AD-BAD", purchase_order_reference=None)  # FINANCES requires an EJ
    data = targz([("a.xml", invoice_file("cii", "AD-A")), ("b.xml", bad), ("c.xml", invoice_file("cii", "AD-C"))])
    flow = deposit(supplier_tech, data, "cii", name="lot.tar.gz")
    assert flow.state == FlowState.IN_INTEGRE_PARTIEL
    assert sorted(Invoice.objects.filter(flow=flow).values_list("number", flat=True)) == ["AD-A", "AD-C"]
    bad_item = FlowItem.objects.get(flow=flow, number="AD-BAD")
    assert bad_item.outcome == "REJETE" and [e["rule"] for e in bad_item.errors] == ["FR-PLT-07"]


def test_duplicate_is_refused_with_a_pointer_but_a_platform_rejected_number_may_come_back(
    supplier_tech: User,
) -> None:
    first = deposit(supplier_tech, invoice_file("ubl", "AD-DUP"), "ubl")
    assert first.state == FlowState.IN_INTEGRE
    again = deposit(supplier_tech, invoice_file("ubl", "AD-DUP"), "ubl")
    assert again.state == FlowState.IN_REJETE
    error = FlowItem.objects.get(flow=again).errors[0]
    assert error["rule"] == "FR-PLT-09"
    assert str(Invoice.objects.get(flow=first).pk) in error["message"]["fr"]

    rejected = deposit(supplier_tech, invoice_file("ubl", "AD-RETRY", buyer_reference="NOPE"), "ubl")
    assert rejected.state == FlowState.IN_REJETE
    fixed = deposit(supplier_tech, invoice_file("ubl", "AD-RETRY"), "ubl")
    assert fixed.state == FlowState.IN_INTEGRE


def test_a2_goes_to_payment_and_zip_works(supplier_tech: User) -> None:
    data = zipped([("x/one.xml", invoice_file("cii", "AD-Z1", business_process="A2"))])
    flow = deposit(supplier_tech, data, "cii", name="lot.zip")
    assert flow.state == FlowState.IN_INTEGRE, (flow.report["factures"], flow.technical_errors)
    assert Invoice.objects.get(flow=flow).status == InvoiceStatus.MISE_EN_PAIEMENT


def test_a9_in_a_flow_is_rejected_because_it_cannot_name_its_validator(supplier_tech: User) -> None:
    flow = deposit(supplier_tech, invoice_file("cii", "AD-A9", business_process="A9"), "cii")
    assert flow.state == FlowState.IN_REJETE
    (error,) = FlowItem.objects.get(flow=flow).errors
    assert error["rule"] == "FR-DEP-04" and "soumettre" in error["message"]["fr"]
    assert "validator" in error["message"]["en"] and not Invoice.objects.filter(number="AD-A9").exists()
    a12 = deposit(supplier_tech, invoice_file("cii", "AD-A12", business_process="A12"), "cii")
    assert Invoice.objects.get(flow=a12).status == InvoiceStatus.MISE_A_DISPOSITION


def test_supplier_must_be_one_the_depositor_may_deposit_for(supplier_tech: User) -> None:
    other = User.objects.get(email="tech@montclair.demo")
    flow = deposit(other, invoice_file("cii", "AD-X"), "cii")
    assert flow.state == FlowState.IN_REJETE
    assert [e["rule"] for e in FlowItem.objects.get(flow=flow).errors] == ["FR-DEP-01"]


def test_syntax_mismatch_rejects_the_flow_clearly(supplier_tech: User) -> None:
    flow = deposit(supplier_tech, invoice_file("ubl", "AD-S"), "ubl", syntax="IN_DP_E1_CII_16B")
    assert flow.state == FlowState.IN_REJETE
    assert flow.technical_errors[0]["code"] == "SYNTAXE_FLUX_INCOHERENTE"
    assert "UBL" in flow.technical_errors[0]["message"]["fr"]
    assert not Invoice.objects.exists()


def test_reprocessing_a_finished_flow_changes_nothing(supplier_tech: User) -> None:
    from facturier.flows.services import flow_process

    flow = deposit(supplier_tech, invoice_file("cii", "AD-I"), "cii")
    flow_process(flow_id=flow.pk)
    assert Invoice.objects.count() == 1 and FlowItem.objects.count() == 1


def test_the_sweeper_requeues_a_flow_whose_message_was_lost(supplier_tech: User) -> None:
    from unittest import mock

    from django.test import override_settings

    from facturier.flows.services import flow_sweep

    with mock.patch("facturier.flows.services.enqueue"):
        flow = flow_receive(actor=supplier_tech, data=invoice_file("cii", "AD-LOST"), file_name="f.xml",
                            syntax="IN_DP_E1_CII_16B", channel="SFTP")
    assert Flow.objects.get(pk=flow.pk).state == FlowState.IN_EN_ATTENTE_TRAITEMENT_CPP
    assert flow_sweep() == []  # the lease (300 s) has not expired
    with override_settings(FACTURIER_FLOW_LEASE_SECONDS=0):
        assert flow_sweep() == [flow.pk]
    flow = Flow.objects.get(pk=flow.pk)
    assert flow.state == FlowState.IN_INTEGRE
    assert Invoice.objects.get(flow=flow).deposit_mode == "EDI_XML_STRUCT"
    with flow.report_pdf.open("rb") as handle:  # stored for the partner's outbox
        assert handle.read(5) == b"%PDF-"


@pytest.mark.parametrize(
    ("settings_override", "entries", "code"),
    [
        ({"FACTURIER_FLOW_MAX_INVOICES": 2}, 3, "FLUX_TROP_DE_FACTURES"),
        ({"FACTURIER_FLOW_MAX_ENTRY_BYTES": 1000}, 1, "FICHIER_TROP_VOLUMINEUX"),
        ({"FACTURIER_FLOW_MAX_UNCOMPRESSED_BYTES": 6000}, 2, "ARCHIVE_TROP_VOLUMINEUSE"),
    ],
)
def test_archive_caps(supplier_tech: User, settings_override: dict[str, int], entries: int, code: str) -> None:
    from django.test import override_settings

    lot = targz([(f"f{i}.xml", invoice_file("cii", f"AD-CAP-{i}")) for i in range(entries)])
    with override_settings(**settings_override):
        flow = deposit(supplier_tech, lot, "cii", name="lot.tar.gz")
    assert flow.state == FlowState.IN_REJETE
    assert [e["code"] for e in flow.technical_errors] == [code]
    assert not Invoice.objects.exists()


def test_archiver_metadata_is_ignored(supplier_tech: User) -> None:
    data = zipped([("__MACOSX/._a.xml", b"\x00\x05\x16\x07"), ("a.xml", invoice_file("cii", "AD-MAC"))])
    flow = deposit(supplier_tech, data, "cii", name="lot.zip")
    assert flow.state == FlowState.IN_INTEGRE and flow.invoice_count == 1
