"""UBL 2.1 Invoice / CreditNote → :class:`~facturier.einvoice.model.Invoice`.

Mapping per the CEN EN 16931 UBL syntax binding (the XPaths the official artefacts v1.3.16 use).
"""

from __future__ import annotations

from typing import Any

from lxml.etree import _Element

from ..errors import LimitExceededError
from ..model import (
    AdditionalDocument,
    Address,
    AllowanceCharge,
    Card,
    Contact,
    CreditTransfer,
    Delivery,
    Invoice,
    Item,
    ItemAttribute,
    Line,
    LineVat,
    Note,
    Party,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    Price,
    Totals,
    VatBreakdown,
)
from ..security import Limits
from ..values import Value
from ._walk import (
    Ctx,
    Table,
    amount,
    binary,
    classification,
    code,
    fill,
    group,
    ident,
    indicator,
    iso_date,
    number,
    quantity,
    sub,
    text,
    to_invoice,
)

CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"

_WS = " \t\r\n"


def _is_vat(scheme_el: _Element | None) -> bool:
    # Schematron: cac:TaxScheme/normalize-space(upper-case(cbc:ID)) = 'VAT'
    if scheme_el is None:
        return False
    sid = scheme_el.find(CBC + "ID")
    return sid is not None and (sid.text or "").strip(_WS).upper() == "VAT"


# --- addresses and parties -----------------------------------------------------------------------

ADDRESS: Table = {
    CBC + "StreetName": ("line1", text),
    CBC + "AdditionalStreetName": ("line2", text),
    CAC + "AddressLine": sub({CBC + "Line": ("line3", text)}),
    CBC + "CityName": ("city", text),
    CBC + "PostalZone": ("postcode", text),
    CBC + "CountrySubentity": ("subdivision", text),
    CAC + "Country": sub({CBC + "IdentificationCode": ("country", code)}),
}

_ADDRESS_ROLE = {"BG-4": "BG-5", "BG-7": "BG-8", "BG-11": "BG-12"}
_CONTACT_ROLE = {"BG-4": "BG-6", "BG-7": "BG-9"}

CONTACT: Table = {
    CBC + "Name": ("name", text),
    CBC + "Telephone": ("phone", text),
    CBC + "ElectronicMail": ("email", text),
    CBC + "ID": ("id", text),
}


def _party_identification(ctx: Ctx, party: Party, el: _Element) -> None:
    for c in el.iterchildren(CBC + "ID"):
        v = ident(c)
        # BT-90 (bank assigned creditor identifier) is carried as a SEPA-scheme party id.
        if v.scheme is not None and v.scheme.strip(_WS).upper() == "SEPA":
            ctx.inv.put("creditor_reference", v)
        else:
            party.identifiers.append(v)


def _party_tax_scheme(ctx: Ctx, party: Party, el: _Element) -> None:
    scheme = el.find(CAC + "TaxScheme")
    if scheme is not None:
        sid = scheme.find(CBC + "ID")
        if sid is not None:
            party.tax_schemes.append(code(sid))
    name = "vat_id" if _is_vat(scheme) else "tax_registration_id"
    for c in el.iterchildren(CBC + "CompanyID"):
        party.put(name, ident(c))


def _party_tables(role: str) -> Table:
    # Seller/buyer: RegistrationName is the name, PartyName the trading name. Payee and tax
    # representative: PartyName is the name (BT-59, BT-62).
    main = role in ("BG-4", "BG-7")
    t: Table = {
        CBC + "EndpointID": ("electronic_address", ident),
        CAC + "PartyIdentification": _party_identification,
        CAC + "PartyName": sub({CBC + "Name": ("trading_name" if main else "name", text)}),
        CAC + "PostalAddress": group(Address, "address", ADDRESS, _ADDRESS_ROLE.get(role, "")),
        CAC + "PartyTaxScheme": _party_tax_scheme,
        CAC + "PartyLegalEntity": sub(
            {
                CBC + "RegistrationName": ("name", text),
                CBC + "CompanyID": ("legal_id", ident),
                CBC + "CompanyLegalForm": ("legal_info", text),
            }
            if main
            else {CBC + "CompanyID": ("legal_id", ident)}
        ),
        CAC + "Contact": group(Contact, "contact", CONTACT, _CONTACT_ROLE.get(role, "")),
    }
    return t


