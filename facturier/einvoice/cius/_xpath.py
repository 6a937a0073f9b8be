"""Small XPath 2.0 look-alikes over lxml trees, for the CIUS rules.

The Peppol BIS 3 Schematron tests the XML itself (not the EN 16931 model), often on deliberately
broken fragments, so the rules walk the tree with these helpers and reproduce the XPath semantics
that matter for verdicts:

* a path gives every matching node in document order (:func:`path`), and a general comparison
  between nodes and a string is true when *any* node matches (``any(sv(n) == x for n in ...)``);
* ``string()`` of an element is its string value (:func:`sv`), ``normalize-space()`` only trims and
  collapses the four XML whitespace characters (:func:`nsp`);
* ``number()`` gives NaN for anything that is not an ``xs:double`` literal (:func:`number`),
  ``xs:decimal()`` fails on anything but a decimal literal (:func:`decimal`);
* ``castable as xs:integer`` (:func:`is_integer`), ``matches()`` with ``\\d`` meaning any Unicode
  digit (use :mod:`re` with ``str`` patterns, whose ``\\d`` is Unicode too).

Everything uses ``iterchildren(tag)``, which filters in C: no XPath is compiled or run per rule.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from lxml.etree import _Element

from ..values import normalize_space, parse_decimal

__all__ = [
    "CAC",
    "CBC",
    "CN",
    "INV",
    "RAM",
    "RSM",
    "UDT",
    "any_eq",
    "decimal",
    "first",
    "is_integer",
    "kid",
    "kids",
    "nsp",
    "number",
    "path",
    "sv",
]

# Clark-notation namespace prefixes.
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
INV = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}"
CN = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}"
RSM = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}"
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
UDT = "{urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100}"

_WS = " \t\r\n"


def sv(el: _Element | None) -> str:
    """XPath string value of an element (``""`` for ``None``, i.e. an empty sequence)."""
    if el is None:
        return ""
    if len(el):
        return "".join(el.itertext())
    return el.text or ""


def nsp(el: _Element | None) -> str:
    """``normalize-space(el)``."""
    return normalize_space(sv(el))


def text(el: _Element | None) -> str:
    """``el/text()`` for the common case of one text node (the text before any child)."""
    if el is None:
        return ""
    return el.text or ""


def kids(el: _Element | None, tag: str) -> list[_Element]:
    """Children of ``el`` named ``tag`` (a Clark name)."""
    if el is None:
        return []
    return list(el.iterchildren(tag))


def kid(el: _Element | None, tag: str) -> _Element | None:
    """First child of ``el`` named ``tag``, or ``None``."""
    if el is None:
        return None
    for c in el.iterchildren(tag):
        return c
    return None


def path(el: _Element | Iterable[_Element] | None, *tags: str) -> list[_Element]:
    """``el/t1/t2/...``: every node reached, in document order."""
    if el is None:
        return []
    if isinstance(el, _Element):
        nodes = list(el.iterchildren(tags[0]))
        tags = tags[1:]
    else:
        nodes = el if isinstance(el, list) else list(el)
    for tag in tags:
        if not nodes:
            break
        if len(nodes) == 1:
            nodes = list(nodes[0].iterchildren(tag))
        else:
            nxt: list[_Element] = []
            for n in nodes:
                nxt.extend(n.iterchildren(tag))
            nodes = nxt
    return nodes


def first(el: _Element | Iterable[_Element] | None, *tags: str) -> _Element | None:
    """First node of ``el/t1/t2/...`` in document order, or ``None``."""
    if el is None:
        return None
    if isinstance(el, _Element):
        if len(tags) == 1:
            return kid(el, tags[0])
        el = [el]
    for n in _walk(list(el), tags):
        return n
    return None


def _walk(nodes: list[_Element], tags: tuple[str, ...]) -> Iterator[_Element]:
    if not tags:
        yield from nodes
        return
    head, rest = tags[0], tags[1:]
    for n in nodes:
        yield from _walk(list(n.iterchildren(head)), rest)


def any_eq(nodes: Iterable[_Element], value: str) -> bool:
    """General comparison ``nodes = 'value'`` (string values, no normalisation)."""
    return any(sv(n) == value for n in nodes)


def any_nsp_eq(nodes: Iterable[_Element], value: str) -> bool:
    """``nodes[normalize-space(.) = 'value']`` exists."""
    return any(nsp(n) == value for n in nodes)


_DOUBLE_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def number(s: str | None) -> float:
    """XPath 2.0 ``number()`` of a string: an ``xs:double`` cast, NaN when it fails."""
    if s is None:
        return math.nan
    t = s.strip(_WS)
    if _DOUBLE_RE.fullmatch(t):
        return float(t)
    if t in ("INF", "+INF"):
        return math.inf
    if t == "-INF":
        return -math.inf
    return math.nan


def decimal(s: str | None) -> Decimal | None:
    """``xs:decimal(s)``, ``None`` where the cast raises a dynamic error."""
    return None if s is None else parse_decimal(s)


_INTEGER_RE = re.compile(r"[+-]?[0-9]+")


def is_integer(s: str) -> bool:
    """``s castable as xs:integer`` (surrounding whitespace is collapsed away by the cast)."""
    return _INTEGER_RE.fullmatch(s.strip(_WS)) is not None


def double_eq(s: str, values: tuple[float, ...]) -> bool:
    """``untyped = (30, 58)``: the node is cast to ``xs:double``; a failed cast is a non-match
    (a dynamic error in a match pattern makes the pattern not match, XSLT 3.0 §5.5.4)."""
    n = number(s)
    return not math.isnan(n) and n in values


# --- one pass over the tree ----------------------------------------------------------------------------
#
# Many Peppol rule contexts are "anywhere in the document" (``cbc:Amount``, ``cac:PaymentMeans``...).
# Rather than one ``root.iter(tag)`` per rule (each a full traversal), every tag a rule looks up is
# collected in a single ``root.iter(*tags)`` traversal and bucketed by tag.

_AMOUNTS = (
    "Amount",
    "BaseAmount",
    "PriceAmount",
    "TaxAmount",
    "TaxableAmount",
    "LineExtensionAmount",
    "TaxExclusiveAmount",
    "TaxInclusiveAmount",
    "AllowanceTotalAmount",
    "ChargeTotalAmount",
    "PrepaidAmount",
    "PayableRoundingAmount",
    "PayableAmount",
)
UBL_AMOUNT_TAGS = tuple(CBC + t for t in _AMOUNTS)
UBL_DATE_TAGS = tuple(
    CBC + t for t in ("IssueDate", "DueDate", "TaxPointDate", "StartDate", "EndDate", "ActualDeliveryDate")
)
UBL_TAGS = (
    *UBL_AMOUNT_TAGS,
    *UBL_DATE_TAGS,
    *(
        CBC + t
        for t in (
            "TaxCurrencyCode",
            "EndpointID",
            "ID",
            "CompanyID",
            "EmbeddedDocumentBinaryObject",
            "InvoiceTypeCode",
            "CreditNoteTypeCode",
        )
    ),
    *(
        CAC + t
        for t in (
            "AccountingCustomerParty",
            "AccountingSupplierParty",
            "AllowanceCharge",
            "PaymentMeans",
            "Price",
            "InvoicePeriod",
            "TaxCategory",
            "ClassifiedTaxCategory",
            "AdditionalDocumentReference",
            "OrderLineReference",
            "LegalMonetaryTotal",
            "TaxRepresentativeParty",
        )
    ),
)
CII_TAGS = (
    RSM + "ExchangedDocumentContext",
    RSM + "ExchangedDocument",
    RSM + "SupplyChainTradeTransaction",
    UDT + "DateTimeString",
    *(
        RAM + t
        for t in (
            "ApplicableHeaderTradeAgreement",
            "ApplicableHeaderTradeSettlement",
            "BuyerTradeParty",
            "SellerTradeParty",
            "SpecifiedTradeAllowanceCharge",
            "AppliedTradeAllowanceCharge",
            "SpecifiedTradeSettlementPaymentMeans",
            "IncludedSupplyChainTradeLineItem",
            "NetPriceProductTradePrice",
            "GrossPriceProductTradePrice",
            "AttachmentBinaryObject",
            "TaxTotalAmount",
            "URIID",
            "ID",
            "GlobalID",
            "ApplicableTradeTax",
            "CategoryTradeTax",
        )
    ),
)


def _build_index(root: _Element) -> dict[str, list[_Element]]:
    tags = CII_TAGS if root.tag == RSM + "CrossIndustryInvoice" else UBL_TAGS
    index: dict[str, list[_Element]] = {t: [] for t in tags}
    for el in root.iter(*tags):
        index[el.tag].append(el)
    return index


def find(ctx, *tags: str) -> list[_Element]:  # type: ignore[no-untyped-def]
    """Every element named one of ``tags``, anywhere in the document (``//tag``).

    Several tags are returned tag by tag (each in document order). A tag missing from
    :data:`UBL_TAGS` / :data:`CII_TAGS` raises ``KeyError``: add it there.
    """
    index = ctx.memo.get("peppol.index")
    if index is None:
        index = ctx.memo["peppol.index"] = _build_index(ctx.root)
    if len(tags) == 1:
        return index[tags[0]]  # type: ignore[no-any-return]
    return [el for t in tags for el in index[t]]


def _root_index(root: _Element) -> dict[str, list[_Element]]:
    index: dict[str, list[_Element]] = {}
    for c in root:
        tag = c.tag
        if isinstance(tag, str):
            index.setdefault(tag, []).append(c)
    return index


def root_kids(ctx, tag: str) -> list[_Element]:  # type: ignore[no-untyped-def]
    """Children of the document element named ``tag`` (``/*/tag``), from a one-pass index."""
    index = ctx.memo.get("peppol.root")
    if index is None:
        index = ctx.memo["peppol.root"] = _root_index(ctx.root)
    return index.get(tag, [])  # type: ignore[no-any-return]


def root_kid(ctx, tag: str) -> _Element | None:  # type: ignore[no-untyped-def]
    """First child of the document element named ``tag``, or ``None``."""
    found = root_kids(ctx, tag)
    return found[0] if found else None


def ckids(ctx, el: _Element | None, tag: str) -> list[_Element]:  # type: ignore[no-untyped-def]
    """Children of ``el`` named ``tag``, from a per-document index built in one pass per element.

    For elements that several rules visit (invoice lines, prices): one walk of their children
    instead of one ``iterchildren(tag)`` per rule and tag.
    """
    if el is None:
        return []
    cache = ctx.memo.get("peppol.children")
    if cache is None:
        cache = ctx.memo["peppol.children"] = {}
    index = cache.get(el)
    if index is None:
        index = cache[el] = _root_index(el)
    return index.get(tag, [])  # type: ignore[no-any-return]


def ckid(ctx, el: _Element | None, tag: str) -> _Element | None:  # type: ignore[no-untyped-def]
    """First child of ``el`` named ``tag`` (see :func:`ckids`), or ``None``."""
    found = ckids(ctx, el, tag)
    return found[0] if found else None
