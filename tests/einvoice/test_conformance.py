"""The corpus conformance test (issue: "a single parametrised test reads MANIFEST.tsv").

Every ``core`` document with an official verdict gets the same verdict and the same set of fatal rule
ids from the native validator; every unit fragment meets its expectation (``error`` rule fires,
``success`` rule does not, ``warning`` rule fires as a warning). There are no listed exceptions.
"""

from __future__ import annotations

import pytest

from tests.einvoice.conformance import cases, check, corpus_root

pytestmark = pytest.mark.corpus

_CASES = cases() if (corpus_root() / "MANIFEST.tsv").exists() else []


@pytest.mark.parametrize("case", _CASES, ids=lambda c: c.path)
def test_native_verdict_matches_official(case, corpus):
    outcome = check(case, corpus)
    assert outcome.ok, (
        f"{case.path}: {outcome.detail}; official fatal={sorted(case.fatal)} "
        f"missing={sorted(outcome.missing)} extra={sorted(outcome.extra)}"
    )


def test_corpus_cases_are_all_there(corpus):
    # 368 core documents with a verdict and 1,414 unit fragments (corpus README).
    kinds = {c.relevance for c in _CASES}
    assert kinds == {"core", "unit-fragment"}
    assert sum(c.relevance == "core" for c in _CASES) == 368
    assert sum(c.relevance == "unit-fragment" for c in _CASES) == 1414