def _party_wrapper(name: str, role: str) -> Any:
    """AccountingSupplierParty / AccountingCustomerParty: the party is the cac:Party child."""
    table = _party_tables(role)

    def h(ctx: Ctx, inv: Invoice, el: _Element) -> None:
        parties = list(el.iterchildren(CAC + "Party"))
        if not parties:
            inv.put(name, Party(el=el, role=role))
        for p in parties:
            party = Party(el=p, role=role)
            fill(ctx, party, p, table)
            inv.put(name, party)

    return h


def _party_direct(name: str, role: str) -> Any:
    """PayeeParty / TaxRepresentativeParty are themselves PartyType."""
    table = _party_tables(role)

    def h(ctx: Ctx, inv: Invoice, el: _Element) -> None:
        party = Party(el=el, role=role)
        fill(ctx, party, el, table)
        inv.put(name, party)

    return h


# --- delivery, payment ---------------------------------------------------------------------------

DELIVERY: Table = {
    CBC + "ActualDeliveryDate": ("actual_date", iso_date),
    CAC + "DeliveryLocation": sub(
        {
            CBC + "ID": ("location_id", ident),
            CAC + "Address": group(Address, "address", ADDRESS, "BG-15"),
        }
    ),
    CAC + "DeliveryParty": sub({CAC + "PartyName": sub({CBC + "Name": ("party_name", text)})}),
}


def _means_code(ctx: Ctx, pm: PaymentMeans, el: _Element) -> None:
    pm.put("type_code", code(el))
    name = el.get("name")
    if name is not None:
        pm.put("type_text", Value(name, el, "name"))


PAYMENT_MEANS: Table = {
    CBC + "PaymentMeansCode": _means_code,
    CBC + "PaymentDueDate": to_invoice("due_date", iso_date),
    CBC + "PaymentID": to_invoice("remittance_info", text),
    CAC + "CardAccount": group(
        Card,
        "card",
        {CBC + "PrimaryAccountNumberID": ("account_number", text), CBC + "HolderName": ("holder_name", text)},
        "BG-18",
    ),
    CAC + "PayeeFinancialAccount": group(
        CreditTransfer,
        "credit_transfer",
        {
            CBC + "ID": ("account_id", ident),
            CBC + "Name": ("account_name", text),
            CAC + "FinancialInstitutionBranch": sub({CBC + "ID": ("provider_id", ident)}),
        },
        "BG-17",
    ),
    CAC + "PaymentMandate": sub(
        {
            CBC + "ID": to_invoice("mandate_reference", text),
            CAC + "PayerFinancialAccount": sub({CBC + "ID": ("debited_account", ident)}),
        }
    ),
}

TAX_CATEGORY_AC: Table = {
    CBC + "ID": ("vat_category", code),
    CBC + "Percent": ("vat_rate", number),
    CAC + "TaxScheme": sub({CBC + "ID": ("tax_scheme", code)}),
}

ALLOWANCE_CHARGE: Table = {
    CBC + "ChargeIndicator": ("charge_indicator", indicator),
    CBC + "AllowanceChargeReasonCode": ("reason_code", code),
    CBC + "AllowanceChargeReason": ("reason", text),
    CBC + "MultiplierFactorNumeric": ("percentage", number),
    CBC + "Amount": ("amount", amount),
    CBC + "BaseAmount": ("base_amount", amount),
    CAC + "TaxCategory": sub(TAX_CATEGORY_AC),
}


