"""Peppol BIS Billing 3.0 national rules, UBL binding: Sweden (SE-R-*) and the Netherlands (NL-R-*).

Source: OpenPEPPOL/peppol-bis-invoice-3 3.0.19, ``rules/sch/PEPPOL-EN16931-UBL.sch``, the SWEDEN and
NETHERLANDS patterns, under the conditions of their rule contexts (see :mod:`.peppol_national_ubl`).
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
from ._doc import ubl_doc
from ._xpath import (
    CAC,
    CBC,
    INV,
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
)
from .messages import peppol_rule
from .peppol_national_ubl import means_codes, tax_schemes

UBL = Syntax.UBL


# --- Sweden ----------------------------------------------------------------------------------------------


def _se_parties(ctx: RuleContext) -> list[_Element]:
    """//cac:AccountingSupplierParty/cac:Party with a postal country 'SE' (UBL allows one)."""
    d = ubl_doc(ctx)
    return [d.supplier] if d.supplier is not None and "SE" in d.supplier_codes else []


def _se_vat(party: _Element) -> list[_Element]:
    return path(tax_schemes(party, "VAT", normalized=False), CBC + "CompanyID")


def _se_vat_parties(ctx: RuleContext) -> list[_Element]:
    """Swedish supplier parties whose VAT identifier starts with SE (SE-R-001/002/006 condition)."""
    return ctx.once(
        "peppol.se.vat",
        lambda: [  # type: ignore[no-any-return]
            p
            for p in _se_parties(ctx)
            if any(
                sv(kid(pts, CBC + "CompanyID"))[:2] == "SE" for pts in tax_schemes(p, "VAT", normalized=False)
            )
        ],
    )


@peppol_rule("SE-R-001", UBL)
def se_r_001(ctx: RuleContext) -> Iterator[_Element]:
    for party in _se_vat_parties(ctx):
        vat = _se_vat(party)
        if len(vat) == 1 and len(nsp(vat[0])) != 14:
            yield party


@peppol_rule("SE-R-002", UBL)
def se_r_002(ctx: RuleContext) -> Iterator[_Element]:
    for party in _se_vat_parties(ctx):
        vat = _se_vat(party)
        if len(vat) == 1 and math.isnan(number(sv(vat[0])[2:14])):
            yield party


def _se_legal(ctx: RuleContext) -> list[tuple[_Element, _Element]]:
    out = []
    for party in _se_parties(ctx):
        for legal in kids(party, CAC + "PartyLegalEntity"):
            ids = kids(legal, CBC + "CompanyID")
            if len(ids) == 1:
                out.append((legal, ids[0]))
    return out


@peppol_rule("SE-R-003", UBL)
def se_r_003(ctx: RuleContext) -> Iterator[_Element]:
    yield from (legal for legal, cid in _se_legal(ctx) if math.isnan(number(sv(cid))))


@peppol_rule("SE-R-004", UBL)
def se_r_004(ctx: RuleContext) -> Iterator[_Element]:
    yield from (legal for legal, cid in _se_legal(ctx) if len(nsp(cid)) != 10)


@peppol_rule("SE-R-013", UBL)
def se_r_013(ctx: RuleContext) -> Iterator[_Element]:
    yield from (legal for legal, cid in _se_legal(ctx) if not check_se_orgnr(nsp(cid)))


@peppol_rule("SE-R-005", UBL)
def se_r_005(ctx: RuleContext) -> Iterator[_Element]:
    for party in _se_parties(ctx):
        if not path(party, CAC + "PartyLegalEntity", CBC + "CompanyID"):
            continue
        for pts in kids(party, CAC + "PartyTaxScheme"):
            ids = path(pts, CAC + "TaxScheme", CBC + "ID")
            if len(ids) <= 1 and nsp(ids[0] if ids else None).upper() != "VAT":
                for cid in kids(pts, CBC + "CompanyID"):
                    if normalize_space(sv(cid).upper()) != "GODKÄND FÖR F-SKATT":
                        yield cid


