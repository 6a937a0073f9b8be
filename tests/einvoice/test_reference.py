"""Reference mode: the official Schematron through saxonche, checked against the corpus verdicts."""

from __future__ import annotations

import csv
import re
import threading
from collections import Counter
from pathlib import Path

import pytest

from facturier.einvoice import codelists, reference
from facturier.einvoice.errors import (
    EInvoiceError,
    ForbiddenConstructError,
    NotWellFormedError,
    UnsupportedFormatError,
)
from facturier.einvoice.findings import Layer, Severity, Syntax
from tests.einvoice.test_xsd import UBL_INVOICE, cii


@pytest.fixture(scope="session")
def engine() -> dict[Syntax, float]:
    """Compile both stylesheets once for the session; their compile times in seconds."""
    return {syntax: reference.warm_up(syntax) for syntax in (Syntax.UBL, Syntax.CII)}


def _rows(corpus: Path, relevance: str) -> list[dict[str, str]]:
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        return [
            row
            for row in csv.DictReader(fh, delimiter="\t")
            if row["relevance"] == relevance and not row["kind"].startswith("pdf->")
            and row["en16931_verdict"] in ("valid", "invalid", "error")
        ]


def _fatal(row: dict[str, str]) -> set[str]:
    return set(filter(None, row["en16931_fatal_rules"].split(",")))


# --- small invoices of our own ------------------------------------------------------------------


def test_compiled_once(engine: dict[Syntax, float]) -> None:
    assert all(seconds > 0 for seconds in engine.values())
    assert reference.warm_up(Syntax.UBL) == engine[Syntax.UBL]  # not compiled again
    assert reference.compile_time("cii") == engine[Syntax.CII]


def test_valid_invoice_has_no_finding(engine: dict[Syntax, float]) -> None:
    result = reference.reference_validate(UBL_INVOICE)
    assert result.layer is Layer.EN16931
    assert result.valid and result.findings == ()


NO_ISSUE_DATE = UBL_INVOICE.replace(b"  <cbc:IssueDate>2026-01-15</cbc:IssueDate>\n", b"")


def test_finding_carries_rule_terms_location_line_and_messages(engine: dict[Syntax, float]) -> None:
    result = reference.reference_validate(NO_ISSUE_DATE, syntax="ubl")
    assert not result.valid
    (finding,) = result.findings
    assert finding.to_dict() == {
        "rule": "BR-03",
        "severity": "fatal",
        "terms": ["BT-2"],
        # libxml2 numbers an element by the line where its start tag ends: the root's is line 4.
        "location": "/Invoice",
        "line": 4,
        "message": {
            "fr": "Règle officielle BR-03 (message d'origine en anglais) : "
            "[BR-03]-An Invoice shall have an Invoice issue date (BT-2).",
            "en": "[BR-03]-An Invoice shall have an Invoice issue date (BT-2).",
        },
    }
    assert finding.message_en == codelists.official_rules("ubl")["BR-03"].text


def test_location_of_a_nested_element_and_a_warning(engine: dict[Syntax, float]) -> None:
    data = UBL_INVOICE.replace(
        b"<cac:AccountingSupplierParty><cac:Party>",
        b'<cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="9999">x</cbc:EndpointID>',
    ).replace(b"<cbc:ID>F-2026-0001", b"<cbc:UBLVersionID>2.0</cbc:UBLVersionID><cbc:ID>F-2026-0001")
    result = reference.reference_validate(data)
    assert result.fatal_rules == {"BR-CL-25"} and result.warning_rules == {"UBL-CR-002"}
    by_rule = {f.rule: f for f in result.findings}
    eas = by_rule["BR-CL-25"]
    assert eas.location == "/Invoice/cac:AccountingSupplierParty/cac:Party/cbc:EndpointID"
    assert eas.line == 10
    assert (by_rule["UBL-CR-002"].location, by_rule["UBL-CR-002"].line) == ("/Invoice", 4)


def test_dynamic_error_is_an_invalid_result_not_a_crash(engine: dict[Syntax, float]) -> None:
    # Two cbc:ID in one TaxScheme: the artefact's upper-case(cbc:ID) gets a sequence (XPTY0004).
    data = UBL_INVOICE.replace(b"<cbc:ID>VAT</cbc:ID>", b"<cbc:ID>VAT</cbc:ID><cbc:ID>VAT</cbc:ID>", 1)
    result = reference.reference_validate(data)
    assert not result.valid
    (finding,) = result.findings
    assert finding.rule == reference.DYNAMIC_ERROR_RULE
    assert "upper-case" in finding.message_en and "Saxon" in finding.message_en
    assert finding.message_fr.startswith("La validation officielle s'est arrêtée")
    assert finding.location == "/Invoice"
    # The engine is still usable afterwards.
    assert reference.reference_validate(UBL_INVOICE).valid


def test_cii_profile_reports_and_assertions(engine: dict[Syntax, float]) -> None:
    data = cii("urn:factur-x.eu:1p0:minimum").replace(b"<ram:ID>F-", b'<ram:ID schemeID="X">F-')
    result = reference.reference_validate(data)
    assert not result.valid
    rules = {f.rule for f in result.findings}
    # The Factur-X EN 16931 profile: BT-24 must be urn:cen.eu:en16931:2017, lines are mandatory,
    # and ram:ID@schemeID is not used in that profile.
    assert {"FX-SCH-A-000556", "BR-16", reference.NOT_USED_RULE} <= rules
    report = next(f for f in result.findings if f.rule == reference.NOT_USED_RULE)
    assert report.location == "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID"
    assert report.line == 9
    assert report.severity is Severity.FATAL


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"<Invoice", NotWellFormedError),
        (b'<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>', ForbiddenConstructError),
        (b"<Order xmlns='urn:oasis:names:specification:ubl:schema:xsd:Order-2'/>", UnsupportedFormatError),
    ],
)
def test_unusable_input_is_a_typed_error(data: bytes, error: type[EInvoiceError]) -> None:
    with pytest.raises(error):
        reference.reference_validate(data)