def _allowance_charge(level: str) -> Any:
    roles = ("BG-20", "BG-21", "BG-20|BG-21") if level == "document" else ("BG-27", "BG-28", "BG-27|BG-28")

    def h(ctx: Ctx, node: Any, el: _Element) -> None:
        ac = AllowanceCharge(el=el)
        fill(ctx, ac, el, ALLOWANCE_CHARGE)
        ind = ac.charge_indicator.value if ac.charge_indicator is not None else None
        ac.role = roles[2] if ind is None else roles[1] if ind else roles[0]
        node.allowance_charges.append(ac)

    return h


# --- VAT and totals ------------------------------------------------------------------------------

SUBTOTAL: Table = {
    CBC + "TaxableAmount": ("taxable_amount", amount),
    CBC + "TaxAmount": ("tax_amount", amount),
    CAC + "TaxCategory": sub(
        {
            CBC + "ID": ("category", code),
            CBC + "Percent": ("rate", number),
            CBC + "TaxExemptionReasonCode": ("exemption_reason_code", code),
            CBC + "TaxExemptionReason": ("exemption_reason", text),
            CAC + "TaxScheme": sub({CBC + "ID": ("tax_scheme", code)}),
        }
    ),
}


def _totals(ctx: Ctx) -> Totals:
    inv = ctx.inv
    if inv.totals is None:
        inv.totals = Totals(role="BG-22")
    return inv.totals


