"""Readers over the corpus: every core document reads, out-of-scope input gets a typed error.

The corpus stays outside the repository (``FACTURIER_CORPUS``, default ``../shared/corpus``).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from facturier.einvoice import (
    EInvoiceError,
    ErrorCode,
    Format,
    NoEmbeddedInvoiceError,
    NotWellFormedError,
    Profile,
    UnsupportedFormatError,
    read,
)

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("FACTURIER_CORPUS") or REPO.parent / "shared" / "corpus")


def _rows(*relevance: str) -> list[dict[str, str]]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh, delimiter="\t") if r["relevance"] in relevance]


CORE = _rows("core")
REFUSED = _rows("out-of-scope", "robustness-negative", "legacy-zugferd1")
FRAGMENTS = _rows("unit-fragment")

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
# Independent XPaths (the official binding) to cross-check what the walker extracted.
CHECKS = {
    Format.UBL: {
        "BT-1": "/*/cbc:ID",
        "BT-115": "/*/cac:LegalMonetaryTotal/cbc:PayableAmount",
        "BT-112": "/*/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
        "BG-25": "/*/cac:InvoiceLine | /*/cac:CreditNoteLine",
        "BG-23": "/*/cac:TaxTotal/cac:TaxSubtotal",
    },
    Format.CII: {
        "BT-1": "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID",
        "BT-115": "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount",
        "BT-112": "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount",
        "BG-25": "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem",
        "BG-23": "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax",
    },
}
EXPECTED_FORMAT = {
    "ubl-invoice": Format.UBL,
    "ubl-creditnote": Format.UBL,
    "cii": Format.CII,
    "pdf->cii": Format.FACTURX,
}

pytestmark = pytest.mark.corpus


@pytest.fixture(autouse=True)
def _need_corpus(corpus: Path) -> None:
    """The session fixture of tests/conftest.py skips (or fails under CI=true) without corpus."""


@pytest.mark.parametrize("row", CORE, ids=[r["path"] for r in CORE])
def test_core_document_reads(row: dict[str, str]) -> None:
    doc = read((CORPUS / row["path"]).read_bytes())
    inv = doc.invoice

    assert doc.format is EXPECTED_FORMAT[row["kind"]]
    assert inv.number is not None and not inv.number.is_blank
    assert inv.totals is not None and inv.totals.payable is not None
    assert inv.totals.payable.value is not None, inv.totals.payable.raw
    # BT-24 as the manifest saw it, and a profile derived from it (or from the XMP).
    assert inv.specification_id is not None and inv.specification_id.text == row["spec_id"]
    if "ferd:CrossIndustryDocument" not in row["spec_id"]:
        assert doc.profile is not Profile.UNKNOWN

    checks = CHECKS[doc.syntax]
    found = {k: doc.tree.xpath(xp, namespaces=NS) for k, xp in checks.items()}
    assert [v.raw for v in inv.all("BT-1")] == ["".join(e.itertext()) for e in found["BT-1"]]
    assert [v.raw for v in inv.totals.all("BT-115")] == [e.text for e in found["BT-115"]]
    assert [v.raw for v in inv.totals.all("BT-112")] == [e.text for e in found["BT-112"]]
    assert len(inv.lines) == len(found["BG-25"])
    assert len(inv.vat_breakdown) == len(found["BG-23"])
    # Locations point back at the very element.
    assert doc.tree.xpath(_to_ns_xpath(inv.number.xpath), namespaces=_PREFIXES) == [inv.number.el]
    assert inv.number.line == inv.number.el.sourceline


_PREFIXES = {**NS, "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"}


def _to_ns_xpath(path: str) -> str:
    # Our readable paths leave the UBL root unprefixed; make them evaluable for the check.
    steps = path.strip("/").split("/")
    if ":" not in steps[0]:
        steps[0] = "*[local-name()='%s']" % steps[0]
    return "/" + "/".join(steps)


def _expected_error(row: dict[str, str]) -> type[EInvoiceError]:
    if row["kind"] == "xml-not-wellformed":
        return NotWellFormedError
    if row["kind"] == "pdf->None":
        # Mustang's factur-x.xml with a broken encoding declaration is in the PDF but unreadable.
        return NotWellFormedError if "attachments=['factur-x.xml']" in row["notes"] else NoEmbeddedInvoiceError
    return UnsupportedFormatError


@pytest.mark.parametrize("row", REFUSED, ids=[r["path"] for r in REFUSED])
def test_out_of_scope_input_gets_a_typed_error(row: dict[str, str]) -> None:
    data = (CORPUS / row["path"]).read_bytes()
    if row["path"].endswith("MustangRE-20171118_506_ZUGFeRD1and2.pdf"):
        # Hybrid PDF: a ZUGFeRD 1.0 file *and* a factur-x.xml. Reading the Factur-X one is right.
        doc = read(data)
        assert doc.format is Format.FACTURX and doc.pdf is not None
        assert doc.pdf.attachment_name == "factur-x.xml"
        assert "ZUGFeRD-invoice.xml" in doc.pdf.attachments
        return
    with pytest.raises(EInvoiceError) as info:
        read(data)
    err = info.value
    assert type(err) is _expected_error(row)
    assert set(err.message) == {"fr", "en"} and all(err.message.values())
    if isinstance(err, UnsupportedFormatError) and err.code is ErrorCode.UNSUPPORTED_FORMAT:
        expected = {"fatturapa": "fatturapa", "zugferd1-cii": "zugferd1", "pdf->zugferd1-cii": "zugferd1"}
        if row["kind"] in expected:
            assert err.params["format"] == expected[row["kind"]]
        if row["kind"].startswith("other-xml:") and "SCRDMCCBDACIO" in row["kind"]:
            assert err.params["format"] == "orderx"


def test_every_unit_fragment_reads_without_crashing() -> None:
    """Deliberately broken fragments must still give a model (the rules judge them)."""
    assert FRAGMENTS, "no unit fragments in the manifest"
    for row in FRAGMENTS:
        doc = read((CORPUS / row["path"]).read_bytes())
        assert doc.syntax in (Format.UBL, Format.CII), row["path"]
        assert doc.invoice.el is doc.tree.getroot()


def test_pdf_profile_comes_from_xmp_too() -> None:
    rows = [r for r in CORE if r["kind"] == "pdf->cii"]
    assert rows
    seen = set()
    for row in rows:
        doc = read((CORPUS / row["path"]).read_bytes())
        assert doc.pdf is not None and doc.pdf.attachment_name.lower() in (
            "factur-x.xml",
            "zugferd-invoice.xml",
            "xrechnung.xml",
        )
        seen.add(doc.pdf.xmp_profile)
        # The extracted XML is the very XML the manifest extracted.
        extracted = row["notes"].split("xml_extracted_to=")[1].split(" |")[0]
        assert doc.xml == (CORPUS / extracted).read_bytes()
    assert {Profile.EN16931, Profile.EXTENDED, Profile.MINIMUM} <= seen
