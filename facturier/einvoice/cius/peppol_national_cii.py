"""Peppol BIS Billing 3.0 national rules, CII binding: Norway, Denmark and Italy.

Source: OpenPEPPOL/peppol-bis-invoice-3, ``rules/sch/PEPPOL-EN16931-CII.sch``, national patterns
(the CII Schematron has no Greek, Icelandic or German rules). The 3.0.19 CII file is not in the
reference index; these rules follow the neighbouring releases (3.0.13 and 3.0.21, identical for
these patterns except the DK-R-003/DK-R-004 extensions and the SE-R-003/004/013 flags, taken as in
the 3.0.19 UBL file and the corpus verdicts: fatal).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.etree import _Element

from ..findings import Syntax
from ..rules.registry import RuleContext
from ..values import normalize_space
from . import messages_national  # noqa: F401  (registers the national messages)
from ._doc import cii_doc
from ._xpath import (
    RAM,
    any_eq,
    find,
    kid,
    kids,
    nsp,
    number,
    path,
    sv,
    text,
)
from .messages import peppol_rule
from .peppol_national_ubl import dk_r_003_ok, dk_r_004_ok, no_vat_ok

CII = Syntax.CII


def _sellers(ctx: RuleContext) -> list[_Element]:
    return find(ctx, RAM + "SellerTradeParty")


def _vat_ids(party: _Element) -> list[_Element]:
    """``ram:SpecifiedTaxRegistration[ram:ID/@schemeID = 'VAT']`` of a party."""
    return [
        r
        for r in kids(party, RAM + "SpecifiedTaxRegistration")
        if any(i.get("schemeID") == "VAT" for i in kids(r, RAM + "ID"))
    ]


# --- Norway ----------------------------------------------------------------------------------------


@peppol_rule("NO-R-002", CII)
def no_r_002(ctx: RuleContext) -> Iterator[_Element]:
    if cii_doc(ctx).supplier_country != "NO":
        return
    for party in _sellers(ctx):
        ids = path(party, RAM + "SpecifiedTaxRegistration", RAM + "ID")
        if not any(
            i.get("schemeID") == "FC" and normalize_space(text(i)) == "Foretaksregisteret" for i in ids
        ):
            yield party


@peppol_rule("NO-R-001", CII)
def no_r_001(ctx: RuleContext) -> Iterator[_Element]:
    if cii_doc(ctx).supplier_country != "NO":
        return
    for party in _sellers(ctx):
        values = [sv(kid(r, RAM + "ID")) for r in _vat_ids(party)]
        if not no_vat_ok(values, values):
            yield party


# --- Denmark ---------------------------------------------------------------------------------------


def _dk(ctx: RuleContext) -> tuple[bool, bool]:
    d = cii_doc(ctx)
    return (
        any_eq(path(d.seller, RAM + "PostalTradeAddress", RAM + "CountryID"), "DK"),
        any_eq(path(d.buyer, RAM + "PostalTradeAddress", RAM + "CountryID"), "DK"),
    )


def _legal_ids(ctx: RuleContext) -> list[_Element]:
    return path(cii_doc(ctx).seller, RAM + "SpecifiedLegalOrganization", RAM + "ID")


@peppol_rule("DK-R-002", CII)
def dk_r_002(ctx: RuleContext) -> Iterator[_Element]:
    if _dk(ctx)[0]:
        ids = _legal_ids(ctx)
        if normalize_space(text(ids[0] if ids else None)) == "":
            yield ctx.root


@peppol_rule("DK-R-004", CII)
def dk_r_004(ctx: RuleContext) -> Iterator[_Element]:
    supplier_dk, customer_dk = _dk(ctx)
    if not (supplier_dk and customer_dk):
        return
    acs = kids(cii_doc(ctx).settlement, RAM + "SpecifiedTradeAllowanceCharge")
    codes = [sv(c) for c in path(acs, RAM + "ReasonCode")]
    if not dk_r_004_ok(codes, path(acs, RAM + "Reason")):
        yield ctx.root


@peppol_rule("DK-R-013", CII)
def dk_r_013(ctx: RuleContext) -> Iterator[_Element]:
    supplier_dk, customer_dk = _dk(ctx)
    if not (supplier_dk and customer_dk):
        return
    d = cii_doc(ctx)
    for party in (d.seller, d.buyer):
        ids = kids(party, RAM + "GlobalID")
        if ids and normalize_space(ids[0].get("schemeID") or "") == "":
            yield ctx.root
            return


@peppol_rule("DK-R-014", CII)
def dk_r_014(ctx: RuleContext) -> Iterator[_Element]:
    if _dk(ctx)[0]:
        ids = _legal_ids(ctx)
        if ids and normalize_space(ids[0].get("schemeID") or "") != "0184":
            yield ctx.root


@peppol_rule("DK-R-016", CII)
def dk_r_016(ctx: RuleContext) -> Iterator[_Element]:
    supplier_dk, customer_dk = _dk(ctx)
    d = cii_doc(ctx)
    if supplier_dk and customer_dk and normalize_space(text(kid(d.document, RAM + "TypeCode"))) == "381":
        due = path(
            d.settlement, RAM + "SpecifiedTradeSettlementHeaderMonetarySummation", RAM + "DuePayableAmount"
        )
        if number(text(due[0] if due else None)) < 0:
            yield ctx.root


def _dk_payment_means(ctx: RuleContext) -> list[_Element]:
    if _dk(ctx) != (True, True):
        return []
    return kids(cii_doc(ctx).settlement, RAM + "SpecifiedTradeSettlementPaymentMeans")


def _type_codes(pm: _Element) -> list[str]:
    return [sv(c) for c in kids(pm, RAM + "TypeCode")]


def _payment_reference(pm: _Element) -> str:
    return sv(kid(pm.getparent(), RAM + "PaymentReference"))


def _iban_text(pm: _Element) -> str:
    return text(kid(kid(pm, RAM + "PayeePartyCreditorFinancialAccount"), RAM + "IBANID"))


@peppol_rule("DK-R-005", CII)
def dk_r_005(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        codes = _type_codes(pm)
        if len(codes) <= 1 and f" {codes[0] if codes else ''} " not in " 1 10 31 42 48 49 50 58 59 93 97 ":
            yield pm


@peppol_rule("DK-R-006", CII)
def dk_r_006(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        codes = _type_codes(pm)
        if "31" in codes or "42" in codes:
            bic = text(kid(kid(pm, RAM + "PayeeSpecifiedCreditorFinancialInstitution"), RAM + "BICID"))
            if not (normalize_space(_iban_text(pm)) != "" and normalize_space(bic) != ""):
                yield pm


@peppol_rule("DK-R-007", CII)
def dk_r_007(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        if "49" in _type_codes(pm):
            creditor = text(kid(pm.getparent(), RAM + "CreditorReferenceID"))
            # ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID, relative to the payment means
            mandate = path(pm, RAM + "SpecifiedTradePaymentTerms", RAM + "DirectDebitMandateID")
            if not (
                normalize_space(creditor) != ""
                and normalize_space(text(mandate[0] if mandate else None)) != ""
            ):
                yield pm


@peppol_rule("DK-R-008", CII)
def dk_r_008(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        giro_ok = _payment_reference(pm)[:3] in ("01#", "04#", "15#") and len(_iban_text(pm)) == 7
        if "50" in _type_codes(pm) and not giro_ok:
            yield pm


@peppol_rule("DK-R-009", CII)
def dk_r_009(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        ref = _payment_reference(pm)
        if "50" in _type_codes(pm) and ref[:3] in ("04#", "15#") and len(ref) != 19:
            yield pm


@peppol_rule("DK-R-010", CII)
def dk_r_010(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        fik_ok = _payment_reference(pm)[:3] in ("71#", "73#", "75#") and len(_iban_text(pm)) == 8
        if "93" in _type_codes(pm) and not fik_ok:
            yield pm


@peppol_rule("DK-R-011", CII)
def dk_r_011(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _dk_payment_means(ctx):
        ref = _payment_reference(pm)
        if "93" in _type_codes(pm) and ref[:3] in ("71#", "75#") and len(ref) not in (18, 19):
            yield pm


@peppol_rule("DK-R-003", CII)
def dk_r_003(ctx: RuleContext) -> Iterator[_Element]:
    if _dk(ctx) != (True, True):
        return
    for line in kids(cii_doc(ctx).transaction, RAM + "IncludedSupplyChainTradeLineItem"):
        codes = path(
            line, RAM + "SpecifiedTradeProduct", RAM + "DesignatedProductClassification", RAM + "ClassCode"
        )
        if not dk_r_003_ok(codes):
            yield line


# --- Italy -----------------------------------------------------------------------------------------------

_IT_CODE = re.compile(r"[A-Z0-9]{11,16}")


def _it_sellers(ctx: RuleContext) -> list[_Element]:
    return _sellers(ctx) if cii_doc(ctx).supplier_country == "IT" else []


@peppol_rule("IT-R-001", CII)
def it_r_001(ctx: RuleContext) -> Iterator[_Element]:
    for party in _it_sellers(ctx):
        for reg in kids(party, RAM + "SpecifiedTaxRegistration"):
            ids = kids(reg, RAM + "ID")
            if any(normalize_space(i.get("schemeID") or "") != "FC" for i in ids):
                continue
            fc = [i for i in ids if normalize_space(i.get("schemeID") or "") == "FC"]
            if len(fc) <= 1 and _IT_CODE.fullmatch(nsp(fc[0] if fc else None)) is None:
                yield reg


def _it_address_rule(rule_id: str, tag: str) -> None:
    @peppol_rule(rule_id, CII)
    def check(ctx: RuleContext) -> Iterator[_Element]:
        for party in _it_sellers(ctx):
            if not path(party, RAM + "PostalTradeAddress", RAM + tag):
                yield party


_it_address_rule("IT-R-002", "LineOne")
_it_address_rule("IT-R-003", "CityName")
_it_address_rule("IT-R-004", "PostcodeCode")
