"""EN 16931 core rules on payment instructions (BR-49 … BR-51, BR-61), document references
(BR-52 … BR-55) and the deliver-to address (BR-57).
"""

from __future__ import annotations

from typing import Any

from .core_xpath import (
    CII,
    RAM,
    UBL,
    WS,
    blank,
    monetary_totals,
    occ,
    root_if,
)
from .registry import RuleContext, rule

# --- BR-49 … BR-51, BR-61: payment instructions ---------------------------------------------------


# EN 16931 BR-49: each BG-16 has BT-81.
@rule(
    "BR-49",
    fr="[BR-49]-Une instruction de paiement (BG-16) doit préciser le code de type de moyen de "
    "paiement (BT-81).",
)
def br_49(ctx: RuleContext) -> list[Any]:
    return [pm for pm in ctx.invoice.payment_means if pm.type_code is None]


def _credit_transfer_means(ctx: RuleContext) -> list[Any]:
    # PaymentMeans[code = '30' or code = '58'] (exact string comparison), then its accounts.
    out = []
    for pm in ctx.invoice.payment_means:
        for code in occ(pm, "type_code"):
            if code.raw in ("30", "58"):
                out.append(pm)
                break
    return out


# EN 16931 BR-50: a credit transfer account (BG-17) has BT-84.
@rule(
    "BR-50",
    fr="[BR-50]-Un identifiant de compte de paiement (BT-84) doit être présent si des informations de "
    "virement (BG-17) sont fournies dans la facture.",
    syntax=UBL,
)
def br_50_ubl(ctx: RuleContext) -> list[Any]:
    return [
        ct for pm in _credit_transfer_means(ctx) for ct in occ(pm, "credit_transfer") if blank(ct.account_id)
    ]


def _cii_accounts_without_id(ctx: RuleContext) -> list[Any]:
    # CEN CII: …PaymentMeans[TypeCode='30' or '58']/ram:PayeePartyCreditorFinancialAccount,
    # test (ram:IBANID) or (ram:ProprietaryID).
    out = []
    for pm in _credit_transfer_means(ctx):
        for ct in occ(pm, "credit_transfer"):
            if (
                ct.el is not None
                and ct.el.tag == RAM + "PayeePartyCreditorFinancialAccount"
                and ct.account_id is None
            ):
                out.append(ct)
    return out


@rule(
    "BR-50",
    fr="[BR-50]-Un identifiant de compte de paiement (BT-84) doit être présent si des informations de "
    "virement (BG-16) sont fournies dans la facture.",
    syntax=CII,
)
def br_50_cii(ctx: RuleContext) -> list[Any]:
    return _cii_accounts_without_id(ctx)


_FR_51 = (
    "[BR-51]-Conformément aux normes de sécurité des paiements par carte, une facture ne devrait jamais "
    "contenir le numéro de compte principal complet de la carte (BT-87). À ce jour, le PCI Security "
    "Standards Council a défini que les 6 premiers et les 4 derniers chiffres sont le maximum de "
    "chiffres affichables."
)


# EN 16931 BR-51: at most 10 characters of the card number (BT-87).
@rule("BR-51", fr=_FR_51, syntax=UBL)
def br_51_ubl(ctx: RuleContext) -> list[Any]:
    return [
        n
        for pm in ctx.invoice.payment_means
        if pm.card is not None
        for card in occ(pm, "card")
        for n in occ(card, "account_number")
        if len(n.normalized) > 10
    ]


@rule("BR-51", fr=_FR_51, syntax=CII)
def br_51_cii(ctx: RuleContext) -> list[Any]:
    # CEN CII: string-length(ram:ID) <= 10, on the card element, without normalisation.
    return [
        card
        for pm in ctx.invoice.payment_means
        if pm.card is not None
        for card in occ(pm, "card")
        if card.account_number is not None and len(card.account_number.raw) > 10
    ]


_FR_61 = (
    "[BR-61]-Si le code de type de moyen de paiement (BT-81) désigne un virement SEPA, un virement local ou "
    "un virement international non SEPA, l'identifiant de compte de paiement (BT-84) doit être présent."
)


