"""EN 16931 VAT-category rules (BR-S/Z/E/AE/IC/G/O/AF/AG/B-*) for UBL, as the CEN UBL artefact
v1.3.16 tests them.

:mod:`.vat_ubl_facts` collects every ``cac:TaxCategory`` / ``cac:ClassifiedTaxCategory`` once per
document; each rule is then a few comparisons over that list. The XPath details that change
verdicts are kept: ``normalize-space(cbc:ID)`` (a single ID) against
``cbc:ID[normalize-space(.)='X']`` (any ID) and ``cbc:ID = 'X'`` (no normalisation); which tests
require the VAT tax scheme; ``//`` (anywhere) against root-level paths; exact sums for E/Z/G/K/AE/O
and ±1 per-rate sums for S/L/M; xs:double arithmetic where an untyped value meets a number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from lxml.etree import _Element

from ..findings import Syntax
from ..values import string_value
from .registry import RuleContext
from .vat import AF, AG, CATEGORIES, Category, G, O, S, VatRuleSet, round2, xs_decimal, xs_double
from .vat_ubl_facts import AC_KINDS, CAC, CBC, DOC_AC, LINE, SUB, Cat, Facts

# Seller / buyer conditions of BR-xx-02..04, per category.
_COND: dict[str, Callable[[dict[str, bool]], bool]] = {
    "std": lambda p: p["sup_any"] or p["rep_vat"],
    "AE": lambda p: (p["sup_any"] or p["rep_vat"]) and (p["buy_vat"] or p["buy_legal"]),
    "G": lambda p: p["sup_vat"] or p["rep_vat"],
    "IC": lambda p: (p["sup_vat"] or p["rep_vat"]) and p["buy_vat"],
    "O": lambda p: not (p["sup_vat"] or p["rep_vat"] or p["buy_vat"]),
}

Check = Callable[[Facts], Iterable[Any]]


# --- BR-xx-01: the category of lines, allowances and charges is in the VAT breakdown --------------


def _exactly_one(code: str) -> Check:
    """BR-Z/E/AE/IC/G/O-01: exactly one BG-23 of the category when any TaxCategory or
    ClassifiedTaxCategory (VAT scheme) carries it."""

    def check(f: Facts) -> Iterable[Any]:
        if code not in f.present:
            return ()
        used = any(c.vat and code in c.ns_ids for c in f.cats)
        n = sum(c.ns_ids.count(code) for c in f.cats if c.kind == SUB and c.vat)
        return (f.invoice,) if used and n != 1 else ()

    return check


def br_s_01(f: Facts) -> Iterable[Any]:
    """BR-S-01: S on lines / allowances / charges iff S in the breakdown (no VAT-scheme check)."""
    if "S" not in f.present:
        return ()
    used = sum(1 for c in f.cats if c.ns_id == "S" and (c.kind in AC_KINDS or not c.tc))
    n = sum(1 for c in f.cats if c.kind == SUB and c.ns_id == "S")
    return () if (used > 0 and n > 0) or (used == 0 and n == 0) else (f.invoice,)


def _at_least_one(code: str, *, vat_in_first_count: bool) -> Check:
    """BR-AF-01 / BR-AG-01: the breakdown count of the first branch is ``cbc:ID = 'L'`` (no
    normalisation; BR-AF-01 without the VAT-scheme check), the second ``normalize-space``."""

    def check(f: Facts) -> Iterable[Any]:
        if code not in f.present:
            return ()
        used = sum(1 for c in f.of(code) if c.kind in AC_KINDS or not c.tc)
        subs = [c for c in f.cats if c.kind == SUB]
        first = sum(1 for c in subs if code in c.ids and (c.vat or not vat_in_first_count))
        second = sum(1 for c in f.of(code) if c.kind == SUB)
        return () if (used > 0 and first > 0) or (used == 0 and second == 0) else (f.invoice,)

    return check


# --- BR-xx-02..04: party identifiers ---------------------------------------------------------------


def _line_parties(code: str, cond: str, *, vat_when_absent: bool = True) -> Check:
    """BR-xx-02. For S the "absent" branch omits the VAT-scheme check."""

    def check(f: Facts) -> Iterable[Any]:
        if code not in f.present:
            return ()
        used = any(not c.tc for c in f.of(code))
        present = used if vat_when_absent else any(not c.tc and c.ns_id == code for c in f.cats)
        return (f.invoice,) if present and not (used and _COND[cond](f.parties())) else ()

    return check


def _ac_parties(
    code: str,
    charge: bool,
    cond: str,
    *,
    root_only: bool = False,
    vat_in_used: bool = True,
    raw_when_absent: bool = False,
) -> Check:
    """BR-xx-03 (allowances) / BR-xx-04 (charges). BR-O-03/04 look at root-level allowances and
    charges only; BR-G-03/04 omit the VAT-scheme check in the first branch; BR-AF-04's "absent"
    branch compares ``cbc:ID = 'L'`` without normalisation."""
    kinds = (DOC_AC,) if root_only else AC_KINDS

    def check(f: Facts) -> Iterable[Any]:
        if code not in f.present:
            return ()
        acs = [c for c in f.cats if c.kind in kinds and charge in c.ind]
        used = any(c.ns_id == code and (c.vat or not vat_in_used) for c in acs)
        if raw_when_absent:
            present = any(code in c.ids and c.vat for c in acs)
        else:
            present = any(c.is_(code) for c in acs)
        return (f.invoice,) if present and not (used and _COND[cond](f.parties())) else ()

    return check


# --- BR-xx-05..07: VAT rate of lines, allowances and charges ----------------------------------------


def _rate_ok(test: str, percents: list[str]) -> bool:
    if test == "zero":  # xs:decimal(cbc:Percent) = 0
        return len(percents) == 1 and xs_decimal(percents[0]) == 0
    if test == "absent":  # not(cbc:Percent)
        return not percents
    values = [v for p in percents if (v := xs_double(p)) is not None]
    if test == "positive":  # (cbc:Percent) > 0
        return any(v > 0 for v in values)
    return any(v >= 0 for v in values)  # (cbc:Percent) >= 0


def _rate(code: str, where: str, test: str) -> Check:
    """BR-xx-05 (line), -06 (allowance), -07 (charge): one hit per category element. An element
    whose allowance is both true and false belongs to the allowance rule (higher priority)."""

    def matches(c: Cat) -> bool:
        if where == "line":
            return c.kind == LINE
        if c.kind not in AC_KINDS:
            return False
        return False in c.ind if where == "allowance" else (True in c.ind and False not in c.ind)

    def check(f: Facts) -> Iterable[Any]:
        if code not in f.present:
            return ()
        return [c.el for c in f.of(code) if matches(c) and not _rate_ok(test, c.percents)]

    return check


# --- BR-xx-08..10 on each VAT breakdown ---------------------------------------------------------------


def _single_decimal(raws: list[str]) -> Decimal | None:
    return xs_decimal(raws[0]) if len(raws) == 1 else None


def _breakdowns(code: str, failing: Callable[[Facts, Cat], bool]) -> Check:
    def check(f: Facts) -> Iterable[Any]:
        if code not in f.present:
            return ()
        return [c.el for c in f.of(code) if c.kind == SUB and failing(f, c)]

    return check


def _sum_exact(code: str) -> Check:
    """BR-Z/E/AE/IC/G/O-08: xs:decimal(BT-116) = Σ lines + Σ charges − Σ allowances, exactly."""

    def failing(f: Facts, c: Cat) -> bool:
        taxable = _single_decimal(c.taxable)
        if taxable is None:
            return True
        return not any(f.has_lines(inv) and taxable == f.total(code, inv) for inv in (True, False))

    return _breakdowns(code, failing)


def _sum_per_rate(code: str, *, needs_usage: bool) -> Check:
    """BR-S-08 / BR-AF-08 / BR-AG-08: for the rate of the breakdown, BT-116 ± 1 brackets the sum
    of the lines, charges and allowances of that category and rate. BR-S-08 also requires a line or
    an allowance/charge with that category and rate."""

    def failing(f: Facts, c: Cat) -> bool:
        if not c.percents:
            return False  # every $rate in (): true
        rate = xs_decimal(c.percents[0]) if len(c.percents) == 1 else None
        ta = xs_double(c.taxable[0]) if len(c.taxable) == 1 else None
        if rate is None or ta is None or not math.isfinite(ta):
            return True
        # ../xs:decimal(cbc:TaxableAmount - 1): the untyped amount minus 1 is an xs:double.
        low, high = Decimal(ta - 1), Decimal(ta + 1)
        if needs_usage:
            used_lines, used_acs = f.used()
            used_ac = (code, rate) in used_acs
        for inv in (True, False):
            if needs_usage:
                if not (used_ac or (code, rate, inv) in used_lines):
                    continue
            elif not f.has_lines(inv):
                continue
            t = f.total(code, inv, rate)
            if low < t < high:
                return False
        return True

    return _breakdowns(code, failing)


def _tax_zero(code: str) -> Check:
    """BR-xx-09: xs:decimal(../cbc:TaxAmount) = 0."""
    return _breakdowns(code, lambda f, c: _single_decimal(c.tax) != 0)


def _tax_product(code: str) -> Check:
    """BR-S-09 / BR-AF-09 / BR-AG-09: |BT-117| ± 1 brackets round2(|BT-116| × BT-119 / 100)."""

    def failing(f: Facts, c: Cat) -> bool:
        tax = _single_decimal(c.tax)
        taxable = _single_decimal(c.taxable)
        rate = _single_decimal(c.percents)
        if tax is None or taxable is None or rate is None:
            return True
        expected = round2(abs(taxable) * (rate / 100))
        return not (abs(tax) - 1 < expected < abs(tax) + 1)

    return _breakdowns(code, failing)


def _reason(code: str, *, required: bool) -> Check:
    """BR-xx-10: exemption reason (BT-120 / BT-121) required or forbidden."""
    return _breakdowns(code, lambda f, c: c.reason != required)


# --- single rules ----------------------------------------------------------------------------------


def _has_k_breakdown(f: Facts) -> bool:
    return any(c.kind == SUB and c.vat and "K" in c.ns_ids for c in f.cats)


def _first_text(root: _Element, *path: str) -> str:
    """``string-length()`` argument of a root-relative path: the first match (a second one would
    make the official test a dynamic error), ``""`` when absent."""
    level = [root]
    for tag in path:
        level = [c for el in level for c in el.iterchildren(tag)]
    return string_value(level[0]) if level else ""


def br_ic_11(f: Facts) -> Iterable[Any]:
    """BR-IC-11: with a K breakdown, the actual delivery date (BT-72) or the invoicing period (BG-14)."""
    if "K" not in f.present or not _has_k_breakdown(f):
        return ()
    date = _first_text(f.root, CAC + "Delivery", CBC + "ActualDeliveryDate")
    period = any(isinstance(c.tag, str) for p in f.root.iterchildren(CAC + "InvoicePeriod") for c in p)
    return () if len(date) > 1 or period else (f.invoice,)


def br_ic_12(f: Facts) -> Iterable[Any]:
    """BR-IC-12: with a K breakdown, the deliver-to country code (BT-80)."""
    if "K" not in f.present or not _has_k_breakdown(f):
        return ()
    country = _first_text(
        f.root,
        CAC + "Delivery",
        CAC + "DeliveryLocation",
        CAC + "Address",
        CAC + "Country",
        CBC + "IdentificationCode",
    )
    return () if len(country) > 1 else (f.invoice,)


def _only_o(others: Callable[[Cat], bool]) -> Check:
    """BR-O-11..14: with an O breakdown, no other category (breakdowns / lines / allowances / charges)."""

    def check(f: Facts) -> Iterable[Any]:
        if "O" not in f.present or not any(c.kind == SUB and c.vat and "O" in c.ns_ids for c in f.cats):
            return ()
        bad = any(c.vat and c.ns_id is not None and c.ns_id != "O" and others(c) for c in f.cats)
        return (f.invoice,) if bad else ()

    return check


def br_b_01(f: Facts) -> Iterable[Any]:
    """BR-B-01: split payment only in a domestic Italian invoice (every cbc:IdentificationCode IT)."""
    if "B" not in f.present or not any("B" in c.ids for c in f.cats):
        return ()
    foreign = any(string_value(x) != "IT" for x in f.root.iter(CBC + "IdentificationCode"))
    return (f.invoice,) if foreign else ()


def br_b_02(f: Facts) -> Iterable[Any]:
    """BR-B-02: no standard-rated line, allowance, charge or breakdown next to split payment."""
    if "B" not in f.present:
        return ()
    cats = [c for c in f.cats if c.kind in (SUB, DOC_AC) or not c.tc]
    has_b = any("B" in c.ids for c in cats)
    return (f.invoice,) if has_b and any("S" in c.ids for c in cats) else ()


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
_RATE_TEST = {"S": "positive", "AF": "nonneg", "AG": "nonneg", "O": "absent"}


def _checks(cat: Category) -> dict[int, Check]:
    code, p = cat.code, cat.prefix
    checks: dict[int, Check] = {}
    if cat is S:
        checks[1] = br_s_01
    elif cat in (AF, AG):
        checks[1] = _at_least_one(code, vat_in_first_count=cat is AG)
    else:
        checks[1] = _exactly_one(code)
    checks[2] = _line_parties(code, _PARTIES[p], vat_when_absent=cat is not S)
    for n, charge in ((3, False), (4, True)):
        checks[n] = _ac_parties(
            code,
            charge,
            _PARTIES[p],
            root_only=cat is O,
            vat_in_used=cat is not G,
            raw_when_absent=cat is AF and charge,
        )
    for n, where in ((5, "line"), (6, "allowance"), (7, "charge")):
        checks[n] = _rate(code, where, _RATE_TEST.get(p, "zero"))
    if cat in (S, AF, AG):
        checks[8] = _sum_per_rate(code, needs_usage=cat is S)
        checks[9] = _tax_product(code)
        checks[10] = _reason(code, required=False)
    else:
        checks[8] = _sum_exact(code)
        checks[9] = _tax_zero(code)
        checks[10] = _reason(code, required=p != "Z")
    return checks


def _facts(ctx: RuleContext) -> Facts:
    from .syntax_ubl import _scan  # here: the import order of the rule modules is the rule order

    return Facts(ctx.root, ctx.invoice, _scan(ctx).named["tax_categories"])


RULES = VatRuleSet(Syntax.UBL, _facts)
for _cat in CATEGORIES:
    for _n, _check in _checks(_cat).items():
        RULES.add(_cat.rid(_n), _cat.code, _check)
RULES.add("BR-IC-11", "K", br_ic_11)
RULES.add("BR-IC-12", "K", br_ic_12)
RULES.add("BR-O-11", "O", _only_o(lambda c: c.kind == SUB))
RULES.add("BR-O-12", "O", _only_o(lambda c: not c.tc))
RULES.add("BR-O-13", "O", _only_o(lambda c: c.kind in AC_KINDS and False in c.ind))
RULES.add("BR-O-14", "O", _only_o(lambda c: c.kind in AC_KINDS and True in c.ind))
RULES.add("BR-B-01", "B", br_b_01)
RULES.add("BR-B-02", "B", br_b_02)