def _tax_total(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    for c in el:
        if c.tag == CBC + "TaxAmount":
            _totals(ctx).tax_amounts.append(amount(c))
        elif c.tag == CAC + "TaxSubtotal":
            vb = VatBreakdown(el=c, role="BG-23")
            fill(ctx, vb, c, SUBTOTAL)
            inv.vat_breakdown.append(vb)


MONETARY_TOTAL: Table = {
    CBC + "LineExtensionAmount": ("line_total", amount),
    CBC + "TaxExclusiveAmount": ("tax_exclusive", amount),
    CBC + "TaxInclusiveAmount": ("tax_inclusive", amount),
    CBC + "AllowanceTotalAmount": ("allowance_total", amount),
    CBC + "ChargeTotalAmount": ("charge_total", amount),
    CBC + "PrepaidAmount": ("prepaid", amount),
    CBC + "PayableRoundingAmount": ("rounding", amount),
    CBC + "PayableAmount": ("payable", amount),
}


def _monetary_total(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    t = _totals(ctx)
    if t.el is None:
        t.el = el
    elif t.el is not el:  # a second LegalMonetaryTotal: keep it visible to count("BG-22")
        other = Totals(el=el, role="BG-22")
        fill(ctx, other, el, MONETARY_TOTAL)
        inv.put("totals", other)
        return
    fill(ctx, t, el, MONETARY_TOTAL)


# --- document references -------------------------------------------------------------------------


BILLING_REFERENCE: Table = {
    CAC + "InvoiceDocumentReference": sub({CBC + "ID": ("reference", text), CBC + "IssueDate": ("issue_date", iso_date)})
}


def _billing_reference(ctx: Ctx, node: Invoice | Line, el: _Element) -> None:
    # One BG-3 per cac:BillingReference: that is the Schematron's context for BR-55. EXTENDED
    # invoices also carry it on lines (node is then the line).
    pi = PrecedingInvoice(el=el, role="BG-3")
    fill(ctx, pi, el, BILLING_REFERENCE)
    node.preceding_invoices.append(pi)


ADDITIONAL_DOCUMENT: Table = {
    CBC + "ID": ("reference", ident),
    CBC + "DocumentTypeCode": ("type_code", code),
    CBC + "DocumentDescription": ("description", text),
    CAC + "Attachment": sub(
        {
            CBC + "EmbeddedDocumentBinaryObject": ("attachment", binary),
            CAC + "ExternalReference": sub({CBC + "URI": ("url", text)}),
        }
    ),
}


def _additional_document(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    doc = AdditionalDocument(el=el)
    fill(ctx, doc, el, ADDITIONAL_DOCUMENT)
    # Exact string comparison, as the Schematron's cbc:DocumentTypeCode = '130'.
    tc = doc.type_code.raw if doc.type_code is not None else None
    if tc == "130":
        doc.role = "BT-18"
        for ref in doc.all("reference"):
            inv.put("object_id", ref)
    elif tc == "50" and inv.document == "CreditNote":
        doc.role = "BT-11"
        for ref in doc.all("reference"):
            inv.put("project_reference", ref)
    else:
        doc.role = "BG-24"
    inv.additional_documents.append(doc)


# --- lines ---------------------------------------------------------------------------------------

PRICE: Table = {
    CBC + "PriceAmount": ("net_price", amount),
    CBC + "BaseQuantity": ("base_quantity", quantity),
    CAC + "AllowanceCharge": sub({CBC + "Amount": ("discount", amount), CBC + "BaseAmount": ("gross_price", amount)}),
}

LINE_VAT: Table = {
    CBC + "ID": ("category", code),
    CBC + "Percent": ("rate", number),
    CAC + "TaxScheme": sub({CBC + "ID": ("tax_scheme", code)}),
}


def _classified_tax(ctx: Ctx, item: Item, el: _Element) -> None:
    vat = LineVat(el=el, role="BG-30")
    fill(ctx, vat, el, LINE_VAT)
    assert ctx.line is not None
    ctx.line.put("vat", vat)


ITEM: Table = {
    CBC + "Description": ("description", text),
    CBC + "Name": ("name", text),
    CAC + "BuyersItemIdentification": sub({CBC + "ID": ("buyer_id", ident)}),
    CAC + "SellersItemIdentification": sub({CBC + "ID": ("seller_id", ident)}),
    CAC + "StandardItemIdentification": sub({CBC + "ID": ("standard_id", ident)}),
    CAC + "OriginCountry": sub({CBC + "IdentificationCode": ("origin_country", code)}),
    CAC + "CommodityClassification": sub({CBC + "ItemClassificationCode": ("classifications", classification)}),
    CAC + "ClassifiedTaxCategory": _classified_tax,
    CAC + "AdditionalItemProperty": group(
        ItemAttribute, "attributes", {CBC + "Name": ("name", text), CBC + "Value": ("value", text)}, "BG-32"
    ),
}

LINE: Table = {
    CBC + "ID": ("id", text),
    CBC + "Note": ("note", text),
    CBC + "InvoicedQuantity": ("quantity", quantity),
    CBC + "CreditedQuantity": ("quantity", quantity),
    CBC + "LineExtensionAmount": ("net_amount", amount),
    CBC + "AccountingCost": ("accounting_reference", text),
    CAC + "InvoicePeriod": group(
        Period, "period", {CBC + "StartDate": ("start", iso_date), CBC + "EndDate": ("end", iso_date)}, "BG-26"
    ),
    CAC + "OrderLineReference": sub({CBC + "LineID": ("order_line_reference", text)}),
    CAC + "DocumentReference": sub({CBC + "ID": ("object_id", ident)}),
    CAC + "AllowanceCharge": _allowance_charge("line"),
    CAC + "Item": group(Item, "item", ITEM, "BG-31"),
    CAC + "Price": group(Price, "price", PRICE, "BG-29"),
    # EXTENDED (not EN 16931) line blocks, kept for BR-55 / BR-57.
    CAC + "Delivery": group(Delivery, "delivery", DELIVERY, "BG-13"),
    CAC + "BillingReference": _billing_reference,
}


def _line(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    line = Line(el=el, role="BG-25")
    ctx.line = line
    fill(ctx, line, el, LINE)
    ctx.line = None
    inv.lines.append(line)


# --- header --------------------------------------------------------------------------------------


def _note(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    inv.notes.append(Note(el=el, role="BG-1", text=text(el)))


def _invoice_period(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    p = Period(el=el, role="BG-14")
    for c in el:
        if c.tag == CBC + "StartDate":
            p.put("start", iso_date(c))
        elif c.tag == CBC + "EndDate":
            p.put("end", iso_date(c))
        elif c.tag == CBC + "DescriptionCode":
            inv.put("tax_point_date_code", code(c))
    inv.put("period", p)


ROOT: Table = {
    CBC + "CustomizationID": ("specification_id", text),
    CBC + "ProfileID": ("business_process", text),
    CBC + "ID": ("number", text),
    CBC + "IssueDate": ("issue_date", iso_date),
    CBC + "DueDate": ("due_date", iso_date),
    CBC + "InvoiceTypeCode": ("type_code", code),
    CBC + "CreditNoteTypeCode": ("type_code", code),
    CBC + "Note": _note,
    CBC + "TaxPointDate": ("tax_point_date", iso_date),
    CBC + "DocumentCurrencyCode": ("currency", code),
    CBC + "TaxCurrencyCode": ("tax_currency", code),
    CBC + "AccountingCost": ("buyer_accounting_reference", text),
    CBC + "BuyerReference": ("buyer_reference", text),
    CAC + "InvoicePeriod": _invoice_period,
    CAC + "OrderReference": sub(
        {CBC + "ID": ("purchase_order_reference", text), CBC + "SalesOrderID": ("sales_order_reference", text)}
    ),
    CAC + "BillingReference": _billing_reference,
    CAC + "DespatchDocumentReference": sub({CBC + "ID": ("despatch_advice_reference", text)}),
    CAC + "ReceiptDocumentReference": sub({CBC + "ID": ("receiving_advice_reference", text)}),
    CAC + "OriginatorDocumentReference": sub({CBC + "ID": ("tender_reference", text)}),
    CAC + "ContractDocumentReference": sub({CBC + "ID": ("contract_reference", text)}),
    CAC + "AdditionalDocumentReference": _additional_document,
    CAC + "ProjectReference": sub({CBC + "ID": ("project_reference", text)}),
    CAC + "AccountingSupplierParty": _party_wrapper("seller", "BG-4"),
    CAC + "AccountingCustomerParty": _party_wrapper("buyer", "BG-7"),
    CAC + "PayeeParty": _party_direct("payee", "BG-10"),
    CAC + "TaxRepresentativeParty": _party_direct("tax_representative", "BG-11"),
    CAC + "Delivery": group(Delivery, "delivery", DELIVERY, "BG-13"),
    CAC + "PaymentMeans": group(PaymentMeans, "payment_means", PAYMENT_MEANS, "BG-16"),
    CAC + "PaymentTerms": sub({CBC + "Note": ("payment_terms", text)}),
    CAC + "AllowanceCharge": _allowance_charge("document"),
    CAC + "TaxTotal": _tax_total,
    CAC + "LegalMonetaryTotal": _monetary_total,
    CAC + "InvoiceLine": _line,
    CAC + "CreditNoteLine": _line,
}


def split_tax_totals(inv: Invoice) -> None:
    """Pick BT-110 / BT-111 among the tax total amounts by currency, as the Schematron does."""
    t = inv.totals
    if t is None or not t.tax_amounts:
        return
    cur = inv.currency.raw if inv.currency is not None else None
    tax_cur = inv.tax_currency.raw if inv.tax_currency is not None else None
    for a in t.tax_amounts:
        if a.currency is not None and a.currency == cur:
            t.put("tax_total", a)
        elif tax_cur is not None and a.currency == tax_cur:
            t.put("tax_total_in_tax_currency", a)


def read_ubl(root: _Element, limits: Limits) -> Invoice:
    """Build the model from a parsed UBL ``Invoice`` or ``CreditNote`` root element."""
    document = "CreditNote" if root.tag.endswith("}CreditNote") else "Invoice"
    n_lines = sum(1 for _ in root.iterchildren(CAC + "InvoiceLine", CAC + "CreditNoteLine"))
    if n_lines > limits.max_lines:
        raise LimitExceededError(limit="max_lines", max=limits.max_lines)
    inv = Invoice(el=root, document=document)
    fill(Ctx(inv), inv, root, ROOT)
    split_tax_totals(inv)
    return inv
