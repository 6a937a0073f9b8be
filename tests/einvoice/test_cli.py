"""``facturier validate`` / ``facturier convert``, run as the real command in a subprocess."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.einvoice.test_platform import RECIPIENT, ubl
from tests.einvoice.test_validate import assert_shape

REPO = Path(__file__).resolve().parents[2]
FACTURIER = Path(sys.executable).parent / "facturier"

VALID_UBL = "en16931-artefacts/ubl/examples/ubl-tc434-example1.xml"
VALID_PDF = "facturx-akretion/tests/fixtures/pdf/invoice_EN16931.pdf"
INVALID_CII = "drafthorse/tests/samples/zugferd_2p1_EXTENDED_Kostenrechnung.xml"  # BR-CO-12, BR-S-08
INVALID_UBL = "peppol-bis3/rules/national-examples/GR/GR-base-example-TaxRepresentative.xml"  # BR-06
FATTURAPA = "zugferd-corpus/fatturaPA/eigor/valid/A10-Licenses.xml"
NOT_WELL_FORMED = "zugferd-corpus/fatturaPA/eigor/valid/con-ritenuta-acconto-e-cassa-previdenziale.xml"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.run(
        [str(FACTURIER), *args],
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )
    return proc


def run_json(*args: str) -> tuple[int, list[dict]]:
    proc = run(*args, "--json")
    reports = json.loads(proc.stdout)
    assert isinstance(reports, list)
    for report in reports:
        assert_shape(report)
    return proc.returncode, reports


def fatal(report: dict, layer: str) -> set[str]:
    (found,) = [entry for entry in report["layers"] if entry["layer"] == layer]
    return {f["rule"] for f in found["findings"] if f["severity"] == "fatal"}


@pytest.fixture(scope="module")
def c(corpus: Path) -> Path:
    return corpus


def test_valid_ubl_and_factur_x_exit_0(c: Path) -> None:
    code, reports = run_json("validate", str(c / VALID_UBL), str(c / VALID_PDF))
    assert code == 0
    assert [(r["file"], r["format"], r["valid"]) for r in reports] == [
        (str(c / VALID_UBL), "ubl", True),
        (str(c / VALID_PDF), "facturx", True),
    ]
    assert [layer["layer"] for layer in reports[1]["layers"]][:3] == ["pdf", "xsd", "en16931"]


def test_an_invalid_file_makes_exit_1_and_names_the_rules(c: Path) -> None:
    code, reports = run_json("validate", str(c / VALID_UBL), str(c / INVALID_CII))
    assert code == 1
    assert [r["valid"] for r in reports] == [True, False]
    assert fatal(reports[1], "en16931") & {"BR-CO-12", "BR-S-08"}
    # The human output, in English: verdict, then per layer the findings with rule and location.
    proc = run("validate", "--lang", "en", str(c / INVALID_CII))
    assert proc.returncode == 1
    assert proc.stdout.startswith("%s: invalid (cii, extended)" % (c / INVALID_CII))
    assert "  [xsd] no finding" in proc.stdout and "  [en16931] " in proc.stdout
    assert "BR-CO-12 fatal BT-108 BT-99  /rsm:CrossIndustryInvoice/" in proc.stdout
    assert "Sum of charges on document level (BT-108)" in proc.stdout


def test_reference_mode_gives_the_official_rules(c: Path) -> None:
    code, reports = run_json("validate", "--reference", str(c / INVALID_UBL))
    assert code == 1
    assert fatal(reports[0], "en16931") == {"BR-06"}


def test_unreadable_or_unsupported_exit_2_whatever_the_other_files(c: Path) -> None:
    code, reports = run_json(
        "validate",
        str(c / VALID_UBL),
        str(c / INVALID_CII),
        str(c / FATTURAPA),
        str(c / NOT_WELL_FORMED),
        str(c / "missing.xml"),
    )
    assert code == 2
    assert [(r["format"], r["error"]["code"] if r["error"] else None) for r in reports] == [
        ("ubl", None),
        ("cii", None),
        ("unknown", "unsupported_format"),
        ("unknown", "xml_not_well_formed"),
        ("unknown", "file_unreadable"),
    ]
    assert "FatturaPA" in reports[2]["error"]["message"]["en"]
    proc = run("validate", str(c / FATTURAPA))  # French by default
    assert proc.returncode == 2 and "illisible ou non pris en charge" in proc.stdout
    assert "Format non pris en charge : FatturaPA." in proc.stdout


def test_standard_input_and_platform_directory(tmp_path: Path) -> None:
    invoice = tmp_path / "f.xml"
    invoice.write_bytes(ubl())
    empty = tmp_path / "empty.json"
    empty.write_text("{}", encoding="utf-8")
    known = tmp_path / "known.json"
    known.write_text(json.dumps({"recipients": {RECIPIENT: {"services": {}}}}), encoding="utf-8")

    code, reports = run_json("validate", str(invoice))
    assert code == 0 and [layer["layer"] for layer in reports[0]["layers"]] == ["xsd", "en16931"]
    code, reports = run_json("validate", "--directory", str(empty), str(invoice))
    assert code == 1 and fatal(reports[0], "platform") == {"FR-PLT-02"}
    code, reports = run_json("validate", "--directory", str(known), str(invoice))
    assert code == 0 and reports[0]["layers"][-1] == {"layer": "platform", "valid": True, "findings": []}

    proc = run("validate", "--json", "-", stdin=ubl())
    assert proc.returncode == 0 and json.loads(proc.stdout)[0]["file"] == "-"
    proc = run("validate", "--directory", str(tmp_path / "nope.json"), str(invoice))
    assert proc.returncode == 2 and "nope.json" in proc.stderr


def test_usage_errors_exit_2() -> None:
    assert run("validate").returncode == 2
    assert run("validate", "--lang", "de", "x.xml").returncode == 2


def test_validate_does_not_import_django(c: Path) -> None:
    code = (
        f"import sys; from facturier.cli import main; rc = main(['validate', '--json', {str(c / VALID_UBL)!r}]); "
        "print(rc, sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'saxonche')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60, check=False
    )
    assert proc.stdout.strip().splitlines()[-1] == "0 []"


@pytest.mark.skipif(
    importlib.util.find_spec("facturier.einvoice.convert") is None,
    reason="facturier.einvoice.convert not built yet",
)
def test_convert_ubl_to_cii(c: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    proc = run("convert", str(c / VALID_UBL), "--to", "cii", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    _, reports = run_json("validate", str(out))
    assert reports[0]["format"] == "cii" and reports[0]["error"] is None
    proc = run("convert", str(c / FATTURAPA), "--to", "cii", "-o", str(tmp_path / "x.xml"))
    assert proc.returncode == 2 and not (tmp_path / "x.xml").exists()
