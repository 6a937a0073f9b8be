"""Synthetic invoices of any number of lines, derived from a valid corpus invoice.

The template must have one VAT breakdown and no document-level allowance or charge (the corpus
examples ``ubl-tc434-example9.xml`` and ``CII_example9.xml`` qualify). Its first line is
replicated ``n`` times with fresh line ids, and every total that depends on the lines is
recomputed (BR-CO-10, BR-CO-13, BR-CO-14, BR-CO-15, BR-CO-16, BR-CO-17, BR-S-08...), so the
result stays valid.
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal

from lxml import etree

__all__ = ["replicate"]

_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
_CENT = Decimal("0.01")


def _money(value: Decimal) -> str:
    return str(value.quantize(_CENT, ROUND_HALF_UP))


def _one(parent: etree._Element, path: str, ns: dict[str, str]) -> etree._Element:
    found = parent.find(path, ns)
    if found is None:
        raise ValueError(f"template lacks {path}")
    return found


def _set(parent: etree._Element, path: str, ns: dict[str, str], value: Decimal) -> None:
    el = parent.find(path, ns)
    if el is not None:
        el.text = _money(value)


def _ubl(root: etree._Element, n: int) -> None:
    ns = {"cac": _CAC, "cbc": _CBC}
    local = etree.QName(root).localname  # Invoice or CreditNote
    lines = root.findall(f"cac:{local}Line", ns)
    if root.findall("cac:AllowanceCharge", ns) or len(root.findall("cac:TaxTotal/cac:TaxSubtotal", ns)) != 1:
        raise ValueError("the UBL template needs one VAT breakdown and no document-level allowance/charge")
    line = lines[0]
    net = Decimal(_one(line, "cbc:LineExtensionAmount", ns).text)
    parent = line.getparent()
    at = parent.index(line)
    for old in lines:
        parent.remove(old)
    for i in range(n):
        clone = copy.deepcopy(line)
        _one(clone, "cbc:ID", ns).text = str(i + 1)
        parent.insert(at + i, clone)
    subtotal = _one(root, "cac:TaxTotal/cac:TaxSubtotal", ns)
    rate = Decimal(_one(subtotal, "cac:TaxCategory/cbc:Percent", ns).text or "0")
    total = net * n
    tax = (total * rate / 100).quantize(_CENT, ROUND_HALF_UP)
    _set(subtotal, "cbc:TaxableAmount", ns, total)
    _set(subtotal, "cbc:TaxAmount", ns, tax)
    _set(root, "cac:TaxTotal/cbc:TaxAmount", ns, tax)
    totals = _one(root, "cac:LegalMonetaryTotal", ns)
    prepaid = Decimal(totals.findtext("cbc:PrepaidAmount", "0", ns))
    for el in totals.findall("cbc:PayableRoundingAmount", ns):
        totals.remove(el)
    _set(totals, "cbc:LineExtensionAmount", ns, total)
    _set(totals, "cbc:TaxExclusiveAmount", ns, total)
    _set(totals, "cbc:TaxInclusiveAmount", ns, total + tax)
    _set(totals, "cbc:PayableAmount", ns, total + tax - prepaid)


def _cii(root: etree._Element, n: int) -> None:
    ns = {"rsm": _RSM, "ram": _RAM}
    transaction = _one(root, "rsm:SupplyChainTradeTransaction", ns)
    settlement = _one(transaction, "ram:ApplicableHeaderTradeSettlement", ns)
    taxes = settlement.findall("ram:ApplicableTradeTax", ns)
    if settlement.findall("ram:SpecifiedTradeAllowanceCharge", ns) or len(taxes) != 1:
        raise ValueError("the CII template needs one VAT breakdown and no document-level allowance/charge")
    lines = transaction.findall("ram:IncludedSupplyChainTradeLineItem", ns)
    line = lines[0]
    net = Decimal(
        _one(
            line,
            "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            ns,
        ).text
    )
    at = transaction.index(line)
    for old in lines:
        transaction.remove(old)
    for i in range(n):
        clone = copy.deepcopy(line)
        _one(clone, "ram:AssociatedDocumentLineDocument/ram:LineID", ns).text = str(i + 1)
        transaction.insert(at + i, clone)
    tax_el = taxes[0]
    rate = Decimal(tax_el.findtext("ram:RateApplicablePercent", "0", ns))
    total = net * n
    tax = (total * rate / 100).quantize(_CENT, ROUND_HALF_UP)
    _set(tax_el, "ram:BasisAmount", ns, total)
    _set(tax_el, "ram:CalculatedAmount", ns, tax)
    summation = _one(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation", ns)
    prepaid = Decimal(summation.findtext("ram:TotalPrepaidAmount", "0", ns))
    for el in summation.findall("ram:RoundingAmount", ns):
        summation.remove(el)
    _set(summation, "ram:LineTotalAmount", ns, total)
    _set(summation, "ram:TaxBasisTotalAmount", ns, total)
    _set(summation, "ram:TaxTotalAmount", ns, tax)
    _set(summation, "ram:GrandTotalAmount", ns, total + tax)
    _set(summation, "ram:DuePayableAmount", ns, total + tax - prepaid)


def replicate(template: bytes, n: int) -> bytes:
    """The template invoice with ``n`` copies of its first line and consistent totals."""
    root = etree.fromstring(template, etree.XMLParser(resolve_entities=False, no_network=True))
    if root.tag == f"{{{_RSM}}}CrossIndustryInvoice":
        _cii(root, n)
    else:
        _ubl(root, n)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
