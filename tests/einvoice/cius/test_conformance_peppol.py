"""The CIUS layer against the official Peppol BIS 3.0.19 verdicts of the corpus (MANIFEST.tsv).

For each of the 682 documents with a ``peppol_verdict`` the native fatal Peppol rules equal
``peppol_fatal_rules``, and each unit fragment meets every expectation of its ``source_label``
(including the multi-rule labels of the Greek test sets). No exceptions.
"""

from __future__ import annotations

import pytest

from tests.einvoice.cius.conformance_peppol import parse_label, peppol_cases, problems
from tests.einvoice.conformance import corpus_root

pytestmark = pytest.mark.corpus

_CASES = peppol_cases() if (corpus_root() / "MANIFEST.tsv").exists() else []


@pytest.mark.parametrize("case", _CASES, ids=lambda c: c.path)
def test_cius_layer_matches_official_peppol_verdict(case, corpus):
    assert problems(case, corpus) == []


def test_peppol_cases_are_all_there(corpus):
    assert sum(c.relevance == "core" for c in _CASES) == 57
    assert sum(c.relevance == "unit-fragment" for c in _CASES) == 625


def test_parse_label_handles_multi_rule_labels():
    assert parse_label("unit-expect:error=DK-R-002") == (("error", "DK-R-002"),)
    assert parse_label("unit-expect:error=GR-R-001-6,GR-R-001-7") == (
        ("error", "GR-R-001-6"),
        ("error", "GR-R-001-7"),
    )
    assert parse_label("unit-expect:warning=GR-S-008-1;error=GR-R-008-2,GR-R-008-3") == (
        ("warning", "GR-S-008-1"),
        ("error", "GR-R-008-2"),
        ("error", "GR-R-008-3"),
    )