@peppol_rule("SE-R-006", UBL)
def se_r_006(ctx: RuleContext) -> Iterator[_Element]:
    if not _se_vat_parties(ctx):
        return
    for cat in find(ctx, CAC + "TaxCategory", CAC + "ClassifiedTaxCategory"):
        if any_eq(kids(cat, CBC + "ID"), "S"):
            pct = kids(cat, CBC + "Percent")
            if number(sv(pct[0]) if len(pct) == 1 else None) not in (25.0, 12.0, 6.0):
                yield cat


def _se_giro_accounts(ctx: RuleContext, branch: str) -> list[_Element]:
    """PayeeFinancialAccount/ID of code-30 payment means whose branch is ``branch`` (SE supplier)."""

    def compute() -> dict[str, list[_Element]]:
        out: dict[str, list[_Element]] = {}
        if not _se_parties(ctx):
            return out
        for pm in find(ctx, CAC + "PaymentMeans"):
            codes = kids(pm, CBC + "PaymentMeansCode")
            if len(codes) != 1 or nsp(codes[0]) != "30":
                continue
            branches = path(pm, CAC + "PayeeFinancialAccount", CAC + "FinancialInstitutionBranch", CBC + "ID")
            if len(branches) == 1:
                out.setdefault(nsp(branches[0]), []).extend(
                    path(pm, CAC + "PayeeFinancialAccount", CBC + "ID")
                )
        return out

    return ctx.once("peppol.se.giro", compute).get(branch, [])  # type: ignore[no-any-return]


@peppol_rule("SE-R-007", UBL)
def se_r_007(ctx: RuleContext) -> Iterator[_Element]:
    yield from (a for a in _se_giro_accounts(ctx, "SE:PLUSGIRO") if math.isnan(number(nsp(a))))


@peppol_rule("SE-R-010", UBL)
def se_r_010(ctx: RuleContext) -> Iterator[_Element]:
    yield from (a for a in _se_giro_accounts(ctx, "SE:PLUSGIRO") if not 2 <= len(nsp(a)) <= 8)


@peppol_rule("SE-R-008", UBL)
def se_r_008(ctx: RuleContext) -> Iterator[_Element]:
    yield from (a for a in _se_giro_accounts(ctx, "SE:BANKGIRO") if math.isnan(number(nsp(a))))


@peppol_rule("SE-R-009", UBL)
def se_r_009(ctx: RuleContext) -> Iterator[_Element]:
    yield from (a for a in _se_giro_accounts(ctx, "SE:BANKGIRO") if len(nsp(a)) not in (7, 8))


@peppol_rule("SE-R-011", UBL)
def se_r_011(ctx: RuleContext) -> Iterator[_Element]:
    if _se_parties(ctx):
        for pm in find(ctx, CAC + "PaymentMeans"):
            if any(c in ("50", "56") for c in means_codes(pm)):
                yield pm


@peppol_rule("SE-R-012", UBL)
def se_r_012(ctx: RuleContext) -> Iterator[_Element]:
    if _se_parties(ctx) and "SE" in ubl_doc(ctx).customer_codes:
        for pm in find(ctx, CAC + "PaymentMeans"):
            codes = means_codes(pm)
            if "31" in codes and not any(c in ("50", "56") for c in codes):
                yield pm


# --- the Netherlands ----------------------------------------------------------------------------------


def _nl(ctx: RuleContext) -> tuple[bool, bool, bool]:
    return ubl_doc(ctx).nl


@peppol_rule("NL-R-001", UBL)
def nl_r_001(ctx: RuleContext) -> Iterator[_Element]:
    if _nl(ctx)[0] and not path(
        root_kids(ctx, CAC + "BillingReference"), CAC + "InvoiceDocumentReference", CBC + "ID"
    ):
        yield from find(ctx, CBC + "CreditNoteTypeCode")


