"""EN 16931 core rules on invoice lines and periods: BR-21 … BR-30, BR-54, BR-64, BR-65, BR-CO-04,
BR-CO-20.

One hit per failing line (the rule context of both artefacts), or per failing period, item
attribute, identifier.
"""

from __future__ import annotations

from typing import Any

from ..model import Item, Line, Period
from .core_xpath import CII, RAM, UBL, WS, child, dbl, memo, occ, vat_scheme
from .registry import RuleContext, rule


def _lines(ctx: RuleContext) -> list[Line]:
    return ctx.invoice.lines


def _items(ctx: RuleContext) -> list[Item]:
    """Every BG-31 of the invoice (a line with two items keeps the second in ``extra``)."""
    return memo(ctx, "core.items", _all_items)


def _all_items(ctx: RuleContext) -> list[Item]:
    return [item for line in ctx.invoice.lines if line.item is not None for item in occ(line, "item")]


# EN 16931 BR-21: each BG-25 has BT-126.
@rule(
    "BR-21",
    fr="[BR-21]-Chaque ligne de facture (BG-25) doit avoir un identifiant de ligne de facture (BT-126).",
)
def br_21(ctx: RuleContext) -> list[Any]:
    return [line for line in _lines(ctx) if (v := line.id) is None or not v.raw.strip(WS)]


# EN 16931 BR-22: each BG-25 has BT-129.
@rule("BR-22", fr="[BR-22]-Chaque ligne de facture (BG-25) doit avoir une quantité facturée (BT-129).")
def br_22(ctx: RuleContext) -> list[Any]:
    return [line for line in _lines(ctx) if line.quantity is None]


# EN 16931 BR-23: each BG-25 has BT-130 (the quantity's @unitCode).
@rule(
    "BR-23",
    fr="[BR-23]-Une ligne de facture (BG-25) doit avoir un code d'unité de mesure de la quantité "
    "facturée (BT-130).",
)
def br_23(ctx: RuleContext) -> list[Any]:
    out = []
    for line in _lines(ctx):
        q = line.quantity
        if q is None or (q.unit is None and not any(x.unit is not None for x in occ(line, "quantity"))):
            out.append(line)
    return out


# EN 16931 BR-24: each BG-25 has BT-131.
@rule(
    "BR-24",
    fr="[BR-24]-Chaque ligne de facture (BG-25) doit avoir un montant net de ligne de facture (BT-131).",
)
def br_24(ctx: RuleContext) -> list[Any]:
    return [line for line in _lines(ctx) if line.net_amount is None]


# EN 16931 BR-25: each BG-25 has BT-153.
@rule("BR-25", fr="[BR-25]-Chaque ligne de facture (BG-25) doit contenir le nom de l'article (BT-153).")
def br_25(ctx: RuleContext) -> list[Any]:
    return [
        line
        for line in _lines(ctx)
        if line.item is None or (v := line.item.name) is None or not v.raw.strip(WS)
    ]


# EN 16931 BR-26: each BG-25 has BT-146.
@rule("BR-26", fr="[BR-26]-Chaque ligne de facture (BG-25) doit contenir le prix net de l'article (BT-146).")
def br_26(ctx: RuleContext) -> list[Any]:
    return [line for line in _lines(ctx) if line.price is None or line.price.net_price is None]


def _non_negative(price: Any, field: str) -> bool:
    # General comparison "(values) >= 0": untyped values cast to xs:double, true if any matches.
    # A valid xs:decimal has the sign of its double: compare the parsed Decimal (fast path).
    v = getattr(price, field)
    if v.value is not None and v.value >= 0:
        return True
    return any((x := dbl(o)) is not None and x >= 0 for o in occ(price, field))


# EN 16931 BR-27: BT-146 is not negative (fails as well when absent: "(PriceAmount) >= 0").
@rule("BR-27", fr="[BR-27]-Le prix net de l'article (BT-146) ne doit PAS être négatif.")
def br_27(ctx: RuleContext) -> list[Any]:
    out = []
    for line in _lines(ctx):
        price = line.price
        if price is None or price.net_price is None or not _non_negative(price, "net_price"):
            out.append(line)
    return out


# EN 16931 BR-28: BT-148 is not negative.
@rule("BR-28", fr="[BR-28]-Le prix brut de l'article (BT-148) ne doit PAS être négatif.")
def br_28(ctx: RuleContext) -> list[Any]:
    out = []
    for line in _lines(ctx):
        price = line.price
        if price is not None and price.gross_price is not None and not _non_negative(price, "gross_price"):
            out.append(line)
    return out


# --- periods --------------------------------------------------------------------------------------


def _ubl_period_order_ok(p: Period) -> bool:
    # (exists(End) and exists(Start) and xs:date(End) >= xs:date(Start)) or not(Start) or not(End)
    if p.start is None or p.end is None:
        return True
    s, e = p.start.value, p.end.value
    return s is None or e is None or e >= s  # an invalid date is a dynamic error, not this rule


def _cii_has(p: Period, field: str, tag: str) -> bool:
    return getattr(p, field) is not None or child(p.el, RAM + tag) is not None


def _cii_period_order_ok(p: Period) -> bool:
    # (End/DateTimeString[@format='102']) >= (Start/DateTimeString[@format='102']): untyped values
    # compared as strings; or not(ram:EndDateTime) or not(ram:StartDateTime).
    if not _cii_has(p, "start", "StartDateTime") or not _cii_has(p, "end", "EndDateTime"):
        return True
    starts = [d.raw for d in occ(p, "start") if d.format == "102"]
    ends = [d.raw for d in occ(p, "end") if d.format == "102"]
    return any(e >= s for e in ends for s in starts)


