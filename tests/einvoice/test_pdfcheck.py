"""The ``pdf`` layer of Factur-X documents (facturier.einvoice.pdfcheck)."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import facturx
import pypdf
import pytest
from reportlab.pdfgen import canvas

from facturier.einvoice import read
from facturier.einvoice.detect import Profile
from facturier.einvoice.findings import Layer, Severity
from facturier.einvoice.pdfcheck import XmpFacts, check_pdf, read_xmp
from facturier.einvoice.readers.pdf import PdfInfo
from facturier.einvoice.validate import validate
from tests.einvoice.test_xsd import cii

FX_NS = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
EN16931 = "urn:cen.eu:en16931:2017"
GOOD_INFO = PdfInfo(
    attachment_name="factur-x.xml",
    attachments=["factur-x.xml"],
    xmp_conformance_level="EN 16931",
    xmp_document_type="INVOICE",
    xmp_document_filename="factur-x.xml",
    xmp_version="1.0",
    xmp_namespace=FX_NS,
    xmp_profile=Profile.EN16931,
    af_relationship="/Data",
)
GOOD_XMP = XmpFacts(found=True, pdfa_part="3", pdfa_conformance="B", extension_namespaces=frozenset({FX_NS}))


def _rules(info: PdfInfo = GOOD_INFO, xmp: XmpFacts = GOOD_XMP, spec: str | None = EN16931) -> list[str]:
    layer = check_pdf(info, specification_id=spec, xmp=xmp)
    assert layer.layer is Layer.PDF
    for f in layer.findings:
        assert f.severity is Severity.FATAL and f.message_fr and f.message_en and f.message_fr != f.message_en
        assert f.location.startswith("pdf:/Root")
    return [f.rule for f in layer.findings]


def _with(**changes: object) -> PdfInfo:
    return dataclasses.replace(GOOD_INFO, **changes)  # type: ignore[arg-type]


def test_a_conforming_factur_x_has_no_finding() -> None:
    assert _rules() == []


@pytest.mark.parametrize(
    "info, xmp, rules",
    [
        (_with(attachment_name="invoice.xml", xmp_document_filename="invoice.xml"), GOOD_XMP, ["FX-PDF-01"]),
        (
            _with(attachment_name="Factur-X.xml", xmp_document_filename="Factur-X.xml"),
            GOOD_XMP,
            ["FX-PDF-01"],
        ),
        (_with(af_relationship=None), GOOD_XMP, ["FX-PDF-02"]),
        (_with(af_relationship="/Unspecified"), GOOD_XMP, ["FX-PDF-02"]),
        (
            _with(xmp_namespace=None, xmp_conformance_level=None, xmp_profile=Profile.UNKNOWN),
            GOOD_XMP,
            ["FX-PDF-03"],
        ),
        (GOOD_INFO, dataclasses.replace(GOOD_XMP, extension_namespaces=frozenset()), ["FX-PDF-04"]),
        (_with(xmp_document_type="ORDER"), GOOD_XMP, ["FX-PDF-05"]),
        (_with(xmp_document_type=None), GOOD_XMP, ["FX-PDF-05"]),
        (_with(xmp_document_filename="zugferd-invoice.xml"), GOOD_XMP, ["FX-PDF-06"]),
        (_with(xmp_conformance_level="COMFORTABLE", xmp_profile=Profile.UNKNOWN), GOOD_XMP, ["FX-PDF-07"]),
        (_with(xmp_conformance_level="BASIC", xmp_profile=Profile.BASIC), GOOD_XMP, ["FX-PDF-07"]),
        (GOOD_INFO, dataclasses.replace(GOOD_XMP, pdfa_part="1"), ["FX-PDF-08"]),
        (GOOD_INFO, XmpFacts(found=False), ["FX-PDF-04", "FX-PDF-08"]),
    ],
)
def test_each_check_has_its_own_finding(info: PdfInfo, xmp: XmpFacts, rules: list[str]) -> None:
    assert _rules(info, xmp) == rules


@pytest.mark.parametrize(
    "spec, level, profile, ok",
    [
        (
            "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
            "EN 16931",
            Profile.EN16931,
            True,
        ),
        (
            "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
            "XRECHNUNG",
            Profile.XRECHNUNG,
            True,
        ),
        (
            "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
            "EXTENDED",
            Profile.EXTENDED,
            True,
        ),
        ("urn:factur-x.eu:1p0:minimum", "MINIMUM", Profile.MINIMUM, True),
        ("urn:factur-x.eu:1p0:minimum", "EN 16931", Profile.EN16931, False),
        (None, "EN 16931", Profile.EN16931, True),  # BT-24 missing: EN 16931 reports it, not this layer
    ],
)
def test_conformance_level_agrees_with_bt24(spec: str | None, level: str, profile: Profile, ok: bool) -> None:
    rules = _rules(_with(xmp_conformance_level=level, xmp_profile=profile), spec=spec)
    assert rules == ([] if ok else ["FX-PDF-07"])
    if not ok:
        finding = check_pdf(
            _with(xmp_conformance_level=level, xmp_profile=profile), specification_id=spec, xmp=GOOD_XMP
        ).findings[0]
        assert (
            finding.terms == ("BT-24",)
            and "EN 16931" in finding.message_en
            and "minimum" in finding.message_fr
        )


# --- real PDFs ---------------------------------------------------------------------------------


def _plain_pdf() -> bytes:
    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    page.drawString(100, 750, "Facture F-2026-0002")
    page.save()
    return buf.getvalue()


def test_a_factur_x_written_by_the_factur_x_library_passes() -> None:
    pdf = facturx.generate_from_binary(_plain_pdf(), cii("urn:factur-x.eu:1p0:minimum"))
    xmp = read_xmp(pdf)
    assert xmp.found and xmp.pdfa_part == "3" and FX_NS in xmp.extension_namespaces
    report = validate(pdf, file="minimum.pdf")
    assert report.format == "facturx" and report.profile == "minimum"
    assert [layer.layer for layer in report.layers][:2] == [Layer.PDF, Layer.XSD]
    assert report.layer("pdf").findings == ()
    assert report.layer("en16931") is not None  # also for MINIMUM, not EN 16931 by design


def test_a_pdf_with_a_bare_xml_attachment_is_not_factur_x() -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(_plain_pdf())))
    writer.add_attachment("invoice.xml", cii("urn:factur-x.eu:1p0:minimum"))
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()
    assert read_xmp(pdf) == XmpFacts(found=False)
    report = validate(pdf)
    assert report.error is None and not report.valid
    assert [f.rule for f in report.layer("pdf").findings] == [
        "FX-PDF-01",
        "FX-PDF-02",
        "FX-PDF-03",
        "FX-PDF-08",
    ]


def test_read_xmp_of_something_that_is_not_a_pdf() -> None:
    assert read_xmp(b"%PDF-1.7\nnot really") == XmpFacts(found=False)


@pytest.mark.corpus
def test_every_core_factur_x_of_the_corpus_passes_the_pdf_layer(corpus: Path) -> None:
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        rows = [
            r
            for r in csv.DictReader(fh, delimiter="\t")
            if r["kind"] == "pdf->cii" and r["relevance"] == "core"
        ]
    assert len(rows) == 80
    failures = {}
    for row in rows:
        data = (corpus / row["path"]).read_bytes()
        doc = read(data)
        assert doc.pdf is not None
        spec = doc.invoice.specification_id.raw if doc.invoice.specification_id else None
        layer = check_pdf(doc.pdf, specification_id=spec, data=data)
        if layer.findings:
            failures[row["path"]] = [f.rule for f in layer.findings]
    assert failures == {}