def _address_incomplete(address: _Element) -> bool:
    return any(kid(address, CBC + t) is None for t in ("StreetName", "CityName", "PostalZone"))


def _party_addresses(ctx: RuleContext, party_tag: str) -> list[_Element]:
    return path(find(ctx, party_tag), CAC + "Party", CAC + "PostalAddress")


@peppol_rule("NL-R-002", UBL)
def nl_r_002(ctx: RuleContext) -> Iterator[_Element]:
    if _nl(ctx)[0]:
        yield from (
            a for a in _party_addresses(ctx, CAC + "AccountingSupplierParty") if _address_incomplete(a)
        )


@peppol_rule("NL-R-004", UBL)
def nl_r_004(ctx: RuleContext) -> Iterator[_Element]:
    if _nl(ctx)[:2] == (True, True):
        yield from (
            a for a in _party_addresses(ctx, CAC + "AccountingCustomerParty") if _address_incomplete(a)
        )


@peppol_rule("NL-R-006", UBL)
def nl_r_006(ctx: RuleContext) -> Iterator[_Element]:
    s, _, rep = _nl(ctx)
    if s and rep:
        addresses = path(find(ctx, CAC + "TaxRepresentativeParty"), CAC + "PostalAddress")
        yield from (a for a in addresses if _address_incomplete(a))


def kvk_or_oin(cid: _Element) -> bool:
    """NL-R-003/005 (shared with CII): scheme 0106 or 0190 and a non-blank identifier."""
    schemes = f" {cid.get('schemeID', '')} "
    return (" 0106 " in schemes or " 0190 " in schemes) and nsp(cid) != ""


def _legal_ids(ctx: RuleContext, party_tag: str) -> list[_Element]:
    return path(find(ctx, party_tag), CAC + "Party", CAC + "PartyLegalEntity", CBC + "CompanyID")


@peppol_rule("NL-R-003", UBL)
def nl_r_003(ctx: RuleContext) -> Iterator[_Element]:
    if _nl(ctx)[0]:
        yield from (c for c in _legal_ids(ctx, CAC + "AccountingSupplierParty") if not kvk_or_oin(c))


@peppol_rule("NL-R-005", UBL)
def nl_r_005(ctx: RuleContext) -> Iterator[_Element]:
    if _nl(ctx)[:2] == (True, True):
        yield from (c for c in _legal_ids(ctx, CAC + "AccountingCustomerParty") if not kvk_or_oin(c))


@peppol_rule("NL-R-007", UBL)
def nl_r_007(ctx: RuleContext) -> Iterator[_Element]:
    if not _nl(ctx)[0] or find(ctx, CAC + "PaymentMeans"):
        return
    is_invoice = ctx.root.tag == INV + "Invoice"
    for total in find(ctx, CAC + "LegalMonetaryTotal"):
        payable = kids(total, CBC + "PayableAmount")
        value = decimal(sv(payable[0])) if len(payable) == 1 else None
        if len(payable) == 1 and value is None:
            continue  # xs:decimal() fails: dynamic error
        if value is None or not ((is_invoice and value <= 0) or (not is_invoice and value >= 0)):
            yield total


@peppol_rule("NL-R-008", UBL)
def nl_r_008(ctx: RuleContext) -> Iterator[_Element]:
    if _nl(ctx)[:2] == (True, True):
        for pm in find(ctx, CAC + "PaymentMeans"):
            codes = kids(pm, CBC + "PaymentMeansCode")
            if len(codes) <= 1 and nsp(codes[0] if codes else None) not in (
                "30",
                "48",
                "49",
                "57",
                "58",
                "59",
            ):
                yield pm


@peppol_rule("NL-R-009", UBL)
def nl_r_009(ctx: RuleContext) -> Iterator[_Element]:
    if _nl(ctx)[0] and not path(root_kids(ctx, CAC + "OrderReference"), CBC + "ID"):
        yield from path(find(ctx, CAC + "OrderLineReference"), CBC + "LineID")
