""":class:`~facturier.einvoice.model.Invoice` → UN/CEFACT CII D16B (Factur-X / ZUGFeRD 2.x).

Mapping per the CEN EN 16931 CII syntax binding (the inverse of :mod:`..readers.cii`). Element
order and cardinalities follow the Factur-X 1.09 EN 16931 profile XSD, which is a subset of CII
D16B: the output passes it (and the EXTENDED XSD, its superset). Only EN 16931 terms are written,
so an EXTENDED document read and written again comes back as its EN 16931 content.

Syntax choices:

* amounts carry no ``@currencyID`` except ``TaxTotalAmount``, where the currency tells BT-110
  from BT-111 (CEN rule CII-DT-031 forbids it elsewhere);
* an identifier with a scheme is a ``GlobalID`` (BT-29, BT-46, BT-60, BT-71, BT-157), without one
  a plain ``ID``;
* BT-7 / BT-8 sit in ``ApplicableTradeTax`` (CII has no header-level tax point date): a header
  value (UBL, built invoice) goes to the first one, as in the CEN CII examples; BT-8 codes are
  translated from UNTDID 2005 to 2475 (``._common.TAX_POINT_CODE_UBL_TO_CII``);
* repetitions that only the EXTENDED profile allows (several line notes, line object
  identifiers, price discounts, payment terms, contacts, accounting references) are written only
  when BT-24 names EXTENDED (or EXTENDED-CTC-FR); otherwise the first occurrence is, so that the
  output stays within the EN 16931 profile XSD.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from ..detect import CII_NS, Profile, profile_of
from ..model import (
    AdditionalDocument,
    Address,
    AllowanceCharge,
    Contact,
    Invoice,
    Line,
    Party,
    PaymentMeans,
    Price,
    VatBreakdown,
)
from ..values import Amount, DateValue, Identifier, Quantity, Value
from ._common import TAX_POINT_CODE_UBL_TO_CII, cii_date, is_cii_source, serialize, total

__all__ = ["cii_tree", "write_cii"]

RAM_NS = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT_NS = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT_NS = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
RSM = "{%s}" % CII_NS
RAM = "{%s}" % RAM_NS
UDT = "{%s}" % UDT_NS
QDT = "{%s}" % QDT_NS
NSMAP = {"rsm": CII_NS, "qdt": QDT_NS, "ram": RAM_NS, "udt": UDT_NS}

# BT-84 goes to IBANID when it looks like an IBAN, else ProprietaryID (EN 16931: "IBAN for SEPA
# payments", any other account identifier otherwise).
_IBAN_RE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")

# Written as the mandatory ram:Name of the procuring project (BT-11 has no name in EN 16931).
PROJECT_NAME = "Project reference"


def _sub(parent: etree._Element, tag: str) -> etree._Element:
    return etree.SubElement(parent, tag)


class _Writer:
    def __init__(self, invoice: Invoice) -> None:
        self.inv = invoice
        self.from_cii = is_cii_source(invoice)
        spec = invoice.specification_id.raw if invoice.specification_id is not None else None
        self.extended = profile_of(spec) in (Profile.EXTENDED, Profile.EXTENDED_CTC_FR)

    def many(self, g: Any, name: str) -> list[Any]:
        """Every occurrence of a term whose repetition only EXTENDED allows, else the first."""
        values = g.all(name)
        return values if self.extended else values[:1]

    # -- leaves ----------------------------------------------------------------------------------

    def text(self, parent: etree._Element, tag: str, v: Value | None) -> None:
        if v is not None:
            etree.SubElement(parent, tag).text = v.raw

    def amount(
        self,
        parent: etree._Element,
        tag: str,
        v: Amount | None,
        *,
        raw: str | None = None,
        required: bool = False,
        currency: str | None = None,
    ) -> None:
        """Write ``v`` (else ``raw``); a mandatory element without a value is written empty."""
        if v is None and raw is None:
            if not required:
                return
            raw = ""
        el = etree.SubElement(parent, tag)
        el.text = v.raw if v is not None else raw
        if currency is not None:
            el.set("currencyID", currency)

    def quantity(self, parent: etree._Element, tag: str, v: Quantity | None) -> None:
        if v is not None:
            el = etree.SubElement(parent, tag)
            el.text = v.raw
            if v.unit is not None:
                el.set("unitCode", v.unit)

    def ident(self, parent: etree._Element, tag: str, v: Identifier | None, scheme: bool = True) -> None:
        if v is not None:
            el = etree.SubElement(parent, tag)
            el.text = v.raw
            if scheme and v.scheme is not None:
                el.set("schemeID", v.scheme)

    def date(
        self, parent: etree._Element, tag: str, v: DateValue | None, child: str = UDT + "DateTimeString"
    ) -> None:
        if v is not None:
            text, fmt = cii_date(v)
            el = etree.SubElement(etree.SubElement(parent, tag), child)
            el.text = text
            el.set("format", fmt)

    def scheme(self, code: Value | None) -> str:
        """The tax scheme (``TypeCode``, "VAT"): raw when read from CII, else normalised (the UBL
        Schematron tolerates " VAT", CII-DT-037 does not)."""
        if code is None:
            return "VAT"
        return code.raw if self.from_cii else code.normalized

    def ids(self, parent: etree._Element, values: list[Identifier]) -> None:
        # TradePartyType: every ram:ID precedes every ram:GlobalID.
        for v in values:
            if v.scheme is None:
                self.ident(parent, RAM + "ID", v)
        for v in values:
            if v.scheme is not None:
                self.ident(parent, RAM + "GlobalID", v)

    # -- document --------------------------------------------------------------------------------

    def document(self) -> etree._Element:
        inv = self.inv
        root = etree.Element(RSM + "CrossIndustryInvoice", nsmap=NSMAP)
        ctx = _sub(root, RSM + "ExchangedDocumentContext")
        if inv.business_process is not None:
            self.text(
                _sub(ctx, RAM + "BusinessProcessSpecifiedDocumentContextParameter"),
                RAM + "ID",
                inv.business_process,
            )
        guideline = _sub(ctx, RAM + "GuidelineSpecifiedDocumentContextParameter")
        etree.SubElement(guideline, RAM + "ID").text = (
            inv.specification_id.raw if inv.specification_id else ""
        )

        doc = _sub(root, RSM + "ExchangedDocument")
        etree.SubElement(doc, RAM + "ID").text = inv.number.raw if inv.number is not None else ""
        etree.SubElement(doc, RAM + "TypeCode").text = inv.type_code.raw if inv.type_code is not None else ""
        if inv.issue_date is not None:
            self.date(doc, RAM + "IssueDateTime", inv.issue_date)
        for note in inv.notes:
            if note.text is None:
                continue
            n = _sub(doc, RAM + "IncludedNote")
            self.text(n, RAM + "Content", note.text)
            self.text(n, RAM + "SubjectCode", note.subject_code)

        tx = _sub(root, RSM + "SupplyChainTradeTransaction")
        for line in inv.lines:
            self.line(tx, line)
        self.agreement(_sub(tx, RAM + "ApplicableHeaderTradeAgreement"))
        self.delivery(_sub(tx, RAM + "ApplicableHeaderTradeDelivery"))
        self.settlement(_sub(tx, RAM + "ApplicableHeaderTradeSettlement"))
        return root

    # -- agreement -------------------------------------------------------------------------------

    def agreement(self, el: etree._Element) -> None:
        inv = self.inv
        reference = inv.buyer_reference
        if (
            reference is None
            and not self.from_cii
            and inv.buyer is not None
            and inv.buyer.contact is not None
        ):
            # The Chorus Pro service code that UBL as generated for Chorus Pro puts in the buyer's
            # cac:Contact/cbc:ID (domain.md §4.6): CII carries it as BT-10.
            reference = inv.buyer.contact.id
        self.text(el, RAM + "BuyerReference", reference)
        self.party(_sub(el, RAM + "SellerTradeParty"), inv.seller)
        self.party(_sub(el, RAM + "BuyerTradeParty"), inv.buyer)
        if inv.tax_representative is not None:
            self.party(_sub(el, RAM + "SellerTaxRepresentativeTradeParty"), inv.tax_representative)
        for tag, v in (
            ("SellerOrderReferencedDocument", inv.sales_order_reference),
            ("BuyerOrderReferencedDocument", inv.purchase_order_reference),
            ("ContractReferencedDocument", inv.contract_reference),
        ):
            if v is not None:
                self.text(_sub(el, RAM + tag), RAM + "IssuerAssignedID", v)
        for d in inv.additional_documents:
            if d.role == "BG-24" or (d.role == "" and self.from_cii):
                self.additional_document(el, d)
        for ref in inv.all("object_id"):
            ad = _sub(el, RAM + "AdditionalReferencedDocument")
            self.ident(ad, RAM + "IssuerAssignedID", ref, scheme=False)
            etree.SubElement(ad, RAM + "TypeCode").text = "130"
            if ref.scheme is not None:  # BT-18-1 is a sibling element in CII
                etree.SubElement(ad, RAM + "ReferenceTypeCode").text = ref.scheme
        for ref in inv.all("tender_reference"):
            ad = _sub(el, RAM + "AdditionalReferencedDocument")
            self.text(ad, RAM + "IssuerAssignedID", ref)
            etree.SubElement(ad, RAM + "TypeCode").text = "50"
        if inv.project_reference is not None:
            project = _sub(el, RAM + "SpecifiedProcuringProject")
            self.text(project, RAM + "ID", inv.project_reference)
            etree.SubElement(project, RAM + "Name").text = PROJECT_NAME

    def additional_document(self, parent: etree._Element, d: AdditionalDocument) -> None:
        el = _sub(parent, RAM + "AdditionalReferencedDocument")
        self.ident(el, RAM + "IssuerAssignedID", d.reference, scheme=False)
        self.text(el, RAM + "URIID", d.url)
        tc = d.type_code.raw if d.type_code is not None and d.role == "" else "916"
        etree.SubElement(el, RAM + "TypeCode").text = tc
        self.text(el, RAM + "Name", d.description)
        b = d.attachment
        if b is not None:
            obj = etree.SubElement(el, RAM + "AttachmentBinaryObject")
            obj.text = b.raw
            # Both attributes are mandatory in CII.
            obj.set("mimeCode", b.mime if b.mime is not None else "")
            obj.set("filename", b.filename if b.filename is not None else "")

    def party(self, el: etree._Element, party: Party | None) -> None:
        if party is None:
            return
        role = party.role
        if role != "BG-11":
            self.ids(el, party.identifiers)
        self.text(el, RAM + "Name", party.name)
        if role == "BG-4":
            self.text(el, RAM + "Description", party.legal_info)
        if role != "BG-11" and (party.legal_id is not None or party.trading_name is not None):
            org = _sub(el, RAM + "SpecifiedLegalOrganization")
            self.ident(org, RAM + "ID", party.legal_id)
            if role != "BG-10":
                self.text(org, RAM + "TradingBusinessName", party.trading_name)
        if role in ("BG-4", "BG-7"):
            for contact in self.many(party, "contact"):
                self.contact(_sub(el, RAM + "DefinedTradeContact"), contact)
        if role != "BG-10" and party.address is not None:
            self.address(_sub(el, RAM + "PostalTradeAddress"), party.address)
        if role in ("BG-4", "BG-7") and party.electronic_address is not None:
            self.ident(_sub(el, RAM + "URIUniversalCommunication"), RAM + "URIID", party.electronic_address)
        if role == "BG-10":
            return
        for v in party.all("vat_id"):
            reg = etree.SubElement(_sub(el, RAM + "SpecifiedTaxRegistration"), RAM + "ID")
            reg.text = v.raw
            reg.set("schemeID", "VA")
        if role == "BG-4":
            for v in party.all("tax_registration_id"):
                reg = etree.SubElement(_sub(el, RAM + "SpecifiedTaxRegistration"), RAM + "ID")
                reg.text = v.raw
                reg.set("schemeID", "FC")

    def contact(self, el: etree._Element, c: Contact) -> None:
        self.text(el, RAM + "PersonName", c.name)
        self.text(el, RAM + "DepartmentName", c.department)
        if c.phone is not None:
            self.text(_sub(el, RAM + "TelephoneUniversalCommunication"), RAM + "CompleteNumber", c.phone)
        if c.email is not None:
            self.text(_sub(el, RAM + "EmailURIUniversalCommunication"), RAM + "URIID", c.email)

    def address(self, el: etree._Element, a: Address) -> None:
        self.text(el, RAM + "PostcodeCode", a.postcode)
        self.text(el, RAM + "LineOne", a.line1)
        self.text(el, RAM + "LineTwo", a.line2)
        self.text(el, RAM + "LineThree", a.line3)
        self.text(el, RAM + "CityName", a.city)
        # CountryID is mandatory in CII.
        etree.SubElement(el, RAM + "CountryID").text = a.country.raw if a.country is not None else ""
        self.text(el, RAM + "CountrySubDivisionName", a.subdivision)

    # -- delivery --------------------------------------------------------------------------------

    def delivery(self, el: etree._Element) -> None:
        inv = self.inv
        d = inv.delivery
        if d is not None:
            if d.location_id is not None or d.party_name is not None or d.address is not None:
                ship = _sub(el, RAM + "ShipToTradeParty")
                if d.location_id is not None:
                    self.ident(
                        ship, RAM + ("GlobalID" if d.location_id.scheme is not None else "ID"), d.location_id
                    )
                self.text(ship, RAM + "Name", d.party_name)
                if d.address is not None:
                    self.address(_sub(ship, RAM + "PostalTradeAddress"), d.address)
            if d.actual_date is not None:
                self.date(
                    _sub(el, RAM + "ActualDeliverySupplyChainEvent"),
                    RAM + "OccurrenceDateTime",
                    d.actual_date,
                )
        for tag, v in (
            ("DespatchAdviceReferencedDocument", inv.despatch_advice_reference),
            ("ReceivingAdviceReferencedDocument", inv.receiving_advice_reference),
        ):
            if v is not None:
                self.text(_sub(el, RAM + tag), RAM + "IssuerAssignedID", v)

    # -- settlement ------------------------------------------------------------------------------

    def settlement(self, el: etree._Element) -> None:
        inv = self.inv
        self.ident(el, RAM + "CreditorReferenceID", inv.creditor_reference, scheme=False)
        self.text(el, RAM + "PaymentReference", inv.remittance_info)
        tax_currency = inv.tax_currency
        if (
            tax_currency is not None
            and not self.from_cii
            and inv.currency is not None
            and tax_currency.normalized == inv.currency.normalized
        ):
            # The CEN CII rule BR-53 wants a VAT accounting currency different from the invoice
            # currency; UBL accepts them equal, which says nothing more than no BT-6 at all.
            tax_currency = None
        self.text(el, RAM + "TaxCurrencyCode", tax_currency)
        etree.SubElement(el, RAM + "InvoiceCurrencyCode").text = inv.currency.raw if inv.currency else ""
        if inv.payee is not None:
            self.party(_sub(el, RAM + "PayeeTradeParty"), inv.payee)
        for pm in inv.payment_means:
            self.payment_means(_sub(el, RAM + "SpecifiedTradeSettlementPaymentMeans"), pm)
        for i, vb in enumerate(inv.vat_breakdown):
            self.tax(_sub(el, RAM + "ApplicableTradeTax"), vb, i == 0)
        if inv.period is not None:
            p = _sub(el, RAM + "BillingSpecifiedPeriod")
            self.date(p, RAM + "StartDateTime", inv.period.start)
            self.date(p, RAM + "EndDateTime", inv.period.end)
        for ac in inv.allowance_charges:
            self.allowance_charge(el, ac, document_level=True)
        descriptions = self.many(inv, "payment_terms")
        dues = self.many(inv, "due_date")
        mandates = self.many(inv, "mandate_reference")
        for i in range(max(len(descriptions), len(dues), len(mandates))):
            terms = _sub(el, RAM + "SpecifiedTradePaymentTerms")
            self.text(terms, RAM + "Description", descriptions[i] if i < len(descriptions) else None)
            self.date(terms, RAM + "DueDateDateTime", dues[i] if i < len(dues) else None)
            self.text(terms, RAM + "DirectDebitMandateID", mandates[i] if i < len(mandates) else None)
        self.summation(_sub(el, RAM + "SpecifiedTradeSettlementHeaderMonetarySummation"))
        for pi in inv.preceding_invoices:
            ref = _sub(el, RAM + "InvoiceReferencedDocument")
            self.text(ref, RAM + "IssuerAssignedID", pi.reference)
            self.date(ref, RAM + "FormattedIssueDateTime", pi.issue_date, QDT + "DateTimeString")
        for ref in self.many(inv, "buyer_accounting_reference"):
            self.text(_sub(el, RAM + "ReceivableSpecifiedTradeAccountingAccount"), RAM + "ID", ref)

    def payment_means(self, el: etree._Element, pm: PaymentMeans) -> None:
        etree.SubElement(el, RAM + "TypeCode").text = pm.type_code.raw if pm.type_code is not None else ""
        self.text(el, RAM + "Information", pm.type_text)
        if pm.card is not None:
            card = _sub(el, RAM + "ApplicableTradeSettlementFinancialCard")
            etree.SubElement(card, RAM + "ID").text = (
                pm.card.account_number.raw if pm.card.account_number is not None else ""
            )
            self.text(card, RAM + "CardholderName", pm.card.holder_name)
        if pm.debited_account is not None:
            self.ident(
                _sub(el, RAM + "PayerPartyDebtorFinancialAccount"), RAM + "IBANID", pm.debited_account, False
            )
        ct = pm.credit_transfer
        if ct is not None:
            if ct.account_id is not None or ct.account_name is not None:
                acct = _sub(el, RAM + "PayeePartyCreditorFinancialAccount")
                # One account may carry an IBAN and a proprietary id (CII only): the first
                # IBAN-like occurrence is the IBANID, the next other one the ProprietaryID.
                iban = proprietary = None
                for v in ct.all("account_id"):
                    if iban is None and self._is_iban(v):
                        iban = v
                    elif proprietary is None:
                        proprietary = v
                self.ident(acct, RAM + "IBANID", iban, False)
                self.text(acct, RAM + "AccountName", ct.account_name)
                self.ident(acct, RAM + "ProprietaryID", proprietary, False)
            if ct.provider_id is not None:
                self.ident(
                    _sub(el, RAM + "PayeeSpecifiedCreditorFinancialInstitution"),
                    RAM + "BICID",
                    ct.provider_id,
                    False,
                )

    def _is_iban(self, v: Identifier) -> bool:
        if v.el is not None and self.from_cii:
            return v.el.tag == RAM + "IBANID"  # keep the element it was read from
        return _IBAN_RE.fullmatch(v.value.replace(" ", "").upper()) is not None

    def tax(self, el: etree._Element, vb: VatBreakdown, first: bool) -> None:
        inv = self.inv
        self.amount(el, RAM + "CalculatedAmount", vb.tax_amount)
        etree.SubElement(el, RAM + "TypeCode").text = self.scheme(vb.tax_scheme)
        self.text(el, RAM + "ExemptionReason", vb.exemption_reason)
        self.amount(el, RAM + "BasisAmount", vb.taxable_amount)
        etree.SubElement(el, RAM + "CategoryCode").text = vb.category.raw if vb.category is not None else ""
        self.text(el, RAM + "ExemptionReasonCode", vb.exemption_reason_code)
        if self.from_cii:
            point, code = vb.tax_point_date, vb.tax_point_date_code
            code_raw = code.raw if code is not None else None
        elif first:  # header-level terms (UBL, built invoices) go to the first breakdown
            point, code = inv.tax_point_date, inv.tax_point_date_code
            code_raw = TAX_POINT_CODE_UBL_TO_CII.get(code.normalized, code.raw) if code is not None else None
        else:
            point, code_raw = None, None
        self.date(el, RAM + "TaxPointDate", point, UDT + "DateString")
        if code_raw is not None:
            etree.SubElement(el, RAM + "DueDateTypeCode").text = code_raw
        self.text(el, RAM + "RateApplicablePercent", vb.rate)

    def allowance_charge(self, parent: etree._Element, ac: AllowanceCharge, *, document_level: bool) -> None:
        el = _sub(parent, RAM + "SpecifiedTradeAllowanceCharge")
        ind = ac.charge_indicator
        etree.SubElement(_sub(el, RAM + "ChargeIndicator"), UDT + "Indicator").text = (
            ind.raw if ind else "false"
        )
        self.text(el, RAM + "CalculationPercent", ac.percentage)
        self.amount(el, RAM + "BasisAmount", ac.base_amount)
        self.amount(el, RAM + "ActualAmount", ac.amount, required=True)
        self.text(el, RAM + "ReasonCode", ac.reason_code)
        self.text(el, RAM + "Reason", ac.reason)
        if document_level and (ac.vat_category is not None or ac.vat_rate is not None):
            tax = _sub(el, RAM + "CategoryTradeTax")
            etree.SubElement(tax, RAM + "TypeCode").text = self.scheme(ac.tax_scheme)
            etree.SubElement(tax, RAM + "CategoryCode").text = ac.vat_category.raw if ac.vat_category else ""
            self.text(tax, RAM + "RateApplicablePercent", ac.vat_rate)

    def summation(self, el: etree._Element) -> None:
        inv = self.inv
        t = inv.totals
        if t is None:
            return
        self.amount(el, RAM + "LineTotalAmount", t.line_total)
        self.amount(el, RAM + "ChargeTotalAmount", t.charge_total)
        self.amount(el, RAM + "AllowanceTotalAmount", t.allowance_total)
        self.amount(el, RAM + "TaxBasisTotalAmount", t.tax_exclusive)
        amounts = list(t.tax_amounts) or [
            a for a in (t.tax_total, t.tax_total_in_tax_currency) if a is not None
        ]
        for a in amounts:
            currency = a.currency
            if currency is None:
                main = a is t.tax_total or t.tax_total is None
                code = inv.currency if main else inv.tax_currency
                currency = code.normalized if code is not None else None
            self.amount(el, RAM + "TaxTotalAmount", a, currency=currency)
        self.amount(el, RAM + "RoundingAmount", t.rounding)
        self.amount(el, RAM + "GrandTotalAmount", t.tax_inclusive)
        self.amount(el, RAM + "TotalPrepaidAmount", t.prepaid)
        self.amount(el, RAM + "DuePayableAmount", t.payable)

    # -- lines -----------------------------------------------------------------------------------

    def line(self, tx: etree._Element, line: Line) -> None:
        el = _sub(tx, RAM + "IncludedSupplyChainTradeLineItem")
        doc = _sub(el, RAM + "AssociatedDocumentLineDocument")
        etree.SubElement(doc, RAM + "LineID").text = line.id.raw if line.id is not None else ""
        for note in self.many(line, "note"):
            self.text(_sub(doc, RAM + "IncludedNote"), RAM + "Content", note)

        product = _sub(el, RAM + "SpecifiedTradeProduct")
        item = line.item
        if item is not None:
            self.ident(product, RAM + "GlobalID", item.standard_id)
            self.ident(product, RAM + "SellerAssignedID", item.seller_id, scheme=False)
            self.ident(product, RAM + "BuyerAssignedID", item.buyer_id, scheme=False)
        etree.SubElement(product, RAM + "Name").text = item.name.raw if item is not None and item.name else ""
        if item is not None:
            self.text(product, RAM + "Description", item.description)
            for attr in item.attributes:
                pc = _sub(product, RAM + "ApplicableProductCharacteristic")
                etree.SubElement(pc, RAM + "Description").text = (
                    attr.name.raw if attr.name is not None else ""
                )
                etree.SubElement(pc, RAM + "Value").text = attr.value.raw if attr.value is not None else ""
            for c in item.classifications:
                code = etree.SubElement(
                    _sub(product, RAM + "DesignatedProductClassification"), RAM + "ClassCode"
                )
                code.text = c.raw
                if c.scheme is not None:
                    code.set("listID", c.scheme)
                if c.scheme_version is not None:
                    code.set("listVersionID", c.scheme_version)
            if item.origin_country is not None:
                self.text(_sub(product, RAM + "OriginTradeCountry"), RAM + "ID", item.origin_country)

        agreement = _sub(el, RAM + "SpecifiedLineTradeAgreement")
        if line.order_line_reference is not None:
            self.text(
                _sub(agreement, RAM + "BuyerOrderReferencedDocument"),
                RAM + "LineID",
                line.order_line_reference,
            )
        self.price(agreement, line.price)

        delivery = _sub(el, RAM + "SpecifiedLineTradeDelivery")
        if line.quantity is not None:
            self.quantity(delivery, RAM + "BilledQuantity", line.quantity)
        else:
            etree.SubElement(delivery, RAM + "BilledQuantity").text = ""

        settlement = _sub(el, RAM + "SpecifiedLineTradeSettlement")
        tax = _sub(settlement, RAM + "ApplicableTradeTax")
        vat = line.vat
        etree.SubElement(tax, RAM + "TypeCode").text = self.scheme(
            vat.tax_scheme if vat is not None else None
        )
        etree.SubElement(tax, RAM + "CategoryCode").text = vat.category.raw if vat and vat.category else ""
        if vat is not None:
            self.text(tax, RAM + "RateApplicablePercent", vat.rate)
        if line.period is not None:
            p = _sub(settlement, RAM + "BillingSpecifiedPeriod")
            self.date(p, RAM + "StartDateTime", line.period.start)
            self.date(p, RAM + "EndDateTime", line.period.end)
        for ac in line.allowance_charges:
            self.allowance_charge(settlement, ac, document_level=False)
        summation = _sub(settlement, RAM + "SpecifiedTradeSettlementLineMonetarySummation")
        self.amount(summation, RAM + "LineTotalAmount", line.net_amount, required=True)
        for obj in self.many(line, "object_id"):
            ad = _sub(settlement, RAM + "AdditionalReferencedDocument")
            self.ident(ad, RAM + "IssuerAssignedID", obj, scheme=False)
            etree.SubElement(ad, RAM + "TypeCode").text = "130"
            if obj.scheme is not None:
                etree.SubElement(ad, RAM + "ReferenceTypeCode").text = obj.scheme
        for ref in self.many(line, "accounting_reference"):
            self.text(_sub(settlement, RAM + "ReceivableSpecifiedTradeAccountingAccount"), RAM + "ID", ref)

    def price(self, agreement: etree._Element, p: Price | None) -> None:
        """BG-29. The base quantity (BT-149) goes with the net price; when read from CII with a
        gross price, each base quantity goes back to the price it was read from."""
        quantities = p.all("base_quantity") if p is not None else []
        gross_q: Quantity | None = None
        net_q: Quantity | None = quantities[0] if quantities else None
        if p is not None and self.from_cii and quantities:
            first_in_gross = (
                quantities[0].el is not None
                and quantities[0].el.getparent() is not None
                and (quantities[0].el.getparent().tag == RAM + "GrossPriceProductTradePrice")
            )
            if first_in_gross:
                gross_q, net_q = quantities[0], quantities[1] if len(quantities) > 1 else None
        if p is not None and (p.gross_price is not None or p.discount is not None):
            gross = _sub(agreement, RAM + "GrossPriceProductTradePrice")
            # ChargeAmount is mandatory: without BT-148 it is net + discount (EN 16931: item net
            # price = item gross price - item price discount).
            self.amount(
                gross, RAM + "ChargeAmount", p.gross_price, raw=total(p.net_price, p.discount), required=True
            )
            self.quantity(gross, RAM + "BasisQuantity", gross_q)
            for discount in self.many(p, "discount"):
                ac = _sub(gross, RAM + "AppliedTradeAllowanceCharge")
                etree.SubElement(_sub(ac, RAM + "ChargeIndicator"), UDT + "Indicator").text = "false"
                self.amount(ac, RAM + "ActualAmount", discount)
        net = _sub(agreement, RAM + "NetPriceProductTradePrice")
        self.amount(net, RAM + "ChargeAmount", p.net_price if p is not None else None, required=True)
        self.quantity(net, RAM + "BasisQuantity", net_q)


def cii_tree(invoice: Invoice) -> etree._Element:
    """The ``rsm:CrossIndustryInvoice`` root element for ``invoice`` (see :func:`write_cii`)."""
    return _Writer(invoice).document()


def write_cii(invoice: Invoice) -> bytes:
    """Serialise ``invoice`` as CII D16B (UTF-8 bytes with an XML declaration)."""
    return serialize(cii_tree(invoice))
