"""CII invoice lines (BG-25, ``ram:IncludedSupplyChainTradeLineItem``) → :class:`Line`."""

from __future__ import annotations

from lxml.etree import _Element

from ..model import AdditionalDocument, Invoice, Item, ItemAttribute, Line, LineVat, Period, Price
from ._walk import Ctx, Table, amount, classification, code, fill, group, ident, number, quantity, sub, text
from .cii_common import PERIOD, RAM, allowance_charge

# --- lines ---------------------------------------------------------------------------------------

PRODUCT: Table = {
    RAM + "GlobalID": ("standard_id", ident),
    RAM + "SellerAssignedID": ("seller_id", ident),
    RAM + "BuyerAssignedID": ("buyer_id", ident),
    RAM + "Name": ("name", text),
    RAM + "Description": ("description", text),
    RAM + "ApplicableProductCharacteristic": group(
        ItemAttribute, "attributes", {RAM + "Description": ("name", text), RAM + "Value": ("value", text)}, "BG-32"
    ),
    RAM + "DesignatedProductClassification": sub({RAM + "ClassCode": ("classifications", classification)}),
    RAM + "OriginTradeCountry": sub({RAM + "ID": ("origin_country", code)}),
}


def _price(ctx: Ctx) -> Price:
    line = ctx.line
    assert line is not None
    if line.price is None:
        line.price = Price(el=ctx.scratch.get("agreement_el"), role="BG-29")
    return line.price


GROSS_PRICE: Table = {
    RAM + "ChargeAmount": ("gross_price", amount),
    RAM + "BasisQuantity": ("base_quantity", quantity),
    RAM + "AppliedTradeAllowanceCharge": sub({RAM + "ActualAmount": ("discount", amount)}),
}
NET_PRICE: Table = {RAM + "ChargeAmount": ("net_price", amount), RAM + "BasisQuantity": ("base_quantity", quantity)}


def _gross_price(ctx: Ctx, line: Line, el: _Element) -> None:
    fill(ctx, _price(ctx), el, GROSS_PRICE)


def _net_price(ctx: Ctx, line: Line, el: _Element) -> None:
    fill(ctx, _price(ctx), el, NET_PRICE)


LINE_AGREEMENT: Table = {
    RAM + "BuyerOrderReferencedDocument": sub({RAM + "LineID": ("order_line_reference", text)}),
    RAM + "GrossPriceProductTradePrice": _gross_price,
    RAM + "NetPriceProductTradePrice": _net_price,
}


def _line_agreement(ctx: Ctx, line: Line, el: _Element) -> None:
    ctx.scratch["agreement_el"] = el
    fill(ctx, line, el, LINE_AGREEMENT)


def _line_object(ctx: Ctx, line: Line, el: _Element) -> None:
    ref_type = el.find(RAM + "ReferenceTypeCode")
    doc = AdditionalDocument(el=el, role="BT-128")
    for c in el.iterchildren(RAM + "IssuerAssignedID"):
        v = ident(c)
        v.scheme = (ref_type.text or "") if ref_type is not None else None
        line.put("object_id", v)
        doc.put("reference", v)
    line.object_documents.append(doc)


LINE_SETTLEMENT: Table = {
    RAM + "ApplicableTradeTax": group(
        LineVat,
        "vat",
        {
            RAM + "TypeCode": ("tax_scheme", code),
            RAM + "CategoryCode": ("category", code),
            RAM + "RateApplicablePercent": ("rate", number),
        },
        "BG-30",
    ),
    RAM + "BillingSpecifiedPeriod": group(Period, "period", PERIOD, "BG-26"),
    RAM + "SpecifiedTradeAllowanceCharge": allowance_charge("line"),
    RAM + "SpecifiedTradeSettlementLineMonetarySummation": sub({RAM + "LineTotalAmount": ("net_amount", amount)}),
    RAM + "AdditionalReferencedDocument": _line_object,
    RAM + "ReceivableSpecifiedTradeAccountingAccount": sub({RAM + "ID": ("accounting_reference", text)}),
}

LINE: Table = {
    RAM + "AssociatedDocumentLineDocument": sub(
        {RAM + "LineID": ("id", text), RAM + "IncludedNote": sub({RAM + "Content": ("note", text)})}
    ),
    RAM + "SpecifiedTradeProduct": group(Item, "item", PRODUCT, "BG-31"),
    RAM + "SpecifiedLineTradeAgreement": _line_agreement,
    RAM + "SpecifiedLineTradeDelivery": sub({RAM + "BilledQuantity": ("quantity", quantity)}),
    RAM + "SpecifiedLineTradeSettlement": sub(LINE_SETTLEMENT),
}


def read_line(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    line = Line(el=el, role="BG-25")
    ctx.line = line
    fill(ctx, line, el, LINE)
    ctx.line = None
    inv.lines.append(line)
