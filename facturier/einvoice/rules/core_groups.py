"""EN 16931 core rules on allowances, charges and VAT breakdowns: BR-31 … BR-48, BR-66, BR-CO-05 …
BR-CO-08, BR-CO-21 … BR-CO-24.

The rule context of an allowance or a charge differs by syntax (see :func:`.core_xpath.allowance_contexts`):
UBL casts ``cbc:ChargeIndicator`` to a boolean, the CII rules match ``udt:Indicator`` exactly
``'false'`` / ``'true'`` and sit on the ``ram:ChargeIndicator`` element.
"""

from __future__ import annotations

from typing import Any

from ..findings import Severity
from .core_xpath import CII, RAM, UBL, WS, breakdowns, child, doc_allowances, line_allowances, occ, vat_scheme
from .registry import RuleContext, rule


def _missing_amount(acs: list[tuple[Any, Any]]) -> list[Any]:
    return [hit for ac, hit in acs if ac.amount is None]


def _missing_reason(acs: list[tuple[Any, Any]]) -> list[Any]:
    return [hit for ac, hit in acs if ac.reason is None and ac.reason_code is None]


def _missing_vat_category(ctx: RuleContext, acs: list[tuple[Any, Any]]) -> list[Any]:
    # UBL: cac:TaxCategory[cac:TaxScheme/normalize-space(upper-case(cbc:ID))='VAT']/cbc:ID;
    # CII: ram:CategoryTradeTax[upper-case(ram:TypeCode) = 'VAT']/ram:CategoryCode.
    normalize = ctx.syntax is UBL
    return [hit for ac, hit in acs if ac.vat_category is None or not vat_scheme(ac, normalize=normalize)]


def _never(ctx: RuleContext) -> tuple[()]:
    return ()


# --- BG-20 document level allowances ---------------------------------------------------------------


# EN 16931 BR-31: each BG-20 has BT-92.
@rule(
    "BR-31",
    fr="[BR-31]-Chaque remise au niveau du document (BG-20) doit avoir un montant de remise au niveau du "
    "document (BT-92).",
)
def br_31(ctx: RuleContext) -> list[Any]:
    return _missing_amount(doc_allowances(ctx, False))


# EN 16931 BR-32: each BG-20 has BT-95.
@rule(
    "BR-32",
    fr="[BR-32]-Chaque remise au niveau du document (BG-20) doit avoir un code de catégorie de TVA de la "
    "remise au niveau du document (BT-95).",
)
def br_32(ctx: RuleContext) -> list[Any]:
    return _missing_vat_category(ctx, doc_allowances(ctx, False))


# EN 16931 BR-33: each BG-20 has BT-97 or BT-98.
@rule(
    "BR-33",
    fr="[BR-33]-Chaque remise au niveau du document (BG-20) doit avoir un motif de la remise au niveau "
    "du document (BT-97) ou un code de motif de la remise au niveau du document (BT-98).",
)
def br_33(ctx: RuleContext) -> list[Any]:
    return _missing_reason(doc_allowances(ctx, False))


# EN 16931 BR-CO-21: each BG-20 has BT-97 or BT-98, or both.
@rule(
    "BR-CO-21",
    fr="[BR-CO-21]-Chaque remise au niveau du document (BG-20) doit contenir un motif de la remise au "
    "niveau du document (BT-97) ou un code de motif de la remise au niveau du document (BT-98), ou les deux.",
)
def br_co_21(ctx: RuleContext) -> list[Any]:
    return _missing_reason(doc_allowances(ctx, False))


# EN 16931 BR-CO-05: BT-98 and BT-97 indicate the same allowance. Not machine-checkable: the official
# test is true().
@rule(
    "BR-CO-05",
    fr="[BR-CO-05]-Le code de motif de la remise au niveau du document (BT-98) et le motif de la "
    "remise au niveau du document (BT-97) doivent indiquer le même type de remise.",
)
def br_co_05(ctx: RuleContext) -> tuple[()]:
    return _never(ctx)


# --- BG-21 document level charges -----------------------------------------------------------------


# EN 16931 BR-36: each BG-21 has BT-99.
@rule(
    "BR-36",
    fr="[BR-36]-Chaque frais au niveau du document (BG-21) doit avoir un montant de frais au niveau du "
    "document (BT-99).",
)
def br_36(ctx: RuleContext) -> list[Any]:
    return _missing_amount(doc_allowances(ctx, True))


