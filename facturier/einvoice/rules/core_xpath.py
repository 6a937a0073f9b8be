"""XPath semantics shared by the core rule modules (``core*.py``, ``calc.py``, ``decimals.py``).

The official tests mix two arithmetics and the verdicts depend on which one is used:

* ``xs:decimal(x)`` casts give exact decimal arithmetic (UBL everywhere, CII where the test casts);
* untyped values in ``sum()`` or compared with a number are cast to ``xs:double`` (the CEN CII
  tests of BR-CO-10/11/12/14 and BR-DEC-13/15), so the native code adds IEEE doubles in document
  order, exactly as Saxon does, and converts a double to a decimal exactly (``Decimal(float)``).

XPath ``round()`` rounds half toward positive infinity (``round(-2.5) = -2``): :func:`xround`.
A value that is not a valid number makes the official XSLT raise a dynamic error; here it counts as
an absent value, so a comparison involving it is false.

The selections (:func:`monetary_totals`, :func:`doc_allowances`, :func:`breakdowns`…) give the rule
contexts of the official artefacts, computed once per document (:func:`memo`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_FLOOR, Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ..findings import Syntax
from .registry import RuleContext

if TYPE_CHECKING:
    from lxml.etree import _Element

    from ..model import AllowanceCharge, Invoice, Totals, VatBreakdown
    from ..values import Number, Value

UBL = Syntax.UBL
CII = Syntax.CII
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
WS = " \t\r\n"
_HALF = Decimal("0.5")
ONE = Decimal(1)

# --- XPath values ----------------------------------------------------------------------------------


def dec(v: Number | None) -> Decimal | None:
    """``xs:decimal(v)``: the exact value, ``None`` when absent or not a decimal."""
    return v.value if v is not None else None


def xround(d: Decimal) -> Decimal:
    """XPath ``round()`` of a decimal: half toward positive infinity."""
    return (d + _HALF).to_integral_value(rounding=ROUND_FLOOR)


def r2(d: Decimal) -> Decimal:
    """``round(d * 10 * 10) div 100`` in decimal arithmetic."""
    return xround(d * 100) / 100


_DOUBLE_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN")


def dbl(v: Value | None) -> float | None:
    """``xs:double`` of an untyped value (``None`` when absent or not a number)."""
    if v is None:
        return None
    if getattr(v, "value", None) is not None:  # a valid xs:decimal is a valid xs:double
        return float(v.raw)
    s = v.raw.strip(WS)
    if _DOUBLE_RE.fullmatch(s) is None:
        return None
    return float(s.replace("INF", "inf"))


def dround(x: float) -> float:
    """XPath ``round()`` of a double."""
    return float(math.floor(x + 0.5)) if math.isfinite(x) else x


def dsum(values: Iterable[Value]) -> float | None:
    """``sum()`` of untyped values as doubles, added in document order (``None``: a non-number)."""
    total = 0.0
    for v in values:
        if getattr(v, "value", None) is not None:
            total += float(v.raw)
            continue
        x = dbl(v)
        if x is None:
            return None
        total += x
    return total


def dsum_r2(values: Iterable[Value]) -> float | None:
    """``round(sum(values) * 10 * 10) div 100`` in double arithmetic."""
    s = dsum(values)
    return None if s is None else dround(s * 10 * 10) / 100


def dsum_dec(values: Iterable[Number]) -> Decimal | None:
    """``sum(values/xs:decimal(.))`` (``None`` when one is not a decimal)."""
    decimals = [v.value for v in values]
    return None if None in decimals else sum(decimals, Decimal(0))  # type: ignore[arg-type]


def any_eq_double(values: Iterable[Value], target: float | None) -> bool:
    """General comparison ``values = target`` with untyped values cast to double."""
    if target is None:
        return False
    return any(dbl(v) == target for v in values)


def occ(group: Any, name: str) -> tuple[Any, ...]:
    """Every occurrence of a single-valued field, in document order (a fast :meth:`Group.all`)."""
    v = getattr(group, name)
    if v is None:
        return ()
    extra = group.extra
    if extra is None or name not in extra:
        return (v,)
    return (v, *extra[name])


def root_if(ctx: RuleContext, failed: bool) -> list[Any]:
    """A hit on the invoice root (the context of the document-level rules) when ``failed``."""
    return [ctx.invoice] if failed else []


def blank_root(ctx: RuleContext, v: Value | None) -> list[Any]:
    """A hit on the invoice root when ``normalize-space(v) = ''``."""
    return [ctx.invoice] if v is None or not v.raw.strip(WS) else []


def blank(v: Value | None) -> bool:
    """``normalize-space(v) = ''`` (true when absent)."""
    return v is None or not v.raw.strip(WS)


def vat_scheme(group: Any, *, normalize: bool = True) -> bool:
    """The tax category of ``group`` is in the VAT scheme.

    UBL ``cac:TaxScheme/normalize-space(upper-case(cbc:ID)) = 'VAT'``, true if any scheme matches;
    CII ``upper-case(ram:TypeCode) = 'VAT'`` (``normalize=False``).
    """
    scheme = group.tax_scheme
    if scheme is None:
        return False
    if scheme.raw == "VAT":
        return True
    for scheme in occ(group, "tax_scheme"):
        raw = scheme.raw.upper()
        if (raw.strip(WS) if normalize else raw) == "VAT":
            return True
    return False


def decimals_ok(v: Value | None) -> bool:
    """``string-length(substring-after(v, '.')) <= 2`` on the string value (true when absent)."""
    return v is None or len(v.raw.partition(".")[2]) <= 2


# --- shared selections -----------------------------------------------------------------------------


def monetary_totals(inv: Invoice, syntax: Syntax) -> list[Totals]:
    """The BG-22 elements the Schematron visits: UBL ``cac:LegalMonetaryTotal`` (a totals group
    read only from ``cac:TaxTotal`` has no element), CII ``SpecifiedTradeSettlementHeader
    MonetarySummation``."""
    t = inv.totals
    if t is None:
        return []
    if inv.extra is None or "totals" not in inv.extra:
        return [t] if t.el is not None else []
    return [x for x in occ(inv, "totals") if x.el is not None]


def cii_indicator_is(ac: AllowanceCharge, text: str) -> bool:
    """CII rule context ``ram:ChargeIndicator[udt:Indicator = 'false']``: exact string match."""
    return any(i.raw == text for i in occ(ac, "charge_indicator"))


def allowance_contexts(ctx: RuleContext, acs: list[AllowanceCharge], charge: bool) -> list[tuple[Any, Any]]:
    """(allowance/charge, hit) for the rule context of a document or line allowance (or charge).

    UBL: ``cac:AllowanceCharge[cbc:ChargeIndicator = false()]`` (an ``xs:boolean`` cast); the hit
    is the group. CII: ``…/ram:ChargeIndicator[udt:Indicator = 'false']``; the hit is the
    ``ram:ChargeIndicator`` element.
    """
    if ctx.syntax is UBL:
        return [(ac, ac) for ac in acs if ac.is_charge is charge]
    text = "true" if charge else "false"
    out = []
    for ac in acs:
        if ac.charge_indicator is not None and cii_indicator_is(ac, text):
            out.append((ac, ac.charge_indicator.el.getparent()))
    return out


def memo(ctx: RuleContext, key: str, compute: Callable[..., Any], *args: Any) -> Any:
    """``ctx.once(key, …)`` without building a closure per call: ``compute(ctx, *args)``, once."""
    store = ctx.memo
    if key in store:
        return store[key]
    value = store[key] = compute(ctx, *args)
    return value


def _doc_allowances(ctx: RuleContext, charge: bool) -> list[tuple[Any, Any]]:
    return allowance_contexts(ctx, ctx.invoice.allowance_charges, charge)


def doc_allowances(ctx: RuleContext, charge: bool) -> list[tuple[Any, Any]]:
    """(allowance or charge, hit) of the document level allowances (BG-20) or charges (BG-21)."""
    if not ctx.invoice.allowance_charges:
        return []
    return memo(ctx, "core.doc_charges" if charge else "core.doc_allowances", _doc_allowances, charge)


_LINE_ACS = attrgetter("allowance_charges")


def _has_line_allowances(ctx: RuleContext) -> bool:
    # C-level any/map: a 10,000-line invoice without line allowances costs no Python loop.
    return any(map(_LINE_ACS, ctx.invoice.lines))


def has_line_allowances(ctx: RuleContext) -> bool:
    return memo(ctx, "core.has_line_acs", _has_line_allowances)


def _line_allowances(ctx: RuleContext, charge: bool) -> list[tuple[Any, Any]]:
    out: list[tuple[Any, Any]] = []
    for line in ctx.invoice.lines:
        if line.allowance_charges:
            out.extend(allowance_contexts(ctx, line.allowance_charges, charge))
    return out


def line_allowances(ctx: RuleContext, charge: bool) -> list[tuple[Any, Any]]:
    """(allowance or charge, hit) of the line allowances (BG-27) or charges (BG-28)."""
    if not has_line_allowances(ctx):
        return []
    return memo(ctx, "core.line_charges" if charge else "core.line_allowances", _line_allowances, charge)


def _cii_shadowed(vb: VatBreakdown) -> bool:
    # In the CEN CII model pattern, the rules on ApplicableTradeTax[CategoryCode = 'L' | 'M' | 'O']
    # [upper-case(TypeCode) = 'VAT'] come before the generic ApplicableTradeTax rule; an XSLT mode
    # applies one template per node, so those breakdowns skip BR-45..48, BR-CO-03/17, BR-DEC-19/20.
    if vb.tax_scheme is None or vb.tax_scheme.raw.upper() != "VAT":
        return False
    return any(c.raw in ("L", "M", "O") for c in occ(vb, "category"))


def breakdowns(ctx: RuleContext) -> list[VatBreakdown]:
    """The BG-23 elements visited by the generic VAT breakdown rule of the syntax."""
    inv = ctx.invoice
    if ctx.syntax is UBL or not inv.vat_breakdown:
        return inv.vat_breakdown
    return memo(ctx, "core.cii_breakdowns", _cii_breakdowns)


def _cii_breakdowns(ctx: RuleContext) -> list[VatBreakdown]:
    return [vb for vb in ctx.invoice.vat_breakdown if not _cii_shadowed(vb)]


def child(el: _Element | None, tag: str) -> _Element | None:
    """The first child ``tag`` of ``el`` (``iterchildren`` is C code; ``find`` parses a path)."""
    return next(el.iterchildren(tag), None) if el is not None else None


def descendants(el: _Element | None, *tags: str) -> list[_Element]:
    """The elements at the child path ``tags[0]/tags[1]/…`` under ``el``, in document order."""
    level = [el] if el is not None else []
    for tag in tags:
        level = [c for e in level for c in e.iterchildren(tag)]
    return level
