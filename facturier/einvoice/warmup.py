"""Warm a long-lived process up before it takes work: what the first validation of each syntax
compiles once per process (the XSD schemas, the rule plans, the reader tables, the code lists
read from the official artefacts) is compiled now, by validating a small invoice of each syntax
that the writers build.

A Celery worker calls it once at start, before its prefork pool forks, so every pool process
starts warm; so does each process that processes deposits itself when there is no broker
(``facturier.core.jobs.warm_up_validation``; docs/deposits.md, "Process start"). Otherwise the
first invoice of each syntax that each process validates pays 0.1 to 0.5 s of compilation.

>>> timings = warm_up()
>>> sorted(timings)
['cii', 'ubl']
"""

from __future__ import annotations

import datetime as dt
import time

from .build import AddressData, IdentifierData, LineData, PartyData, build_invoice
from .findings import Syntax
from .validate import validate
from .writers import write_cii, write_ubl

__all__ = ["WarmUpFailed", "warm_up"]

_WRITERS = {Syntax.CII: write_cii, Syntax.UBL: write_ubl}


class WarmUpFailed(RuntimeError):
    """The warm-up invoice did not validate: the validator itself is broken (schemas, rules)."""


def _invoice_bytes(syntax: Syntax) -> bytes:
    invoice = build_invoice(
        number="WARM-UP-1",
        issue_date=dt.date(2025, 1, 15),
        due_date=dt.date(2025, 2, 14),
        seller=PartyData(
            name="Fournisseur",
            identifiers=[IdentifierData("89123456900012", "0009")],
            legal_id=IdentifierData("89123456900012", "0009"),
            vat_id="FR58891234569",
            address=AddressData(line1="1 rue de la Paix", city="Paris", postcode="75002", country="FR"),
        ),
        buyer=PartyData(
            name="Acheteur public",
            legal_id=IdentifierData("21345000000012", "0009"),
            address=AddressData(line1="1 place de la Mairie", city="Lyon", postcode="69001", country="FR"),
        ),
        buyer_reference="SERVICE",
        lines=[LineData(name="Prestation", quantity=2, net_price="50.00")],
    )
    return _WRITERS[syntax](invoice)


def warm_up() -> dict[str, float]:
    """Validate one built invoice of each syntax; the seconds each took, by syntax.

    Raises :class:`WarmUpFailed` when an invoice the writers built is not valid: a process whose
    validator rejects its own output must not start taking invoices."""
    timings: dict[str, float] = {}
    for syntax in _WRITERS:
        started = time.perf_counter()
        report = validate(_invoice_bytes(syntax), file=f"warm-up.{syntax.value}.xml")
        timings[syntax.value] = time.perf_counter() - started
        if not report.valid:
            raise WarmUpFailed(f"the {syntax.value.upper()} warm-up invoice is not valid:\n{report.text('en')}")
    return timings
