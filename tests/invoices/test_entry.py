"""facturier.invoices.entry: entered invoices are built, validated like flow invoices, integrated."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest

from facturier.accounts.models import User
from facturier.core.demo import TECH_LOGIN, load_demo
from facturier.einvoice import Format, read
from facturier.einvoice.findings import Severity
from facturier.einvoice.validate import validate
from facturier.einvoice.writers import write_facturx
from facturier.invoices.entry import (
    EntryData,
    EntryLine,
    deposit_context,
    deposit_recheck,
    entry_build,
    entry_preview_totals,
    invoice_submit,
    pdf_prefill,
)
from facturier.invoices.enums import DepositMode, InvoiceStatus
from facturier.invoices.errors import InvoiceRejected
from facturier.invoices.models import Invoice, InvoiceAttachment
from facturier.einvoice.platform import Subject
from facturier.structures.models import Service, Structure
from tests.flows.builders import invoice as built_invoice

SUPPLIER = "89123456900012"
COMMUNE = "21345000000012"


@pytest.fixture
def world(db: None) -> dict:
    load_demo()
    return {
        "tech": User.objects.get(email=TECH_LOGIN),
        "supplier": Structure.objects.get(identifier=SUPPLIER),
        "commune": Structure.objects.get(identifier=COMMUNE),
    }


def entry(world: dict, **overrides) -> EntryData:
    data = dict(
        supplier=world["supplier"],
        recipient=world["commune"],
        service_code="FINANCES",
        commitment_number="EJ-2025-0042",
        number="SAI-2025-001",
        issue_date=date(2025, 3, 1),
        due_date=date(2025, 3, 31),
        lines=(
            EntryLine(name="Accord de piano", quantity=Decimal("2"), unit_price=Decimal("80.00"), vat_rate=Decimal("20")),
            EntryLine(name="Partitions", quantity=Decimal("3"), unit_price=Decimal("15.005"), vat_rate=Decimal("5.5")),
        ),
        iban="FR7630006000011234567890189",
    )
    data.update(overrides)
    return EntryData(**data)


def test_totals_are_computed_half_up_to_two_decimals(world: dict) -> None:
    data = entry(world, global_discount=Decimal("10.00"), global_discount_reason="Fidélité")
    totals = entry_preview_totals(data=data)
    # 3 × 15.005 = 45.015 → 45.02 (half up); discount 10 split 160/205.02 → 7.80 and 2.20.
    assert totals["lines"] == [Decimal("160.00"), Decimal("45.02")]
    assert [(v["rate"], v["base"], v["amount"]) for v in totals["vat"]] == [
        (Decimal("20"), Decimal("152.20"), Decimal("30.44")),
        (Decimal("5.5"), Decimal("42.82"), Decimal("2.36")),
    ]
    assert totals["total_ht"] == Decimal("195.02") and totals["total_vat"] == Decimal("32.80")
    assert totals["total_ttc"] == Decimal("227.82") == totals["amount_due"]
    assert entry_preview_totals(data=entry(world, lines=()))["total_ttc"] == Decimal("0.00")


def test_a_valid_entry_is_integrated_with_a_valid_facturx_original(world: dict) -> None:
    invoice = invoice_submit(actor=world["tech"], data=entry(world), mode=DepositMode.SAISIE_API)
    assert invoice.status == InvoiceStatus.MISE_A_DISPOSITION
    assert invoice.deposit_mode == "SAISIE_API" and invoice.syntax == "facturx"
    assert invoice.service_code == "FINANCES" and invoice.commitment_number == "EJ-2025-0042"
    assert invoice.amount_ht == Decimal("205.02") and invoice.amount_ttc == Decimal("239.50")
    assert invoice.certificate_fingerprint and invoice.flow_id is None
    with invoice.original_file.open("rb") as handle:
        original = handle.read()
    assert read(original).format is Format.FACTURX
    report = validate(original)
    assert report.profile == "en16931" or "16931" in report.profile
    assert [f for f in report.findings if f.severity is Severity.FATAL] == [] and report.valid


def test_a2_goes_to_payment_directly(world: dict) -> None:
    invoice = invoice_submit(actor=world["tech"], data=entry(world, frame="A2"), mode=DepositMode.SAISIE_PORTAIL)
    assert invoice.status == InvoiceStatus.MISE_EN_PAIEMENT and invoice.billing_frame.startswith("A2_")


def test_invalid_entry_is_rejected_with_rule_term_and_message_and_stores_nothing(world: dict) -> None:
    data = entry(world, service_code="INCONNU", iban="", number="")
    with pytest.raises(InvoiceRejected) as caught:
        invoice_submit(actor=world["tech"], data=data, mode=DepositMode.SAISIE_API)
    rules = {f["rule"]: f for f in caught.value.findings}
    assert "FR-SAI-01" in rules and rules["FR-SAI-01"]["terms"] == ["BT-1"]
    assert Invoice.objects.count() == 0

    with pytest.raises(InvoiceRejected) as caught:
        invoice_submit(actor=world["tech"], data=entry(world, service_code="INCONNU", iban=""),
                       mode=DepositMode.SAISIE_API)
    rules = {f["rule"]: f for f in caught.value.findings}
    assert "FR-PLT-05" in rules and "BT-10" in rules["FR-PLT-05"]["terms"]
    assert "INCONNU" in rules["FR-PLT-05"]["message"]["fr"] and rules["FR-PLT-05"]["message"]["en"]
    assert "BR-61" in rules and "BT-84" in rules["BR-61"]["terms"]  # credit transfer without IBAN
    assert "FR-SAI-01" not in rules
    assert set(caught.value.findings[0]) == {"rule", "terms", "location", "line", "message"}
    assert Invoice.objects.count() == 0 and InvoiceAttachment.objects.count() == 0


def test_exempt_line_without_reason_names_bt_120(world: dict) -> None:
    line = EntryLine(name="Formation", quantity=Decimal(1), unit_price=Decimal(100), vat_rate=Decimal(0), vat_category="E")
    with pytest.raises(InvoiceRejected) as caught:
        invoice_submit(actor=world["tech"], data=entry(world, lines=(line,)), mode=DepositMode.SAISIE_API)
    assert caught.value.findings[0]["rule"] == "BR-E-10" and "BT-120" in caught.value.findings[0]["terms"]
    ok = invoice_submit(
        actor=world["tech"], data=entry(world, lines=(line,), exemption_reason="Exonération art. 261-4-4 CGI"),
        mode=DepositMode.SAISIE_API,
    )
    assert ok.amount_vat == Decimal("0.00") and ok.amount_ttc == Decimal("100.00")


def test_supplier_must_be_one_the_actor_may_deposit_for(world: dict) -> None:
    other = Structure.objects.get(identifier="52345678800018")
    with pytest.raises(InvoiceRejected) as caught:
        invoice_submit(actor=world["tech"], data=entry(world, supplier=other), mode=DepositMode.SAISIE_API)
    assert caught.value.findings[0]["rule"] == "FR-DEP-01"
    private = Structure.objects.get(identifier="53456789600012")
    with pytest.raises(InvoiceRejected) as caught:
        invoice_submit(actor=world["tech"], data=entry(world, recipient=private, service_code=""),
                       mode=DepositMode.SAISIE_API)
    assert "FR-SAI-02" in {f["rule"] for f in caught.value.findings}
    assert Invoice.objects.count() == 0


def test_duplicates_are_refused_with_a_pointer_to_the_first(world: dict) -> None:
    first = invoice_submit(actor=world["tech"], data=entry(world), mode=DepositMode.SAISIE_API)
    with pytest.raises(InvoiceRejected) as caught:
        invoice_submit(actor=world["tech"], data=entry(world), mode=DepositMode.SAISIE_PORTAIL)
    dup = next(f for f in caught.value.findings if f["rule"] == "FR-PLT-09")
    assert f"identifiantFactureCPP {first.pk}" in dup["message"]["fr"]
    assert Invoice.objects.count() == 1


def test_the_recheck_under_the_lock_refuses_a_duplicate_and_a_service_closed_meanwhile(world: dict) -> None:
    # What another deposit or an administrator changed between the validation and the supplier's
    # lock: deposit_recheck (shared with re-submission) sees it and refuses with the rule's finding.
    supplier = world["supplier"]
    subject = Subject(read(write_facturx(entry_build(data=entry(world)))), deposit_context(supplier))
    service = Service.objects.get(structure=world["commune"], code="FINANCES")
    deposit_recheck(subject=subject, number="SAI-2025-001", supplier=supplier, service=service)  # nothing yet

    Service.objects.filter(pk=service.pk).update(is_active=False)
    service.refresh_from_db()
    with pytest.raises(InvoiceRejected) as caught:
        deposit_recheck(subject=subject, number="SAI-2025-001", supplier=supplier, service=service)
    assert [(f["rule"], f["terms"]) for f in caught.value.findings] == [("FR-PLT-06", ["BT-10"])]

    Service.objects.filter(pk=service.pk).update(is_active=True)
    first = invoice_submit(actor=world["tech"], data=entry(world), mode=DepositMode.SAISIE_API)
    with pytest.raises(InvoiceRejected) as caught:
        deposit_recheck(subject=subject, number="SAI-2025-001", supplier=supplier, service=None)
    assert [f["rule"] for f in caught.value.findings] == ["FR-PLT-09"]
    assert f"identifiantFactureCPP {first.pk}" in caught.value.findings[0]["message"]["fr"]


def test_pdf_deposit_keeps_the_supplier_pdf_as_original_and_stores_attachments(world: dict) -> None:
    pdf = _plain_pdf(["Facture n° PDF-1"])
    invoice = invoice_submit(
        actor=world["tech"], data=entry(world, number="PDF-1"), mode=DepositMode.DEPOT_PDF_API, original_pdf=pdf,
        attachments=[("bon-livraison.pdf", b"%PDF-1.4 bl")],
    )
    assert invoice.syntax == "pdf" and invoice.deposit_mode == "DEPOT_PDF_API"
    with invoice.original_file.open("rb") as handle:
        assert handle.read() == pdf
    assert invoice.structured_data["BT-1"] == "PDF-1" and invoice.structured_data["BT-10"] == "FINANCES"
    assert [a.name for a in invoice.attachments.all()] == ["bon-livraison.pdf"]
    with pytest.raises(InvoiceRejected) as caught:
        invoice_submit(actor=world["tech"], data=entry(world, number="PDF-2"), mode=DepositMode.DEPOT_PDF_API,
                       original_pdf=pdf, attachments=[("virus.exe", b"MZ")])
    assert caught.value.findings[0]["rule"] == "FR-SAI-07"
    with pytest.raises(InvoiceRejected) as caught:
        invoice_submit(actor=world["tech"], data=entry(world, number="PDF-3"), mode=DepositMode.DEPOT_PDF_API)
    assert caught.value.findings[0]["rule"] == "FR-SAI-06"


def test_pending_uploads_are_claimed_once_by_the_invoice(world: dict) -> None:
    from facturier.invoices.entry import PendingUse, attachment_pending_add
    from facturier.invoices.errors import AttachmentRefused
    from facturier.invoices.models import Invoice, InvoiceAttachment

    tech = world["tech"]
    upload = attachment_pending_add(actor=tech, name="annexe.pdf", data=b"%PDF-1.4 annexe")
    invoice = invoice_submit(actor=tech, data=entry(world, number="PEND-1"), mode=DepositMode.SAISIE_API,
                             pending=[PendingUse(upload, designation="Annexe technique")])
    claimed = InvoiceAttachment.objects.get(pk=upload.pk)
    assert (claimed.invoice_id, claimed.kind, claimed.designation) == (
        invoice.pk, InvoiceAttachment.Kind.ADDITIONAL, "Annexe technique")
    with pytest.raises(AttachmentRefused):  # already used: the second invoice is not stored
        invoice_submit(actor=tech, data=entry(world, number="PEND-2"), mode=DepositMode.SAISIE_API,
                       pending=[PendingUse(upload)])
    assert not Invoice.objects.filter(number="PEND-2").exists()
    assert InvoiceAttachment.objects.get(pk=upload.pk).invoice_id == invoice.pk


def test_entries_never_create_drafts(world: dict) -> None:
    with pytest.raises(InvoiceRejected):
        invoice_submit(actor=world["tech"], data=entry(world, lines=()), mode=DepositMode.SAISIE_PORTAIL)
    invoice_submit(actor=world["tech"], data=entry(world), mode=DepositMode.SAISIE_PORTAIL)
    assert not Invoice.objects.filter(status=InvoiceStatus.BROUILLON).exists()


def test_credit_note(world: dict) -> None:
    invoice = invoice_submit(
        actor=world["tech"], data=entry(world, type="AVOIR", number="AV-1", preceding_invoice="SAI-2025-000"),
        mode=DepositMode.SAISIE_API,
    )
    assert invoice.type == "AVOIR" and invoice.document_type_code == "381"


def test_entry_build_gives_the_model(world: dict) -> None:
    document = entry_build(data=entry(world))
    assert document.number.normalized == "SAI-2025-001" and document.business_process.normalized == "A1"
    assert document.totals.payable.value == Decimal("239.50")


# --- pdf_prefill ---------------------------------------------------------------------------------


def _plain_pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    y = 800
    for line in lines:
        page.drawString(50, y, line)
        y -= 20
    page.save()
    return out.getvalue()


def test_prefill_from_facturx_gives_exact_values() -> None:
    pdf = write_facturx(built_invoice("AD-2025-0777"))
    result = pdf_prefill(pdf=pdf)
    assert result["source"] == "facturx"
    fields = result["fields"]
    assert fields["number"] == "AD-2025-0777" and fields["issue_date"] == date(2025, 3, 1)
    assert fields["due_date"] == date(2025, 3, 31) and fields["type"] == "FACTURE"
    assert fields["supplier"] == SUPPLIER and fields["recipient"] == COMMUNE
    assert fields["service_code"] == "FINANCES" and fields["commitment_number"] == "EJ-2025-0042"
    assert fields["contract_number"] == "MARCHE-2024-07" and fields["iban"] == "FR7630006000011234567890189"
    assert fields["amount_ht"] == Decimal("205.00") and fields["amount_vat"] == Decimal("34.48")
    assert fields["amount_ttc"] == Decimal("239.48") == fields["amount_due"]
    assert [(line["name"], line["quantity"], line["unit_price"], line["vat_rate"]) for line in fields["lines"]] == [
        ("Accord de piano", Decimal("2"), Decimal("80.00"), Decimal("20")),
        ("Partitions", Decimal("3"), Decimal("15.00"), Decimal("5.5")),
    ]


def test_prefill_from_the_text_layer() -> None:
    pdf = _plain_pdf([
        "Au Diapason - SIRET 891 234 569 00012",
        "FACTURE N° FA-2025-0042",
        "Date de facture : 05/03/2025",
        "Date d'échéance : 04/04/2025",
        "Client : Commune de Montclair SIRET 21345000000012",
        "Code service : FINANCES",
        "Numéro d'engagement : EJ-2025-0042",
        "Total HT : 1 234,50",
        "Total TVA : 246,90",
        "Total TTC : 1 481,40",
        "Net à payer : 1 481,40",
    ])
    result = pdf_prefill(pdf=pdf)
    assert result["source"] == "text"
    assert result["fields"] == {
        "number": "FA-2025-0042",
        "issue_date": date(2025, 3, 5),
        "due_date": date(2025, 4, 4),
        "supplier": SUPPLIER,
        "recipient": COMMUNE,
        "service_code": "FINANCES",
        "commitment_number": "EJ-2025-0042",
        "amount_ht": Decimal("1234.50"),
        "amount_vat": Decimal("246.90"),
        "amount_ttc": Decimal("1481.40"),
        "amount_due": Decimal("1481.40"),
    }


def test_prefill_of_a_scan_uses_ocr_only_when_tesseract_is_installed() -> None:
    from reportlab.pdfgen import canvas

    out = BytesIO()
    page = canvas.Canvas(out)
    page.rect(50, 50, 200, 200, fill=1)  # no text at all
    page.save()
    result = pdf_prefill(pdf=out.getvalue())
    assert result["ocr_available"] is (shutil.which("tesseract") is not None)
    if not result["ocr_available"]:
        assert result["source"] == "none" and result["fields"] == {}
    assert pdf_prefill(pdf=b"not a pdf")["source"] == "none"


def test_replace_keeps_frozen_dataclasses(world: dict) -> None:
    data = entry(world)
    assert replace(data, number="X").number == "X" and data.number == "SAI-2025-001"
