"""EN 16931 decimal rules BR-DEC-*: amounts carry at most two decimals.

The official test is ``string-length(substring-after(x, '.')) <= 2`` on the string value of the
amount: trailing spaces after the decimals count, an absent amount passes
(:func:`~.core_xpath.decimals_ok`). Each rule fires once per rule context (the allowance or charge, the
document totals, the VAT breakdown, the line), located at that context.

All the rules check one business term in one context, so one pass per document
(:func:`_failures`, computed once per document) evaluates the whole table below and each rule
returns its share: a valid invoice costs one scan of its amounts. The engine runs that pass as the
rules' shared batch (one step instead of nineteen).

BR-DEC-13 and BR-DEC-15 (BT-110, BT-111) differ by syntax: in UBL the predicate
``TaxAmount[@currencyID = cbc:DocumentCurrencyCode]`` looks for a child of the amount, selects
nothing, and the rule cannot fire; the CEN CII test compares ``x = round(x * 100) div 100`` in double
arithmetic.
"""

from __future__ import annotations

from typing import Any

from .core_xpath import (
    CII,
    UBL,
    breakdowns,
    dbl,
    decimals_ok,
    doc_allowances,
    dround,
    has_line_allowances,
    line_allowances,
    memo,
    monetary_totals,
)
from .registry import RuleContext, rule

# rule id -> term field, per context.
_TOTALS = {
    "BR-DEC-09": "line_total",  # BT-106
    "BR-DEC-10": "allowance_total",  # BT-107
    "BR-DEC-11": "charge_total",  # BT-108
    "BR-DEC-12": "tax_exclusive",  # BT-109
    "BR-DEC-14": "tax_inclusive",  # BT-112
    "BR-DEC-16": "prepaid",  # BT-113
    "BR-DEC-17": "rounding",  # BT-114
    "BR-DEC-18": "payable",  # BT-115
}
_BREAKDOWN = {"BR-DEC-19": "taxable_amount", "BR-DEC-20": "tax_amount"}  # BT-116, BT-117
# rule id -> (line level, charge, field)
_ALLOWANCES = {
    "BR-DEC-01": (False, False, "amount"),  # BT-92
    "BR-DEC-02": (False, False, "base_amount"),  # BT-93
    "BR-DEC-05": (False, True, "amount"),  # BT-99
    "BR-DEC-06": (False, True, "base_amount"),  # BT-100
    "BR-DEC-24": (True, False, "amount"),  # BT-136
    "BR-DEC-25": (True, False, "base_amount"),  # BT-137
    "BR-DEC-27": (True, True, "amount"),  # BT-141
    "BR-DEC-28": (True, True, "base_amount"),  # BT-142
}


def _failures(ctx: RuleContext) -> dict[str, list[Any]]:
    """{rule id: hits} for every BR-DEC rule of the table that fails on the document."""
    inv = ctx.invoice
    out: dict[str, list[Any]] = {}
    for t in monetary_totals(inv, ctx.syntax):
        for rule_id, field in _TOTALS.items():
            v = getattr(t, field)
            # decimals_ok(), inlined: this loop is the whole cost of the module on a valid invoice.
            if v is not None and len(v.raw.partition(".")[2]) > 2:
                out.setdefault(rule_id, []).append(t)
    for vb in breakdowns(ctx):
        for rule_id, field in _BREAKDOWN.items():
            v = getattr(vb, field)
            if v is not None and len(v.raw.partition(".")[2]) > 2:
                out.setdefault(rule_id, []).append(vb)
    for line in inv.lines:
        v = line.net_amount
        if v is not None and len(v.raw.partition(".")[2]) > 2:  # BR-DEC-23, BT-131
            out.setdefault("BR-DEC-23", []).append(line)
    if inv.allowance_charges or has_line_allowances(ctx):
        for rule_id, (line_level, charge, field) in _ALLOWANCES.items():
            acs = line_allowances(ctx, charge) if line_level else doc_allowances(ctx, charge)
            hits = [hit for ac, hit in acs if not decimals_ok(getattr(ac, field))]
            if hits:
                out[rule_id] = hits
    return out


def _batch(ctx: RuleContext) -> dict[str, list[Any]]:
    """The engine's single call for the table rules below: {rule id: hits} of those that fail."""
    return memo(ctx, "decimals.failures", _failures)


def _hits(ctx: RuleContext, rule_id: str) -> list[Any]:
    return _batch(ctx).get(rule_id, [])


