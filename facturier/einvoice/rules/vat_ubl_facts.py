"""What the UBL VAT-category rules (:mod:`.vat_ubl`) read, collected in one pass per document.

Every ``cac:TaxCategory`` / ``cac:ClassifiedTaxCategory`` becomes a :class:`Cat` holding what the
official tests read from it, raw where the tests compare raw text (``cbc:ID = 'L'``), normalised
where they normalise, and where it sits (which decides the rule contexts it matches). Amounts of
lines and allowances/charges, and the parties' tax identifiers, come from the model. The category
elements come from the walk of the syntax rules (named context ``tax_categories`` of
:mod:`.syntax_ubl`), which has visited every element anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lxml.etree import _Element

from ..values import normalize_space, string_value
from .vat import xs_decimal

CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
_TC, _CTC, _AC, _SCHEME = (
    CAC + "TaxCategory",
    CAC + "ClassifiedTaxCategory",
    CAC + "AllowanceCharge",
    CAC + "TaxScheme",
)
IL, CNL, _ITEM = CAC + "InvoiceLine", CAC + "CreditNoteLine", CAC + "Item"
_SUBTOTAL, _TAXTOTAL = CAC + "TaxSubtotal", CAC + "TaxTotal"
_ID, _PERCENT, _IND = CBC + "ID", CBC + "Percent", CBC + "ChargeIndicator"
_TAXABLE, _TAX = CBC + "TaxableAmount", CBC + "TaxAmount"
_REASON, _REASON_CODE = CBC + "TaxExemptionReason", CBC + "TaxExemptionReasonCode"
_WS = " \t\r\n"

# Where a category element sits (the contexts of the official rules).
SUB = 0  # /*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory (BG-23)
DOC_AC = 1  # /*/cac:AllowanceCharge/cac:TaxCategory (BG-20 / BG-21)
AC = 2  # another cac:AllowanceCharge/cac:TaxCategory (line or price level)
LINE = 3  # cac:InvoiceLine|cac:CreditNoteLine/cac:Item/cac:ClassifiedTaxCategory (BG-30)
OTHER_TC = 4
OTHER_CTC = 5
AC_KINDS = (DOC_AC, AC)

_BOOL = {"true": True, "1": True, "false": False, "0": False}
_NO_IND: frozenset[bool] = frozenset()
_NO_VALUES: list[str] = []  # shared, never mutated
# The children of a category element the tests read: ID, Percent, TaxScheme, exemption reasons.
_FIELDS = {_ID: 0, _PERCENT: 1, _SCHEME: 2, _REASON: 3, _REASON_CODE: 3}
ZERO = Decimal(0)


def text_of(el: _Element) -> str:
    return (el.text or "") if not len(el) else string_value(el)


def ns(raw: str) -> str:
    """normalize-space(), with a fast path for the usual code without inner whitespace."""
    t = raw.strip(_WS)
    return normalize_space(t) if (" " in t or "\t" in t or "\n" in t or "\r" in t) else t


def _indicators(ac: _Element) -> frozenset[bool]:
    """The values of ``cbc:ChargeIndicator`` (``= true()`` / ``= false()`` match any of them; an
    invalid boolean makes the comparison an error, i.e. no match)."""
    return frozenset(v for c in ac.iterchildren(_IND) if (v := _BOOL.get(text_of(c).strip(_WS))) is not None)


class Cat:
    """One ``cac:TaxCategory`` or ``cac:ClassifiedTaxCategory`` and what the tests read from it."""

    __slots__ = (
        "el",
        "holder",
        "ids",
        "ind",
        "kind",
        "ns_id",
        "ns_ids",
        "percents",
        "reason",
        "tax",
        "taxable",
        "tc",
        "vat",
    )

    def __init__(self, el: _Element, root: _Element) -> None:
        self.el = el
        ids: list[str] = []
        percents: list[str] = []
        vat = reason = False
        for c in el:
            field = _FIELDS.get(c.tag)
            if field is None:
                continue
            if field == 0:
                ids.append(string_value(c) if len(c) else (c.text or ""))
            elif field == 1:
                percents.append(string_value(c) if len(c) else (c.text or ""))
            elif field == 2:
                if not vat:
                    for sid in c.iterchildren(_ID):
                        if ns(string_value(sid) if len(sid) else (sid.text or "")).upper() == "VAT":
                            vat = True
            else:
                reason = True
        self.ids = ids  # raw: for cbc:ID = 'L'
        if len(ids) == 1:
            # normalize-space(cbc:ID): '' without ID; several IDs is a dynamic error (no match).
            self.ns_id: str | None = ns(ids[0])
            self.ns_ids = [self.ns_id]  # for cbc:ID[normalize-space(.) = 'X']
        else:
            self.ns_ids = [ns(i) for i in ids]
            self.ns_id = None if ids else ""
        self.vat = vat
        self.percents = percents
        self.reason = reason  # TaxExemptionReason or TaxExemptionReasonCode present
        self.ind: frozenset[bool] = _NO_IND
        self.taxable: list[str] = _NO_VALUES  # ../cbc:TaxableAmount, ../cbc:TaxAmount of a breakdown
        self.tax: list[str] = _NO_VALUES
        parent = self.holder = el.getparent()
        ptag = parent.tag if parent is not None else None
        self.tc = tc = el.tag == _TC
        if tc:
            if ptag == _AC:
                self.kind = DOC_AC if parent.getparent() is root else AC
                self.ind = _indicators(parent)
            elif (
                ptag == _SUBTOTAL
                and is_tag(grand := parent.getparent(), _TAXTOTAL)
                and grand.getparent() is root
            ):
                self.kind = SUB
                self.taxable, self.tax = [], []
                for c in parent:
                    if c.tag == _TAXABLE:
                        self.taxable.append(text_of(c))
                    elif c.tag == _TAX:
                        self.tax.append(text_of(c))
            else:
                self.kind = OTHER_TC
        elif ptag == _ITEM and (line := parent.getparent()) is not None and line.tag in (IL, CNL):
            self.kind = LINE
            self.holder = line
        else:
            self.kind = OTHER_CTC

    def is_(self, code: str) -> bool:
        """The context filter ``[normalize-space(cbc:ID) = code][VAT scheme]``."""
        return self.ns_id == code and self.vat


def is_tag(el: _Element | None, tag: str) -> bool:
    return el is not None and el.tag == tag


class Holder:
    """A line or an allowance/charge holding categories, for the sums of BR-xx-08."""

    __slots__ = ("amount", "codes", "ind", "invoice_line", "rates", "root_level")

    def __init__(self, el: _Element, cats: list[Cat], root: _Element, amount: Decimal) -> None:
        self.root_level = el.getparent() is root
        self.invoice_line = el.tag == IL
        self.codes = {c.ns_id for c in cats}
        self.rates = {
            r for c in cats if len(c.percents) == 1 and (r := xs_decimal(c.percents[0])) is not None
        }
        self.ind = cats[0].ind
        self.amount = amount  # xs:decimal(cbc:LineExtensionAmount) / xs:decimal(cbc:Amount)


class Facts:
    """Everything the UBL VAT-category rules read, collected once per document."""

    def __init__(self, root: _Element, invoice: Any, elements: list[_Element] | None = None) -> None:
        """``elements``: the TaxCategory and ClassifiedTaxCategory elements in document order, when
        the syntax rules' walk already collected them (else found with ``root.iter``)."""
        self.root = root
        self.invoice = invoice  # the hit of the rules whose context is the document
        if elements is None:
            elements = root.iter(_TC, _CTC)
        self.cats = cats = [Cat(el, root) for el in elements]
        present: set[str] = set()
        for c in cats:
            present.update(c.ids)
            present.update(c.ns_ids)
        self.present = present
        self._memo: dict[Any, Any] = {}

    def of(self, code: str) -> list[Cat]:
        """The categories that :meth:`Cat.is_` ``code``, in document order (memoised: most rules
        of a category filter on it)."""
        key = ("of", code)
        found: list[Cat] | None = self._memo.get(key)
        if found is None:
            found = self._memo[key] = [c for c in self.cats if c.ns_id == code and c.vat]
        return found

    def _once(self, key: str, fn: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    def parties(self) -> dict[str, bool]:
        """Which party tax identifiers exist (the seller/buyer conditions of BR-xx-02..04)."""
        return self._once("parties", lambda: _party_flags(self.invoice))

    def has_lines(self, invoice: bool) -> bool:
        """``exists(//cac:InvoiceLine)`` / ``exists(//cac:CreditNoteLine)``."""
        tag = IL if invoice else CNL
        return self._once(tag, lambda: next(self.root.iter(tag), None) is not None)

    def lines(self) -> list[Holder]:
        """The lines with a ClassifiedTaxCategory, net amounts (BT-131) from the model."""

        def build() -> list[Holder]:
            amounts = {ln.el: ln.net_amount.value for ln in self.invoice.lines if ln.net_amount is not None}
            return self._holders((LINE,), amounts)

        return self._once("lines", build)

    def acs(self) -> list[Holder]:
        """The allowances and charges with a TaxCategory, root-level amounts from the model."""

        def build() -> list[Holder]:
            amounts = {a.el: a.amount.value for a in self.invoice.allowance_charges if a.amount is not None}
            return self._holders(AC_KINDS, amounts)

        return self._once("acs", build)

    def _holders(self, kinds: tuple[int, ...], amounts: dict[_Element, Decimal | None]) -> list[Holder]:
        groups: dict[_Element, list[Cat]] = {}
        for c in self.cats:
            if c.kind in kinds:
                groups.setdefault(c.holder, []).append(c)
        # An invalid amount is a dynamic error for the official XSLT; it counts as 0 here.
        return [Holder(el, cats, self.root, amounts.get(el) or ZERO) for el, cats in groups.items()]

    def _sums(self) -> tuple[dict[Any, Decimal], dict[Any, Decimal]]:
        """Σ root-level line net amounts per (code, rate or None, invoice line?) and Σ root-level
        charges − allowances per (code, rate or None)."""

        def build() -> tuple[dict[Any, Decimal], dict[Any, Decimal]]:
            lines: dict[Any, Decimal] = {}
            for h in self.lines():
                if h.root_level:
                    for code in h.codes:
                        for rate in (None, *h.rates):
                            key = (code, rate, h.invoice_line)
                            lines[key] = lines.get(key, ZERO) + h.amount
            acs: dict[Any, Decimal] = {}
            for h in self.acs():
                if h.root_level:
                    signed = (h.amount if True in h.ind else ZERO) - (h.amount if False in h.ind else ZERO)
                    for code in h.codes:
                        for rate in (None, *h.rates):
                            acs[(code, rate)] = acs.get((code, rate), ZERO) + signed
            return lines, acs

        return self._once("sums", build)

    def used(self) -> tuple[set[Any], set[Any]]:
        """(code, rate, invoice line?) of every line and (code, rate) of every allowance/charge,
        wherever it sits: the ``exists(//cac:InvoiceLine[…])`` / ``exists(//cac:AllowanceCharge[…])``
        of BR-S-08."""

        def build() -> tuple[set[Any], set[Any]]:
            lines = {
                (code, rate, h.invoice_line) for h in self.lines() for code in h.codes for rate in h.rates
            }
            acs = {(code, rate) for h in self.acs() for code in h.codes for rate in h.rates}
            return lines, acs

        return self._once("used", build)

    def total(self, code: str, invoice: bool, rate: Decimal | None = None) -> Decimal:
        """Σ ../../../cac:InvoiceLine (or CreditNoteLine) net amounts + Σ root charges − Σ root
        allowances whose category is ``code`` (and rate ``rate``)."""
        lines, acs = self._sums()
        return lines.get((code, rate, invoice), ZERO) + acs.get((code, rate), ZERO)


def _party_flags(invoice: Any) -> dict[str, bool]:
    """From the model, whose BT-31 (vat_id) is a PartyTaxScheme/CompanyID whose TaxScheme/ID is VAT
    and BT-32 (tax_registration_id) any other: the same as the official tests wherever their
    ``cac:TaxScheme/(…='VAT')`` is not a dynamic error (two tax schemes in one PartyTaxScheme)."""
    sellers, buyers = invoice.all("seller"), invoice.all("buyer")
    sup_vat = any(p.vat_id is not None for p in sellers)
    return {
        "sup_any": sup_vat or any(p.tax_registration_id is not None for p in sellers),
        "sup_vat": sup_vat,
        "rep_vat": any(p.vat_id is not None for p in invoice.all("tax_representative")),
        "buy_vat": any(p.vat_id is not None for p in buyers),
        "buy_legal": any(p.legal_id is not None for p in buyers),
    }
