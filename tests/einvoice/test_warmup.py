"""facturier.einvoice.warmup: a process validates one built invoice per syntax before it takes work."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from facturier.einvoice import warmup
from facturier.einvoice.findings import Syntax
from facturier.einvoice.validate import validate

# In a fresh interpreter: what is compiled before and after warm_up(), and what the first validation
# of a real-looking invoice in a process forked after the warm-up still compiles.
PROBE = textwrap.dedent("""
    import json, os
    from facturier.einvoice import xsd
    from facturier.einvoice.rules import engine
    from facturier.einvoice.warmup import warm_up, _invoice_bytes
    from facturier.einvoice.findings import Syntax
    before = {"schemas": len(xsd._cache), "plans": engine._plan.cache_info().currsize}
    timings = warm_up()
    after = {"schemas": len(xsd._cache), "plans": engine._plan.cache_info().currsize}
    docs = [_invoice_bytes(s).replace(b"WARM-UP-1", b"F-2026-042") for s in (Syntax.CII, Syntax.UBL)]
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        from facturier.einvoice.validate import validate
        misses = engine._plan.cache_info().misses
        schemas = len(xsd._cache)
        valid = [validate(d).valid for d in docs]
        os.write(w, json.dumps({"valid": valid, "new_plans": engine._plan.cache_info().misses - misses,
                                "new_schemas": len(xsd._cache) - schemas}).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = json.loads(os.read(r, 10000))
    print(json.dumps({"before": before, "after": after, "timings": timings, "child": child}))
""")


def test_warm_up_compiles_what_a_forked_process_then_reuses() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe["before"] == {"schemas": 0, "plans": 0}
    assert probe["after"]["schemas"] >= 2 and probe["after"]["plans"] >= 2  # CII and UBL
    assert set(probe["timings"]) == {"cii", "ubl"} and all(s > 0 for s in probe["timings"].values())
    # The child validates other invoices of both syntaxes without compiling a schema or a rule plan.
    assert probe["child"] == {"valid": [True, True], "new_plans": 0, "new_schemas": 0}


@pytest.mark.parametrize("syntax", list(Syntax))
def test_the_warm_up_invoices_are_valid_en16931(syntax: Syntax) -> None:
    report = validate(warmup._invoice_bytes(syntax))
    assert report.valid, report.text("en")
    assert report.format == syntax.value


def test_warm_up_refuses_a_validator_that_rejects_a_valid_invoice(monkeypatch: pytest.MonkeyPatch) -> None:
    built = warmup._invoice_bytes
    # Stands for a broken validator: the invoice it is given has lost its number (BT-1, BR-02).
    monkeypatch.setattr(warmup, "_invoice_bytes", lambda s: built(s).replace(b"WARM-UP-1", b""))
    with pytest.raises(warmup.WarmUpFailed, match="CII warm-up invoice is not valid") as caught:
        warmup.warm_up()
    assert "BR-02" in str(caught.value)
