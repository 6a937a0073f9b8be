"""EN 16931 calculation rules BR-CO-10 … BR-CO-17: document totals, VAT amounts, amount due.

The arithmetic follows each official test exactly (see :mod:`.core_xpath`): decimal in UBL and
where the CEN CII test casts with ``xs:decimal``, double where it sums untyped values.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .core_xpath import (
    CII,
    ONE,
    UBL,
    any_eq_double,
    breakdowns,
    dbl,
    dec,
    doc_allowances,
    dsum,
    dsum_dec,
    dsum_r2,
    monetary_totals,
    occ,
    r2,
    vat_scheme,
    xround,
)
from .registry import RuleContext, rule

if TYPE_CHECKING:
    from ..model import VatBreakdown

# --- BR-CO-10 … BR-CO-13: document totals ---------------------------------------------------------


_FR_CO_10 = (
    "[BR-CO-10]-Somme des montants nets des lignes de facture (BT-106) = Σ Montant net de "
    "ligne de facture (BT-131)."
)


# EN 16931 BR-CO-10: BT-106 = Σ BT-131.
@rule("BR-CO-10", fr=_FR_CO_10, syntax=UBL)
def br_co_10_ubl(ctx: RuleContext) -> list[Any]:
    out = []
    for t in monetary_totals(ctx.invoice, UBL):
        total = dsum_dec([line.net_amount for line in ctx.invoice.lines if line.net_amount is not None])
        lta = dec(t.line_total)
        if lta is None or total is None or lta != r2(total):
            out.append(t)
    return out


@rule("BR-CO-10", fr=_FR_CO_10, syntax=CII)
def br_co_10_cii(ctx: RuleContext) -> list[Any]:
    # CEN CII: xs:decimal(sum(...LineTotalAmount)) — an untyped sum, i.e. of doubles.
    out = []
    for t in monetary_totals(ctx.invoice, CII):
        s = dsum(line.net_amount for line in ctx.invoice.lines if line.net_amount is not None)
        lta = dec(t.line_total)
        if lta is None or s is None or not math.isfinite(s) or lta != r2(Decimal(s)):
            out.append(t)
    return out


def _sum_r2_dec(acs: list[tuple[Any, Any]]) -> Decimal | None:
    """``round(sum(…/xs:decimal(cbc:Amount)) * 10 * 10) div 100`` over the allowances or charges."""
    total = dsum_dec([a for ac, _ in acs for a in occ(ac, "amount")])
    return None if total is None else r2(total)


def _ubl_doc_total(ctx: RuleContext, field: str, charge: bool) -> list[Any]:
    # UBL BR-CO-11/12: xs:decimal(total) = round(Σ xs:decimal(Amount) * 10 * 10) div 100, or neither.
    acs = doc_allowances(ctx, charge)
    out = []
    for t in monetary_totals(ctx.invoice, UBL):
        total = getattr(t, field)
        if total is None and not acs:
            continue
        expected = _sum_r2_dec(acs)
        if total is None or total.value is None or expected is None or total.value != expected:
            out.append(t)
    return out


def _cii_doc_total(ctx: RuleContext, field: str, charge: bool) -> list[Any]:
    # CEN CII BR-CO-11/12: [ChargeIndicator/udt:Indicator = false()] (boolean cast), untyped sum.
    acs = [ac for ac in ctx.invoice.allowance_charges if ac.is_charge is charge]
    out = []
    for t in monetary_totals(ctx.invoice, CII):
        totals = occ(t, field)
        if not totals and not acs:
            continue
        expected = dsum_r2(a for ac in acs for a in occ(ac, "amount"))
        if not any_eq_double(totals, expected):
            out.append(t)
    return out


_FR_CO_11 = (
    "[BR-CO-11]-Somme des remises au niveau du document (BT-107) = Σ Montant de la remise au "
    "niveau du document (BT-92)."
)


# EN 16931 BR-CO-11: BT-107 = Σ BT-92.
@rule("BR-CO-11", fr=_FR_CO_11, syntax=UBL)
def br_co_11_ubl(ctx: RuleContext) -> list[Any]:
    return _ubl_doc_total(ctx, "allowance_total", False)


@rule("BR-CO-11", fr=_FR_CO_11, syntax=CII)
def br_co_11_cii(ctx: RuleContext) -> list[Any]:
    return _cii_doc_total(ctx, "allowance_total", False)


_FR_CO_12 = (
    "[BR-CO-12]-Somme des frais au niveau du document (BT-108) = Σ Montant des frais au niveau "
    "du document (BT-99)."
)


# EN 16931 BR-CO-12: BT-108 = Σ BT-99.
@rule("BR-CO-12", fr=_FR_CO_12, syntax=UBL)
def br_co_12_ubl(ctx: RuleContext) -> list[Any]:
    return _ubl_doc_total(ctx, "charge_total", True)


@rule("BR-CO-12", fr=_FR_CO_12, syntax=CII)
def br_co_12_cii(ctx: RuleContext) -> list[Any]:
    return _cii_doc_total(ctx, "charge_total", True)


_FR_CO_13 = (
    "[BR-CO-13]-Montant total de la facture hors TVA (BT-109) = Σ Montant net de ligne de facture "
    "(BT-131) - Somme des remises au niveau du document (BT-107) + Somme des frais au niveau du "
    "document (BT-108)."
)


# EN 16931 BR-CO-13: BT-109 = BT-106 - BT-107 + BT-108.
@rule("BR-CO-13", fr=_FR_CO_13, syntax=UBL)
def br_co_13_ubl(ctx: RuleContext) -> list[Any]:
    out = []
    for t in monetary_totals(ctx.invoice, UBL):
        tea, lea = dec(t.tax_exclusive), dec(t.line_total)
        cta, ata = dec(t.charge_total), dec(t.allowance_total)
        has_c, has_a = t.charge_total is not None, t.allowance_total is not None
        if tea is None or lea is None:
            ok = False
        elif has_c and has_a:
            ok = cta is not None and ata is not None and tea == r2(lea + cta - ata)
        elif has_a:
            ok = ata is not None and tea == r2(lea - ata)
        elif has_c:
            ok = cta is not None and tea == r2(lea + cta)
        else:
            ok = tea == lea
        if not ok:
            out.append(t)
    return out


@rule("BR-CO-13", fr=_FR_CO_13, syntax=CII)
def br_co_13_cii(ctx: RuleContext) -> list[Any]:
    out = []
    for t in monetary_totals(ctx.invoice, CII):
        tba, lta = dec(t.tax_exclusive), dec(t.line_total)
        cta, ata = dec(t.charge_total), dec(t.allowance_total)
        has_c, has_a = t.charge_total is not None, t.allowance_total is not None
        ok = False
        if tba is not None and lta is not None:
            ok = (
                (ata is not None and cta is not None and tba == r2(lta - ata + cta))
                or (not has_c and ata is not None and tba == r2(lta - ata))
                or (not has_a and cta is not None and tba == r2(lta + cta))
                or (not has_c and not has_a and tba == r2(lta))
            )
        if not ok:
            out.append(t)
    return out


# --- BR-CO-14 … BR-CO-17: VAT and amounts due ------------------------------------------------------

_FR_CO_14 = (
    "[BR-CO-14]-Montant total de la TVA de la facture (BT-110) = Σ Montant de TVA de la catégorie (BT-117)."
)


# EN 16931 BR-CO-14: BT-110 = Σ BT-117. UBL: per cac:TaxTotal of the document.
@rule("BR-CO-14", fr=_FR_CO_14, syntax=UBL)
def br_co_14_ubl(ctx: RuleContext) -> list[Any]:
    inv = ctx.invoice
    if not inv.vat_breakdown:
        return []  # a TaxTotal without TaxSubtotal passes ("or not(cac:TaxSubtotal)")
    amounts = inv.totals.tax_amounts if inv.totals is not None else []
    if len(amounts) == 1:  # the common case: one cac:TaxTotal with its amount and its subtotals
        tax_total = amounts[0].el.getparent()
        if all(vb.el.getparent() == tax_total for vb in inv.vat_breakdown):
            total = dsum_dec([a for vb in inv.vat_breakdown for a in occ(vb, "tax_amount")])
            value = amounts[0].value
            return [] if value is not None and total is not None and value == r2(total) else [tax_total]
    root = inv.el
    groups: dict[Any, list[VatBreakdown]] = {}
    for vb in inv.vat_breakdown:
        groups.setdefault(vb.el.getparent(), []).append(vb)
    by_parent: dict[Any, list[Any]] = {}
    for a in amounts:
        by_parent.setdefault(a.el.getparent(), []).append(a)
    out = []
    for tax_total, vbs in groups.items():
        if tax_total.getparent() is not root:
            continue
        total = dsum_dec(a for vb in vbs for a in occ(vb, "tax_amount"))
        own = by_parent.get(tax_total, [])
        if len(own) != 1 or own[0].value is None or total is None or own[0].value != r2(total):
            out.append(tax_total)
    return out


@rule("BR-CO-14", fr=_FR_CO_14, syntax=CII)
def br_co_14_cii(ctx: RuleContext) -> list[Any]:
    # Context: every TaxTotalAmount whose @currencyID is BT-5; untyped (double) arithmetic.
    inv = ctx.invoice
    if inv.totals is None:
        return []
    currencies = {c.raw for c in occ(inv, "currency")}
    contexts = [a for t in monetary_totals(inv, CII) for a in t.tax_amounts if a.currency in currencies]
    if not contexts:
        return []
    expected = dsum_r2(x for vb in inv.vat_breakdown for x in occ(vb, "tax_amount"))
    return [a for a in contexts if expected is None or dbl(a) != expected]


_FR_CO_15 = (
    "[BR-CO-15]-Montant total de la facture TVA comprise (BT-112) = Montant total de la facture hors "
    "TVA (BT-109) + Montant total de la TVA de la facture (BT-110)."
)


# EN 16931 BR-CO-15: BT-112 = BT-109 + BT-110.
@rule("BR-CO-15", fr=_FR_CO_15, syntax=UBL)
def br_co_15_ubl(ctx: RuleContext) -> list[Any]:
    inv = ctx.invoice
    tax_amounts = inv.totals.tax_amounts if inv.totals is not None else []
    lmts = monetary_totals(inv, UBL)
    for cur in occ(inv, "currency"):
        matching = [a for a in tax_amounts if a.currency == cur.raw]
        if len(matching) != 1 or len(lmts) != 1:
            return [inv]
        t = lmts[0]
        tia, tea, tax = dec(t.tax_inclusive), dec(t.tax_exclusive), matching[0].value
        if tia is None or tea is None or tax is None or tia != r2(tea + tax):
            return [inv]
    return []


@rule("BR-CO-15", fr=_FR_CO_15, syntax=CII)
def br_co_15_cii(ctx: RuleContext) -> list[Any]:
    # CEN CII: every $Currency in BT-5 satisfies (count(BT-110 in $Currency) eq 1 and
    # BT-112 = round((BT-109 + BT-110) * 10 * 10) div 100) or BT-112 = BT-109 (decimals).
    inv = ctx.invoice
    totals = monetary_totals(inv, CII)
    gts = [dec(x) for t in totals for x in occ(t, "tax_inclusive")]
    tbas = [dec(x) for t in totals for x in occ(t, "tax_exclusive")]
    for cur in occ(inv, "currency"):
        taxes = [a for t in totals for a in t.tax_amounts if a.currency == cur.raw]
        ok = False
        if len(taxes) == 1 and len(tbas) == 1 and tbas[0] is not None and taxes[0].value is not None:
            ok = r2(tbas[0] + taxes[0].value) in gts
        if not ok:
            ok = any(g is not None and g in tbas for g in gts)
        if not ok:
            return [inv]
    return []


_FR_CO_16 = (
    "[BR-CO-16]-Montant à payer (BT-115) = Montant total de la facture TVA comprise (BT-112) - Montant "
    "payé (BT-113) + Montant de l'arrondi (BT-114)."
)


# EN 16931 BR-CO-16: BT-115 = BT-112 - BT-113 + BT-114.
@rule("BR-CO-16", fr=_FR_CO_16, syntax=UBL)
def br_co_16_ubl(ctx: RuleContext) -> list[Any]:
    out = []
    for t in monetary_totals(ctx.invoice, UBL):
        pay, tia = dec(t.payable), dec(t.tax_inclusive)
        pre, rnd = dec(t.prepaid), dec(t.rounding)
        has_p, has_r = t.prepaid is not None, t.rounding is not None
        ok = False
        if pay is not None and tia is not None:
            if has_p and not has_r:
                ok = pre is not None and pay == r2(tia - pre)
            elif not has_p and not has_r:
                ok = pay == tia
            elif has_p and has_r:
                ok = pre is not None and rnd is not None and r2(pay - rnd) == r2(tia - pre)
            else:
                ok = rnd is not None and r2(pay - rnd) == tia
        if not ok:
            out.append(t)
    return out


@rule("BR-CO-16", fr=_FR_CO_16, syntax=CII)
def br_co_16_cii(ctx: RuleContext) -> list[Any]:
    # CEN CII: not(xs:decimal(x)) is the effective boolean value of a decimal: absent or zero.
    out = []
    for t in monetary_totals(ctx.invoice, CII):
        dpa, gta = dec(t.payable), dec(t.tax_inclusive)
        tpa, ra = dec(t.prepaid), dec(t.rounding)
        no_p, no_r = not tpa, not ra
        ok = False
        if dpa is not None and gta is not None:
            ok = (
                (tpa is not None and ra is not None and dpa == gta - tpa + ra)
                or (ra is not None and dpa == gta + ra and no_p)
                or (tpa is not None and dpa == gta - tpa and no_r)
                or (dpa == gta and no_p and no_r)
            )
        if not ok:
            out.append(t)
    return out


def _co_17_ok(
    rate: Decimal | None, has_rate: bool, tax: Decimal | None, base: Decimal | None, strict: bool
) -> bool:
    if tax is None:
        return False
    if has_rate:
        if rate is None:
            return False
        if xround(rate) == 0:
            return xround(tax) == 0
        if base is None:
            return False
        expected = r2(abs(base) * (rate / 100))
        if strict:
            return abs(tax) - ONE < expected < abs(tax) + ONE
        return abs(tax) - ONE <= expected <= abs(tax) + ONE
    return xround(tax) == 0


_FR_CO_17 = (
    "[BR-CO-17]-Montant de TVA de la catégorie (BT-117) = Base d'imposition de la catégorie (BT-116) x "
    "(Taux de la catégorie de TVA (BT-119) / 100), arrondi à deux décimales."
)


# EN 16931 BR-CO-17: BT-117 = BT-116 × BT-119 / 100 (±1 tolerance in the official test).
@rule("BR-CO-17", fr=_FR_CO_17)
def br_co_17(ctx: RuleContext) -> list[Any]:
    # The UBL test bounds the tolerance strictly (< and >), the CEN CII test inclusively.
    strict = ctx.syntax is UBL
    out = []
    for vb in breakdowns(ctx):
        vat = vat_scheme(vb)
        rate = dec(vb.rate) if vat else None
        has_rate = vat and vb.rate is not None
        if not _co_17_ok(rate, has_rate, dec(vb.tax_amount), dec(vb.taxable_amount), strict):
            out.append(vb)
    return out
