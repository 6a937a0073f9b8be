"""Peppol BIS Billing 3.0 German rules (DE-R-*), UBL binding.

Source: OpenPEPPOL/peppol-bis-invoice-3 3.0.19, ``rules/sch/PEPPOL-EN16931-UBL.sch``, pattern
``german-rules``: they apply when both the supplier's and the customer's postal country is DE
(``$supplierCountryIsDE and $customerCountryIsDE``). The payment-means contexts compare the code
numerically (``cbc:PaymentMeansCode = (30,58)``); a code that is not a number does not match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.etree import _Element

from ..findings import Syntax
from ..rules.registry import RuleContext
from ..values import normalize_space
from . import messages_de  # noqa: F401  (registers the messages)
from ._doc import ubl_doc
from ._xpath import CAC, CBC, double_eq, kid, kids, nsp, path, sv
from .messages import peppol_rule

UBL = Syntax.UBL


def _de(ctx: RuleContext) -> bool:
    d = ubl_doc(ctx)
    return d.supplier_is_de and d.customer_is_de


def _has_text(el: _Element, tag: str) -> bool:
    """``tag[boolean(normalize-space(.))]`` exists."""
    return any(nsp(c) for c in kids(el, tag))


def _root(ctx: RuleContext) -> list[_Element]:
    return [ctx.root] if _de(ctx) else []


@peppol_rule("DE-R-001", UBL)
def de_r_001(ctx: RuleContext) -> Iterator[_Element]:
    yield from (r for r in _root(ctx) if kid(r, CAC + "PaymentMeans") is None)


@peppol_rule("DE-R-015", UBL)
def de_r_015(ctx: RuleContext) -> Iterator[_Element]:
    yield from (r for r in _root(ctx) if not _has_text(r, CBC + "BuyerReference"))


_VAT_CODES = frozenset(("S", "Z", "E", "AE", "K", "G", "L", "M"))


@peppol_rule("DE-R-016", UBL)
def de_r_016(ctx: RuleContext) -> Iterator[_Element]:
    for root in _root(ctx):
        # BT-95 / BT-102: document allowance/charge categories; BT-151: line item categories.
        categories = [
            sv(i)
            for i in path(kids(root, CAC + "AllowanceCharge"), CAC + "TaxCategory", CBC + "ID")
            if _indicator_in(i.getparent().getparent(), ("true", "false"))
        ]
        lines = list(root.iterchildren(CAC + "InvoiceLine", CAC + "CreditNoteLine"))
        categories += [sv(i) for i in path(lines, CAC + "Item", CAC + "ClassifiedTaxCategory", CBC + "ID")]
        if not _VAT_CODES.intersection(categories):
            continue
        seller_ids = path(ubl_doc(ctx).supplier, CAC + "PartyTaxScheme", CBC + "CompanyID")
        if kid(root, CAC + "TaxRepresentativeParty") is None and not any(nsp(c) for c in seller_ids):
            yield root


def _indicator_in(ac: _Element, values: tuple[str, ...]) -> bool:
    return any(sv(i) in values for i in kids(ac, CBC + "ChargeIndicator"))


_DE_TYPES = ("326", "380", "384", "389", "381", "875", "876", "877")


@peppol_rule("DE-R-017", UBL)
def de_r_017(ctx: RuleContext) -> Iterator[_Element]:
    for root in _root(ctx):
        codes = [sv(c) for c in root.iterchildren(CBC + "InvoiceTypeCode", CBC + "CreditNoteTypeCode")]
        if not any(c in _DE_TYPES for c in codes):
            yield root


_SKONTO = re.compile(r"#(SKONTO)#TAGE=([0-9]+#PROZENT=[0-9]+\.[0-9]{2})(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#\Z")
_LINE_BREAK = re.compile(r"\r?\n")
_SEGMENT = re.compile(r"#[^\n\r]+#")  # XPath "." matches neither \n nor \r
_ENDS_WITH_BREAK = re.compile(r"^\s*\n")


def _tokenize(s: str, pattern: re.Pattern[str]) -> list[str]:
    """XPath ``tokenize()``: the empty string gives the empty sequence."""
    return pattern.split(s) if s else []


@peppol_rule("DE-R-018", UBL)
def de_r_018(ctx: RuleContext) -> Iterator[_Element]:
    for root in _root(ctx):
        notes = [n for t in kids(root, CAC + "PaymentTerms") for n in kids(t, CBC + "Note")[:1]]
        lines = [
            x for n in notes for x in _tokenize(sv(n), _LINE_BREAK) if normalize_space(x).startswith("#")
        ]
        if not lines:
            continue
        tails = [toks[-1] for n in notes if (toks := _tokenize(sv(n), _SEGMENT))]
        ends_ok = len(tails) == 1 and _ENDS_WITH_BREAK.search(tails[0]) is not None
        if not all(_SKONTO.search(normalize_space(x)) and ends_ok for x in lines):
            yield root


@peppol_rule("DE-R-022", UBL)
def de_r_022(ctx: RuleContext) -> Iterator[_Element]:
    for root in _root(ctx):
        seen: set[str] = set()
        for ref in kids(root, CAC + "AdditionalDocumentReference"):
            names = {
                o.get("filename") for o in path(ref, CAC + "Attachment", CBC + "EmbeddedDocumentBinaryObject")
            }
            names.discard(None)
            if names & seen:  # type: ignore[operator]
                yield root
                break
            seen |= names  # type: ignore[arg-type]


@peppol_rule("DE-R-026", UBL)
def de_r_026(ctx: RuleContext) -> Iterator[_Element]:
    for root in _root(ctx):
        codes = list(root.iterchildren(CBC + "InvoiceTypeCode", CBC + "CreditNoteTypeCode"))
        if any(double_eq(sv(c), (384.0,)) for c in codes) and not path(
            root, CAC + "BillingReference", CAC + "InvoiceDocumentReference"
        ):
            yield root


def _mandates(root: _Element) -> list[_Element]:
    return path(root, CAC + "PaymentMeans", CAC + "PaymentMandate")


@peppol_rule("DE-R-030", UBL)
def de_r_030(ctx: RuleContext) -> Iterator[_Element]:
    for root in _root(ctx):
        if not _mandates(root):
            continue
        parties = path(root, CAC + "AccountingSupplierParty", CAC + "Party") + kids(root, CAC + "PayeeParty")
        ids = path(parties, CAC + "PartyIdentification", CBC + "ID")
        if not any(i.get("schemeID") == "SEPA" for i in ids):
            yield root


@peppol_rule("DE-R-031", UBL)
def de_r_031(ctx: RuleContext) -> Iterator[_Element]:
    for root in _root(ctx):
        mandates = _mandates(root)
        if mandates and not path(mandates, CAC + "PayerFinancialAccount", CBC + "ID"):
            yield root


@peppol_rule("DE-R-002", UBL)
def de_r_002(ctx: RuleContext) -> Iterator[_Element]:
    for root in _root(ctx):
        for asp in kids(root, CAC + "AccountingSupplierParty"):
            if not path(asp, CAC + "Party", CAC + "Contact"):
                yield asp


def _addresses(ctx: RuleContext, *tags: str) -> list[_Element]:
    return [a for r in _root(ctx) for a in path(r, *tags)]


def _required(rule_id: str, tags: tuple[str, ...], child: str) -> None:
    @peppol_rule(rule_id, UBL)
    def check(ctx: RuleContext) -> Iterator[_Element]:
        yield from (el for el in _addresses(ctx, *tags) if not _has_text(el, CBC + child))


_SUPPLIER_ADDRESS = (CAC + "AccountingSupplierParty", CAC + "Party", CAC + "PostalAddress")
_SUPPLIER_CONTACT = (CAC + "AccountingSupplierParty", CAC + "Party", CAC + "Contact")
_CUSTOMER_ADDRESS = (CAC + "AccountingCustomerParty", CAC + "Party", CAC + "PostalAddress")
_DELIVERY_ADDRESS = (CAC + "Delivery", CAC + "DeliveryLocation", CAC + "Address")
_required("DE-R-003", _SUPPLIER_ADDRESS, "CityName")
_required("DE-R-004", _SUPPLIER_ADDRESS, "PostalZone")
_required("DE-R-005", _SUPPLIER_CONTACT, "Name")
_required("DE-R-006", _SUPPLIER_CONTACT, "Telephone")
_required("DE-R-007", _SUPPLIER_CONTACT, "ElectronicMail")
_required("DE-R-008", _CUSTOMER_ADDRESS, "CityName")
_required("DE-R-009", _CUSTOMER_ADDRESS, "PostalZone")
_required("DE-R-010", _DELIVERY_ADDRESS, "CityName")
_required("DE-R-011", _DELIVERY_ADDRESS, "PostalZone")

_EMAIL = re.compile(
    r"^[a-zA-Z0-9!#$%&\"*+/=?^_`{|}~-]+(\.[a-zA-Z0-9!#$%&\"*+/=?^_`{|}~-]+)*@"
    r"([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\Z"
)


def _single_nsp(el: _Element, tag: str) -> str | None:
    values = kids(el, tag)
    return nsp(values[0]) if len(values) == 1 else ("" if not values else None)


@peppol_rule("DE-R-027", UBL)
def de_r_027(ctx: RuleContext) -> Iterator[_Element]:
    for contact in _addresses(ctx, *_SUPPLIER_CONTACT):
        value = _single_nsp(contact, CBC + "Telephone")
        # matches(., '.*([0-9].*){3,}.*'): at least three ASCII digits (counted, not backtracked)
        if value is not None and sum(c in "0123456789" for c in value) < 3:
            yield contact


@peppol_rule("DE-R-028", UBL)
def de_r_028(ctx: RuleContext) -> Iterator[_Element]:
    for contact in _addresses(ctx, *_SUPPLIER_CONTACT):
        value = _single_nsp(contact, CBC + "ElectronicMail")
        if value is not None and _EMAIL.search(value) is None:
            yield contact


@peppol_rule("DE-R-014", UBL)
def de_r_014(ctx: RuleContext) -> Iterator[_Element]:
    for sub in _addresses(ctx, CAC + "TaxTotal", CAC + "TaxSubtotal"):
        if not any(nsp(p) for p in path(sub, CAC + "TaxCategory", CBC + "Percent")):
            yield sub


# --- payment means: the first matching context wins (credit transfer, card, direct debit) ---------------


def _payment_groups(ctx: RuleContext) -> dict[str, list[_Element]]:
    def compute() -> dict[str, list[_Element]]:
        groups: dict[str, list[_Element]] = {"transfer": [], "card": [], "debit": []}
        for root in _root(ctx):
            for pm in kids(root, CAC + "PaymentMeans"):
                codes = [sv(c) for c in kids(pm, CBC + "PaymentMeansCode")]
                if any(double_eq(c, (30.0, 58.0)) for c in codes):
                    groups["transfer"].append(pm)
                elif any(double_eq(c, (48.0, 54.0, 55.0)) for c in codes):
                    groups["card"].append(pm)
                elif any(double_eq(c, (59.0,)) for c in codes):
                    groups["debit"].append(pm)
        return groups

    return ctx.once("peppol.de.payment", compute)  # type: ignore[no-any-return]


def iban_ok(raw: str) -> bool:
    """The DE-R-019/020 IBAN test: format, then ISO 7064 mod 97 = 1 on the rearranged digits."""
    s = re.sub(r"\s", "", raw)
    if re.fullmatch(r"[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}", s) is None:
        return False
    rearranged = s[4:] + s[:2].upper() + s[2:4]
    digits = "".join(str(ord(c) - 55) if ord(c) > 64 else str(ord(c) - 48) for c in rearranged)
    return int(digits) % 97 == 1


def _has(pm: _Element, tag: str) -> bool:
    return kid(pm, CAC + tag) is not None


@peppol_rule("DE-R-019", UBL)
def de_r_019(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _payment_groups(ctx)["transfer"]:
        if any(sv(c) == "58" for c in kids(pm, CBC + "PaymentMeansCode")):
            ids = path(pm, CAC + "PayeeFinancialAccount", CBC + "ID")
            if len(ids) != 1 or not iban_ok(sv(ids[0])):
                yield pm


@peppol_rule("DE-R-023-1", UBL)
def de_r_023_1(ctx: RuleContext) -> Iterator[_Element]:
    yield from (pm for pm in _payment_groups(ctx)["transfer"] if not _has(pm, "PayeeFinancialAccount"))


@peppol_rule("DE-R-023-2", UBL)
def de_r_023_2(ctx: RuleContext) -> Iterator[_Element]:
    yield from (
        pm for pm in _payment_groups(ctx)["transfer"] if _has(pm, "CardAccount") or _has(pm, "PaymentMandate")
    )


@peppol_rule("DE-R-024-1", UBL)
def de_r_024_1(ctx: RuleContext) -> Iterator[_Element]:
    yield from (pm for pm in _payment_groups(ctx)["card"] if not _has(pm, "CardAccount"))


@peppol_rule("DE-R-024-2", UBL)
def de_r_024_2(ctx: RuleContext) -> Iterator[_Element]:
    yield from (
        pm
        for pm in _payment_groups(ctx)["card"]
        if _has(pm, "PayeeFinancialAccount") or _has(pm, "PaymentMandate")
    )


@peppol_rule("DE-R-020", UBL)
def de_r_020(ctx: RuleContext) -> Iterator[_Element]:
    for pm in _payment_groups(ctx)["debit"]:
        if any(sv(c) == "59" for c in kids(pm, CBC + "PaymentMeansCode")):
            ids = path(pm, CAC + "PaymentMandate", CAC + "PayerFinancialAccount", CBC + "ID")
            if len(ids) != 1 or not iban_ok(sv(ids[0])):
                yield pm


@peppol_rule("DE-R-025-1", UBL)
def de_r_025_1(ctx: RuleContext) -> Iterator[_Element]:
    yield from (pm for pm in _payment_groups(ctx)["debit"] if not _has(pm, "PaymentMandate"))


@peppol_rule("DE-R-025-2", UBL)
def de_r_025_2(ctx: RuleContext) -> Iterator[_Element]:
    yield from (
        pm
        for pm in _payment_groups(ctx)["debit"]
        if _has(pm, "PayeeFinancialAccount") or _has(pm, "CardAccount")
    )
