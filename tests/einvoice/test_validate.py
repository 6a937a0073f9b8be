"""facturier.einvoice.validate: layering, the report and its JSON shape, unreadable input."""

from __future__ import annotations

import csv
import json
import sys
import types
from pathlib import Path

import pytest

from facturier.einvoice import readers, xsd
from facturier.einvoice.findings import Finding, Layer, LayerResult, Severity
from facturier.einvoice.security import Limits
from facturier.einvoice.validate import INTERNAL_ERROR, LAYER_ERROR_RULE, Report, validate
from tests.einvoice.test_xsd import UBL_INVOICE, cii

REPORT_KEYS = ["file", "format", "profile", "valid", "layers", "error"]
LAYER_KEYS = ["layer", "valid", "findings"]
FINDING_KEYS = ["rule", "severity", "terms", "location", "line", "message"]

NO_LINE = UBL_INVOICE.split(b"  <cac:InvoiceLine>")[0] + b"</Invoice>\n"
XSD_BROKEN = UBL_INVOICE.replace(
    b"<cbc:IssueDate>2026-01-15</cbc:IssueDate>", b"<cbc:IssueDate>15/01/2026</cbc:IssueDate>"
)


def assert_shape(report: dict) -> None:
    """The documented, stable JSON shape (docs/einvoice.md)."""
    assert list(report) == REPORT_KEYS
    assert report["format"] in ("ubl", "cii", "facturx", "unknown")
    assert isinstance(report["profile"], str) and isinstance(report["valid"], bool)
    for layer in report["layers"]:
        assert list(layer) == LAYER_KEYS
        assert layer["layer"] in ("pdf", "xsd", "en16931", "cius", "platform")
        assert layer["valid"] is not any(f["severity"] == "fatal" for f in layer["findings"])
        for finding in layer["findings"]:
            assert list(finding) == FINDING_KEYS
            assert finding["severity"] in ("fatal", "warning")
            assert isinstance(finding["terms"], list) and isinstance(finding["location"], str)
            assert finding["line"] is None or isinstance(finding["line"], int)
            assert set(finding["message"]) == {"fr", "en"}
    if report["error"] is not None:
        assert list(report["error"]) == ["code", "message"] and set(report["error"]["message"]) == {
            "fr",
            "en",
        }
        assert report["valid"] is False and report["layers"] == []
    assert json.loads(json.dumps(report)) == report


def test_valid_ubl_has_the_xsd_and_en16931_layers() -> None:
    report = validate(UBL_INVOICE, file="f.xml")
    assert isinstance(report, Report)
    assert (report.file, report.format, report.profile, report.error) == ("f.xml", "ubl", "en16931", None)
    assert [layer.layer for layer in report.layers] == [Layer.XSD, Layer.EN16931]
    assert report.valid, report.text("en")
    assert_shape(report.to_dict())


def test_xsd_layer_is_reported_separately_and_invalidates() -> None:
    report = validate(XSD_BROKEN)
    assert not report.valid and not report.layer("xsd").valid
    (finding,) = report.layer("xsd").findings
    assert finding.rule == "XSD-UBL" and finding.location == "/Invoice/cbc:IssueDate" and finding.line == 7
    assert report.layer("en16931") is not None  # every layer runs, as the official artefacts do
    assert_shape(report.to_dict())


def test_reference_mode_runs_the_official_schematron_for_the_en16931_layer() -> None:
    report = validate(NO_LINE, reference=True)
    assert [layer.layer for layer in report.layers] == [Layer.XSD, Layer.EN16931]
    en = report.layer("en16931")
    assert "BR-16" in en.fatal_rules and not report.valid
    finding = next(f for f in en.findings if f.rule == "BR-16")
    assert finding.terms == ("BG-25",) and finding.location == "/Invoice"
    assert_shape(report.to_dict())
    assert validate(UBL_INVOICE, reference=True).valid


def test_minimum_profile_still_gets_the_en16931_layer() -> None:
    report = validate(cii("urn:factur-x.eu:1p0:minimum"), reference=True)
    assert (report.format, report.profile) == ("cii", "minimum")
    assert report.layer("xsd").valid
    # MINIMUM is not EN 16931 by design: the official verdict is "invalid", and so is ours.
    assert not report.layer("en16931").valid and not report.valid


@pytest.mark.parametrize(
    "data, code, fmt",
    [
        (UBL_INVOICE[:300], "xml_not_well_formed", "ubl"),
        (b"", "unsupported_format", "unknown"),
        (b"\x00\x01binary", "unsupported_format", "unknown"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
            "xml_forbidden_construct",
            "unknown",
        ),
        (
            b'<p:FatturaElettronica xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"/>',
            "unsupported_format",
            "unknown",
        ),
        (b"<x/>", "unsupported_format", "unknown"),
        (b"%PDF-1.4\n%garbage", "pdf_unreadable", "facturx"),
    ],
)
def test_unreadable_input_is_an_error_never_an_exception(data: bytes, code: str, fmt: str) -> None:
    report = validate(data, file="x")
    assert report.error is not None and report.error.code == code
    assert (report.valid, report.layers, report.format, report.profile) == (False, (), fmt, "unknown")
    assert report.error.message_fr != report.error.message_en
    assert_shape(report.to_dict())
    assert report.error.code in report.text("fr")


