"""Peppol BIS Billing 3.0 code-list, format and identifier rules, both syntaxes.

* PEPPOL-EN16931-CL*, P01*, F001: the "Restricted code lists and formatting" pattern;
* PEPPOL-COMMON-R040..R050: the "Validation of ICD" rules (check digits of party identifiers).

Source: OpenPEPPOL/peppol-bis-invoice-3 3.0.19, ``rules/sch/PEPPOL-EN16931-UBL.sch`` and
``PEPPOL-EN16931-CII.sch``. The MIME, UNCL 5189, UNCL 7161 and UNCL 2005 lists of that release are
identical to the CEN v1.3.16 lists and come from :mod:`facturier.einvoice.codelists`; the ISO 4217
and EAS lists differ (Peppol has STN, BGN, ANG and not CNH, XCG; its EAS list lacks 0219, 0220,
0242, 0244…0248 and the legacy AN..EM codes) and are kept below as data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from functools import cache

from lxml.etree import _Element

from .. import codelists
from ..findings import Syntax
from ..rules.registry import RuleContext
from ..values import normalize_space, parse_date
from . import _checks
from ._doc import cii_doc, ubl_doc
from ._xpath import CAC, CBC, RAM, UDT, ckids, find, kid, kids, nsp, number, path, root_kids, sv, text
from .messages import peppol_rule
from .peppol_ubl import amounts

UBL, CII = Syntax.UBL, Syntax.CII


def _words(text: str) -> list[str]:
    """The tokens of a Schematron list literal (``tokenize('A B C', '\\s')``)."""
    return text.split()


# $ISO4217 of PEPPOL-EN16931-UBL.sch 3.0.19 (the CII file of the release carries the same list).
ISO4217 = frozenset(
    _words(
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD "
        "CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP "
        "GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK "
        "LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR "
        "PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL "
        "THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB "
        "XBC XBD XCD XDR XOF XPD XPF XPT XSU XTS XUA YER ZAR ZMW ZWG XXX"
    )
)

# $eaid (Electronic Address Identifier Scheme) of PEPPOL-EN16931-UBL.sch 3.0.19.
EAS = frozenset(
    _words(
        "0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0151 0177 0183 0184 0188 0190 0191 0192 0193 "
        "0195 0196 0198 0199 0200 0201 0202 0204 0208 0209 0210 0211 0212 0213 0215 0216 0218 0221 0230 0235 9910 "
        "9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 9931 9932 9933 9934 9935 9936 "
        "9937 9938 9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 9950 9951 9952 9953 9957 9959 0147 0154 "
        "0158 0170 0194 0203 0205 0217 0225 0240"
    )
)

# PEPPOL-EN16931-P0100 / P0101 (profile 01): invoice and credit note type codes.
INVOICE_TYPES = frozenset(
    _words(
        "71 80 82 84 102 218 219 326 331 380 382 383 384 386 388 393 395 553 575 623 780 817 870 875 876 877"
    )
)
CREDIT_NOTE_TYPES = frozenset(("381", "396", "81", "83", "532"))
CII_TYPES = INVOICE_TYPES | CREDIT_NOTE_TYPES  # CII has one TypeCode: P0101 is part of P0100


@cache
def _mime() -> frozenset[str]:
    return codelists.mime_codes()


# --- code lists ------------------------------------------------------------------------------------


@peppol_rule("PEPPOL-EN16931-CL001", UBL)
def cl001_ubl(ctx: RuleContext) -> Iterator[_Element]:
    for el in find(ctx, CBC + "EmbeddedDocumentBinaryObject"):
        mime = el.get("mimeCode")
        if mime is not None and mime not in _mime():
            yield el


@peppol_rule("PEPPOL-EN16931-CL001", CII)
def cl001_cii(ctx: RuleContext) -> Iterator[_Element]:
    for el in find(ctx, RAM + "AttachmentBinaryObject"):
        mime = el.get("mimeCode")
        if mime is not None and mime not in _mime():
            yield el


def _reason_codes_ubl(ctx: RuleContext, indicator: str) -> list[_Element]:
    # cac:AllowanceCharge[cbc:ChargeIndicator = 'false'] wins over [... = 'true'] (rule order).
    def compute() -> dict[str | None, list[_Element]]:
        out: dict[str | None, list[_Element]] = {}
        for ac in find(ctx, CAC + "AllowanceCharge"):
            codes = ckids(ctx, ac, CBC + "AllowanceChargeReasonCode")
            if codes:
                values = [sv(i) for i in ckids(ctx, ac, CBC + "ChargeIndicator")]
                which = "false" if "false" in values else "true" if "true" in values else None
                out.setdefault(which, []).extend(codes)
        return out

    return ctx.once("peppol.ubl.reasons", compute).get(indicator, [])  # type: ignore[no-any-return]


def _reason_codes_cii(ctx: RuleContext, indicator: str) -> Iterator[_Element]:
    for ac in find(ctx, RAM + "SpecifiedTradeAllowanceCharge"):
        ind = path(ac, RAM + "ChargeIndicator", UDT + "Indicator")
        if len(ind) <= 1 and nsp(ind[0] if ind else None) == indicator:
            yield from kids(ac, RAM + "ReasonCode")


@peppol_rule("PEPPOL-EN16931-CL002", UBL)
def cl002_ubl(ctx: RuleContext) -> Iterator[_Element]:
    codes = codelists.allowance_reason_codes()
    yield from (c for c in _reason_codes_ubl(ctx, "false") if normalize_space(text(c)) not in codes)


@peppol_rule("PEPPOL-EN16931-CL002", CII)
def cl002_cii(ctx: RuleContext) -> Iterator[_Element]:
    codes = codelists.allowance_reason_codes()
    yield from (c for c in _reason_codes_cii(ctx, "false") if normalize_space(text(c)) not in codes)


@peppol_rule("PEPPOL-EN16931-CL003", UBL)
def cl003_ubl(ctx: RuleContext) -> Iterator[_Element]:
    codes = codelists.charge_reason_codes()
    yield from (c for c in _reason_codes_ubl(ctx, "true") if normalize_space(text(c)) not in codes)


@peppol_rule("PEPPOL-EN16931-CL003", CII)
def cl003_cii(ctx: RuleContext) -> Iterator[_Element]:
    codes = codelists.charge_reason_codes()
    yield from (c for c in _reason_codes_cii(ctx, "true") if normalize_space(text(c)) not in codes)


@peppol_rule("PEPPOL-EN16931-CL006", UBL)
def cl006(ctx: RuleContext) -> Iterator[_Element]:
    codes = codelists.codelist("BR-CL-06")  # UNCL 2005 subset {3, 35, 432}, as Peppol's
    for period in find(ctx, CAC + "InvoicePeriod"):
        for c in kids(period, CBC + "DescriptionCode"):
            if normalize_space(text(c)) not in codes:
                yield c


@peppol_rule("PEPPOL-EN16931-CL007", UBL)
def cl007_ubl(ctx: RuleContext) -> Iterator[_Element]:
    yield from (a for a in amounts(ctx) if a.get("currencyID") not in ISO4217)


@peppol_rule("PEPPOL-EN16931-CL007", CII)
def cl007_cii(ctx: RuleContext) -> Iterator[_Element]:
    for a in find(ctx, RAM + "TaxTotalAmount"):
        cur = a.get("currencyID")
        if cur is not None and cur not in ISO4217:
            yield a


@peppol_rule("PEPPOL-EN16931-CL008", UBL)
def cl008_ubl(ctx: RuleContext) -> Iterator[_Element]:
    for e in find(ctx, CBC + "EndpointID"):
        scheme = e.get("schemeID")
        if scheme is not None and scheme not in EAS:
            yield e


@peppol_rule("PEPPOL-EN16931-CL008", CII)
def cl008_cii(ctx: RuleContext) -> Iterator[_Element]:
    for tag in (RAM + "BuyerTradeParty", RAM + "SellerTradeParty"):
        for party in find(ctx, tag):
            for uri in path(party, RAM + "URIUniversalCommunication", RAM + "URIID"):
                if uri.get("schemeID") not in EAS:
                    yield uri


# --- document type codes ----------------------------------------------------------------------------


@peppol_rule("PEPPOL-EN16931-P0100", UBL)
def p0100_ubl(ctx: RuleContext) -> Iterator[_Element]:
    if ubl_doc(ctx).profile == "01":
        for c in find(ctx, CBC + "InvoiceTypeCode"):
            if normalize_space(text(c)) not in INVOICE_TYPES:
                yield c


@peppol_rule("PEPPOL-EN16931-P0112", UBL)
def p0112(ctx: RuleContext) -> Iterator[_Element]:
    d = ubl_doc(ctx)
    if not (d.supplier_is_de and d.customer_is_de):
        for c in find(ctx, CBC + "InvoiceTypeCode"):
            if nsp(c) in ("326", "384"):
                yield c


@peppol_rule("PEPPOL-EN16931-P0101", UBL)
def p0101(ctx: RuleContext) -> Iterator[_Element]:
    if ubl_doc(ctx).profile == "01":
        for c in find(ctx, CBC + "CreditNoteTypeCode"):
            if normalize_space(text(c)) not in CREDIT_NOTE_TYPES:
                yield c


@peppol_rule("PEPPOL-EN16931-P0100", CII)
def p0100_cii(ctx: RuleContext) -> Iterator[_Element]:
    if cii_doc(ctx).profile == "01":
        for doc in root_kids(
            ctx, "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}ExchangedDocument"
        ):
            for c in kids(doc, RAM + "TypeCode"):
                if normalize_space(text(c)) not in CII_TYPES:
                    yield c


# --- VAT exemption reason code against category (cac:TaxCategory only) ------------------------------

_VATEX = {
    "VATEX-EU-G": ("PEPPOL-EN16931-P0104", "G"),
    "VATEX-EU-O": ("PEPPOL-EN16931-P0105", "O"),
    "VATEX-EU-IC": ("PEPPOL-EN16931-P0106", "K"),
    "VATEX-EU-AE": ("PEPPOL-EN16931-P0107", "AE"),
    "VATEX-EU-D": ("PEPPOL-EN16931-P0108", "E"),
    "VATEX-EU-F": ("PEPPOL-EN16931-P0109", "E"),
    "VATEX-EU-I": ("PEPPOL-EN16931-P0110", "E"),
    "VATEX-EU-J": ("PEPPOL-EN16931-P0111", "E"),
}


def _vatex_hits(ctx: RuleContext) -> dict[str, list[_Element]]:
    def compute() -> dict[str, list[_Element]]:
        hits: dict[str, list[_Element]] = {}
        for cat in find(ctx, CAC + "TaxCategory"):
            reasons = kids(cat, CBC + "TaxExemptionReasonCode")
            if len(reasons) != 1:
                continue  # upper-case() of several codes: the rule context does not match
            entry = _VATEX.get(sv(reasons[0]).upper())
            if entry is not None and nsp(kid(cat, CBC + "ID")) != entry[1]:
                hits.setdefault(entry[0], []).append(cat)
        return hits

    return ctx.once("peppol.vatex", compute)  # type: ignore[no-any-return]


def _vatex_rule(rule_id: str) -> None:
    @peppol_rule(rule_id, UBL)
    def check(ctx: RuleContext) -> Iterator[_Element]:
        yield from _vatex_hits(ctx).get(rule_id, ())

    check.__name__ = rule_id.lower().replace("-", "_")


for _rid, _cat in _VATEX.values():
    _vatex_rule(_rid)


# --- dates --------------------------------------------------------------------------------------------

_DATE_TAGS = tuple(
    CBC + t for t in ("IssueDate", "DueDate", "TaxPointDate", "StartDate", "EndDate", "ActualDeliveryDate")
)


@peppol_rule("PEPPOL-EN16931-F001", UBL)
def f001_ubl(ctx: RuleContext) -> Iterator[_Element]:
    # string-length(text()) = 10 and (string(.) castable as xs:date)
    for d in find(ctx, *_DATE_TAGS):
        if len(text(d)) != 10 or parse_date(sv(d)) is None:
            yield d


_CII_DATE = re.compile("20[0-9]{6}")


@peppol_rule("PEPPOL-EN16931-F001", CII)
def f001_cii(ctx: RuleContext) -> Iterator[_Element]:
    # normalize-space(@format) = '102' and string-length(text()) = 8 and matches(normalize-space(text()), '20[0-9]{6}')
    for d in find(ctx, UDT + "DateTimeString"):
        t = text(d)
        if (
            normalize_space(d.get("format") or "") != "102"
            or len(t) != 8
            or _CII_DATE.search(normalize_space(t)) is None
        ):
            yield d


# --- identifier formats (ICD) ------------------------------------------------------------------------------


def _digits_only(s: str) -> bool:
    # string-length(translate(s, '1234567890', '')) = 0
    return all(c in "0123456789" for c in s)


def _cvr(s: str) -> bool:
    # PEPPOL-COMMON-R042 on string(): DK + 8 digits, or 8 digits
    return (len(s) == 10 and s[:2] == "DK" and _digits_only(s[2:10])) or (len(s) == 8 and _digits_only(s))


_GLN_RE = re.compile("[0-9]+")
_NO_RE = re.compile("[0-9]{9}")
_BE_RE = re.compile("[0-9]{10}")
_AU_RE = re.compile("[0-9]{11}")


def _se_orgnr(s: str) -> bool:
    return len(s) == 10 and not math.isnan(number(s)) and _checks.check_se_orgnr(s)


# scheme -> (rule id, test on the normalised value (R042: on the raw string), raw?)
_ICD: dict[str, tuple[str, Callable[[str], bool], bool]] = {
    "0088": ("PEPPOL-COMMON-R040", lambda s: _GLN_RE.fullmatch(s) is not None and _checks.gln(s), False),
    "0192": ("PEPPOL-COMMON-R041", lambda s: _NO_RE.fullmatch(s) is not None and _checks.mod11(s), False),
    "0184": ("PEPPOL-COMMON-R042", _cvr, True),
    "0208": (
        "PEPPOL-COMMON-R043",
        lambda s: _BE_RE.fullmatch(s) is not None and _checks.mod97_0208(s),
        False,
    ),
    "0201": ("PEPPOL-COMMON-R044", _checks.check_codice_ipa, False),
    "0210": ("PEPPOL-COMMON-R045", _checks.check_cf, False),
    "0211": ("PEPPOL-COMMON-R047", _checks.check_piva_se_it, False),
    "0007": ("PEPPOL-COMMON-R049", _se_orgnr, False),
}
_ABN_UBL = ("PEPPOL-COMMON-R050", lambda s: _AU_RE.fullmatch(s) is not None and _checks.abn(s), False)
_ABN_CII = ("PEPPOL-COMMON-R050", _checks.abn, False)
# Electronic-address-only schemes (cbc:EndpointID / ram:URIID).
_R046 = ("PEPPOL-COMMON-R046", _checks.check_cf, False)
_R048 = ("PEPPOL-COMMON-R048", _checks.check_piva_se_it, False)


def _icd_hits(ctx: RuleContext) -> dict[str, list[_Element]]:
    def compute() -> dict[str, list[_Element]]:
        hits: dict[str, list[_Element]] = {}
        if ctx.syntax is Syntax.UBL:
            endpoint, ident, company = CBC + "EndpointID", CBC + "ID", CBC + "CompanyID"
            ident_parent = CAC + "PartyIdentification"
            elements = find(ctx, endpoint, ident, company)
            abn, address_only = _ABN_UBL, {"9907": _R046}
        else:
            endpoint, ident_parent = RAM + "URIID", None
            elements = find(ctx, RAM + "URIID", RAM + "ID", RAM + "GlobalID")
            abn, address_only = _ABN_CII, {"9907": _R046, "9906": _R048}
        for el in elements:
            scheme = el.get("schemeID")
            if scheme is None:
                continue
            entry = _ICD.get(scheme) or (abn if scheme == "0151" else None)
            if entry is None:
                if el.tag != endpoint:
                    continue
                entry = address_only.get(scheme)
                if entry is None:
                    continue
            elif ident_parent is not None and el.tag == CBC + "ID":
                parent = el.getparent()
                if parent is None or parent.tag != ident_parent:
                    continue
            rule_id, test, raw = entry
            value = sv(el)
            if not test(value if raw else normalize_space(value)):
                hits.setdefault(rule_id, []).append(el)
        return hits

    return ctx.once("peppol.icd", compute)  # type: ignore[no-any-return]


def _icd_rule(rule_id: str, syntax: Syntax | tuple[Syntax, ...] = (UBL, CII)) -> None:
    @peppol_rule(rule_id, syntax)
    def check(ctx: RuleContext) -> Iterator[_Element]:
        yield from _icd_hits(ctx).get(rule_id, ())

    check.__name__ = rule_id.lower().replace("-", "_")


for _rid in (
    "PEPPOL-COMMON-R040",
    "PEPPOL-COMMON-R041",
    "PEPPOL-COMMON-R042",
    "PEPPOL-COMMON-R043",
    "PEPPOL-COMMON-R044",
    "PEPPOL-COMMON-R045",
    "PEPPOL-COMMON-R046",
    "PEPPOL-COMMON-R047",
    "PEPPOL-COMMON-R049",
    "PEPPOL-COMMON-R050",
):
    _icd_rule(_rid)
_icd_rule("PEPPOL-COMMON-R048", CII)  # commented out in the UBL file of 3.0.19