def _line_periods(ctx: RuleContext) -> list[Period]:
    return [p for line in _lines(ctx) if line.period is not None for p in occ(line, "period")]


def _header_periods(ctx: RuleContext) -> list[Period]:
    return occ(ctx.invoice, "period") if ctx.invoice.period is not None else []


_FR_29 = (
    "[BR-29]-Si la date de début (BT-73) et la date de fin (BT-74) de la période de facturation sont toutes "
    "deux indiquées, la date de fin (BT-74) doit être postérieure ou égale à la date de début (BT-73)."
)
_FR_30 = (
    "[BR-30]-Si la date de début (BT-134) et la date de fin (BT-135) de la période de ligne de facture sont "
    "toutes deux indiquées, la date de fin (BT-135) doit être postérieure ou égale à la date de début "
    "(BT-134)."
)


# EN 16931 BR-29: BT-74 >= BT-73.
@rule("BR-29", fr=_FR_29)
def br_29(ctx: RuleContext) -> list[Any]:
    ok = _ubl_period_order_ok if ctx.syntax is UBL else _cii_period_order_ok
    return [p for p in _header_periods(ctx) if not ok(p)]


# EN 16931 BR-30: BT-135 >= BT-134.
@rule("BR-30", fr=_FR_30)
def br_30(ctx: RuleContext) -> list[Any]:
    ok = _ubl_period_order_ok if ctx.syntax is UBL else _cii_period_order_ok
    return [p for p in _line_periods(ctx) if not ok(p)]


# EN 16931 BR-CO-20: BG-26 has BT-134 or BT-135.
@rule(
    "BR-CO-20",
    fr="[BR-CO-20]-Si la période de ligne de facture (BG-26) est utilisée, la date de début (BT-134) "
    "ou la date de fin (BT-135) de la période de ligne de facture doit être renseignée, ou les deux.",
)
def br_co_20(ctx: RuleContext) -> list[Any]:
    if ctx.syntax is UBL:
        return [p for p in _line_periods(ctx) if p.start is None and p.end is None]
    return [
        p
        for p in _line_periods(ctx)
        if not _cii_has(p, "start", "StartDateTime") and not _cii_has(p, "end", "EndDateTime")
    ]


# --- item -----------------------------------------------------------------------------------------


# EN 16931 BR-54: each BG-32 has BT-160 and BT-161.
@rule(
    "BR-54",
    fr="[BR-54]-Chaque attribut d'article (BG-32) doit contenir un nom d'attribut d'article (BT-160) et "
    "une valeur d'attribut d'article (BT-161).",
)
def br_54(ctx: RuleContext) -> list[Any]:
    return [
        a
        for item in _items(ctx)
        if item.attributes
        for a in item.attributes
        if a.name is None or a.value is None
    ]


_FR_64 = "[BR-64]-L'identifiant standard de l'article (BT-157) doit avoir un identifiant de schéma."


# EN 16931 BR-64: BT-157 has a scheme (BT-157-1).
@rule("BR-64", fr=_FR_64, syntax=UBL)
def br_64_ubl(ctx: RuleContext) -> list[Any]:
    return [
        v
        for item in _items(ctx)
        if item.standard_id is not None
        for v in occ(item, "standard_id")
        if v.scheme is None
    ]


@rule("BR-64", fr=_FR_64, syntax=CII)
def br_64_cii(ctx: RuleContext) -> list[Any]:
    # CEN CII, per line: normalize-space(SpecifiedTradeProduct/GlobalID/@schemeID) != '' or no GlobalID.
    out = []
    for line in _lines(ctx):
        item = line.item
        if (
            item is not None
            and item.standard_id is not None
            and not (item.standard_id.scheme or "").strip(WS)
        ):
            out.append(line)
    return out


_FR_65 = "[BR-65]-L'identifiant de classification de l'article (BT-158) doit avoir un identifiant de schéma."


# EN 16931 BR-65: BT-158 has a scheme (BT-158-1).
@rule("BR-65", fr=_FR_65, syntax=UBL)
def br_65_ubl(ctx: RuleContext) -> list[Any]:
    return [
        c for item in _items(ctx) if item.classifications for c in item.classifications if c.scheme is None
    ]


@rule("BR-65", fr=_FR_65, syntax=CII)
def br_65_cii(ctx: RuleContext) -> list[Any]:
    # CEN CII, per DesignatedProductClassification: normalize-space(ClassCode/@listID) != ''.
    return [
        c.el.getparent()
        for item in _items(ctx)
        if item.classifications
        for c in item.classifications
        if not (c.scheme or "").strip(WS)
    ]


_FR_CO_04 = (
    "[BR-CO-04]-Chaque ligne de facture (BG-25) doit être catégorisée avec un code de catégorie de TVA de "
    "l'article facturé (BT-151)."
)


# EN 16931 BR-CO-04: each BG-25 has BT-151 (in a VAT tax category).
@rule("BR-CO-04", fr=_FR_CO_04)
def br_co_04(ctx: RuleContext) -> list[Any]:
    normalize = ctx.syntax is UBL  # CII: upper-case(ram:TypeCode) = 'VAT', not normalised
    out = []
    for line in _lines(ctx):
        vat = line.vat
        if vat is not None and vat.category is not None and vat_scheme(vat, normalize=normalize):
            continue
        if vat is None or not any(
            v.category is not None and vat_scheme(v, normalize=normalize) for v in occ(line, "vat")
        ):
            out.append(line)
    return out
