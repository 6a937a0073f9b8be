"""Peppol BIS Billing 3.0 transaction rules (PEPPOL-EN16931-R*), CII binding.

Source: OpenPEPPOL/peppol-bis-invoice-3 3.0.19, ``rules/sch/PEPPOL-EN16931-CII.sch``, the
transaction-rules pattern (R051 is "obsolete in CII", R044/R046 "not needed", R008 and CL006 have
no CII counterpart). As in UBL, R041, R042 and R040/R043 are exclusive for one allowance/charge.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from lxml.etree import _Element

from ..findings import Syntax
from ..rules.registry import RuleContext
from ..values import normalize_space
from ._doc import cii_doc
from ._xpath import RAM, RSM, UDT, decimal, find, kid, kids, number, path, sv, text
from .messages import peppol_rule
from .peppol_ubl import _r040_ok, r120_check

CII = Syntax.CII
_SPEC = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"


def _contexts(ctx: RuleContext) -> list[_Element]:
    return [c for c in find(ctx, RSM + "ExchangedDocumentContext")]


@peppol_rule("PEPPOL-EN16931-R001", CII)
def r001(ctx: RuleContext) -> Iterator[_Element]:
    for c in _contexts(ctx):
        if not path(c, RAM + "BusinessProcessSpecifiedDocumentContextParameter", RAM + "ID"):
            yield c


@peppol_rule("PEPPOL-EN16931-R007", CII)
def r007(ctx: RuleContext) -> Iterator[_Element]:
    profile = cii_doc(ctx).profile
    if profile is None or profile == "Unknown":
        yield from _contexts(ctx)


@peppol_rule("PEPPOL-EN16931-R004", CII)
def r004(ctx: RuleContext) -> Iterator[_Element]:
    for c in _contexts(ctx):
        ids = path(c, RAM + "GuidelineSpecifiedDocumentContextParameter", RAM + "ID")
        if not normalize_space(text(ids[0] if ids else None)).startswith(_SPEC):
            yield c


# --- header agreement and settlement -----------------------------------------------------------------


def _agreements(ctx: RuleContext) -> list[_Element]:
    return find(ctx, RAM + "ApplicableHeaderTradeAgreement")


@peppol_rule("PEPPOL-EN16931-R003", CII)
def r003(ctx: RuleContext) -> Iterator[_Element]:
    for a in _agreements(ctx):
        if kid(a, RAM + "BuyerReference") is None and not path(
            a, RAM + "BuyerOrderReferencedDocument", RAM + "IssuerAssignedID"
        ):
            yield a


def _count_typed(parent: _Element, code: str) -> int:
    return sum(
        1
        for d in kids(parent, RAM + "AdditionalReferencedDocument")
        if any(sv(t) == code for t in kids(d, RAM + "TypeCode"))
    )


@peppol_rule("PEPPOL-EN16931-R006", CII)
def r006(ctx: RuleContext) -> Iterator[_Element]:
    yield from (a for a in _agreements(ctx) if _count_typed(a, "130") > 1)


@peppol_rule("PEPPOL-EN16931-R080", CII)
def r080(ctx: RuleContext) -> Iterator[_Element]:
    yield from (a for a in _agreements(ctx) if _count_typed(a, "50") > 1)


def _settlements(ctx: RuleContext) -> list[_Element]:
    return find(ctx, RAM + "ApplicableHeaderTradeSettlement")


@peppol_rule("PEPPOL-EN16931-R005", CII)
def r005(ctx: RuleContext) -> Iterator[_Element]:
    for s in _settlements(ctx):
        tcc = kid(s, RAM + "TaxCurrencyCode")
        if tcc is not None and normalize_space(text(tcc)) == normalize_space(
            text(kid(s, RAM + "InvoiceCurrencyCode"))
        ):
            yield s


def _tax_totals(s: _Element) -> list[_Element]:
    return path(s, RAM + "SpecifiedTradeSettlementHeaderMonetarySummation", RAM + "TaxTotalAmount")


@peppol_rule("PEPPOL-EN16931-R053", CII)
def r053(ctx: RuleContext) -> Iterator[_Element]:
    currencies = cii_doc(ctx).currencies
    for s in _settlements(ctx):
        if sum(1 for t in _tax_totals(s) if t.get("currencyID") in currencies) != 1:
            yield s


@peppol_rule("PEPPOL-EN16931-R054", CII)
def r054(ctx: RuleContext) -> Iterator[_Element]:
    currencies = cii_doc(ctx).currencies
    for s in _settlements(ctx):
        # @currencyID != $documentCurrencyCode: true when some document currency differs
        other = sum(
            1
            for t in _tax_totals(s)
            if (cur := t.get("currencyID")) is not None and any(cur != c for c in currencies)
        )
        if other != (1 if kid(s, RAM + "TaxCurrencyCode") is not None else 0):
            yield s


@peppol_rule("PEPPOL-EN16931-R055", CII)
def r055(ctx: RuleContext) -> Iterator[_Element]:
    d = cii_doc(ctx)
    if not d.tax_currencies:
        return
    for s in _settlements(ctx):
        totals = _tax_totals(s)
        tax = [number(sv(t)) for t in totals if t.get("currencyID") in d.tax_currencies]
        doc = [number(sv(t)) for t in totals if t.get("currencyID") in d.currencies]
        negative = any(v < 0 for v in tax) and any(v < 0 for v in doc)
        positive = any(v >= 0 for v in tax) and any(v >= 0 for v in doc)
        if not (negative or positive):
            yield s


@peppol_rule("PEPPOL-EN16931-R002", CII)
def r002(ctx: RuleContext) -> Iterator[_Element]:
    for doc in find(ctx, RSM + "ExchangedDocument"):
        notes = kids(doc, RAM + "IncludedNote")
        if len(notes) > 1 or path(notes, RAM + "SubjectCode"):
            yield doc


@peppol_rule("PEPPOL-EN16931-R010", CII)
def r010(ctx: RuleContext) -> Iterator[_Element]:
    for party in find(ctx, RAM + "BuyerTradeParty"):
        if not path(party, RAM + "URIUniversalCommunication", RAM + "URIID"):
            yield party


@peppol_rule("PEPPOL-EN16931-R020", CII)
def r020(ctx: RuleContext) -> Iterator[_Element]:
    for party in find(ctx, RAM + "SellerTradeParty"):
        if not path(party, RAM + "URIUniversalCommunication", RAM + "URIID"):
            yield party


# --- allowances and charges ------------------------------------------------------------------------------


def _allowance_charges(ctx: RuleContext) -> list[tuple[str, _Element]]:
    def compute() -> list[tuple[str, _Element]]:
        out = []
        for ac in find(ctx, RAM + "SpecifiedTradeAllowanceCharge"):
            has_pct = kid(ac, RAM + "CalculationPercent") is not None
            has_base = kid(ac, RAM + "BasisAmount") is not None
            out.append(
                ("R041" if has_pct and not has_base else "R042" if has_base and not has_pct else "R040", ac)
            )
        return out

    return ctx.once("peppol.cii.acs", compute)  # type: ignore[no-any-return]


@peppol_rule("PEPPOL-EN16931-R041", CII)
def r041(ctx: RuleContext) -> Iterator[_Element]:
    yield from (ac for which, ac in _allowance_charges(ctx) if which == "R041")


@peppol_rule("PEPPOL-EN16931-R042", CII)
def r042(ctx: RuleContext) -> Iterator[_Element]:
    yield from (ac for which, ac in _allowance_charges(ctx) if which == "R042")


@peppol_rule("PEPPOL-EN16931-R040", CII)
def r040(ctx: RuleContext) -> Iterator[_Element]:
    for which, ac in _allowance_charges(ctx):
        if which == "R040" and not _r040_ok(
            ac, RAM + "ActualAmount", RAM + "BasisAmount", RAM + "CalculationPercent"
        ):
            yield ac


def _bad_indicator(ac: _Element) -> bool:
    ind = path(ac, RAM + "ChargeIndicator", UDT + "Indicator")
    return normalize_space(text(ind[0] if ind else None)) not in ("true", "false")


@peppol_rule("PEPPOL-EN16931-R043", CII)
def r043(ctx: RuleContext) -> Iterator[_Element]:
    for which, ac in _allowance_charges(ctx):
        if which == "R040" and _bad_indicator(ac):
            yield ac
    for ac in find(ctx, RAM + "AppliedTradeAllowanceCharge"):
        if _bad_indicator(ac):
            yield ac


@peppol_rule("PEPPOL-EN16931-R061", CII)
def r061(ctx: RuleContext) -> Iterator[_Element]:
    for pm in find(ctx, RAM + "SpecifiedTradeSettlementPaymentMeans"):
        codes = kids(pm, RAM + "TypeCode")
        if len(codes) <= 1 and normalize_space(sv(codes[0]) if codes else "") in ("49", "59"):
            parent = pm.getparent()
            if not path(parent, RAM + "SpecifiedTradePaymentTerms", RAM + "DirectDebitMandateID"):
                yield pm


# --- line level ------------------------------------------------------------------------------------------


def _lines(ctx: RuleContext) -> list[_Element]:
    return ctx.once("peppol.cii.lines", lambda: find(ctx, RAM + "IncludedSupplyChainTradeLineItem"))  # type: ignore[no-any-return]


def _period(ctx: RuleContext, tag: str, ok) -> Iterator[_Element]:  # type: ignore[no-untyped-def]
    for tx in find(ctx, RSM + "SupplyChainTradeTransaction"):
        header = path(tx, RAM + "ApplicableHeaderTradeSettlement", RAM + "BillingSpecifiedPeriod", tag)
        if not header:
            continue
        header_values = [sv(d) for d in path(header, UDT + "DateTimeString")]
        for line_date in path(
            tx,
            RAM + "IncludedSupplyChainTradeLineItem",
            RAM + "SpecifiedLineTradeSettlement",
            RAM + "BillingSpecifiedPeriod",
            tag,
        ):
            values = [sv(d) for d in kids(line_date, UDT + "DateTimeString")]
            if not any(ok(v, h) for v in values for h in header_values):
                yield line_date


@peppol_rule("PEPPOL-EN16931-R110", CII)
def r110(ctx: RuleContext) -> Iterator[_Element]:
    yield from _period(ctx, RAM + "StartDateTime", lambda v, h: v >= h)


@peppol_rule("PEPPOL-EN16931-R111", CII)
def r111(ctx: RuleContext) -> Iterator[_Element]:
    yield from _period(ctx, RAM + "EndDateTime", lambda v, h: v <= h)


@peppol_rule("PEPPOL-EN16931-R120", CII)
def r120(ctx: RuleContext) -> Iterator[_Element]:
    for line in _lines(ctx):
        settlement = kid(line, RAM + "SpecifiedLineTradeSettlement")
        net = kid(kid(line, RAM + "SpecifiedLineTradeAgreement"), RAM + "NetPriceProductTradePrice")
        if not r120_check(
            line,
            ext=kid(
                kid(settlement, RAM + "SpecifiedTradeSettlementLineMonetarySummation"),
                RAM + "LineTotalAmount",
            ),
            qty=kid(kid(line, RAM + "SpecifiedLineTradeDelivery"), RAM + "BilledQuantity"),
            price=kid(net, RAM + "ChargeAmount"),
            base_qty=kid(net, RAM + "BasisQuantity"),
            acs=kids(settlement, RAM + "SpecifiedTradeAllowanceCharge"),
            amount_tag=RAM + "ActualAmount",
            ind_path=(RAM + "ChargeIndicator", UDT + "Indicator"),
        ):
            yield line


def _line_refs(line: _Element) -> list[_Element]:
    return path(line, RAM + "SpecifiedLineTradeSettlement", RAM + "AdditionalReferencedDocument")


@peppol_rule("PEPPOL-EN16931-R100", CII)
def r100(ctx: RuleContext) -> Iterator[_Element]:
    for line in _lines(ctx):
        if sum(1 for d in _line_refs(line) if any(sv(t) == "130" for t in kids(d, RAM + "TypeCode"))) > 1:
            yield line


@peppol_rule("PEPPOL-EN16931-R101", CII)
def r101(ctx: RuleContext) -> Iterator[_Element]:
    for line in _lines(ctx):
        refs = _line_refs(line)
        if refs and not any(sv(t) == "130" for t in path(refs, RAM + "TypeCode")):
            yield line


@peppol_rule("PEPPOL-EN16931-R121", CII)
def r121(ctx: RuleContext) -> Iterator[_Element]:
    for price in find(ctx, RAM + "NetPriceProductTradePrice", RAM + "GrossPriceProductTradePrice"):
        bq = kids(price, RAM + "BasisQuantity")
        if len(bq) == 1:
            v = decimal(sv(bq[0]))
            if v is not None and not v > Decimal(0):
                yield price


@peppol_rule("PEPPOL-EN16931-R130", CII)
def r130(ctx: RuleContext) -> Iterator[_Element]:
    for price in find(ctx, RAM + "NetPriceProductTradePrice", RAM + "GrossPriceProductTradePrice"):
        for bq in kids(price, RAM + "BasisQuantity"):
            unit = bq.get("unitCode")
            if unit is None:
                continue
            agreement = price.getparent()
            line = agreement.getparent() if agreement is not None else None
            billed = (
                path(line, RAM + "SpecifiedLineTradeDelivery", RAM + "BilledQuantity")
                if line is not None
                else []
            )
            if not any(q.get("unitCode") == unit for q in billed):
                yield bq