# EN 16931 BR-37: each BG-21 has BT-102.
@rule(
    "BR-37",
    fr="[BR-37]-Chaque frais au niveau du document (BG-21) doit avoir un code de catégorie de TVA des "
    "frais au niveau du document (BT-102).",
)
def br_37(ctx: RuleContext) -> list[Any]:
    return _missing_vat_category(ctx, doc_allowances(ctx, True))


# EN 16931 BR-38: each BG-21 has BT-104 or BT-105.
@rule(
    "BR-38",
    fr="[BR-38]-Chaque frais au niveau du document (BG-21) doit avoir un motif des frais au niveau "
    "du document (BT-104) ou un code de motif des frais au niveau du document (BT-105).",
)
def br_38(ctx: RuleContext) -> list[Any]:
    return _missing_reason(doc_allowances(ctx, True))


# EN 16931 BR-CO-22: each BG-21 has BT-104 or BT-105, or both.
@rule(
    "BR-CO-22",
    fr="[BR-CO-22]-Chaque frais au niveau du document (BG-21) doit contenir un motif des frais au "
    "niveau du document (BT-104) ou un code de motif des frais au niveau du document (BT-105), "
    "ou les deux.",
)
def br_co_22(ctx: RuleContext) -> list[Any]:
    return _missing_reason(doc_allowances(ctx, True))


# EN 16931 BR-CO-06: BT-105 and BT-104 indicate the same charge (official test: true()).
@rule(
    "BR-CO-06",
    fr="[BR-CO-06]-Le code de motif des frais au niveau du document (BT-105) et le motif des "
    "frais au niveau du document (BT-104) doivent indiquer le même type de frais.",
)
def br_co_06(ctx: RuleContext) -> tuple[()]:
    return _never(ctx)


# --- BG-27 / BG-28 line allowances and charges -----------------------------------------------------


# EN 16931 BR-41: each BG-27 has BT-136.
@rule(
    "BR-41",
    fr="[BR-41]-Chaque remise sur ligne de facture (BG-27) doit avoir un montant de remise sur ligne de "
    "facture (BT-136).",
)
def br_41(ctx: RuleContext) -> list[Any]:
    return _missing_amount(line_allowances(ctx, False))


# EN 16931 BR-42: each BG-27 has BT-139 or BT-140.
@rule(
    "BR-42",
    fr="[BR-42]-Chaque remise sur ligne de facture (BG-27) doit avoir un motif de remise sur ligne de "
    "facture (BT-139) ou un code de motif de remise sur ligne de facture (BT-140).",
)
def br_42(ctx: RuleContext) -> list[Any]:
    return _missing_reason(line_allowances(ctx, False))


# EN 16931 BR-CO-23: each BG-27 has BT-139 or BT-140, or both.
@rule(
    "BR-CO-23",
    fr="[BR-CO-23]-Chaque remise sur ligne de facture (BG-27) doit contenir un motif de remise sur "
    "ligne de facture (BT-139) ou un code de motif de remise sur ligne de facture (BT-140), ou les deux.",
)
def br_co_23(ctx: RuleContext) -> list[Any]:
    return _missing_reason(line_allowances(ctx, False))


# EN 16931 BR-CO-07: BT-140 and BT-139 indicate the same allowance (official test: true()).
@rule(
    "BR-CO-07",
    fr="[BR-CO-07]-Le code de motif de remise sur ligne de facture (BT-140) et le motif de remise sur "
    "ligne de facture (BT-139) doivent indiquer le même type de motif de remise.",
)
def br_co_07(ctx: RuleContext) -> tuple[()]:
    return _never(ctx)


# EN 16931 BR-43: each BG-28 has BT-141.
@rule(
    "BR-43",
    fr="[BR-43]-Chaque frais sur ligne de facture (BG-28) doit avoir un montant de frais sur ligne de "
    "facture (BT-141).",
)
def br_43(ctx: RuleContext) -> list[Any]:
    return _missing_amount(line_allowances(ctx, True))


