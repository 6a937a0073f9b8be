"""Corpus conformance: the native EN 16931 verdicts against the official ones in MANIFEST.tsv.

Used by ``test_conformance.py`` and, as a script, to list mismatches while working on rules::

    .venv/bin/python -m tests.einvoice.conformance            # summary + every mismatch
    .venv/bin/python -m tests.einvoice.conformance BR-CO-10   # only mismatches involving a rule
"""

from __future__ import annotations

import csv
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def corpus_root() -> Path:
    return Path(os.environ.get("FACTURIER_CORPUS") or REPO.parent / "shared" / "corpus")


@dataclass(frozen=True)
class Case:
    path: str
    relevance: str
    kind: str
    verdict: str  # valid | invalid (core) ; for fragments: the manifest verdict
    fatal: frozenset[str]
    warnings: frozenset[str]
    # Unit fragments: ((expectation, rule id), ...) with expectation error | success | warning.
    # A label may name several rules and several expectations:
    # "unit-expect:warning=GR-S-008-1;error=GR-R-008-2,GR-R-008-3".
    expectations: tuple[tuple[str, str], ...] = ()

    @property
    def expect_rules(self) -> frozenset[str]:
        return frozenset(rule_id for _kind, rule_id in self.expectations)

    @property
    def id(self) -> str:
        return self.path


def _split(value: str) -> frozenset[str]:
    return frozenset(x for x in value.split(",") if x)


def cases(root: Path | None = None) -> list[Case]:
    root = root or corpus_root()
    out = []
    with open(root / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            relevance = row["relevance"]
            if relevance == "core" and row["en16931_verdict"] in {"valid", "invalid"}:
                out.append(Case(row["path"], relevance, row["kind"], row["en16931_verdict"],
                                _split(row["en16931_fatal_rules"]), _split(row["en16931_warning_rules"])))
            elif relevance == "unit-fragment":
                label = row["source_label"].removeprefix("unit-expect:")
                expectations = []
                for part in label.split(";"):
                    kind, _, ids = part.partition("=")
                    expectations += [(kind, rule_id) for rule_id in ids.split(",") if rule_id]
                out.append(Case(row["path"], relevance, row["kind"], row["en16931_verdict"],
                                _split(row["en16931_fatal_rules"]), _split(row["en16931_warning_rules"]),
                                tuple(expectations)))
    return out


@dataclass(frozen=True)
class Outcome:
    ok: bool
    detail: str
    missing: frozenset[str] = frozenset()
    extra: frozenset[str] = frozenset()


def native(case: Case, root: Path | None = None):
    """(fatal rule ids, warning rule ids) of the native validator, or raises EInvoiceError."""
    from facturier.einvoice import read
    from facturier.einvoice.findings import Layer
    from facturier.einvoice.rules.engine import run_layer

    data = ((root or corpus_root()) / case.path).read_bytes()
    doc = read(data)
    layer = run_layer(doc, Layer.EN16931)
    if case.relevance == "core":
        # MANIFEST's fatal rules are the CEN EN 16931 artefact's only.
        return layer.fatal_rules, layer.warning_rules
    # Unit fragments of the Peppol BIS 3 test sets name CIUS rules (PEPPOL-*, DK-R-*, ...).
    cius = run_layer(doc, Layer.CIUS)
    return layer.fatal_rules | cius.fatal_rules, layer.warning_rules | cius.warning_rules


def check(case: Case, root: Path | None = None) -> Outcome:
    from facturier.einvoice.errors import EInvoiceError

    try:
        fatal, warnings = native(case, root)
    except EInvoiceError as exc:
        # The official artefacts could not process such input either (dynamic error): invalid input.
        if case.relevance == "unit-fragment" and case.verdict == "error":
            return Outcome(True, f"refused as invalid input: {exc.code}")
        return Outcome(False, f"refused: {exc.code} {exc.message['en']}")
    if case.relevance == "core":
        if fatal == case.fatal:
            return Outcome(True, "")
        return Outcome(False, "fatal rules differ", case.fatal - fatal, fatal - case.fatal)
    if case.verdict == "error":
        # The official XSLT raised a dynamic error on this fragment: the expectation cannot be
        # compared; the native validator must simply not crash (reaching here proves it).
        return Outcome(True, "official artefact raised a dynamic error")
    missing, extra, wrong = set(), set(), []
    for kind, rule_id in case.expectations:
        if kind == "error" and rule_id not in fatal:
            missing.add(rule_id)
        elif kind == "warning" and rule_id not in warnings:
            missing.add(rule_id)
        elif kind == "success" and (rule_id in fatal or rule_id in warnings):
            extra.add(rule_id)
        else:
            continue
        wrong.append(f"{kind}={rule_id}")
    if not wrong:
        return Outcome(True, "")
    return Outcome(False, f"expectation not met: {', '.join(wrong)}; fired fatal={sorted(fatal & case.expect_rules)} "
                          f"warning={sorted(warnings & case.expect_rules)}",
                   frozenset(missing), frozenset(extra))


def main(argv: list[str]) -> int:
    only = set(argv)
    per_rule: Counter[str] = Counter()
    bad = 0
    total = 0
    for case in cases():
        total += 1
        outcome = check(case)
        if outcome.ok:
            continue
        involved = outcome.missing | outcome.extra | case.expect_rules
        for r in outcome.missing:
            per_rule[f"missing {r}"] += 1
        for r in outcome.extra:
            per_rule[f"extra {r}"] += 1
        if only and not (only & involved):
            continue
        bad += 1
        print(f"{case.path}\t{outcome.detail}\tmissing={sorted(outcome.missing)}\textra={sorted(outcome.extra)}")
    print(f"\n{bad} mismatches shown; cases: {total}")
    for key, n in per_rule.most_common(60):
        print(f"{n:5d}  {key}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