# EN 16931 BR-61: credit transfer codes 30 and 58 require BT-84.
@rule("BR-61", fr=_FR_61, syntax=UBL)
def br_61_ubl(ctx: RuleContext) -> list[Any]:
    out = []
    for pm in ctx.invoice.payment_means:
        code = pm.type_code
        if (
            code is not None
            and code.raw.strip(WS) in ("30", "58")  # normalize-space(code) = '30' or '58'
            and not any(ct.account_id is not None for ct in occ(pm, "credit_transfer"))
        ):
            out.append(pm)
    return out


@rule("BR-61", fr=_FR_61, syntax=CII)
def br_61_cii(ctx: RuleContext) -> list[Any]:
    return _cii_accounts_without_id(ctx)


# --- BR-52 … BR-55, BR-57: references, delivery ---------------------------------------------------


# EN 16931 BR-52: each BG-24 has BT-122.
@rule(
    "BR-52",
    fr="[BR-52]-Chaque document justificatif additionnel (BG-24) doit contenir une référence de "
    "document justificatif (BT-122).",
)
def br_52(ctx: RuleContext) -> list[Any]:
    out: list[Any] = [d for d in ctx.invoice.additional_documents if blank(d.reference)]
    if ctx.syntax is CII:  # //ram:AdditionalReferencedDocument also matches the line object (BT-128)
        out.extend(
            d
            for line in ctx.invoice.lines
            if line.object_documents
            for d in line.object_documents
            if blank(d.reference)
        )
    return out


_FR_53 = (
    "[BR-53]-Si le code de devise de comptabilisation de la TVA (BT-6) est présent, le montant total de la "
    "TVA de la facture dans la devise de comptabilisation (BT-111) doit être fourni."
)


# EN 16931 BR-53: BT-6 requires BT-111.
@rule("BR-53", fr=_FR_53, syntax=UBL)
def br_53_ubl(ctx: RuleContext) -> list[Any]:
    inv = ctx.invoice
    if inv.tax_currency is None:
        return []
    currencies = {a.currency for a in inv.totals.tax_amounts} if inv.totals is not None else set()
    return root_if(ctx, any(tc.raw not in currencies for tc in occ(inv, "tax_currency")))


@rule("BR-53", fr=_FR_53, syntax=CII)
def br_53_cii(ctx: RuleContext) -> list[Any]:
    # CEN CII: BT-111 in BT-6 must exist and BT-6 must differ from BT-5; per summation.
    inv = ctx.invoice
    if inv.tax_currency is None:
        return []
    tax_currencies = {c.raw for c in occ(inv, "tax_currency")}
    same = bool(tax_currencies & {c.raw for c in occ(inv, "currency")})
    return [
        t
        for t in monetary_totals(inv, CII)
        if same or not any(a.currency in tax_currencies for a in t.tax_amounts)
    ]


# EN 16931 BR-55: each BG-3 has BT-25 (UBL: present; CEN CII: non-blank).
@rule(
    "BR-55",
    fr="[BR-55]-Chaque référence à une facture antérieure (BG-3) doit contenir une référence de facture "
    "antérieure (BT-25).",
)
def br_55(ctx: RuleContext) -> list[Any]:
    inv = ctx.invoice
    if ctx.syntax is UBL:  # context cac:BillingReference, also on EXTENDED lines
        out = [p for p in inv.preceding_invoices if p.reference is None]
        out.extend(
            p
            for line in inv.lines
            if line.preceding_invoices
            for p in line.preceding_invoices
            if p.reference is None
        )
        return out
    return [p for p in inv.preceding_invoices if blank(p.reference)]


# EN 16931 BR-57: each BG-15 has BT-80.
@rule(
    "BR-57",
    fr="[BR-57]-Chaque adresse de livraison (BG-15) doit contenir un code de pays de livraison (BT-80).",
)
def br_57(ctx: RuleContext) -> list[Any]:
    inv = ctx.invoice
    if ctx.syntax is UBL:  # per cac:Delivery/cac:DeliveryLocation/cac:Address (also on EXTENDED lines)
        deliveries = list(occ(inv, "delivery"))
        deliveries.extend(d for line in inv.lines if line.delivery is not None for d in occ(line, "delivery"))
        return [a for d in deliveries for a in occ(d, "address") if a.country is None]
    if inv.delivery is None:
        return []
    d = inv.delivery  # CEN CII: per ApplicableHeaderTradeDelivery, non-blank
    return [d] if d.address is not None and blank(d.address.country) else []
