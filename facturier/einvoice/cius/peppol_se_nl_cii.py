"""Peppol BIS Billing 3.0 national rules, CII binding: Sweden (SE-R-*) and the Netherlands (NL-R-*).

Source: OpenPEPPOL/peppol-bis-invoice-3, ``rules/sch/PEPPOL-EN16931-CII.sch`` (see
:mod:`.peppol_national_cii` for the release the CII rules follow).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from lxml.etree import _Element

from ..findings import Syntax
from ..rules.registry import RuleContext
from ..values import normalize_space
from . import messages_national  # noqa: F401  (registers the national messages)
from ._checks import check_se_orgnr
from ._doc import cii_doc
from ._xpath import (
    RAM,
    RSM,
    any_eq,
    decimal,
    find,
    kid,
    kids,
    nsp,
    number,
    path,
    root_kids,
    sv,
    text,
)
from .messages import peppol_rule
from .peppol_se_nl_ubl import kvk_or_oin

CII = Syntax.CII


# --- Sweden ----------------------------------------------------------------------------------------------


def _se_seller(ctx: RuleContext) -> _Element | None:
    """The header seller when its postal country is 'SE'."""
    seller = cii_doc(ctx).seller
    if seller is not None and any_eq(path(seller, RAM + "PostalTradeAddress", RAM + "CountryID"), "SE"):
        return seller
    return None


def _vat_values(party: _Element) -> list[_Element]:
    """``ram:SpecifiedTaxRegistration/ram:ID[@schemeID = 'VAT']``."""
    return [
        i for i in path(party, RAM + "SpecifiedTaxRegistration", RAM + "ID") if i.get("schemeID") == "VAT"
    ]


def _se_vat_seller(ctx: RuleContext) -> _Element | None:
    seller = _se_seller(ctx)
    if seller is None:
        return None
    for reg in kids(seller, RAM + "SpecifiedTaxRegistration"):
        vat = [i for i in kids(reg, RAM + "ID") if i.get("schemeID") == "VAT"]
        if len(vat) == 1 and sv(vat[0])[:2] == "SE":
            return seller
    return None


@peppol_rule("SE-R-001", CII)
def se_r_001(ctx: RuleContext) -> Iterator[_Element]:
    seller = _se_vat_seller(ctx)
    if seller is not None:
        vat = _vat_values(seller)
        if len(vat) == 1 and len(nsp(vat[0])) != 14:
            yield seller


@peppol_rule("SE-R-002", CII)
def se_r_002(ctx: RuleContext) -> Iterator[_Element]:
    seller = _se_vat_seller(ctx)
    if seller is not None:
        vat = _vat_values(seller)
        if len(vat) == 1 and math.isnan(number(sv(vat[0])[2:14])):
            yield seller


def _se_legal(ctx: RuleContext) -> list[tuple[_Element, _Element]]:
    seller = _se_seller(ctx)
    out = []
    for org in kids(seller, RAM + "SpecifiedLegalOrganization"):
        ids = kids(org, RAM + "ID")
        if len(ids) == 1:
            out.append((org, ids[0]))
    return out


@peppol_rule("SE-R-003", CII)
def se_r_003(ctx: RuleContext) -> Iterator[_Element]:
    yield from (org for org, i in _se_legal(ctx) if math.isnan(number(sv(i))))


@peppol_rule("SE-R-004", CII)
def se_r_004(ctx: RuleContext) -> Iterator[_Element]:
    yield from (org for org, i in _se_legal(ctx) if len(nsp(i)) != 10)


@peppol_rule("SE-R-013", CII)
def se_r_013(ctx: RuleContext) -> Iterator[_Element]:
    yield from (org for org, i in _se_legal(ctx) if not check_se_orgnr(nsp(i)))


@peppol_rule("SE-R-005", CII)
def se_r_005(ctx: RuleContext) -> Iterator[_Element]:
    seller = _se_seller(ctx)
    if seller is None or not path(seller, RAM + "SpecifiedLegalOrganization", RAM + "ID"):
        return
    for i in path(seller, RAM + "SpecifiedTaxRegistration", RAM + "ID"):
        if i.get("schemeID") == "FC" and normalize_space(sv(i).upper()) != "GODKÄND FÖR F-SKATT":
            yield i


@peppol_rule("SE-R-006", CII)
def se_r_006(ctx: RuleContext) -> Iterator[_Element]:
    seller = _se_seller(ctx)
    if seller is None or not any(sv(v)[:2] == "SE" for v in _vat_values(seller)):
        return
    for tax in find(ctx, RAM + "ApplicableTradeTax", RAM + "CategoryTradeTax"):
        rates = kids(tax, RAM + "RateApplicablePercent")
        if number(sv(rates[0]) if len(rates) == 1 else None) not in (25.0, 12.0, 6.0):
            yield tax


def _se_payment_means(ctx: RuleContext) -> list[_Element]:
    if _se_seller(ctx) is None:
        return []
    return kids(cii_doc(ctx).settlement, RAM + "SpecifiedTradeSettlementPaymentMeans")


def _se_giro(ctx: RuleContext, bic: str) -> list[_Element]:
    out = []
    for pm in _se_payment_means(ctx):
        codes = kids(pm, RAM + "TypeCode")
        bics = path(pm, RAM + "PayeeSpecifiedCreditorFinancialInstitution", RAM + "BICID")
        if len(codes) == 1 and nsp(codes[0]) == "30" and len(bics) == 1 and nsp(bics[0]) == bic:
            out.extend(path(pm, RAM + "PayeePartyCreditorFinancialAccount", RAM + "ProprietaryID"))
    return out


@peppol_rule("SE-R-007", CII)
def se_r_007(ctx: RuleContext) -> Iterator[_Element]:
    yield from (a for a in _se_giro(ctx, "SE:PLUSGIRO") if math.isnan(number(nsp(a))))


@peppol_rule("SE-R-010", CII)
def se_r_010(ctx: RuleContext) -> Iterator[_Element]:
    yield from (a for a in _se_giro(ctx, "SE:PLUSGIRO") if not 2 <= len(nsp(a)) <= 8)


@peppol_rule("SE-R-008", CII)
def se_r_008(ctx: RuleContext) -> Iterator[_Element]:
    yield from (a for a in _se_giro(ctx, "SE:BANKGIRO") if math.isnan(number(nsp(a))))


@peppol_rule("SE-R-009", CII)
def se_r_009(ctx: RuleContext) -> Iterator[_Element]:
    yield from (a for a in _se_giro(ctx, "SE:BANKGIRO") if len(nsp(a)) not in (7, 8))


def _single_code(pm: _Element) -> str | None:
    codes = kids(pm, RAM + "TypeCode")
    return nsp(codes[0]) if len(codes) <= 1 and codes else ("" if not codes else None)


@peppol_rule("SE-R-011", CII)
def se_r_011(ctx: RuleContext) -> Iterator[_Element]:
    yield from (pm for pm in _se_payment_means(ctx) if _single_code(pm) in ("50", "56"))


@peppol_rule("SE-R-012", CII)
def se_r_012(ctx: RuleContext) -> Iterator[_Element]:
    buyer = cii_doc(ctx).buyer
    if any_eq(path(buyer, RAM + "PostalTradeAddress", RAM + "CountryID"), "SE"):
        yield from (pm for pm in _se_payment_means(ctx) if _single_code(pm) == "31")


# --- the Netherlands ----------------------------------------------------------------------------------


def _upper_country(party: _Element | None) -> str:
    codes = path(party, RAM + "PostalTradeAddress", RAM + "CountryID")
    return nsp(codes[0]).upper() if len(codes) == 1 else ""


def _nl(ctx: RuleContext) -> tuple[bool, bool, bool]:
    d = cii_doc(ctx)
    rep = kid(d.agreement, RAM + "SellerTaxRepresentativeTradeParty")
    return _upper_country(d.seller) == "NL", _upper_country(d.buyer) == "NL", _upper_country(rep) == "NL"


_NL_CREDIT = ("81", "83", "381", "396", "532")


@peppol_rule("NL-R-001", CII)
def nl_r_001(ctx: RuleContext) -> Iterator[_Element]:
    if not _nl(ctx)[0]:
        return
    if path(
        find(ctx, RAM + "ApplicableHeaderTradeSettlement"),
        RAM + "InvoiceReferencedDocument",
        RAM + "IssuerAssignedID",
    ):
        return
    for doc in root_kids(ctx, RSM + "ExchangedDocument"):
        codes = kids(doc, RAM + "TypeCode")
        if len(codes) == 1 and nsp(codes[0]) in _NL_CREDIT:
            yield doc


def _incomplete(address: _Element) -> bool:
    return any(kid(address, RAM + t) is None for t in ("LineOne", "CityName", "PostcodeCode"))


@peppol_rule("NL-R-002", CII)
def nl_r_002(ctx: RuleContext) -> Iterator[_Element]:
    if _nl(ctx)[0]:
        d = cii_doc(ctx)
        yield from (
            a
            for a in path(d.agreement, RAM + "SellerTradeParty", RAM + "PostalTradeAddress")
            if _incomplete(a)
        )


@peppol_rule("NL-R-004", CII)
def nl_r_004(ctx: RuleContext) -> Iterator[_Element]:
    if _nl(ctx)[:2] == (True, True):
        d = cii_doc(ctx)
        yield from (
            a
            for a in path(d.agreement, RAM + "BuyerTradeParty", RAM + "PostalTradeAddress")
            if _incomplete(a)
        )


@peppol_rule("NL-R-006", CII)
def nl_r_006(ctx: RuleContext) -> Iterator[_Element]:
    s, _, rep = _nl(ctx)
    if s and rep:
        d = cii_doc(ctx)
        addresses = path(d.agreement, RAM + "SellerTaxRepresentativeTradeParty", RAM + "PostalTradeAddress")
        yield from (a for a in addresses if _incomplete(a))


@peppol_rule("NL-R-003", CII)
def nl_r_003(ctx: RuleContext) -> Iterator[_Element]:
    if _nl(ctx)[0]:
        ids = path(
            cii_doc(ctx).agreement, RAM + "SellerTradeParty", RAM + "SpecifiedLegalOrganization", RAM + "ID"
        )
        yield from (i for i in ids if not kvk_or_oin(i))


@peppol_rule("NL-R-005", CII)
def nl_r_005(ctx: RuleContext) -> Iterator[_Element]:
    if _nl(ctx)[:2] == (True, True):
        ids = path(
            cii_doc(ctx).agreement, RAM + "BuyerTradeParty", RAM + "SpecifiedLegalOrganization", RAM + "ID"
        )
        yield from (i for i in ids if not kvk_or_oin(i))


@peppol_rule("NL-R-007", CII)
def nl_r_007(ctx: RuleContext) -> Iterator[_Element]:
    d = cii_doc(ctx)
    if not _nl(ctx)[0] or kid(d.settlement, RAM + "SpecifiedTradeSettlementPaymentMeans") is not None:
        return
    is_credit = normalize_space(text(kid(d.document, RAM + "TypeCode"))) == "381"
    for total in kids(d.settlement, RAM + "SpecifiedTradeSettlementHeaderMonetarySummation"):
        due = kids(total, RAM + "DuePayableAmount")
        value = decimal(sv(due[0])) if len(due) == 1 else None
        if len(due) == 1 and value is None:
            continue  # xs:decimal() fails: dynamic error
        if value is None or not ((not is_credit and value <= 0) or (is_credit and value >= 0)):
            yield total


@peppol_rule("NL-R-008", CII)
def nl_r_008(ctx: RuleContext) -> Iterator[_Element]:
    if _nl(ctx)[:2] == (True, True):
        for pm in kids(cii_doc(ctx).settlement, RAM + "SpecifiedTradeSettlementPaymentMeans"):
            if _single_code(pm) not in ("30", "48", "49", "57", "58", "59", None):
                yield pm


@peppol_rule("NL-R-009", CII)
def nl_r_009(ctx: RuleContext) -> Iterator[_Element]:
    d = cii_doc(ctx)
    if _nl(ctx)[0] and not path(d.agreement, RAM + "BuyerOrderReferencedDocument", RAM + "IssuerAssignedID"):
        yield from path(
            kids(d.transaction, RAM + "IncludedSupplyChainTradeLineItem"),
            RAM + "SpecifiedLineTradeAgreement",
            RAM + "BuyerOrderReferencedDocument",
            RAM + "LineID",
        )