def test_concurrent_use_is_serialised(engine: dict[Syntax, float]) -> None:
    results: list[frozenset[str]] = []

    def work(data: bytes) -> None:
        for _ in range(5):
            results.append(reference.reference_validate(data).fatal_rules)

    threads = [threading.Thread(target=work, args=(d,)) for d in (UBL_INVOICE, NO_ISSUE_DATE) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(results) == {frozenset(): 10, frozenset({"BR-03"}): 10}


# --- corpus: UBL, CEN artefact v1.3.16 = the MANIFEST's artefact --------------------------------


@pytest.mark.corpus
def test_ubl_core_documents_match_the_manifest(corpus: Path, engine: dict[Syntax, float]) -> None:
    mismatches = {}
    rows = [r for r in _rows(corpus, "core") if r["kind"].startswith("ubl")]
    for row in rows:
        result = reference.reference_validate((corpus / row["path"]).read_bytes())
        verdict = "valid" if result.valid else "invalid"
        if verdict != row["en16931_verdict"] or set(result.fatal_rules) != _fatal(row):
            mismatches[row["path"]] = (row["en16931_fatal_rules"], sorted(result.fatal_rules))
    assert len(rows) == 102
    assert mismatches == {}


@pytest.mark.corpus
def test_ubl_unit_fragments_match_the_manifest(corpus: Path, engine: dict[Syntax, float]) -> None:
    # All of them: about 1,200 fragments at ~1.5 ms each.
    mismatches = {}
    rows = [r for r in _rows(corpus, "unit-fragment") if r["kind"].startswith("ubl")]
    for row in rows:
        result = reference.reference_validate((corpus / row["path"]).read_bytes())
        verdict = "valid" if result.valid else "invalid"
        if verdict != row["en16931_verdict"] or set(result.fatal_rules) != _fatal(row):
            mismatches[row["path"]] = (row["en16931_fatal_rules"], sorted(result.fatal_rules))
    assert len(rows) > 1100
    assert mismatches == {}


# --- corpus: CII, Factur-X 1.09.2 against the MANIFEST's CEN CII artefact -----------------------

# Rules of the CEN artefact that Factur-X 1.09.2 implements differently on these documents:
# BR-CO-12 (its test differs on EXTENDED documents), BR-CO-18 (context ApplicableHeaderTradeSettlement,
# fires on MINIMUM documents), CII-SR-465 (a warning in CEN, an error in Factur-X).
SHARED_BUT_DIFFERENT = frozenset({"BR-CO-12", "BR-CO-18", "CII-SR-465"})


def _reference_only_allowed(rule: str) -> bool:
    return rule.startswith("FX-") or rule in SHARED_BUT_DIFFERENT


@pytest.mark.corpus
def test_cii_core_documents_against_manifest(corpus: Path, engine: dict[Syntax, float]) -> None:
    """The Factur-X stylesheet is not the MANIFEST's CEN CII artefact: list how they differ, and
    fail on any difference outside the documented kinds."""
    factur_x_rules = codelists.official_rules(Syntax.CII)
    rows = [r for r in _rows(corpus, "core") if r["kind"] == "cii"]
    unexplained = {}
    manifest_only: Counter[str] = Counter()
    reference_only: Counter[str] = Counter()
    verdicts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        result = reference.reference_validate((corpus / row["path"]).read_bytes())
        ours, theirs = set(result.fatal_rules), _fatal(row)
        verdicts[(row["en16931_verdict"], "valid" if result.valid else "invalid")] += 1
        manifest_only.update(theirs - ours)
        reference_only.update(re.sub(r"\d{4,}$", "*", r) for r in ours - theirs)
        for rule in theirs - ours:
            if rule in factur_x_rules and rule not in SHARED_BUT_DIFFERENT:
                unexplained[row["path"]] = f"MANIFEST fires {rule}, Factur-X does not"
        for rule in ours - theirs:
            if not _reference_only_allowed(rule):
                unexplained[row["path"]] = f"Factur-X fires {rule}, the MANIFEST does not"
    print("\nCII core documents, MANIFEST verdict -> reference verdict:", dict(verdicts))
    print("fatal rules only in the MANIFEST:", dict(manifest_only.most_common()))
    print("fatal rules only in reference mode:", dict(reference_only.most_common()))
    assert len(rows) == 186
    # Every document the MANIFEST rejects, Factur-X rejects too.
    assert verdicts[("invalid", "valid")] == 0
    assert unexplained == {}
    # The rules the MANIFEST names that Factur-X lacks are the CEN code-list and data-type rules.
    assert all(re.match(r"(BR-CL|CII-DT)-", rule) or rule in SHARED_BUT_DIFFERENT for rule in manifest_only)


@pytest.mark.corpus
def test_cii_unit_fragments_never_crash(corpus: Path, engine: dict[Syntax, float]) -> None:
    rows = [r for r in _rows(corpus, "unit-fragment") if r["kind"] == "cii"]
    for row in rows:
        result = reference.reference_validate((corpus / row["path"]).read_bytes())
        if row["en16931_verdict"] == "invalid":  # what the CEN artefact rejects, Factur-X rejects
            assert not result.valid, row["path"]
    assert len(rows) > 200
