"""UN/CEFACT CII D16B (Factur-X / ZUGFeRD 2.x / XRechnung CII) → :class:`Invoice`.

One reader serves every Factur-X profile: MINIMUM and BASIC WL documents simply lack some
groups, EXTENDED documents carry extra elements that are ignored here (syntax rules read them
from the tree). Mapping per the CEN EN 16931 CII syntax binding.
"""

from __future__ import annotations

from typing import Any

from lxml.etree import _Element

from ..errors import LimitExceededError
from ..model import (
    AdditionalDocument,
    Address,
    Card,
    Contact,
    CreditTransfer,
    Delivery,
    Invoice,
    Note,
    Party,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    Totals,
    VatBreakdown,
)
from ..security import Limits
from ..values import Code
from ._walk import (
    Ctx,
    Table,
    amount,
    binary,
    cii_date,
    code,
    fill,
    group,
    ident,
    number,
    sub,
    text,
)
from .cii_common import PERIOD, QDT, RAM, RSM, UDT, WS, allowance_charge, date_into
from .cii_lines import read_line
from .ubl import split_tax_totals

# --- parties -------------------------------------------------------------------------------------

ADDRESS: Table = {
    RAM + "PostcodeCode": ("postcode", text),
    RAM + "LineOne": ("line1", text),
    RAM + "LineTwo": ("line2", text),
    RAM + "LineThree": ("line3", text),
    RAM + "CityName": ("city", text),
    RAM + "CountryID": ("country", code),
    RAM + "CountrySubDivisionName": ("subdivision", text),
}

CONTACT: Table = {
    RAM + "PersonName": ("name", text),
    RAM + "DepartmentName": ("department", text),
    RAM + "TelephoneUniversalCommunication": sub({RAM + "CompleteNumber": ("phone", text)}),
    RAM + "EmailURIUniversalCommunication": sub({RAM + "URIID": ("email", text)}),
}


def _tax_registration(ctx: Ctx, party: Party, el: _Element) -> None:
    for c in el.iterchildren(RAM + "ID"):
        v = ident(c)
        scheme = (v.scheme or "").strip(WS)
        if v.scheme is not None:
            party.tax_schemes.append(Code(v.scheme, c, "schemeID"))
        if scheme == "VA":
            party.put("vat_id", v)
        elif scheme == "FC":
            party.put("tax_registration_id", v)


_ADDRESS_ROLE = {"BG-4": "BG-5", "BG-7": "BG-8", "BG-11": "BG-12"}
_CONTACT_ROLE = {"BG-4": "BG-6", "BG-7": "BG-9"}


def _party_table(role: str) -> Table:
    return {
        RAM + "ID": ("identifiers", ident),
        RAM + "GlobalID": ("identifiers", ident),
        RAM + "Name": ("name", text),
        RAM + "Description": ("legal_info", text),
        RAM + "SpecifiedLegalOrganization": sub(
            {RAM + "ID": ("legal_id", ident), RAM + "TradingBusinessName": ("trading_name", text)}
        ),
        RAM + "DefinedTradeContact": group(Contact, "contact", CONTACT, _CONTACT_ROLE.get(role, "")),
        RAM + "PostalTradeAddress": group(Address, "address", ADDRESS, _ADDRESS_ROLE.get(role, "")),
        RAM + "URIUniversalCommunication": sub({RAM + "URIID": ("electronic_address", ident)}),
        RAM + "SpecifiedTaxRegistration": _tax_registration,
    }


def party(name: str, role: str) -> Any:
    return group(Party, name, _party_table(role), role)


# --- agreement -----------------------------------------------------------------------------------


