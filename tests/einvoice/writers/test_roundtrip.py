"""Writers over the corpus: every core document the official validator accepts.

For each one (UBL, CII, and the CII extracted from Factur-X PDFs):

* read → write in the same syntax → read keeps every business term present (canonical forms
  equal, see ``canon.py``), and the output passes its XSD;
* read → write in the other syntax → read keeps every term the target can carry: the canonical
  forms are equal once the effects documented in :data:`facturier.einvoice.convert.NOT_CARRIED`
  are applied, and the output passes its XSD (for CII: also the Factur-X EN 16931 XSD unless BT-24
  names EXTENDED);
* when the native EN 16931 rules are registered, neither output raises a fatal rule that the
  source does not.

The corpus stays outside the repository (``FACTURIER_CORPUS``, default ``../shared/corpus``).
"""

from __future__ import annotations

import csv
import functools
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from facturier.einvoice import Format, ParsedDocument, Profile, read
from facturier.einvoice.convert import NOT_CARRIED, Effect
from facturier.einvoice.findings import LayerResult
from facturier.einvoice.writers import write_cii, write_ubl
from facturier.einvoice.xsd import SchemaKey, xsd_validate
from tests.einvoice.writers.canon import apply_crossings, canonical, diff

REPO = Path(__file__).resolve().parents[3]
CORPUS = Path(os.environ.get("FACTURIER_CORPUS") or REPO.parent / "shared" / "corpus")


def _valid_core() -> list[dict[str, str]]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8", newline="") as fh:
        return [
            r
            for r in csv.DictReader(fh, delimiter="\t")
            if r["relevance"] == "core" and r["en16931_verdict"] == "valid"
        ]


VALID = _valid_core()
IDS = [r["path"] for r in VALID]

pytestmark = pytest.mark.corpus


@pytest.fixture(autouse=True)
def _need_corpus(corpus: Path) -> None:
    """tests/conftest.py skips (or fails under CI=true) without the corpus."""


@functools.cache
def _read(path: str) -> ParsedDocument:
    return read((CORPUS / path).read_bytes())


_WRITE = {Format.UBL: write_ubl, Format.CII: write_cii}


@functools.cache
def _native() -> Callable[[ParsedDocument], LayerResult] | None:
    """The native EN 16931 layer, once its rules are registered (they are written in parallel)."""
    try:
        from facturier.einvoice.findings import Syntax
        from facturier.einvoice.rules import load_all, rules_for
        from facturier.einvoice.rules.engine import validate_en16931

        load_all()
    except Exception:  # noqa: BLE001 - the rules package is being written; its own tests report it
        return None
    if sum(1 for _ in rules_for(Syntax.UBL)) < 100 or sum(1 for _ in rules_for(Syntax.CII)) < 100:
        return None
    return validate_en16931


@functools.cache
def _source_fatal_rules(path: str) -> frozenset[str]:
    validate = _native()
    return validate(_read(path)).fatal_rules if validate is not None else frozenset()


def _new_fatal_rules(path: str, written: ParsedDocument) -> list[str]:
    validate = _native()
    if validate is None:
        return []
    return sorted(validate(written).fatal_rules - _source_fatal_rules(path))


def _xsd_errors(data: bytes, schema: SchemaKey | None = None) -> list[str]:
    return [
        f"{f.location}: {f.message_en}"
        for f in xsd_validate(data, schema=schema).findings
        if f.severity == "fatal"
    ]


def test_corpus_has_valid_core_documents(corpus: Path) -> None:
    kinds = {r["kind"] for r in VALID}
    assert {"ubl-invoice", "ubl-creditnote", "cii", "pdf->cii"} <= kinds


@pytest.mark.parametrize("row", VALID, ids=IDS)
def test_same_syntax_round_trip_keeps_every_term(row: dict[str, str]) -> None:
    doc = _read(row["path"])
    out = _WRITE[doc.syntax](doc.invoice)
    assert _xsd_errors(out) == []
    back = read(out)
    assert back.syntax is doc.syntax
    assert diff(canonical(doc.invoice), canonical(back.invoice)) == []
    assert _new_fatal_rules(row["path"], back) == []


@pytest.mark.parametrize("row", VALID, ids=IDS)
def test_conversion_keeps_every_term_the_target_carries(row: dict[str, str]) -> None:
    doc = _read(row["path"])
    target = Format.CII if doc.syntax is Format.UBL else Format.UBL
    out = _WRITE[target](doc.invoice)
    assert _xsd_errors(out) == []
    back = read(out)
    assert back.syntax is target
    if target is Format.CII and back.profile not in (Profile.EXTENDED, Profile.EXTENDED_CTC_FR):
        assert _xsd_errors(out, SchemaKey.FACTURX_EN16931) == []
    src, dst = apply_crossings(
        canonical(doc.invoice),
        canonical(back.invoice),
        NOT_CARRIED[(doc.syntax, target)],
        cii_is_source=doc.syntax is Format.CII,
    )
    assert diff(src, dst) == []
    assert _new_fatal_rules(row["path"], back) == []


def test_not_carried_is_well_formed() -> None:
    """Every documented crossing names terms as ``<group>/<term>`` and gives a reason."""
    for (source, target), crossings in NOT_CARRIED.items():
        assert {source, target} == {Format.UBL, Format.CII}
        for c in crossings:
            assert c.reason and isinstance(c.effect, Effect)
            for path in c.paths:
                group, _, term = path.partition("/")
                assert group == "" or group.startswith("BG-"), path
                assert term.startswith("BT-") or term.startswith("BG-"), path