# EN 16931 BR-DEC-01: BT-92 has at most two decimals.
@rule(
    "BR-DEC-01",
    fr="[BR-DEC-01]-Le nombre maximal de décimales autorisé pour le Montant de la remise au niveau "
    "du document (BT-92) est 2.",
    batch=_batch,
)
def br_dec_01(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-01")


# EN 16931 BR-DEC-02: BT-93 has at most two decimals.
@rule(
    "BR-DEC-02",
    fr="[BR-DEC-02]-Le nombre maximal de décimales autorisé pour l'Assiette de la remise au niveau "
    "du document (BT-93) est 2.",
    batch=_batch,
)
def br_dec_02(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-02")


# EN 16931 BR-DEC-05: BT-99 has at most two decimals.
@rule(
    "BR-DEC-05",
    fr="[BR-DEC-05]-Le nombre maximal de décimales autorisé pour le Montant des frais au niveau du "
    "document (BT-99) est 2.",
    batch=_batch,
)
def br_dec_05(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-05")


# EN 16931 BR-DEC-06: BT-100 has at most two decimals.
@rule(
    "BR-DEC-06",
    fr="[BR-DEC-06]-Le nombre maximal de décimales autorisé pour l'Assiette des frais au niveau du "
    "document (BT-100) est 2.",
    batch=_batch,
)
def br_dec_06(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-06")


# EN 16931 BR-DEC-09: BT-106 has at most two decimals.
@rule(
    "BR-DEC-09",
    fr="[BR-DEC-09]-Le nombre maximal de décimales autorisé pour la Somme des montants nets des "
    "lignes de facture (BT-106) est 2.",
    batch=_batch,
)
def br_dec_09(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-09")


# EN 16931 BR-DEC-10: BT-107 has at most two decimals.
@rule(
    "BR-DEC-10",
    fr="[BR-DEC-10]-Le nombre maximal de décimales autorisé pour la Somme des remises au niveau du "
    "document (BT-107) est 2.",
    batch=_batch,
)
def br_dec_10(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-10")


# EN 16931 BR-DEC-11: BT-108 has at most two decimals.
@rule(
    "BR-DEC-11",
    fr="[BR-DEC-11]-Le nombre maximal de décimales autorisé pour la Somme des frais au niveau du "
    "document (BT-108) est 2.",
    batch=_batch,
)
def br_dec_11(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-11")


# EN 16931 BR-DEC-12: BT-109 has at most two decimals.
@rule(
    "BR-DEC-12",
    fr="[BR-DEC-12]-Le nombre maximal de décimales autorisé pour le Montant total de la facture hors "
    "TVA (BT-109) est 2.",
    batch=_batch,
)
def br_dec_12(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-12")


def _two_decimals_double(a: Any) -> bool:
    # CEN CII: . = round(. * 100) div 100, with the untyped amount cast to xs:double.
    x = dbl(a)
    return x is not None and x == dround(x * 100) / 100


_FR_DEC_13 = (
    "[BR-DEC-13]-Le nombre maximal de décimales autorisé pour le Montant total de la TVA de la facture "
    "(BT-110) est 2."
)


# EN 16931 BR-DEC-13 (UBL): the official predicate selects nothing, so the rule never fires.
@rule("BR-DEC-13", fr=_FR_DEC_13, syntax=UBL)
def br_dec_13_ubl(ctx: RuleContext) -> tuple[()]:
    return ()


# EN 16931 BR-DEC-13 (CII): some TaxTotalAmount is in another currency than BT-5 or has ≤ 2 decimals.
@rule("BR-DEC-13", fr=_FR_DEC_13, syntax=CII)
def br_dec_13_cii(ctx: RuleContext) -> list[Any]:
    inv = ctx.invoice
    if inv.totals is None or not inv.totals.tax_amounts:
        return []
    currencies = {c.raw for c in (inv.currency, *((inv.extra or {}).get("currency", ()))) if c is not None}
    return [
        t
        for t in monetary_totals(inv, CII)
        if t.tax_amounts
        and not any(a.currency not in currencies or _two_decimals_double(a) for a in t.tax_amounts)
    ]


_FR_DEC_15 = (
    "[BR-DEC-15]-Le nombre maximal de décimales autorisé pour le Montant total de la TVA de la facture "
    "dans la devise de comptabilisation (BT-111) est 2."
)


# EN 16931 BR-DEC-15 (UBL): like BR-DEC-13, the official predicate never selects an amount.
@rule("BR-DEC-15", fr=_FR_DEC_15, syntax=UBL)
def br_dec_15_ubl(ctx: RuleContext) -> tuple[()]:
    return ()


# EN 16931 BR-DEC-15 (CII): without BT-6 it passes; else some TaxTotalAmount in BT-6 has ≤ 2 decimals.
@rule("BR-DEC-15", fr=_FR_DEC_15, syntax=CII)
def br_dec_15_cii(ctx: RuleContext) -> list[Any]:
    inv = ctx.invoice
    if inv.tax_currency is None or inv.totals is None:
        return []
    tax_currencies = {c.raw for c in (inv.tax_currency, *((inv.extra or {}).get("tax_currency", ())))}
    return [
        t
        for t in monetary_totals(inv, CII)
        if t.tax_amounts
        and not any(a.currency in tax_currencies and _two_decimals_double(a) for a in t.tax_amounts)
    ]


# EN 16931 BR-DEC-14: BT-112 has at most two decimals.
@rule(
    "BR-DEC-14",
    fr="[BR-DEC-14]-Le nombre maximal de décimales autorisé pour le Montant total de la facture TVA "
    "comprise (BT-112) est 2.",
    batch=_batch,
)
def br_dec_14(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-14")


# EN 16931 BR-DEC-16: BT-113 has at most two decimals.
@rule(
    "BR-DEC-16",
    fr="[BR-DEC-16]-Le nombre maximal de décimales autorisé pour le Montant payé (BT-113) est 2.",
    batch=_batch,
)
def br_dec_16(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-16")


# EN 16931 BR-DEC-17: BT-114 has at most two decimals.
@rule(
    "BR-DEC-17",
    fr="[BR-DEC-17]-Le nombre maximal de décimales autorisé pour le Montant de l'arrondi (BT-114) est 2.",
    batch=_batch,
)
def br_dec_17(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-17")


# EN 16931 BR-DEC-18: BT-115 has at most two decimals.
@rule(
    "BR-DEC-18",
    fr="[BR-DEC-18]-Le nombre maximal de décimales autorisé pour le Montant à payer (BT-115) est 2.",
    batch=_batch,
)
def br_dec_18(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-18")


# EN 16931 BR-DEC-19: BT-116 has at most two decimals.
@rule(
    "BR-DEC-19",
    fr="[BR-DEC-19]-Le nombre maximal de décimales autorisé pour la Base d'imposition de la "
    "catégorie de TVA (BT-116) est 2.",
    batch=_batch,
)
def br_dec_19(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-19")


# EN 16931 BR-DEC-20: BT-117 has at most two decimals.
@rule(
    "BR-DEC-20",
    fr="[BR-DEC-20]-Le nombre maximal de décimales autorisé pour le Montant de TVA de la catégorie "
    "(BT-117) est 2.",
    batch=_batch,
)
def br_dec_20(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-20")


# EN 16931 BR-DEC-23: BT-131 has at most two decimals.
@rule(
    "BR-DEC-23",
    fr="[BR-DEC-23]-Le nombre maximal de décimales autorisé pour le Montant net de ligne de facture "
    "(BT-131) est 2.",
    batch=_batch,
)
def br_dec_23(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-23")


# EN 16931 BR-DEC-24: BT-136 has at most two decimals.
@rule(
    "BR-DEC-24",
    fr="[BR-DEC-24]-Le nombre maximal de décimales autorisé pour le Montant de la remise sur la "
    "ligne de facture (BT-136) est 2.",
    batch=_batch,
)
def br_dec_24(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-24")


# EN 16931 BR-DEC-25: BT-137 has at most two decimals.
@rule(
    "BR-DEC-25",
    fr="[BR-DEC-25]-Le nombre maximal de décimales autorisé pour l'Assiette de la remise sur la "
    "ligne de facture (BT-137) est 2.",
    batch=_batch,
)
def br_dec_25(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-25")


# EN 16931 BR-DEC-27: BT-141 has at most two decimals.
@rule(
    "BR-DEC-27",
    fr="[BR-DEC-27]-Le nombre maximal de décimales autorisé pour le Montant des frais sur la ligne "
    "de facture (BT-141) est 2.",
    batch=_batch,
)
def br_dec_27(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-27")


# EN 16931 BR-DEC-28: BT-142 has at most two decimals.
@rule(
    "BR-DEC-28",
    fr="[BR-DEC-28]-Le nombre maximal de décimales autorisé pour l'Assiette des frais sur la ligne "
    "de facture (BT-142) est 2.",
    batch=_batch,
)
def br_dec_28(ctx: RuleContext) -> list[Any]:
    return _hits(ctx, "BR-DEC-28")
