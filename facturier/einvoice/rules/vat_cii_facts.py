"""What the CII VAT-category rules (:mod:`.vat_cii`) read, collected in one pass per document.

Every ``ram:ApplicableTradeTax`` / ``ram:CategoryTradeTax`` becomes a :class:`Tax` holding what the
official tests read from it (raw texts, as the CII tests compare them) and where it sits, which
decides the rule contexts it matches. Amounts of lines and allowances/charges, and the parties'
tax registrations, come from the model.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lxml.etree import _Element

from ..values import string_value
from .vat import dsum, round2, xs_decimal

RSM = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}"
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
UDT = "{urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100}"
ATT, CTT = RAM + "ApplicableTradeTax", RAM + "CategoryTradeTax"
_AHTS, _SLTS, _STAC = (
    RAM + "ApplicableHeaderTradeSettlement",
    RAM + "SpecifiedLineTradeSettlement",
    RAM + "SpecifiedTradeAllowanceCharge",
)
_ITEM, SCTT = RAM + "IncludedSupplyChainTradeLineItem", RSM + "SupplyChainTradeTransaction"
_CC, _TYPE, RAP = RAM + "CategoryCode", RAM + "TypeCode", RAM + "RateApplicablePercent"
_REASON, _REASON_CODE = RAM + "ExemptionReason", RAM + "ExemptionReasonCode"
BASIS, _CALC = RAM + "BasisAmount", RAM + "CalculatedAmount"
_WS = " \t\r\n"
_BOOL = {"true": True, "1": True, "false": False, "0": False}

HDR = 0  # //ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax (BG-23)
LINE = 1  # //ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax (BG-30)
AC = 2  # //ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax (BG-20/21, BG-27/28)
OTHER = 3


def child(el: _Element | None, *path: str) -> _Element | None:
    for tag in path:
        el = el.find(tag) if el is not None else None
    return el


def is_tag(el: _Element | None, tag: str) -> bool:
    return el is not None and el.tag == tag


class Tax:
    """One ``ram:ApplicableTradeTax`` or ``ram:CategoryTradeTax`` and what the tests read from it."""

    __slots__ = (
        "basis",
        "calc",
        "cc_els",
        "ccs",
        "el",
        "holder",
        "ind",
        "item",
        "kind",
        "raps",
        "reason",
        "strict",
        "summed",
        "vat",
    )

    def __init__(self, el: _Element, root: _Element) -> None:
        self.el = el
        cc_els: list[_Element] = []
        raps: list[str] = []
        types: list[str] = []
        self.basis: list[str] = []
        self.calc: list[str] = []
        reason = False
        for c in el:
            tag = c.tag
            if tag == _CC:
                cc_els.append(c)
            elif tag == RAP:
                raps.append(string_value(c))
            elif tag == _TYPE:
                types.append(string_value(c))
            elif tag == BASIS:
                self.basis.append(string_value(c))
            elif tag == _CALC:
                self.calc.append(string_value(c))
            elif tag == _REASON or tag == _REASON_CODE:
                reason = True
        self.cc_els = cc_els
        self.ccs = [string_value(c) for c in cc_els]
        # [upper-case(ram:TypeCode) = 'VAT']: no normalisation; two type codes are an error.
        self.vat = len(types) == 1 and types[0].upper() == "VAT"
        self.raps = raps
        self.reason = reason  # ExemptionReason or ExemptionReasonCode present
        self.ind: frozenset[bool] = _NO_IND
        parent = self.holder = el.getparent()
        ptag = parent.tag if parent is not None else None
        grand = parent.getparent() if parent is not None else None
        gtag = grand.tag if grand is not None else None
        # strict: under //rsm:SupplyChainTradeTransaction (the contexts); summed: under
        # /rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction (the sums of BR-xx-08).
        self.strict = self.summed = False
        self.item: _Element | None = None  # the line item of a line tax
        if el.tag == ATT and ptag == _AHTS:
            self.kind = HDR
            self.strict = gtag == SCTT
        elif el.tag == ATT and ptag == _SLTS:
            self.kind = LINE
            if gtag == _ITEM and grand is not None:
                sctt = grand.getparent()
                self.strict = is_tag(sctt, SCTT)
                self.summed = self.strict and sctt.getparent() is root
                self.item = grand
        elif el.tag == CTT and ptag == _STAC:
            self.kind = AC
            self.ind = frozenset(
                v
                for ci in parent.iterchildren(RAM + "ChargeIndicator")
                for i in ci.iterchildren(UDT + "Indicator")
                if (v := _BOOL.get(string_value(i).strip(_WS))) is not None
            )
            if gtag == _AHTS and grand is not None:
                sctt = grand.getparent()
                self.summed = is_tag(sctt, SCTT) and sctt.getparent() is root
        else:
            self.kind = OTHER


class Holder:
    """A root-level line settlement or document-level allowance/charge, for the sums of BR-xx-08."""

    __slots__ = ("amount", "codes", "ind", "rates")

    def __init__(self, taxes: list[Tax], amount: Decimal) -> None:
        self.codes = {cc for t in taxes for cc in t.ccs}
        self.rates = {r for t in taxes if len(t.raps) == 1 and (r := xs_decimal(t.raps[0])) is not None}
        self.ind = taxes[0].ind
        self.amount = amount


ZERO = Decimal(0)
_NO_IND: frozenset[bool] = frozenset()


class Facts:
    """Everything the CII VAT-category rules read, collected once per document."""

    def __init__(self, root: _Element, invoice: Any, elements: list[_Element] | None = None) -> None:
        """``elements``: the ApplicableTradeTax and CategoryTradeTax elements in document order,
        when the syntax rules' walk already collected them (else found with ``root.iter``)."""
        self.root = root
        self.invoice = invoice  # the hit of the rules whose context is the document
        if elements is None:
            elements = root.iter(ATT, CTT)
        self.taxes = [Tax(el, root) for el in elements]
        self.present = {cc for t in self.taxes for cc in t.ccs}
        self._memo: dict[Any, Any] = {}

    def _once(self, key: str, fn: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    def parties(self) -> dict[str, bool]:
        return self._once("parties", lambda: _party_flags(self.invoice))

    def _sums(self) -> tuple[dict[Any, Decimal], dict[Any, Decimal], dict[Any, Decimal]]:
        """Σ line totals, Σ charges and Σ allowances per (category code, rate or None):
        the terms of /rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/
        ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement[…]/…/ram:LineTotalAmount
        and …/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeAllowanceCharge[…]/ram:ActualAmount.
        Amounts come from the model (BT-131, BT-92, BT-99); an invalid one (a dynamic error for the
        official XSLT) counts as 0."""

        def build() -> tuple[dict[Any, Decimal], dict[Any, Decimal], dict[Any, Decimal]]:
            groups: dict[_Element, list[Tax]] = {}
            items: dict[_Element, _Element] = {}  # line item -> its SpecifiedLineTradeSettlement
            for t in self.taxes:
                if t.summed:
                    groups.setdefault(t.holder, []).append(t)
                    if t.item is not None:
                        items[t.item] = t.holder
            amounts: dict[_Element, Decimal] = {}
            if items:
                for ln in self.invoice.lines:
                    slts = items.get(ln.el)
                    if slts is not None and ln.net_amount is not None:
                        more = ln.extra.get("net_amount", ()) if ln.extra else ()
                        amounts[slts] = dsum(a.value for a in (ln.net_amount, *more) if a.value is not None)
            for a in self.invoice.allowance_charges:
                if a.el in groups and a.amount is not None and a.amount.value is not None:
                    amounts[a.el] = a.amount.value
            lines: dict[Any, Decimal] = {}
            charges: dict[Any, Decimal] = {}
            allowances: dict[Any, Decimal] = {}
            for el, taxes in groups.items():
                h = Holder(taxes, amounts.get(el, ZERO))
                if taxes[0].kind == LINE:
                    targets = [lines]
                else:
                    targets = [d for d, flag in ((charges, True), (allowances, False)) if flag in h.ind]
                for code in h.codes:
                    for rate in (None, *h.rates):
                        for d in targets:
                            d[(code, rate)] = d.get((code, rate), ZERO) + h.amount
            return lines, charges, allowances

        return self._once("sums", build)

    def total(self, code: str, rate: Decimal | None = None) -> Decimal:
        """round2(Σ line totals) + round2(Σ charges) − round2(Σ allowances) of the category (and rate)."""
        key = (code, rate)
        total = ZERO
        for sign, part in zip((1, 1, -1), self._sums(), strict=True):
            v = part.get(key)
            if v is not None:
                total += sign * round2(v)
        return total


def _party_flags(invoice: Any) -> dict[str, bool]:
    """``ram:SpecifiedTaxRegistration/ram:ID[@schemeID = …]`` of the seller, its tax representative
    and the buyer (raw scheme attributes, kept by the model), and the buyer's legal id."""

    def schemes(name: str) -> set[str]:
        return {c.raw for p in invoice.all(name) for c in p.tax_schemes}

    seller, rep, buyer = schemes("seller"), schemes("tax_representative"), schemes("buyer")
    return {
        "seller_va": "VA" in seller,
        "seller_va_fc": bool(seller & {"VA", "FC"}),
        "rep_va": "VA" in rep,
        "buyer_va": "VA" in buyer,
        "buyer_legal": any(p.legal_id is not None for p in invoice.all("buyer")),
    }