# EN 16931 BR-44: each BG-28 has BT-144 or BT-145.
@rule(
    "BR-44",
    fr="[BR-44]-Chaque frais sur ligne de facture (BG-28) doit avoir un motif de frais sur ligne de "
    "facture (BT-144) ou un code de motif de frais sur ligne de facture (BT-145).",
)
def br_44(ctx: RuleContext) -> list[Any]:
    return _missing_reason(line_allowances(ctx, True))


# EN 16931 BR-CO-24: each BG-28 has BT-144 or BT-145, or both.
@rule(
    "BR-CO-24",
    fr="[BR-CO-24]-Chaque frais sur ligne de facture (BG-28) doit contenir un motif de frais sur "
    "ligne de facture (BT-144) ou un code de motif de frais sur ligne de facture (BT-145), ou les deux.",
)
def br_co_24(ctx: RuleContext) -> list[Any]:
    return _missing_reason(line_allowances(ctx, True))


# EN 16931 BR-CO-08: BT-145 and BT-144 indicate the same charge (official test: true()).
@rule(
    "BR-CO-08",
    fr="[BR-CO-08]-Le code de motif de frais sur ligne de facture (BT-145) et le motif de frais sur "
    "ligne de facture (BT-144) doivent indiquer le même type de motif de frais.",
)
def br_co_08(ctx: RuleContext) -> tuple[()]:
    return _never(ctx)


# EN 16931 BR-66 (CEN CII only): each ram:SpecifiedTradeAllowanceCharge has a ram:ChargeIndicator.
@rule(
    "BR-66",
    fr="[BR-66]-Chaque remise ou frais (BG-20)(BG-21) doit contenir un indicateur de frais.",
    en="[BR-66]-Each Specified Trade Allowance Charge (BG-20)(BG-21) shall contain a Charge Indicator.",
    severity=Severity.FATAL,
    syntax=CII,
)
def br_66(ctx: RuleContext) -> list[Any]:
    inv = ctx.invoice
    acs = list(inv.allowance_charges)
    for line in inv.lines:
        acs.extend(line.allowance_charges)
    return [ac for ac in acs if ac.charge_indicator is None and child(ac.el, RAM + "ChargeIndicator") is None]


# --- BG-23 VAT breakdown --------------------------------------------------------------------------


# EN 16931 BR-45: each BG-23 has BT-116.
@rule(
    "BR-45",
    fr="[BR-45]-Chaque ventilation de TVA (BG-23) doit avoir une base d'imposition de la catégorie de TVA "
    "(BT-116).",
)
def br_45(ctx: RuleContext) -> list[Any]:
    return [vb for vb in breakdowns(ctx) if vb.taxable_amount is None]


# EN 16931 BR-46: each BG-23 has BT-117.
@rule(
    "BR-46",
    fr="[BR-46]-Chaque ventilation de TVA (BG-23) doit avoir un montant de TVA de la catégorie (BT-117).",
)
def br_46(ctx: RuleContext) -> list[Any]:
    return [vb for vb in breakdowns(ctx) if vb.tax_amount is None]


# EN 16931 BR-47: each BG-23 has BT-118 (in a VAT tax category).
@rule(
    "BR-47",
    fr="[BR-47]-Chaque ventilation de TVA (BG-23) doit être définie par un code de catégorie de TVA "
    "(BT-118).",
)
def br_47(ctx: RuleContext) -> list[Any]:
    normalize = ctx.syntax is UBL
    return [vb for vb in breakdowns(ctx) if vb.category is None or not vat_scheme(vb, normalize=normalize)]


# EN 16931 BR-48: each BG-23 has BT-119, unless its category is "O" (not subject to VAT).
@rule(
    "BR-48",
    fr="[BR-48]-Chaque ventilation de TVA (BG-23) doit avoir un taux de la catégorie de TVA (BT-119), "
    "sauf si la facture n'est pas soumise à la TVA.",
)
def br_48(ctx: RuleContext) -> list[Any]:
    out = []
    ubl = ctx.syntax is UBL
    for vb in breakdowns(ctx):
        if not vat_scheme(vb, normalize=ubl):
            out.append(vb)
        elif vb.rate is None and not any(
            (c.raw.strip(WS) if ubl else c.raw) == "O" for c in occ(vb, "category")
        ):
            # UBL: normalize-space(cbc:ID) = 'O'; CEN CII: ram:CategoryCode = 'O' (exact).
            out.append(vb)
    return out
