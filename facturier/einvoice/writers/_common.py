"""Shared helpers of the UBL and CII writers: element building and cross-syntax value mapping.

Writers work from the model's values only: the text written is ``Value.raw`` (so a document read
and written again keeps every term exactly as found), and the attributes come from the typed value
(``Amount.currency``, ``Quantity.unit``, ``Identifier.scheme``…). The source element (``el``) is
consulted only to recover *where* a CII value sat when that decides where it goes back.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from lxml import etree

from ..model import Invoice
from ..values import Amount, DateValue, Value

__all__ = [
    "CREDIT_NOTE_TYPE_CODES",
    "TAX_POINT_CODE_CII_TO_UBL",
    "TAX_POINT_CODE_UBL_TO_CII",
    "cii_date",
    "decimal_text",
    "is_cii_source",
    "iso_date",
    "leaf",
    "serialize",
]

# UNTDID 1001 codes the EN 16931 UBL binding writes as a UBL ``CreditNote`` (code list of
# BR-CL-01 restricted to credit notes; Peppol BIS 3 uses the same split).
CREDIT_NOTE_TYPE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)

# BT-8 (VAT point date code): the semantic model uses UNTDID 2005 (3 = invoice issue date,
# 35 = actual delivery date, 432 = paid to date), which the UBL binding carries as is; the CII
# binding carries the equivalent UNTDID 2475 codes (5 = date of invoice, 29 = date of delivery,
# 72 = paid to date). See the CEN syntax bindings (EN 16931-3-2 / 3-3), BT-8.
TAX_POINT_CODE_UBL_TO_CII = {"3": "5", "35": "29", "432": "72"}
TAX_POINT_CODE_CII_TO_UBL = {v: k for k, v in TAX_POINT_CODE_UBL_TO_CII.items()}


def is_cii_source(invoice: Invoice) -> bool:
    """True when the model was read from CII (its codes and dates are in CII form)."""
    return invoice.document == "CrossIndustryInvoice"


def leaf(parent: etree._Element, tag: str, text: str, attrib: dict[str, str] | None = None) -> etree._Element:
    el = etree.SubElement(parent, tag, attrib) if attrib else etree.SubElement(parent, tag)
    el.text = text
    return el


def iso_date(v: DateValue) -> str:
    """The date as an ISO ``xs:date`` (UBL): raw when it already is one, else converted."""
    if v.format is None:
        return v.raw
    return v.value.isoformat() if v.value is not None else v.raw


def cii_date(v: DateValue) -> tuple[str, str]:
    """``(text, format)`` of a CII ``DateTimeString``: raw and ``@format`` when read from CII,
    else ``YYYYMMDD`` with format 102."""
    if v.format is not None:
        return v.raw, v.format
    if v.value is not None:
        return v.value.strftime("%Y%m%d"), "102"
    return v.raw, "102"


def decimal_text(d: Decimal) -> str:
    """A ``Decimal`` as ``xs:decimal`` text (never exponent notation)."""
    return format(d, "f")


def difference(a: Amount | None, b: Amount | None) -> str | None:
    """``a - b`` as text, ``None`` when either is absent or not a number."""
    if a is None or b is None or a.value is None or b.value is None:
        return None
    try:
        return decimal_text(a.value - b.value)
    except InvalidOperation:  # pragma: no cover - Decimal subtraction of finite values
        return None


def total(a: Amount | None, b: Amount | None) -> str | None:
    """``a + b`` as text, ``None`` when either is absent or not a number."""
    if a is None or b is None or a.value is None or b.value is None:
        return None
    return decimal_text(a.value + b.value)


def text_of(v: Value | None) -> str | None:
    return v.raw if v is not None else None


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