def _additional_document(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    doc = AdditionalDocument(el=el)
    fill(ctx, doc, el, ADDITIONAL_DOCUMENT)
    tc = doc.type_code.raw.strip(WS) if doc.type_code is not None else None
    if tc == "130":
        doc.role = "BT-18"
        ref_type = el.find(RAM + "ReferenceTypeCode")
        for ref in doc.all("reference"):
            # BT-18-1 is a sibling element in CII, not an attribute.
            ref.scheme = (ref_type.text or "") if ref_type is not None else None
            inv.put("object_id", ref)
    elif tc == "50":
        doc.role = "BT-17"
        for ref in doc.all("reference"):
            inv.put("tender_reference", ref)
    elif tc == "916":
        doc.role = "BG-24"
    inv.additional_documents.append(doc)


ADDITIONAL_DOCUMENT: Table = {
    RAM + "IssuerAssignedID": ("reference", ident),
    RAM + "URIID": ("url", text),
    RAM + "TypeCode": ("type_code", code),
    RAM + "Name": ("description", text),
    RAM + "AttachmentBinaryObject": ("attachment", binary),
}

AGREEMENT: Table = {
    RAM + "BuyerReference": ("buyer_reference", text),
    RAM + "SellerTradeParty": party("seller", "BG-4"),
    RAM + "BuyerTradeParty": party("buyer", "BG-7"),
    RAM + "SellerTaxRepresentativeTradeParty": party("tax_representative", "BG-11"),
    RAM + "SellerOrderReferencedDocument": sub({RAM + "IssuerAssignedID": ("sales_order_reference", text)}),
    RAM + "BuyerOrderReferencedDocument": sub({RAM + "IssuerAssignedID": ("purchase_order_reference", text)}),
    RAM + "ContractReferencedDocument": sub({RAM + "IssuerAssignedID": ("contract_reference", text)}),
    RAM + "AdditionalReferencedDocument": _additional_document,
    RAM + "SpecifiedProcuringProject": sub({RAM + "ID": ("project_reference", text)}),
}

# --- delivery ------------------------------------------------------------------------------------


def _delivery(ctx: Ctx) -> Delivery:
    inv = ctx.inv
    if inv.delivery is None:
        inv.delivery = Delivery(el=ctx.scratch.get("delivery_el"), role="BG-13")
    return inv.delivery


SHIP_TO: Table = {
    RAM + "ID": ("location_id", ident),
    RAM + "GlobalID": ("location_id", ident),
    RAM + "Name": ("party_name", text),
    RAM + "PostalTradeAddress": group(Address, "address", ADDRESS, "BG-15"),
}


def _ship_to(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    fill(ctx, _delivery(ctx), el, SHIP_TO)


def _delivery_event(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    d = _delivery(ctx)
    for occ in el.iterchildren(RAM + "OccurrenceDateTime"):
        for dts in occ.iterchildren(UDT + "DateTimeString"):
            d.put("actual_date", cii_date(dts))


DELIVERY: Table = {
    RAM + "ShipToTradeParty": _ship_to,
    RAM + "ActualDeliverySupplyChainEvent": _delivery_event,
    RAM + "DespatchAdviceReferencedDocument": sub({RAM + "IssuerAssignedID": ("despatch_advice_reference", text)}),
    RAM + "ReceivingAdviceReferencedDocument": sub({RAM + "IssuerAssignedID": ("receiving_advice_reference", text)}),
}


def _header_delivery(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    ctx.scratch["delivery_el"] = el
    fill(ctx, inv, el, DELIVERY)


# --- settlement ----------------------------------------------------------------------------------

def _date_to_invoice(name: str, wrapper_child: str) -> Any:
    def h(ctx: Ctx, node: Any, el: _Element) -> None:
        for c in el.iterchildren(wrapper_child):
            v = cii_date(c)
            node.put(name, v)
            ctx.inv.put(name, v)

    return h


def _credit_transfer(ctx: Ctx, pm: PaymentMeans) -> CreditTransfer:
    # The BIC (BT-86) is a sibling of the account in CII; it belongs to the first transfer.
    if pm.credit_transfer is None:
        pm.credit_transfer = CreditTransfer(el=pm.el, role="BG-17")
    return pm.credit_transfer


def _creditor_account(ctx: Ctx, pm: PaymentMeans, el: _Element) -> None:
    ct = CreditTransfer(el=el, role="BG-17")
    fill(ctx, ct, el, CREDITOR_ACCOUNT)
    pm.put("credit_transfer", ct)


CREDITOR_ACCOUNT: Table = {
    RAM + "IBANID": ("account_id", ident),
    RAM + "ProprietaryID": ("account_id", ident),
    RAM + "AccountName": ("account_name", text),
}


def _creditor_institution(ctx: Ctx, pm: PaymentMeans, el: _Element) -> None:
    ct = _credit_transfer(ctx, pm)
    for c in el.iterchildren(RAM + "BICID"):
        ct.put("provider_id", ident(c))


PAYMENT_MEANS: Table = {
    RAM + "TypeCode": ("type_code", code),
    RAM + "Information": ("type_text", text),
    RAM + "ApplicableTradeSettlementFinancialCard": group(
        Card, "card", {RAM + "ID": ("account_number", text), RAM + "CardholderName": ("holder_name", text)}, "BG-18"
    ),
    RAM + "PayerPartyDebtorFinancialAccount": sub({RAM + "IBANID": ("debited_account", ident)}),
    RAM + "PayeePartyCreditorFinancialAccount": _creditor_account,
    RAM + "PayeeSpecifiedCreditorFinancialInstitution": _creditor_institution,
}

def _due_date_type_code(ctx: Ctx, vb: VatBreakdown, el: _Element) -> None:
    v = code(el)
    vb.put("tax_point_date_code", v)
    ctx.inv.put("tax_point_date_code", v)


HEADER_TAX: Table = {
    RAM + "CalculatedAmount": ("tax_amount", amount),
    RAM + "TypeCode": ("tax_scheme", code),
    RAM + "ExemptionReason": ("exemption_reason", text),
    RAM + "BasisAmount": ("taxable_amount", amount),
    RAM + "CategoryCode": ("category", code),
    RAM + "ExemptionReasonCode": ("exemption_reason_code", code),
    RAM + "TaxPointDate": _date_to_invoice("tax_point_date", UDT + "DateString"),
    RAM + "DueDateTypeCode": _due_date_type_code,
    RAM + "RateApplicablePercent": ("rate", number),
}

PAYMENT_TERMS: Table = {
    RAM + "Description": ("payment_terms", text),
    RAM + "DueDateDateTime": date_into("due_date"),
    RAM + "DirectDebitMandateID": ("mandate_reference", text),
}

SUMMATION: Table = {
    RAM + "LineTotalAmount": ("line_total", amount),
    RAM + "ChargeTotalAmount": ("charge_total", amount),
    RAM + "AllowanceTotalAmount": ("allowance_total", amount),
    RAM + "TaxBasisTotalAmount": ("tax_exclusive", amount),
    RAM + "TaxTotalAmount": ("tax_amounts", amount),
    RAM + "RoundingAmount": ("rounding", amount),
    RAM + "GrandTotalAmount": ("tax_inclusive", amount),
    RAM + "TotalPrepaidAmount": ("prepaid", amount),
    RAM + "DuePayableAmount": ("payable", amount),
}


PRECEDING: Table = {
    RAM + "IssuerAssignedID": ("reference", text),
    RAM + "FormattedIssueDateTime": date_into("issue_date", QDT + "DateTimeString"),
}


def _preceding(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    pi = PrecedingInvoice(el=el, role="BG-3")
    fill(ctx, pi, el, PRECEDING)
    inv.preceding_invoices.append(pi)


SETTLEMENT: Table = {
    RAM + "CreditorReferenceID": ("creditor_reference", ident),
    RAM + "PaymentReference": ("remittance_info", text),
    RAM + "TaxCurrencyCode": ("tax_currency", code),
    RAM + "InvoiceCurrencyCode": ("currency", code),
    RAM + "PayeeTradeParty": party("payee", "BG-10"),
    RAM + "SpecifiedTradeSettlementPaymentMeans": group(PaymentMeans, "payment_means", PAYMENT_MEANS, "BG-16"),
    RAM + "ApplicableTradeTax": group(VatBreakdown, "vat_breakdown", HEADER_TAX, "BG-23"),
    RAM + "BillingSpecifiedPeriod": group(Period, "period", PERIOD, "BG-14"),
    RAM + "SpecifiedTradeAllowanceCharge": allowance_charge("document"),
    RAM + "SpecifiedTradePaymentTerms": sub(PAYMENT_TERMS),
    RAM + "SpecifiedTradeSettlementHeaderMonetarySummation": group(Totals, "totals", SUMMATION, "BG-22"),
    RAM + "InvoiceReferencedDocument": _preceding,
    RAM + "ReceivableSpecifiedTradeAccountingAccount": sub({RAM + "ID": ("buyer_accounting_reference", text)}),
}

# --- root ----------------------------------------------------------------------------------------

TRANSACTION: Table = {
    RAM + "IncludedSupplyChainTradeLineItem": read_line,
    RAM + "ApplicableHeaderTradeAgreement": sub(AGREEMENT),
    RAM + "ApplicableHeaderTradeDelivery": _header_delivery,
    RAM + "ApplicableHeaderTradeSettlement": sub(SETTLEMENT),
}


NOTE: Table = {RAM + "Content": ("text", text), RAM + "SubjectCode": ("subject_code", code)}


def _note(ctx: Ctx, inv: Invoice, el: _Element) -> None:
    note = Note(el=el, role="BG-1")
    fill(ctx, note, el, NOTE)
    inv.notes.append(note)


ROOT: Table = {
    RSM + "ExchangedDocumentContext": sub(
        {
            RAM + "BusinessProcessSpecifiedDocumentContextParameter": sub({RAM + "ID": ("business_process", text)}),
            RAM + "GuidelineSpecifiedDocumentContextParameter": sub({RAM + "ID": ("specification_id", text)}),
        }
    ),
    RSM + "ExchangedDocument": sub(
        {
            RAM + "ID": ("number", text),
            RAM + "TypeCode": ("type_code", code),
            RAM + "IssueDateTime": date_into("issue_date"),
            RAM + "IncludedNote": _note,
        }
    ),
    RSM + "SupplyChainTradeTransaction": sub(TRANSACTION),
}


def read_cii(root: _Element, limits: Limits) -> Invoice:
    """Build the model from a parsed ``rsm:CrossIndustryInvoice`` root element."""
    n_lines = 0
    for tx in root.iterchildren(RSM + "SupplyChainTradeTransaction"):
        n_lines += sum(1 for _ in tx.iterchildren(RAM + "IncludedSupplyChainTradeLineItem"))
    if n_lines > limits.max_lines:
        raise LimitExceededError(limit="max_lines", max=limits.max_lines)
    inv = Invoice(el=root, document="CrossIndustryInvoice")
    fill(Ctx(inv), inv, root, ROOT)
    split_tax_totals(inv)
    return inv
