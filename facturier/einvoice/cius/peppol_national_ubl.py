"""Peppol BIS Billing 3.0 national rules, UBL binding: Norway, Denmark and Italy.

Source: OpenPEPPOL/peppol-bis-invoice-3 3.0.19, ``rules/sch/PEPPOL-EN16931-UBL.sch``, the NORWAY,
DENMARK and ITALY patterns (SWEDEN and NETHERLANDS: :mod:`.peppol_se_nl_ubl`). Each rule applies under the condition of its rule
context (the supplier's country from ``$supplierCountry``, the postal address country, or both
parties' countries), exactly as written there: string comparisons without normalisation where the
Schematron has none.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from lxml.etree import _Element

from ..findings import Syntax
from ..rules.registry import RuleContext
from ..values import normalize_space
from . import messages_national  # noqa: F401  (registers the national messages)
from ._checks import mod11
from ._doc import ubl_doc
from ._xpath import (
    CAC,
    CBC,
    CN,
    INV,
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

UBL = Syntax.UBL


def tax_schemes(party: _Element | None, scheme: str, *, normalized: bool = True) -> list[_Element]:
    """``cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = scheme]`` (or without
    ``normalize-space`` when ``normalized`` is false)."""
    out = []
    for pts in kids(party, CAC + "PartyTaxScheme"):
        ids = path(pts, CAC + "TaxScheme", CBC + "ID")
        if any((nsp(i) if normalized else sv(i)) == scheme for i in ids):
            out.append(pts)
    return out


def _country_codes(party: _Element | None) -> list[_Element]:
    return path(party, CAC + "PostalAddress", CAC + "Country", CBC + "IdentificationCode")


# --- Norway ----------------------------------------------------------------------------------------


def _no_suppliers(ctx: RuleContext) -> list[_Element]:
    if ubl_doc(ctx).supplier_country != "NO":
        return []
    return path(find(ctx, CAC + "AccountingSupplierParty"), CAC + "Party")


@peppol_rule("NO-R-002", UBL)
def no_r_002(ctx: RuleContext) -> Iterator[_Element]:
    for party in _no_suppliers(ctx):
        ids = path(tax_schemes(party, "TAX"), CBC + "CompanyID")
        if len(ids) <= 1 and nsp(ids[0] if ids else None) != "Foretaksregisteret":
            yield party


_NO_VAT = re.compile(r"[0-9]{9}MVA")


def no_vat_ok(prefixes: list[str], company_ids: list[str]) -> bool:
    """NO-R-001 on the VAT identifiers (shared with CII): NO + 9 digits (mod 11) + MVA."""
    is_no = any(p[:2] == "NO" for p in prefixes)
    if not is_no:
        return True
    if len(company_ids) != 1:
        return False
    cid = company_ids[0]
    return _NO_VAT.fullmatch(cid[2:]) is not None and mod11(cid[2:11])


@peppol_rule("NO-R-001", UBL)
def no_r_001(ctx: RuleContext) -> Iterator[_Element]:
    for party in _no_suppliers(ctx):
        values = [sv(kid(p, CBC + "CompanyID")) for p in tax_schemes(party, "VAT")]
        if not no_vat_ok(values, values):
            yield party


# --- Denmark ---------------------------------------------------------------------------------------


def _dk(ctx: RuleContext) -> tuple[bool, bool]:
    """($DKSupplierCountry = 'DK', $DKCustomerCountry = 'DK'): raw country codes, concatenated."""
    return ubl_doc(ctx).dk


def _legal_company_ids(ctx: RuleContext) -> list[_Element]:
    return path(ubl_doc(ctx).supplier, CAC + "PartyLegalEntity", CBC + "CompanyID")


@peppol_rule("DK-R-002", UBL)
def dk_r_002(ctx: RuleContext) -> Iterator[_Element]:
    if _dk(ctx)[0]:
        ids = _legal_company_ids(ctx)
        if normalize_space(text(ids[0] if ids else None)) == "":
            yield ctx.root


@peppol_rule("DK-R-014", UBL)
def dk_r_014(ctx: RuleContext) -> Iterator[_Element]:
    if _dk(ctx)[0]:
        ids = _legal_company_ids(ctx)
        if ids and normalize_space(ids[0].get("schemeID") or "") != "0184":
            yield ctx.root


@peppol_rule("DK-R-016", UBL)
def dk_r_016(ctx: RuleContext) -> Iterator[_Element]:
    supplier_dk, customer_dk = _dk(ctx)
    if supplier_dk and customer_dk and ctx.root.tag == CN + "CreditNote":
        payable = path(root_kids(ctx, CAC + "LegalMonetaryTotal"), CBC + "PayableAmount")
        if number(text(payable[0] if payable else None)) < 0:
            yield ctx.root


@peppol_rule("DK-R-013", UBL)
def dk_r_013(ctx: RuleContext) -> Iterator[_Element]:
    if _dk(ctx) != (True, True):
        return
    d = ubl_doc(ctx)
    for party in (d.supplier, d.customer):
        for pi in kids(party, CAC + "PartyIdentification"):
            ids = kids(pi, CBC + "ID")
            if ids and normalize_space(ids[0].get("schemeID") or "") == "":
                yield pi


def _dk_payment_means(ctx: RuleContext) -> list[_Element]:
    if ctx.root.tag != INV + "Invoice" or _dk(ctx) != (True, True):
        return []
    return root_kids(ctx, CAC + "PaymentMeans")


def means_codes(pm: _Element) -> list[str]:
    return [sv(c) for c in kids(pm, CBC + "PaymentMeansCode")]


@peppol_rule("DK-R-005", UBL)
def dk_r_005(ctx: RuleContext) -> Iterator[_Element]:
    allowed = " 1 10 31 42 48 49 50 58 59 93 97 "
    for pm in _dk_payment_means(ctx):
        codes = means_codes(pm)
        if len(codes) <= 1 and f" {codes[0] if codes else ''} " not in allowed:
            yield pm


def _nonblank(el: _Element | None) -> bool:
    return normalize_space(text(el)) != ""


@peppol_rule("DK-R-006", UBL)
def dk_r_006(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        codes = means_codes(pm)
        if "31" in codes or "42" in codes:
            account = kid(pm, CAC + "PayeeFinancialAccount")
            branch = (
                path(account, CAC + "FinancialInstitutionBranch", CBC + "ID") if account is not None else []
            )
            if not (_nonblank(kid(account, CBC + "ID")) and _nonblank(branch[0] if branch else None)):
                yield pm


@peppol_rule("DK-R-007", UBL)
def dk_r_007(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        if "49" in means_codes(pm):
            mandate = kid(pm, CAC + "PaymentMandate")
            payer = path(mandate, CAC + "PayerFinancialAccount", CBC + "ID") if mandate is not None else []
            if not (_nonblank(kid(mandate, CBC + "ID")) and _nonblank(payer[0] if payer else None)):
                yield pm


def _payment_id(pm: _Element) -> str:
    return sv(kid(pm, CBC + "PaymentID"))


_GIRO = re.compile(r"[0-9]{7,8}")


@peppol_rule("DK-R-008", UBL)
def dk_r_008(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        if "50" in means_codes(pm):
            account = path(pm, CAC + "PayeeFinancialAccount", CBC + "ID")
            ok_prefix = _payment_id(pm)[:3] in ("01#", "04#", "15#")
            if not (ok_prefix and len(account) == 1 and _GIRO.fullmatch(sv(account[0])) is not None):
                yield pm


@peppol_rule("DK-R-009", UBL)
def dk_r_009(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        pid = _payment_id(pm)
        if "50" in means_codes(pm) and pid[:3] in ("04#", "15#") and len(pid) != 19:
            yield pm


@peppol_rule("DK-R-010", UBL)
def dk_r_010(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        if "93" in means_codes(pm):
            account = path(pm, CAC + "PayeeFinancialAccount", CBC + "ID")
            if not (
                _payment_id(pm)[:3] in ("71#", "73#", "75#")
                and len(text(account[0] if account else None)) == 8
            ):
                yield pm


@peppol_rule("DK-R-011", UBL)
def dk_r_011(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        pid = _payment_id(pm)
        if "93" in means_codes(pm) and pid[:3] in ("71#", "75#") and len(pid) not in (18, 19):
            yield pm


_UNSPSC = ("19.05.01", "19.0501", "26.08.01", "26.0801")


def dk_r_003_ok(codes: list[_Element]) -> bool:
    """DK-R-003 on the item classification codes of one line (shared with CII)."""
    if not any(c.get("listID") == "TST" for c in codes):
        return True
    return any(c.get("listVersionID") in _UNSPSC for c in codes)


@peppol_rule("DK-R-003", UBL)
def dk_r_003(ctx: RuleContext) -> Iterator[_Element]:
    if _dk(ctx) != (True, True):
        return
    for line in root_kids(ctx, ubl_doc(ctx).line_tag):
        codes = path(line, CAC + "Item", CAC + "CommodityClassification", CBC + "ItemClassificationCode")
        if not dk_r_003_ok(codes):
            yield line


def dk_r_004_ok(reason_codes: list[str], reasons: list[_Element]) -> bool:
    """DK-R-004 (shared with CII): a ZZZ reason code needs a 4-digit or #-separated reason."""
    if "ZZZ" not in reason_codes:
        return True
    if len(reasons) > 1:
        return False  # normalize-space()/number() of several reasons: dynamic error, no pass
    reason = reasons[0] if reasons else None
    n = number(sv(reason)) if reason is not None else math.nan
    if len(normalize_space(text(reason))) == 4 and n >= 0 and n <= 9999:
        return True
    value = sv(reason)
    return reason is not None and "#" in value and not value.startswith("#") and not value.endswith("#")


