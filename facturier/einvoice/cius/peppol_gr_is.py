"""Peppol BIS Billing 3.0 Greek (GR-R-*, GR-S-*) and Icelandic (IS-R-*) rules, UBL binding.

Source: OpenPEPPOL/peppol-bis-invoice-3 3.0.19, ``rules/sch/PEPPOL-EN16931-UBL.sch``, the GREECE
patterns ("Sender Rules" when ``$supplierCountry`` is GR or EL, "Greek Sender and Greek Receiver
rules") and the ICELAND pattern (supplier postal country IS). The CII Schematron has neither.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from lxml.etree import _Element

from ..findings import Syntax
from ..rules.registry import RuleContext
from ..values import normalize_space, parse_date
from . import messages_gr_is  # noqa: F401  (registers the messages)
from ._checks import tin_verification
from ._doc import ubl_doc
from ._xpath import CAC, CBC, any_eq, find, is_integer, kid, kids, nsp, number, path, root_kid, root_kids, sv
from .messages import peppol_rule

UBL = Syntax.UBL


_GREEK = ("GR", "EL")
_PIPE = re.compile(r"\|")
_DATE = re.compile(r"^(0?[1-9]|[12][0-9]|3[01])[-\\/ ]?(0?[1-9]|1[0-2])[-\\/ ]?(19|20)[0-9]{2}")
_DOC_TYPES = ("1.1", "1.6", "2.1", "2.4", "5.1", "5.2", "")  # tokenize('... 5.2 ') ends with ''
_MARK = re.compile(r"^[1-9]([0-9]*)")


def _tokenize(s: str, pattern: re.Pattern[str]) -> list[str]:
    return pattern.split(s) if s else []


def _sender(ctx: RuleContext) -> bool:
    return ubl_doc(ctx).supplier_country in _GREEK


def _receiver(ctx: RuleContext) -> bool:
    return ubl_doc(ctx).customer_country in _GREEK


def _vat_company_ids(party: _Element | None) -> list[_Element]:
    """``cac:PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = 'VAT']/cbc:CompanyID``."""
    return [
        c
        for pts in kids(party, CAC + "PartyTaxScheme")
        if any(nsp(i) == "VAT" for i in path(pts, CAC + "TaxScheme", CBC + "ID"))
        for c in kids(pts, CBC + "CompanyID")
    ]


def _raw_vat_tins(party: _Element | None) -> list[str]:
    """``cac:PartyTaxScheme[cac:TaxScheme/cbc:ID = 'VAT']/substring(cbc:CompanyID, 3, 9)``."""
    return [
        sv(kid(pts, CBC + "CompanyID"))[2:11]
        for pts in kids(party, CAC + "PartyTaxScheme")
        if any_eq(path(pts, CAC + "TaxScheme", CBC + "ID"), "VAT")
    ]


def _segments(ctx: RuleContext) -> list[tuple[_Element, list[str]]]:
    if not _sender(ctx):
        return []
    return [(i, _tokenize(sv(i), _PIPE)) for i in root_kids(ctx, CBC + "ID")]


def _seg(segments: list[str], n: int) -> str | None:
    return segments[n - 1] if len(segments) >= n else None


def _segment_rule(rule_id: str, test) -> None:  # type: ignore[no-untyped-def]
    @peppol_rule(rule_id, UBL)
    def check(ctx: RuleContext) -> Iterator[_Element]:
        for el, segments in _segments(ctx):
            if not test(ctx, segments):
                yield el


def _gr_001_2(ctx: RuleContext, segments: list[str]) -> bool:
    first = _seg(segments, 1)
    if first is None or len(normalize_space(first)) != 9 or not tin_verification(first):
        return False
    d = ubl_doc(ctx)
    return first in _raw_vat_tins(d.supplier) + _raw_vat_tins(root_kid(ctx, CAC + "TaxRepresentativeParty"))


def _gr_001_3(ctx: RuleContext, segments: list[str]) -> bool:
    second = _seg(segments, 2)
    if second is None or not normalize_space(second) or _DATE.search(second) is None:
        return False
    id_date = second.split("/")
    issue = root_kids(ctx, CBC + "IssueDate")
    issue_date = _tokenize(sv(issue[0]), re.compile("-")) if len(issue) == 1 else []
    return (
        len(id_date) >= 3
        and len(issue_date) >= 3
        and id_date[0] == issue_date[2]
        and id_date[1] == issue_date[1]
        and id_date[2] == issue_date[0]
    )


def _gr_001_4(ctx: RuleContext, segments: list[str]) -> bool:
    third = _seg(segments, 3)
    if third is None or not normalize_space(third) or math.isnan(number(third)):
        return False
    return is_integer(third) and int(third) >= 0


def _gr_001_5(ctx: RuleContext, segments: list[str]) -> bool:
    fourth = _seg(segments, 4)
    return fourth is not None and bool(normalize_space(fourth)) and fourth in _DOC_TYPES


_segment_rule("GR-R-001-1", lambda ctx, s: len(s) == 6)
_segment_rule("GR-R-001-2", _gr_001_2)
_segment_rule("GR-R-001-3", _gr_001_3)
_segment_rule("GR-R-001-4", _gr_001_4)
_segment_rule("GR-R-001-5", _gr_001_5)
_segment_rule("GR-R-001-6", lambda ctx, s: bool(_seg(s, 5)))
_segment_rule("GR-R-001-7", lambda ctx, s: bool(_seg(s, 6)))


def _parties(ctx: RuleContext, tag: str) -> list[_Element]:
    return path(find(ctx, tag), CAC + "Party")


def _name_length(party: _Element) -> int:
    names = path(party, CAC + "PartyName", CBC + "Name")
    return len(sv(names[0])) if names else 0


@peppol_rule("GR-R-002", UBL)
def gr_r_002(ctx: RuleContext) -> Iterator[_Element]:
    if _sender(ctx):
        yield from (p for p in _parties(ctx, CAC + "AccountingSupplierParty") if _name_length(p) == 0)


def _greek_vat_ok(party: _Element) -> bool:
    ids = _vat_company_ids(party)
    return len(ids) == 1 and sv(ids[0])[:2] == "EL" and tin_verification(sv(ids[0])[2:])


@peppol_rule("GR-S-011", UBL)
def gr_s_011(ctx: RuleContext) -> Iterator[_Element]:
    if _sender(ctx):
        yield from (p for p in _parties(ctx, CAC + "AccountingSupplierParty") if not _greek_vat_ok(p))


@peppol_rule("GR-R-003", UBL)
def gr_r_003(ctx: RuleContext) -> Iterator[_Element]:
    if _sender(ctx):
        for party in _parties(ctx, CAC + "AccountingSupplierParty"):
            for cid in _vat_company_ids(party):
                value = sv(cid)
                if not (value[:2] == "EL" and tin_verification(value[2:])):
                    yield cid


def _greek_postal(ctx: RuleContext) -> bool:
    return _sender(ctx) and "GR" in ubl_doc(ctx).supplier_codes


def _described(ctx: RuleContext, description: str) -> list[_Element]:
    return [
        r
        for r in find(ctx, CAC + "AdditionalDocumentReference")
        if any_eq(kids(r, CBC + "DocumentDescription"), description)
    ]


def _root_count_rule(rule_id: str, description: str, ok) -> None:  # type: ignore[no-untyped-def]
    @peppol_rule(rule_id, UBL)
    def check(ctx: RuleContext) -> Iterator[_Element]:
        if _greek_postal(ctx):
            refs = [
                r
                for r in root_kids(ctx, CAC + "AdditionalDocumentReference")
                if any_eq(kids(r, CBC + "DocumentDescription"), description)
            ]
            if not ok(len(refs)):
                yield ctx.root


_root_count_rule("GR-R-004-1", "##M.AR.K##", lambda n: n == 1)
_root_count_rule("GR-S-008-1", "##INVOICE|URL##", lambda n: n == 1)
_root_count_rule("GR-R-008-2", "##INVOICE|URL##", lambda n: n <= 1)


@peppol_rule("GR-R-004-2", UBL)
def gr_r_004_2(ctx: RuleContext) -> Iterator[_Element]:
    if _greek_postal(ctx):
        for ref in _described(ctx, "##M.AR.K##"):
            yield from (i for i in kids(ref, CBC + "ID") if _MARK.search(sv(i)) is None)


@peppol_rule("GR-R-008-3", UBL)
def gr_r_008_3(ctx: RuleContext) -> Iterator[_Element]:
    if _sender(ctx):
        for ref in _described(ctx, "##INVOICE|URL##"):
            uris = path(ref, CAC + "Attachment", CAC + "ExternalReference", CBC + "URI")
            if len(uris) <= 1 and not nsp(uris[0] if uris else None):
                yield ref


@peppol_rule("GR-R-005", UBL)
def gr_r_005(ctx: RuleContext) -> Iterator[_Element]:
    if _sender(ctx):
        yield from (p for p in _parties(ctx, CAC + "AccountingCustomerParty") if _name_length(p) == 0)


def _tin_endpoint(el: _Element) -> bool:
    return el.get("schemeID") == "9933" and tin_verification(sv(el))


@peppol_rule("GR-R-009", UBL)
def gr_r_009(ctx: RuleContext) -> Iterator[_Element]:
    if ubl_doc(ctx).accounting_supplier_country in _GREEK:
        for party in _parties(ctx, CAC + "AccountingSupplierParty"):
            yield from (e for e in kids(party, CBC + "EndpointID") if not _tin_endpoint(e))


@peppol_rule("GR-R-006", UBL)
def gr_r_006(ctx: RuleContext) -> Iterator[_Element]:
    if _sender(ctx) and _receiver(ctx):
        yield from (p for p in _parties(ctx, CAC + "AccountingCustomerParty") if not _greek_vat_ok(p))


@peppol_rule("GR-R-010", UBL)
def gr_r_010(ctx: RuleContext) -> Iterator[_Element]:
    if _sender(ctx) and _receiver(ctx):
        for party in _parties(ctx, CAC + "AccountingCustomerParty"):
            yield from (e for e in kids(party, CBC + "EndpointID") if not _tin_endpoint(e))


# --- Iceland ------------------------------------------------------------------------------------------------


def _is(ctx: RuleContext) -> tuple[bool, bool]:
    return ubl_doc(ctx).iceland


def _is_root_rule(rule_id: str, ok) -> None:  # type: ignore[no-untyped-def]
    @peppol_rule(rule_id, UBL)
    def check(ctx: RuleContext) -> Iterator[_Element]:
        if _is(ctx)[0] and not ok(ctx.root, ubl_doc(ctx).supplier):
            yield ctx.root


def _is_type(root: _Element, supplier: _Element | None) -> bool:
    for tag in ("InvoiceTypeCode", "CreditNoteTypeCode"):
        codes = kids(root, CBC + tag)
        value = nsp(codes[0]) if len(codes) == 1 else ""
        if " " not in value and f" {value} " in " 380 381 ":
            return True
    return False


def _legal_0196(party: _Element | None) -> bool:
    ids = path(party, CAC + "PartyLegalEntity", CBC + "CompanyID")
    return bool(ids) and any(i.get("schemeID") == "0196" for i in ids)


def _street_and_zip(party: _Element | None) -> bool:
    return bool(path(party, CAC + "PostalAddress", CBC + "StreetName")) and bool(
        path(party, CAC + "PostalAddress", CBC + "PostalZone")
    )


def _account_12(code: str):  # type: ignore[no-untyped-def]
    def ok(root: _Element, supplier: _Element | None) -> bool:
        means = [
            pm for pm in kids(root, CAC + "PaymentMeans") if any_eq(kids(pm, CBC + "PaymentMeansCode"), code)
        ]
        if not means:
            return True
        ids = path(means, CAC + "PayeeFinancialAccount", CBC + "ID")
        return len(ids) == 1 and len(nsp(ids[0])) == 12

    return ok


def _eindagi(root: _Element) -> list[_Element]:
    return [
        r
        for r in kids(root, CAC + "AdditionalDocumentReference")
        if any_eq(kids(r, CBC + "DocumentDescription"), "EINDAGI")
    ]


def _is_008(root: _Element, supplier: _Element | None) -> bool:
    refs = _eindagi(root)
    if not refs:
        return True
    ids = path(refs, CBC + "ID")
    return len(ids) == 1 and len(sv(ids[0])) == 10 and parse_date(sv(ids[0])) is not None


def _is_009(root: _Element, supplier: _Element | None) -> bool:
    return not _eindagi(root) or kid(root, CBC + "DueDate") is not None


def _is_010(root: _Element, supplier: _Element | None) -> bool:
    refs = _eindagi(root)
    if not refs:
        return True
    due = [sv(d) for d in kids(root, CBC + "DueDate")]
    ids = [sv(i) for i in path(refs, CBC + "ID")]
    return any(d <= i for d in due for i in ids)


_is_root_rule("IS-R-001", _is_type)
_is_root_rule("IS-R-002", lambda root, supplier: _legal_0196(supplier))
_is_root_rule("IS-R-003", lambda root, supplier: _street_and_zip(supplier))
_is_root_rule("IS-R-006", _account_12("9"))
_is_root_rule("IS-R-007", _account_12("42"))
_is_root_rule("IS-R-008", _is_008)
_is_root_rule("IS-R-009", _is_009)
_is_root_rule("IS-R-010", _is_010)


def _is_customer_rule(rule_id: str, ok) -> None:  # type: ignore[no-untyped-def]
    @peppol_rule(rule_id, UBL)
    def check(ctx: RuleContext) -> Iterator[_Element]:
        if _is(ctx) == (True, True):
            for acp in root_kids(ctx, CAC + "AccountingCustomerParty"):
                if not ok(kid(acp, CAC + "Party")):
                    yield acp


_is_customer_rule("IS-R-004", _legal_0196)
_is_customer_rule("IS-R-005", _street_and_zip)
