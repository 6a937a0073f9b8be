""":class:`~facturier.einvoice.model.Invoice` → UBL 2.1 ``Invoice`` / ``CreditNote``.

Mapping per the CEN EN 16931 UBL syntax binding (the inverse of :mod:`..readers.ubl`). Element order
follows the UBL 2.1 schemas (``InvoiceType``, ``CreditNoteType`` and the common aggregates); the
output passes the UBL 2.1 XSD of :mod:`facturier.einvoice.xsd`.

Where the two UBL documents differ:

* ``CreditNote`` has no ``cbc:DueDate``: BT-9 goes to ``cac:PaymentMeans/cbc:PaymentDueDate``;
* ``CreditNote`` has no ``cac:ProjectReference``: BT-11 is an ``AdditionalDocumentReference``
  with ``DocumentTypeCode`` 50;
* ``TaxPointDate`` precedes the type code, ``OriginatorDocumentReference`` follows the additional
  document references, and lines are ``CreditNoteLine`` with ``CreditedQuantity``.

Occurrences beyond the first of a term that the CEN UBL rules allow once (UBL-SR-01…56: a buyer
identifier, payment terms, a line note…; only a model read from CII can have them) are not
written, so that the output stays valid; ``convert.NOT_CARRIED`` lists them. For the same reason
the payment mandate (BT-89, BT-91) and the card (BG-18) go in one ``cac:PaymentMeans`` only
(UBL-SR-54/55), and each payment means carries at most one ``cbc:PaymentID`` (UBL-SR-26).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lxml import etree

from ..detect import UBL_CREDITNOTE_NS, UBL_INVOICE_NS
from ..model import (
    Address,
    AllowanceCharge,
    Contact,
    Delivery,
    Invoice,
    Item,
    Line,
    Party,
    PaymentMeans,
    Price,
    VatBreakdown,
)
from ..values import Amount, DateValue, Identifier, Quantity, Value
from ._common import (
    CREDIT_NOTE_TYPE_CODES,
    TAX_POINT_CODE_CII_TO_UBL,
    decimal_text,
    difference,
    is_cii_source,
    iso_date,
    serialize,
)

__all__ = ["ubl_document_name", "write_ubl"]

CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "{%s}" % CAC_NS
CBC = "{%s}" % CBC_NS

_WS = " \t\r\n"


def _one(values: list[Any]) -> list[Any]:
    """The first occurrence only (a term the UBL rules allow once)."""
    return values[:1]


def ubl_document_name(invoice: Invoice) -> str:
    """``"Invoice"`` or ``"CreditNote"``: the source document when read from UBL, else by BT-3."""
    if invoice.document in ("Invoice", "CreditNote"):
        return invoice.document
    code = invoice.type_code.normalized if invoice.type_code is not None else ""
    return "CreditNote" if code in CREDIT_NOTE_TYPE_CODES else "Invoice"


class _Writer:
    """One UBL document being written (keeps the currency for amounts without ``@currencyID``)."""

    def __init__(self, invoice: Invoice, document: str) -> None:
        self.inv = invoice
        self.credit_note = document == "CreditNote"
        self.from_cii = is_cii_source(invoice)
        self.currency = invoice.currency.normalized if invoice.currency is not None else None

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
    ) -> None:
        """Write ``v`` (else ``raw``). A mandatory element without a value is written empty, so
        that the gap stays visible (XSD error) instead of being filled with an invented amount."""
        if v is None and raw is None:
            if not required:
                return
            raw = ""
        el = etree.SubElement(parent, tag)
        el.text = v.raw if v is not None else raw
        # UBL requires @currencyID; CII amounts rarely carry one (the invoice currency applies).
        currency = v.currency if v is not None and v.currency is not None else self.currency
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

    def date(self, parent: etree._Element, tag: str, v: DateValue | None) -> None:
        if v is not None:
            etree.SubElement(parent, tag).text = iso_date(v)

    # -- document --------------------------------------------------------------------------------

    def document(self) -> etree._Element:
        inv = self.inv
        ns = UBL_CREDITNOTE_NS if self.credit_note else UBL_INVOICE_NS
        root = etree.Element(
            "{%s}%s" % (ns, "CreditNote" if self.credit_note else "Invoice"),
            nsmap={None: ns, "cac": CAC_NS, "cbc": CBC_NS},
        )
        self.text(root, CBC + "CustomizationID", inv.specification_id)
        self.text(root, CBC + "ProfileID", inv.business_process)
        self.text(root, CBC + "ID", inv.number)
        self.date(root, CBC + "IssueDate", inv.issue_date)
        # At most one cbc:DueDate and one cac:PaymentMeans/cbc:PaymentDueDate (UBL-SR-45).
        due_dates = inv.all("due_date")[: 1 if self.credit_note else 2]
        if self.credit_note:
            self.date(root, CBC + "TaxPointDate", inv.tax_point_date)
            self.text(root, CBC + "CreditNoteTypeCode", inv.type_code)
        else:
            if due_dates:
                self.date(root, CBC + "DueDate", due_dates.pop(0))
            self.text(root, CBC + "InvoiceTypeCode", inv.type_code)
        for note in inv.notes:
            # BT-21 (subject code) has no UBL element (see convert.NOT_CARRIED).
            self.text(root, CBC + "Note", note.text)
        if not self.credit_note:
            self.date(root, CBC + "TaxPointDate", inv.tax_point_date)
        self.text(root, CBC + "DocumentCurrencyCode", inv.currency)
        self.text(root, CBC + "TaxCurrencyCode", inv.tax_currency)
        self.text(root, CBC + "AccountingCost", inv.buyer_accounting_reference)
        self.text(root, CBC + "BuyerReference", inv.buyer_reference)
        self.invoice_period(root)
        self.order_reference(root)
        for pi in inv.preceding_invoices:
            ref = etree.SubElement(
                etree.SubElement(root, CAC + "BillingReference"), CAC + "InvoiceDocumentReference"
            )
            self.text(ref, CBC + "ID", pi.reference)
            self.date(ref, CBC + "IssueDate", pi.issue_date)
        self.references(root, CAC + "DespatchDocumentReference", _one(inv.all("despatch_advice_reference")))
        self.references(root, CAC + "ReceiptDocumentReference", _one(inv.all("receiving_advice_reference")))
        if not self.credit_note:
            self.references(root, CAC + "OriginatorDocumentReference", _one(inv.all("tender_reference")))
        self.references(root, CAC + "ContractDocumentReference", _one(inv.all("contract_reference")))
        self.additional_documents(root)
        if self.credit_note:
            self.references(root, CAC + "OriginatorDocumentReference", _one(inv.all("tender_reference")))
        else:
            self.references(root, CAC + "ProjectReference", _one(inv.all("project_reference")))
        for name, tag in (("seller", "AccountingSupplierParty"), ("buyer", "AccountingCustomerParty")):
            wrapper = etree.SubElement(root, CAC + tag)
            party = getattr(inv, name)
            if party is not None:
                self.party(etree.SubElement(wrapper, CAC + "Party"), party)
        if inv.payee is not None:
            self.party(etree.SubElement(root, CAC + "PayeeParty"), inv.payee)
        if inv.tax_representative is not None:
            self.party(etree.SubElement(root, CAC + "TaxRepresentativeParty"), inv.tax_representative)
        if inv.delivery is not None:
            self.delivery(root, inv.delivery)
        self.payment_means(root, due_dates)
        if inv.payment_terms is not None:
            self.text(etree.SubElement(root, CAC + "PaymentTerms"), CBC + "Note", inv.payment_terms)
        for ac in inv.allowance_charges:
            self.allowance_charge(root, ac, document_level=True)
        self.tax_totals(root)
        self.monetary_total(root)
        for line in inv.lines:
            self.line(root, line)
        return root

    def invoice_period(self, root: etree._Element) -> None:
        inv = self.inv
        code = inv.tax_point_date_code
        periods = _one(inv.all("period"))
        if not periods and code is None:
            return
        if not periods:
            periods = [None]  # BT-8 alone still lives in cac:InvoicePeriod
        for i, period in enumerate(periods):
            el = etree.SubElement(root, CAC + "InvoicePeriod")
            if period is not None:
                self.date(el, CBC + "StartDate", period.start)
                self.date(el, CBC + "EndDate", period.end)
            if i == 0 and code is not None:
                raw = TAX_POINT_CODE_CII_TO_UBL.get(code.normalized, code.raw) if self.from_cii else code.raw
                etree.SubElement(el, CBC + "DescriptionCode").text = raw

    def order_reference(self, root: etree._Element) -> None:
        inv = self.inv
        po, so = inv.purchase_order_reference, inv.sales_order_reference
        if po is None and so is None:
            return
        el = etree.SubElement(root, CAC + "OrderReference")
        # cbc:ID is mandatory in UBL: the binding writes "NA" when only BT-14 is known.
        etree.SubElement(el, CBC + "ID").text = po.raw if po is not None else "NA"
        self.text(el, CBC + "SalesOrderID", so)

    def references(self, root: etree._Element, tag: str, values: list[Value]) -> None:
        for v in values:
            self.text(etree.SubElement(root, tag), CBC + "ID", v)

    def additional_documents(self, root: etree._Element) -> None:
        inv = self.inv
        for ref in _one(inv.all("object_id")):
            el = etree.SubElement(root, CAC + "AdditionalDocumentReference")
            self.ident(el, CBC + "ID", ref)
            etree.SubElement(el, CBC + "DocumentTypeCode").text = "130"
        if self.credit_note:
            for ref in _one(inv.all("project_reference")):
                el = etree.SubElement(root, CAC + "AdditionalDocumentReference")
                self.text(el, CBC + "ID", ref)
                etree.SubElement(el, CBC + "DocumentTypeCode").text = "50"
        for doc in inv.supporting_documents:
            el = etree.SubElement(root, CAC + "AdditionalDocumentReference")
            self.ident(el, CBC + "ID", doc.reference)
            # CII marks BG-24 with TypeCode 916, which UBL does not use.
            if doc.type_code is not None and not self.from_cii:
                self.text(el, CBC + "DocumentTypeCode", doc.type_code)
            self.text(el, CBC + "DocumentDescription", doc.description)
            if doc.attachment is not None or doc.url is not None:
                att = etree.SubElement(el, CAC + "Attachment")
                if doc.attachment is not None:
                    b = doc.attachment
                    obj = etree.SubElement(att, CBC + "EmbeddedDocumentBinaryObject")
                    obj.text = b.raw
                    if b.mime is not None:
                        obj.set("mimeCode", b.mime)
                    if b.filename is not None:
                        obj.set("filename", b.filename)
                if doc.url is not None:
                    self.text(etree.SubElement(att, CAC + "ExternalReference"), CBC + "URI", doc.url)

    # -- parties ---------------------------------------------------------------------------------

    def _creditor_here(self, party: Party) -> bool:
        """Whether BT-90 (SEPA creditor id, a party identification in UBL) goes in this party:
        where it was read from, else the payee when there is one, else the seller."""
        ref = self.inv.creditor_reference
        if ref is None:
            return False
        if ref.el is not None and not self.from_cii:
            for anc in ref.el.iterancestors(
                CAC + "PayeeParty",
                CAC + "AccountingSupplierParty",
                CAC + "TaxRepresentativeParty",
                CAC + "AccountingCustomerParty",
            ):
                owner = {
                    CAC + "PayeeParty": "BG-10",
                    CAC + "AccountingSupplierParty": "BG-4",
                    CAC + "TaxRepresentativeParty": "BG-11",
                    CAC + "AccountingCustomerParty": "BG-7",
                }[anc.tag]
                return owner == party.role
        return party.role == ("BG-10" if self.inv.payee is not None else "BG-4")

    def party(self, el: etree._Element, party: Party) -> None:
        main = party.role in ("BG-4", "BG-7")
        if main:
            self.ident(el, CBC + "EndpointID", party.electronic_address)
        # The seller may have several identifiers (BT-29); buyer and payee one (UBL-SR-16/20).
        ids = (
            party.identifiers
            if party.role == "BG-4"
            else _one(party.identifiers)
            if party.role != "BG-11"
            else []
        )
        for v in ids:
            self.ident(etree.SubElement(el, CAC + "PartyIdentification"), CBC + "ID", v)
        if self._creditor_here(party):
            for ref in _one(self.inv.all("creditor_reference")):
                pid = etree.SubElement(etree.SubElement(el, CAC + "PartyIdentification"), CBC + "ID")
                pid.text = ref.raw
                scheme = (
                    ref.scheme
                    if ref.scheme is not None and ref.scheme.strip(_WS).upper() == "SEPA"
                    else "SEPA"
                )
                pid.set("schemeID", scheme)
        name = party.trading_name if main else party.name
        if name is not None:
            self.text(etree.SubElement(el, CAC + "PartyName"), CBC + "Name", name)
        if party.address is not None and party.role != "BG-10":
            self.address(etree.SubElement(el, CAC + "PostalAddress"), party.address)
        if party.role != "BG-10":
            if party.vat_id is not None:
                self.tax_scheme(el, party.vat_id, "VAT")
        if party.role == "BG-4":
            if party.tax_registration_id is not None:
                self.tax_scheme(el, party.tax_registration_id, self._registration_scheme(party))
        if main:
            if party.name is not None or party.legal_id is not None or party.legal_info is not None:
                le = etree.SubElement(el, CAC + "PartyLegalEntity")
                self.text(le, CBC + "RegistrationName", party.name)
                self.ident(le, CBC + "CompanyID", party.legal_id)
                self.text(le, CBC + "CompanyLegalForm", party.legal_info)
            if party.contact is not None:
                self.contact(etree.SubElement(el, CAC + "Contact"), party.contact)
        elif party.role == "BG-10" and party.legal_id is not None:
            self.ident(etree.SubElement(el, CAC + "PartyLegalEntity"), CBC + "CompanyID", party.legal_id)

    @staticmethod
    def _registration_scheme(party: Party) -> str:
        # BT-32's UBL tax scheme is any id but VAT; keep the one read from UBL, else "TAX".
        for code in party.tax_schemes:
            c = code.normalized.upper()
            if c and c not in ("VAT", "VA", "FC"):
                return code.raw
        return "TAX"

    def tax_scheme(self, el: etree._Element, v: Identifier, scheme: str) -> None:
        pts = etree.SubElement(el, CAC + "PartyTaxScheme")
        self.text(pts, CBC + "CompanyID", v)
        etree.SubElement(etree.SubElement(pts, CAC + "TaxScheme"), CBC + "ID").text = scheme

    def address(self, el: etree._Element, a: Address) -> None:
        self.text(el, CBC + "StreetName", a.line1)
        self.text(el, CBC + "AdditionalStreetName", a.line2)
        self.text(el, CBC + "CityName", a.city)
        self.text(el, CBC + "PostalZone", a.postcode)
        self.text(el, CBC + "CountrySubentity", a.subdivision)
        if a.line3 is not None:
            self.text(etree.SubElement(el, CAC + "AddressLine"), CBC + "Line", a.line3)
        if a.country is not None:
            self.text(etree.SubElement(el, CAC + "Country"), CBC + "IdentificationCode", a.country)

    def contact(self, el: etree._Element, c: Contact) -> None:
        self.text(el, CBC + "ID", c.id)
        self.text(el, CBC + "Name", c.name)
        self.text(el, CBC + "Telephone", c.phone)
        self.text(el, CBC + "ElectronicMail", c.email)

    # -- delivery and payment --------------------------------------------------------------------

    def delivery(self, root: etree._Element, d: Delivery) -> None:
        el = etree.SubElement(root, CAC + "Delivery")
        self.date(el, CBC + "ActualDeliveryDate", d.actual_date)
        if d.location_id is not None or d.address is not None:
            loc = etree.SubElement(el, CAC + "DeliveryLocation")
            self.ident(loc, CBC + "ID", d.location_id)
            if d.address is not None:
                self.address(etree.SubElement(loc, CAC + "Address"), d.address)
        if d.party_name is not None:
            party = etree.SubElement(etree.SubElement(el, CAC + "DeliveryParty"), CAC + "PartyName")
            self.text(party, CBC + "Name", d.party_name)

    def payment_means(self, root: etree._Element, due_dates: list[DateValue]) -> None:
        inv = self.inv
        means = inv.payment_means
        if not means:
            return
        remittance = inv.all("remittance_info")
        codes = [pm.type_code.normalized if pm.type_code is not None else "" for pm in means]
        # One cac:PaymentMandate per invoice (UBL-SR-55): in the block with the debited account
        # (BT-91), else the first direct debit (49, 59), else the first block.
        has_mandate = inv.mandate_reference is not None or any(pm.debited_account is not None for pm in means)
        mandate_at = next(
            (i for i, pm in enumerate(means) if pm.debited_account is not None),
            next((i for i, c in enumerate(codes) if c in ("49", "59")), 0),
        )
        # One cac:CardAccount per invoice (UBL-SR-54).
        card_at = next((i for i, pm in enumerate(means) if pm.card is not None), None)
        for i, pm in enumerate(means):
            self.payment(
                root,
                pm,
                due=due_dates[0] if i == 0 and due_dates else None,
                remittance=remittance[i] if i < len(remittance) else None,
                mandate=has_mandate and i == mandate_at,
                card=i == card_at,
            )

    def payment(
        self,
        root: etree._Element,
        pm: PaymentMeans,
        *,
        due: DateValue | None,
        remittance: Value | None,
        mandate: bool,
        card: bool,
    ) -> None:
        el = etree.SubElement(root, CAC + "PaymentMeans")
        code = etree.SubElement(el, CBC + "PaymentMeansCode")
        code.text = pm.type_code.raw if pm.type_code is not None else ""
        if pm.type_text is not None:
            code.set("name", pm.type_text.raw)
        self.date(el, CBC + "PaymentDueDate", due)
        self.text(el, CBC + "PaymentID", remittance)
        if card and pm.card is not None:
            ca = etree.SubElement(el, CAC + "CardAccount")
            number = pm.card.account_number
            etree.SubElement(ca, CBC + "PrimaryAccountNumberID").text = (
                number.raw if number is not None else ""
            )
            # NetworkID is mandatory in UBL and is no EN 16931 term.
            etree.SubElement(ca, CBC + "NetworkID").text = "NA"
            self.text(ca, CBC + "HolderName", pm.card.holder_name)
        ct = pm.credit_transfer
        if ct is not None:
            fa = etree.SubElement(el, CAC + "PayeeFinancialAccount")
            self.ident(fa, CBC + "ID", ct.account_id, scheme=False)
            self.text(fa, CBC + "Name", ct.account_name)
            if ct.provider_id is not None:
                branch = etree.SubElement(fa, CAC + "FinancialInstitutionBranch")
                self.ident(branch, CBC + "ID", ct.provider_id, scheme=False)
        if mandate:
            pmd = etree.SubElement(el, CAC + "PaymentMandate")
            self.text(pmd, CBC + "ID", self.inv.mandate_reference)
            if pm.debited_account is not None:
                payer = etree.SubElement(pmd, CAC + "PayerFinancialAccount")
                self.ident(payer, CBC + "ID", pm.debited_account, scheme=False)

    # -- allowances, VAT, totals -----------------------------------------------------------------

    def allowance_charge(self, parent: etree._Element, ac: AllowanceCharge, *, document_level: bool) -> None:
        el = etree.SubElement(parent, CAC + "AllowanceCharge")
        ind = ac.charge_indicator
        etree.SubElement(el, CBC + "ChargeIndicator").text = ind.raw if ind is not None else "false"
        self.text(el, CBC + "AllowanceChargeReasonCode", ac.reason_code)
        self.text(el, CBC + "AllowanceChargeReason", ac.reason)
        self.text(el, CBC + "MultiplierFactorNumeric", ac.percentage)
        self.amount(el, CBC + "Amount", ac.amount, required=True)
        self.amount(el, CBC + "BaseAmount", ac.base_amount)
        if document_level and (ac.vat_category is not None or ac.vat_rate is not None):
            cat = etree.SubElement(el, CAC + "TaxCategory")
            self.text(cat, CBC + "ID", ac.vat_category)
            self.text(cat, CBC + "Percent", ac.vat_rate)
            self._scheme(cat, ac.tax_scheme)

    def _scheme(self, parent: etree._Element, code: Value | None) -> None:
        # Raw when read from UBL, normalised when crossing from CII, "VAT" when unknown.
        text = "VAT" if code is None else code.normalized if self.from_cii else code.raw
        etree.SubElement(etree.SubElement(parent, CAC + "TaxScheme"), CBC + "ID").text = text

    def tax_totals(self, root: etree._Element) -> None:
        inv = self.inv
        t = inv.totals
        amounts: list[Amount] = []
        if t is not None:
            amounts = list(t.tax_amounts) or [
                a for a in (t.tax_total, t.tax_total_in_tax_currency) if a is not None
            ]
        main = t.tax_total if t is not None and t.tax_total is not None else (amounts[0] if amounts else None)
        if main is None and not inv.vat_breakdown:
            return
        el = etree.SubElement(root, CAC + "TaxTotal")
        # The VAT breakdown needs a cac:TaxTotal, whose cbc:TaxAmount is mandatory: without BT-110
        # (CII allows it) it is the sum of the breakdown's tax amounts (BR-CO-14).
        self.amount(
            el, CBC + "TaxAmount", main, raw=None if main is not None else self._tax_sum(), required=True
        )
        for vb in inv.vat_breakdown:
            self.subtotal(el, vb)
        for a in amounts:
            if a is not main:
                self.amount(etree.SubElement(root, CAC + "TaxTotal"), CBC + "TaxAmount", a)

    def _tax_sum(self) -> str | None:
        values = [vb.tax_amount.value for vb in self.inv.vat_breakdown if vb.tax_amount is not None]
        numbers = [v for v in values if v is not None]
        if not numbers or len(numbers) != len(values):
            return None
        return decimal_text(sum(numbers, Decimal(0)))

    def subtotal(self, parent: etree._Element, vb: VatBreakdown) -> None:
        el = etree.SubElement(parent, CAC + "TaxSubtotal")
        self.amount(el, CBC + "TaxableAmount", vb.taxable_amount)
        self.amount(el, CBC + "TaxAmount", vb.tax_amount, required=True)
        cat = etree.SubElement(el, CAC + "TaxCategory")
        self.text(cat, CBC + "ID", vb.category)
        self.text(cat, CBC + "Percent", vb.rate)
        self.text(cat, CBC + "TaxExemptionReasonCode", vb.exemption_reason_code)
        self.text(cat, CBC + "TaxExemptionReason", vb.exemption_reason)
        self._scheme(cat, vb.tax_scheme)

    def monetary_total(self, root: etree._Element) -> None:
        t = self.inv.totals
        el = etree.SubElement(root, CAC + "LegalMonetaryTotal")
        if t is None:
            self.amount(el, CBC + "PayableAmount", None, required=True)
            return
        self.amount(el, CBC + "LineExtensionAmount", t.line_total)
        self.amount(el, CBC + "TaxExclusiveAmount", t.tax_exclusive)
        self.amount(el, CBC + "TaxInclusiveAmount", t.tax_inclusive)
        self.amount(el, CBC + "AllowanceTotalAmount", t.allowance_total)
        self.amount(el, CBC + "ChargeTotalAmount", t.charge_total)
        self.amount(el, CBC + "PrepaidAmount", t.prepaid)
        self.amount(el, CBC + "PayableRoundingAmount", t.rounding)
        self.amount(el, CBC + "PayableAmount", t.payable, required=True)

    # -- lines -----------------------------------------------------------------------------------

    def line(self, root: etree._Element, line: Line) -> None:
        cn = self.credit_note
        el = etree.SubElement(root, CAC + ("CreditNoteLine" if cn else "InvoiceLine"))
        etree.SubElement(el, CBC + "ID").text = line.id.raw if line.id is not None else ""
        self.text(el, CBC + "Note", line.note)
        self.quantity(el, CBC + ("CreditedQuantity" if cn else "InvoicedQuantity"), line.quantity)
        self.amount(el, CBC + "LineExtensionAmount", line.net_amount, required=not cn)
        self.text(el, CBC + "AccountingCost", line.accounting_reference)
        if line.period is not None:
            p = etree.SubElement(el, CAC + "InvoicePeriod")
            self.date(p, CBC + "StartDate", line.period.start)
            self.date(p, CBC + "EndDate", line.period.end)
        for ref in _one(line.all("order_line_reference")):
            self.text(etree.SubElement(el, CAC + "OrderLineReference"), CBC + "LineID", ref)
        for obj in _one(line.all("object_id")):
            dr = etree.SubElement(el, CAC + "DocumentReference")
            self.ident(dr, CBC + "ID", obj)
            etree.SubElement(dr, CBC + "DocumentTypeCode").text = "130"
        for ac in line.allowance_charges:
            self.allowance_charge(el, ac, document_level=False)
        if line.item is not None or line.vat is not None or not cn:
            self.item(etree.SubElement(el, CAC + "Item"), line.item, line)
        if line.price is not None:
            self.price(el, line.price)

    def item(self, el: etree._Element, item: Item | None, line: Line) -> None:
        if item is not None:
            self.text(el, CBC + "Description", item.description)
            self.text(el, CBC + "Name", item.name)
            if item.buyer_id is not None:
                self.ident(etree.SubElement(el, CAC + "BuyersItemIdentification"), CBC + "ID", item.buyer_id)
            if item.seller_id is not None:
                self.ident(
                    etree.SubElement(el, CAC + "SellersItemIdentification"), CBC + "ID", item.seller_id
                )
            if item.standard_id is not None:
                self.ident(
                    etree.SubElement(el, CAC + "StandardItemIdentification"), CBC + "ID", item.standard_id
                )
            if item.origin_country is not None:
                self.text(
                    etree.SubElement(el, CAC + "OriginCountry"),
                    CBC + "IdentificationCode",
                    item.origin_country,
                )
            for c in item.classifications:
                code = etree.SubElement(
                    etree.SubElement(el, CAC + "CommodityClassification"), CBC + "ItemClassificationCode"
                )
                code.text = c.raw
                if c.scheme is not None:
                    code.set("listID", c.scheme)
                if c.scheme_version is not None:
                    code.set("listVersionID", c.scheme_version)
        for vat in _one(line.all("vat")):  # UBL-SR-48: exactly one classified tax category
            cat = etree.SubElement(el, CAC + "ClassifiedTaxCategory")
            self.text(cat, CBC + "ID", vat.category)
            self.text(cat, CBC + "Percent", vat.rate)
            self._scheme(cat, vat.tax_scheme)
        if item is not None:
            for attr in item.attributes:
                prop = etree.SubElement(el, CAC + "AdditionalItemProperty")
                etree.SubElement(prop, CBC + "Name").text = attr.name.raw if attr.name is not None else ""
                self.text(prop, CBC + "Value", attr.value)

    def price(self, parent: etree._Element, p: Price) -> None:
        el = etree.SubElement(parent, CAC + "Price")
        self.amount(el, CBC + "PriceAmount", p.net_price, required=True)
        self.quantity(el, CBC + "BaseQuantity", p.base_quantity)
        if p.discount is not None or p.gross_price is not None:
            ac = etree.SubElement(el, CAC + "AllowanceCharge")
            etree.SubElement(ac, CBC + "ChargeIndicator").text = "false"
            # cbc:Amount is mandatory: without BT-147 it is the difference gross - net
            # (EN 16931: item net price = item gross price - item price discount).
            implied = difference(p.gross_price, p.net_price) if p.discount is None else None
            self.amount(ac, CBC + "Amount", p.discount, raw=implied, required=True)
            self.amount(ac, CBC + "BaseAmount", p.gross_price)


def ubl_tree(invoice: Invoice, *, document: str | None = None) -> etree._Element:
    """The UBL root element for ``invoice`` (see :func:`write_ubl`)."""
    name = document or ubl_document_name(invoice)
    if name not in ("Invoice", "CreditNote"):
        raise ValueError("document must be 'Invoice' or 'CreditNote', not %r" % name)
    return _Writer(invoice, name).document()


def write_ubl(invoice: Invoice, *, document: str | None = None) -> bytes:
    """Serialise ``invoice`` as a UBL 2.1 document (UTF-8 bytes with an XML declaration).

    ``document`` forces ``"Invoice"`` or ``"CreditNote"``; by default it is the document the
    invoice was read from, or for an invoice read from CII or built by hand, ``CreditNote`` when
    BT-3 is a credit-note type code (:data:`._common.CREDIT_NOTE_TYPE_CODES`).
    """
    return serialize(ubl_tree(invoice, document=document))