@peppol_rule("DK-R-004", UBL)
def dk_r_004(ctx: RuleContext) -> Iterator[_Element]:
    if _dk(ctx) != (True, True):
        return
    for ac in find(ctx, CAC + "AllowanceCharge"):
        codes = [sv(c) for c in kids(ac, CBC + "AllowanceChargeReasonCode")]
        if not dk_r_004_ok(codes, kids(ac, CBC + "AllowanceChargeReason")):
            yield ac


# --- Italy -----------------------------------------------------------------------------------------------


def _it_supplier(ctx: RuleContext) -> list[_Element]:
    if ubl_doc(ctx).supplier_country != "IT":
        return []
    return path(find(ctx, CAC + "AccountingSupplierParty"), CAC + "Party")


@peppol_rule("IT-R-001", UBL)
def it_r_001(ctx: RuleContext) -> Iterator[_Element]:
    for party in _it_supplier(ctx):
        for pts in kids(party, CAC + "PartyTaxScheme"):
            ids = path(pts, CAC + "TaxScheme", CBC + "ID")
            if len(ids) <= 1 and nsp(ids[0] if ids else None) != "VAT":
                cid = kids(pts, CBC + "CompanyID")
                if re.fullmatch(r"[A-Z0-9]{11,16}", nsp(cid[0] if cid else None)) is None:
                    yield pts


def _it_address_rule(rule_id: str, tag: str) -> None:
    @peppol_rule(rule_id, UBL)
    def check(ctx: RuleContext) -> Iterator[_Element]:
        for party in _it_supplier(ctx):
            if not path(party, CAC + "PostalAddress", CBC + tag):
                yield party


_it_address_rule("IT-R-002", "StreetName")
_it_address_rule("IT-R-003", "CityName")
_it_address_rule("IT-R-004", "PostalZone")
