"""EN 16931 core rules on parties: payee (BR-17), seller tax representative (BR-18 … BR-20,
BR-56), electronic addresses (BR-62, BR-63), VAT identifier prefixes (BR-CO-09) and seller
identification (BR-CO-26).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from .. import codelists
from .core_xpath import (
    CAC,
    CBC,
    CII,
    RAM,
    UBL,
    WS,
    blank,
    child,
    descendants,
    occ,
)
from .registry import RuleContext, rule

# --- BR-17 … BR-20, BR-56: payee and seller tax representative -----------------------------------

_FR_17 = (
    "[BR-17]-Le nom du bénéficiaire (BT-59) doit être fourni dans la facture si le bénéficiaire (BG-10) "
    "est différent du vendeur (BG-4)."
)


def _raws(values: Any) -> set[str]:
    return {v.raw for v in values}


def _ubl_party_ids(ctx: RuleContext, party: Any) -> set[str]:
    # PartyIdentification/ID, including the SEPA-scheme ids that the reader moved to BT-90.
    ids = _raws(party.identifiers)
    for v in occ(ctx.invoice, "creditor_reference"):
        if party.el is not None and v.el.getparent().getparent() is party.el:
            ids.add(v.raw)
    return ids


# EN 16931 BR-17: the payee has a name that is not the seller's, and no seller identifier.
@rule("BR-17", fr=_FR_17, syntax=UBL)
def br_17_ubl(ctx: RuleContext) -> list[Any]:
    # cac:PayeeParty: exists(PartyName/Name) and not(PartyName/Name = ../AccountingSupplierParty/
    # Party/PartyName/Name) and not(PartyIdentification/ID = … /PartyIdentification/ID).
    inv = ctx.invoice
    if inv.payee is None:
        return []
    sellers = occ(inv, "seller")
    seller_names = {v.raw for p in sellers for v in occ(p, "trading_name")}  # seller PartyName/Name
    seller_ids = set().union(*(_ubl_party_ids(ctx, p) for p in sellers))
    out = []
    for p in occ(inv, "payee"):
        names = _raws(occ(p, "name"))
        if not names or names & seller_names or _ubl_party_ids(ctx, p) & seller_ids:
            out.append(p)
    return out


@rule("BR-17", fr=_FR_17, syntax=CII)
def br_17_cii(ctx: RuleContext) -> list[Any]:
    # CEN CII: compares with ../../ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty: the
    # names, the ram:ID (not ram:GlobalID) and the legal organisation ids.
    inv = ctx.invoice
    if inv.payee is None:
        return []
    seller = inv.seller
    seller_names = _raws(occ(seller, "name")) if seller is not None else set()
    seller_ids = (
        {v.raw for v in seller.identifiers if v.el.tag == RAM + "ID"} if seller is not None else set()
    )
    seller_legal = _raws(occ(seller, "legal_id")) if seller is not None else set()
    out = []
    for p in occ(inv, "payee"):
        names = _raws(occ(p, "name"))
        if (
            not names
            or names & seller_names
            or {v.raw for v in p.identifiers if v.el.tag == RAM + "ID"} & seller_ids
            or _raws(occ(p, "legal_id")) & seller_legal
        ):
            out.append(p)
    return out


_FR_18 = (
    "[BR-18]-Le nom du représentant fiscal du vendeur (BT-62) doit être fourni dans la facture si le "
    "vendeur (BG-4) a un représentant fiscal (BG-11)."
)


# EN 16931 BR-18: BG-11 has BT-62 (UBL: non-blank; CEN CII: present).
@rule("BR-18", fr=_FR_18)
def br_18(ctx: RuleContext) -> list[Any]:
    reps = occ(ctx.invoice, "tax_representative") if ctx.invoice.tax_representative is not None else []
    if ctx.syntax is UBL:
        return [p for p in reps if blank(p.name)]
    return [p for p in reps if p.name is None]


# EN 16931 BR-19: BG-11 has BG-12.
@rule(
    "BR-19",
    fr="[BR-19]-L'adresse postale du représentant fiscal du vendeur (BG-12) doit être fournie dans la "
    "facture si le vendeur (BG-4) a un représentant fiscal (BG-11).",
)
def br_19(ctx: RuleContext) -> list[Any]:
    if ctx.invoice.tax_representative is None:
        return []
    return [p for p in occ(ctx.invoice, "tax_representative") if p.address is None]


_FR_20 = (
    "[BR-20]-L'adresse postale du représentant fiscal du vendeur (BG-12) doit contenir un code de pays du "
    "représentant fiscal (BT-69) si le vendeur (BG-4) a un représentant fiscal (BG-11)."
)


# EN 16931 BR-20: BG-12 has BT-69. UBL: per postal address; CEN CII: per party, present.
@rule("BR-20", fr=_FR_20)
def br_20(ctx: RuleContext) -> list[Any]:
    if ctx.invoice.tax_representative is None:
        return []
    reps = occ(ctx.invoice, "tax_representative")
    if ctx.syntax is UBL:
        return [a for p in reps for a in occ(p, "address") if blank(a.country)]
    return [p for p in reps if p.address is None or p.address.country is None]


_FR_56 = (
    "[BR-56]-Chaque représentant fiscal du vendeur (BG-11) doit avoir un identifiant de TVA du représentant "
    "fiscal du vendeur (BT-63)."
)


# EN 16931 BR-56: BG-11 has BT-63.
@rule("BR-56", fr=_FR_56)
def br_56(ctx: RuleContext) -> list[Any]:
    if ctx.invoice.tax_representative is None:
        return []
    reps = occ(ctx.invoice, "tax_representative")
    if ctx.syntax is UBL:
        return [p for p in reps if p.vat_id is None]
    out = []
    for p in reps:
        ids = [v for v in occ(p, "vat_id") if v.scheme == "VA"]  # ram:ID[@schemeID='VA']
        if not ids or blank(ids[0]):
            out.append(p)
    return out


# --- BR-62, BR-63: electronic addresses -----------------------------------------------------------


def _ubl_endpoint_scheme(ctx: RuleContext, party_field: str) -> list[Any]:
    return [
        v for p in occ(ctx.invoice, party_field) for v in occ(p, "electronic_address") if v.scheme is None
    ]


def _cii_endpoint_scheme(ctx: RuleContext, party_field: str) -> list[Any]:
    # normalize-space(Party/URIUniversalCommunication[1]/URIID/@schemeID) != '' or no URIUniversal…
    party = getattr(ctx.invoice, party_field)
    if party is None or party.el is None:
        return []
    first = child(party.el, RAM + "URIUniversalCommunication")
    if first is None:
        return []
    for uri in first.iterchildren(RAM + "URIID"):
        if (uri.get("schemeID") or "").strip(WS):
            return []
    return [ctx.invoice]


_FR_62 = "[BR-62]-L'adresse électronique du vendeur (BT-34) doit avoir un identifiant de schéma."
_FR_63 = "[BR-63]-L'adresse électronique de l'acheteur (BT-49) doit avoir un identifiant de schéma."


# EN 16931 BR-62: BT-34 has a scheme (BT-34-1).
@rule("BR-62", fr=_FR_62, syntax=UBL)
def br_62_ubl(ctx: RuleContext) -> list[Any]:
    return _ubl_endpoint_scheme(ctx, "seller")


@rule("BR-62", fr=_FR_62, syntax=CII)
def br_62_cii(ctx: RuleContext) -> list[Any]:
    return _cii_endpoint_scheme(ctx, "seller")


# EN 16931 BR-63: BT-49 has a scheme (BT-49-1).
@rule("BR-63", fr=_FR_63, syntax=UBL)
def br_63_ubl(ctx: RuleContext) -> list[Any]:
    return _ubl_endpoint_scheme(ctx, "buyer")


@rule("BR-63", fr=_FR_63, syntax=CII)
def br_63_cii(ctx: RuleContext) -> list[Any]:
    return _cii_endpoint_scheme(ctx, "buyer")


@cache
def _vat_prefixes(syntax: str) -> Any:
    codes = codelists.vat_id_prefixes(syntax=syntax)
    if syntax == UBL:
        # UBL: contains(' 1A AD … ', substring(CompanyID, 1, 2)), unpadded: every 2-character
        # window of the list (a code, "X " or " X") and every 1-character prefix matches.
        return " " + " ".join(sorted(codes)) + " "
    return codes


_FR_CO_09 = (
    "[BR-CO-09]-L'identifiant de TVA du vendeur (BT-31), l'identifiant de TVA du représentant fiscal du "
    "vendeur (BT-63) et l'identifiant de TVA de l'acheteur (BT-48) doivent avoir un préfixe conforme au "
    "code ISO 3166-1 alpha-2 qui permet d'identifier le pays d'émission. La Grèce peut néanmoins utiliser "
    "le préfixe « EL »."
)

_PARTIES = ("seller", "buyer", "tax_representative", "payee")


# EN 16931 BR-CO-09: VAT identifiers start with an ISO 3166-1 country code (or EL, XI).
@rule("BR-CO-09", fr=_FR_CO_09, syntax=UBL)
def br_co_09_ubl(ctx: RuleContext) -> list[Any]:
    prefixes: str = _vat_prefixes(UBL)
    out = []
    for name in _PARTIES:
        if getattr(ctx.invoice, name) is None:
            continue
        for party in occ(ctx.invoice, name):
            for v in occ(party, "vat_id"):
                if v.raw[:2] not in prefixes:
                    out.append(v.el.getparent())  # the cac:PartyTaxScheme
    return out


@rule("BR-CO-09", fr=_FR_CO_09, syntax=CII)
def br_co_09_cii(ctx: RuleContext) -> list[Any]:
    # CEN CII: ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA'], padded: an exact code match.
    prefixes: frozenset[str] = _vat_prefixes(CII)
    out = []
    for name in _PARTIES:
        if getattr(ctx.invoice, name) is None:
            continue
        for party in occ(ctx.invoice, name):
            for v in occ(party, "vat_id"):
                if v.scheme == "VA" and v.raw[:2] not in prefixes:
                    out.append(v)
    return out


_FR_CO_26 = (
    "[BR-CO-26]-Afin que l'acheteur puisse identifier automatiquement un fournisseur, l'identifiant du "
    "vendeur (BT-29), l'identifiant d'immatriculation légale du vendeur (BT-30) et/ou l'identifiant de TVA "
    "du vendeur (BT-31) doivent être présents."
)


# EN 16931 BR-CO-26: the seller has BT-29, BT-30 or BT-31.
@rule("BR-CO-26", fr=_FR_CO_26, syntax=UBL)
def br_co_26_ubl(ctx: RuleContext) -> list[Any]:
    # Context cac:AccountingSupplierParty: an identifier in any of its cac:Party children.
    inv = ctx.invoice
    if inv.seller is None:
        return []
    wrappers: dict[Any, bool] = {}
    for p in occ(inv, "seller"):
        el = p.el
        wrapper = el.getparent() if el is not None and el.tag == CAC + "Party" else el
        found = p.vat_id is not None or p.legal_id is not None or bool(p.identifiers)
        if not found and el is not None:
            # PartyIdentification/ID[not(@schemeID = 'SEPA')]: the reader moved SEPA-like ids to BT-90.
            found = any(
                e.get("schemeID") != "SEPA" for e in descendants(el, CAC + "PartyIdentification", CBC + "ID")
            )
        wrappers[wrapper] = wrappers.get(wrapper, False) or found
    return [w if w is not None else inv for w, found in wrappers.items() if not found]


@rule("BR-CO-26", fr=_FR_CO_26, syntax=CII)
def br_co_26_cii(ctx: RuleContext) -> list[Any]:
    inv = ctx.invoice
    if inv.seller is None:
        return []
    return [
        p
        for p in occ(inv, "seller")
        if not p.identifiers and p.legal_id is None and not any(v.scheme == "VA" for v in occ(p, "vat_id"))
    ]
