"""Corpus conformance of the CIUS layer against the Peppol BIS 3.0.19 verdicts of MANIFEST.tsv.

Every document with a ``peppol_verdict`` (the 57 core documents whose BT-24 is Peppol and the 625
unit fragments of ``peppol-bis3/_unit-exploded/rules``) must get exactly the fatal Peppol rules of
``peppol_fatal_rules``; each unit fragment must also meet its ``source_label`` expectation, which
may name several rules (``error=GR-R-001-6,GR-R-001-7``) or several expectations
(``warning=GR-S-008-1;error=GR-R-008-2,GR-R-008-3``).

    .venv/bin/python -m tests.einvoice.cius.conformance_peppol [RULE-ID ...]   # list mismatches
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.einvoice.conformance import corpus_root

PEPPOL_FAMILIES = ("PEPPOL-", "DK-R-", "SE-R-", "NO-R-", "DE-R-", "GR-R-", "GR-S-", "IT-R-", "NL-R-", "IS-R-")


@dataclass(frozen=True)
class PeppolCase:
    path: str
    relevance: str
    fatal: frozenset[str]
    expectations: tuple[tuple[str, str], ...]  # (error|success|warning, rule id)

    @property
    def id(self) -> str:
        return self.path


def parse_label(label: str) -> tuple[tuple[str, str], ...]:
    """``unit-expect:warning=A;error=B,C`` -> (("warning", "A"), ("error", "B"), ("error", "C"))."""
    out = []
    for part in label.removeprefix("unit-expect:").split(";"):
        kind, _, ids = part.partition("=")
        out.extend((kind, rid) for rid in ids.split(",") if rid)
    return tuple(out)


def peppol_cases(root: Path | None = None) -> list[PeppolCase]:
    root = root or corpus_root()
    out = []
    with open(root / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["peppol_verdict"] not in ("valid", "invalid"):
                continue
            expectations = parse_label(row["source_label"]) if row["relevance"] == "unit-fragment" else ()
            fatal = frozenset(x for x in row["peppol_fatal_rules"].split(",") if x)
            out.append(PeppolCase(row["path"], row["relevance"], fatal, expectations))
    return out


def native(case: PeppolCase, root: Path | None = None) -> tuple[frozenset[str], frozenset[str]]:
    from facturier.einvoice import read
    from facturier.einvoice.cius import load_rules
    from facturier.einvoice.findings import Layer
    from facturier.einvoice.rules.engine import run_layer

    load_rules()
    doc = read(((root or corpus_root()) / case.path).read_bytes())
    layer = run_layer(doc, Layer.CIUS)
    return layer.fatal_rules, layer.warning_rules


def problems(case: PeppolCase, root: Path | None = None) -> list[str]:
    """Why the native CIUS layer disagrees with the official verdict (empty when it agrees)."""
    fatal, warnings = native(case, root)
    out = []
    if fatal != case.fatal:
        out.append(f"missing={sorted(case.fatal - fatal)} extra={sorted(fatal - case.fatal)}")
    for kind, rid in case.expectations:
        ok = {
            "error": rid in fatal,
            "warning": rid in warnings,
            "success": rid not in fatal and rid not in warnings,
        }[kind]
        if not ok:
            out.append(f"expected {kind} for {rid}")
    return out


def main(argv: list[str]) -> int:
    only = set(argv)
    per_rule: Counter[str] = Counter()
    bad = 0
    cases = peppol_cases()
    for case in cases:
        found = problems(case)
        if not found:
            continue
        text = "; ".join(found)
        for token in text.replace("[", " ").replace("]", " ").replace(",", " ").replace("'", " ").split():
            if token.startswith(PEPPOL_FAMILIES):
                per_rule[token] += 1
        if only and not any(r in text for r in only):
            continue
        bad += 1
        print(f"{case.path}\t{text}")
    print(f"\n{bad} mismatches shown; cases: {len(cases)}")
    for key, n in per_rule.most_common(40):
        print(f"{n:5d}  {key}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
