"""``convert()``: bytes in, bytes of the target syntax out (the corpus-wide checks are in
``test_roundtrip.py``)."""

from __future__ import annotations

import pytest

from facturier.einvoice import EInvoiceError, Format, read
from facturier.einvoice.convert import convert
from facturier.einvoice.values import Code, Value
from facturier.einvoice.writers import write_ubl
from tests.einvoice.writers.factories import credit_note, simple_invoice


@pytest.mark.parametrize("to", ["ubl", "cii"])
def test_convert_xml(to: str) -> None:
    ubl = write_ubl(simple_invoice())
    out = convert(ubl, to)
    assert read(out).format is Format(to)
    # Converting to the same syntax reproduces the writer's output.
    assert convert(out, to) == out


def test_convert_chain_ubl_cii_facturx_cii() -> None:
    ubl = write_ubl(credit_note())
    pdf = convert(ubl, "facturx", lang="en")
    assert read(pdf).format is Format.FACTURX
    # The PDF carries exactly the CII that a UBL → CII conversion gives.
    assert convert(pdf, "cii") == convert(ubl, "cii")


def test_convert_options_and_errors() -> None:
    ubl = write_ubl(credit_note())
    assert read(convert(ubl, "ubl", document="Invoice")).root.tag.endswith("}Invoice")
    with pytest.raises(ValueError):
        convert(ubl, "pdf")
    with pytest.raises(EInvoiceError):
        convert(b"not an invoice", "ubl")


def test_chorus_ubl_service_code_becomes_bt10_in_cii() -> None:
    """Chorus Pro UBL may carry the service code in the buyer's cac:Contact/cbc:ID (domain.md §4.6)."""
    inv = simple_invoice(buyer_reference=None)
    assert inv.buyer is not None and inv.buyer.contact is not None
    inv.buyer.contact.id = Value("SCE-42", None)
    ubl = read(write_ubl(inv))
    assert ubl.invoice.buyer_reference is None
    assert ubl.invoice.service_code is not None and ubl.invoice.service_code.raw == "SCE-42"
    cii = read(convert(ubl.xml, "cii")).invoice
    assert cii.buyer_reference is not None and cii.buyer_reference.raw == "SCE-42"


def test_tax_currency_equal_to_invoice_currency_is_not_written_in_cii() -> None:
    """CEN CII BR-53 wants BT-6 to differ from BT-5; UBL accepts them equal."""
    inv = simple_invoice()
    inv.tax_currency = Code("EUR", None)
    ubl = write_ubl(inv)
    assert read(ubl).invoice.tax_currency is not None
    assert read(convert(ubl, "cii")).invoice.tax_currency is None