def test_limits_are_applied() -> None:
    report = validate(UBL_INVOICE, limits=Limits(max_bytes=100))
    assert report.error is not None and report.error.code == "limit_exceeded"
    assert "max_bytes" in report.error.message_en


def test_a_reader_bug_is_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(data: bytes, **kw: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(readers, "read", boom)
    report = validate(UBL_INVOICE)
    assert report.error is not None and report.error.code == INTERNAL_ERROR and not report.valid


def test_a_layer_bug_is_a_fatal_finding_of_that_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(tree: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(xsd, "xsd_validate", boom)
    report = validate(UBL_INVOICE)
    assert report.error is None and not report.valid
    assert [f.rule for f in report.layer("xsd").findings] == [LAYER_ERROR_RULE]
    assert report.layer("en16931") is not None


def _fake_cius(monkeypatch: pytest.MonkeyPatch, result: LayerResult | None) -> None:
    module = types.ModuleType("facturier.einvoice.cius")
    module.validate_cius = lambda doc: result  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "facturier.einvoice.cius", module)


def test_cius_layer_when_the_guideline_names_one(monkeypatch: pytest.MonkeyPatch) -> None:
    finding = Finding("PEPPOL-EN16931-R001", Severity.FATAL, ("BT-23",), "/Invoice", 2, "fr", "en")
    _fake_cius(monkeypatch, LayerResult(Layer.CIUS, (finding,)))
    report = validate(UBL_INVOICE)
    assert [layer.layer for layer in report.layers] == [Layer.XSD, Layer.EN16931, Layer.CIUS]
    assert report.fatal_rules >= {"PEPPOL-EN16931-R001"} and not report.valid
    _fake_cius(monkeypatch, None)
    assert validate(UBL_INVOICE).layer("cius") is None


def test_human_rendering_in_both_languages() -> None:
    report = validate(XSD_BROKEN, file="f.xml")
    fr, en = report.text("fr"), report.text()
    assert fr.startswith("f.xml: non valide (ubl, en16931)") and "[xsd] 1 bloquante(s)" in fr
    assert "XSD-UBL bloquant  /Invoice/cbc:IssueDate:7" in fr
    assert validate(UBL_INVOICE, lang="en").text().startswith("-: valid (ubl, en16931)")
    assert fr == en
    with pytest.raises(ValueError):
        validate(UBL_INVOICE, lang="de")


# --- corpus ---------------------------------------------------------------------------------


_KIND_FORMAT = {"ubl-invoice": "ubl", "ubl-creditnote": "ubl", "cii": "cii", "pdf->cii": "facturx"}
# Non-core files that are nevertheless readable, with the reason.
_READABLE = {
    # Carries both a ZUGFeRD 1.0 XML (the one the MANIFEST names) and a factur-x.xml (CII,
    # EXTENDED): the reader prefers factur-x.xml, which is a supported Factur-X invoice.
    "zugferd-corpus/ZUGFeRDv2/fail/MustangRE-20171118_506_ZUGFeRD1and2.pdf": "facturx",
}


@pytest.mark.corpus
def test_every_corpus_document_gets_a_report(corpus: Path) -> None:
    """Every core document is read and gets its layers; everything else is an error, never a crash."""
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        rows = [
            r
            for r in csv.DictReader(fh, delimiter="\t")
            if r["relevance"] not in ("unit-fragment", "unit-testset-container")
        ]
    assert len(rows) > 400
    for row in rows:
        report = validate((corpus / row["path"]).read_bytes(), file=row["path"])
        assert_shape(report.to_dict())
        if row["path"] in _READABLE:
            assert (report.error, report.format) == (None, _READABLE[row["path"]])
        elif row["relevance"] == "core":
            assert report.error is None, (row["path"], report.error)
            assert report.format == _KIND_FORMAT[row["kind"]]
            expected = ["xsd", "en16931"] if report.format != "facturx" else ["pdf", "xsd", "en16931"]
            assert [layer.layer.value for layer in report.layers][: len(expected)] == expected
        else:
            assert report.error is not None, row["path"]


@pytest.mark.corpus
def test_a_document_already_read_gives_the_same_report(corpus: Path) -> None:
    """validate(data, document=read(data)) reports exactly what validate(data) does, on every core
    document, and twice in a row: the layers only read the document (a flow reads each entry once)."""
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        paths = [r["path"] for r in csv.DictReader(fh, delimiter="\t") if r["relevance"] == "core"]
    assert len(paths) > 300
    for path in paths:
        data = (corpus / path).read_bytes()
        alone = validate(data, file=path).to_dict()
        try:
            document = readers.read(data)
        except Exception:  # unreadable: validate() reports the error itself
            continue
        assert validate(data, file=path, document=document).to_dict() == alone, path
        assert validate(data, file=path, document=document).to_dict() == alone, path
