"""The EN 16931 semantic model, keyed by business terms (BT) and groups (BG).

Every field declares its term id in ``field(metadata={"bt": ...})``. Groups that the norm reuses in
several places (addresses, parties, allowances and charges, periods) carry a ``role`` — the BG id
of this occurrence — and their fields map a role to a BT id, e.g. ``Address.city`` is BT-37 in
BG-5 (seller address) and BT-52 in BG-8 (buyer address).

How a value is stored (see :mod:`facturier.einvoice.values`):

* absent term → ``None`` (or an empty list for repeatable terms);
* present term → a located ``Value`` subclass keeping ``raw`` text, the parsed value, and the
  element (``xpath``/``line`` on demand). Present-but-empty elements give ``raw == ""``;
* the XML allows more occurrences than the model (two ``cbc:ID`` in a UBL invoice, several seller
  VAT identifiers…): the field holds the **first** occurrence and the following ones go to
  ``extra[field_name]``. Rules such as UBL-SR-12 ("at most one") use :meth:`Group.count` and
  :meth:`Group.all`, which see every occurrence.

Each group also keeps ``el``, the element it was read from, so that a rule about a missing child
("BR-06 seller name shall be present") can still point at its context.

Syntax-only data that is not an EN 16931 term (e.g. UBL ``TaxScheme/ID``) is kept where rules need
it and marked ``{"syntax": ...}`` in the metadata. Everything else is reachable through
``ParsedDocument.tree``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .terms import Group, syntax, term
from .values import (
    Amount,
    Binary,
    Classification,
    Code,
    DateValue,
    Identifier,
    Indicator,
    Number,
    Quantity,
    Value,
)

__all__ = [
    "AdditionalDocument",
    "Address",
    "AllowanceCharge",
    "Card",
    "Contact",
    "CreditTransfer",
    "Delivery",
    "Group",
    "Invoice",
    "Item",
    "ItemAttribute",
    "Line",
    "LineVat",
    "Note",
    "Party",
    "PaymentMeans",
    "Period",
    "PrecedingInvoice",
    "Price",
    "Totals",
    "VatBreakdown",
]


# --- small groups --------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True, eq=False)
class Note(Group):
    """BG-1 INVOICE NOTE. In UBL the subject code has no element; ``subject_code`` stays None."""

    subject_code: Code | None = term("BT-21")
    text: Value | None = term("BT-22")


@dataclass(slots=True, kw_only=True, eq=False)
class PrecedingInvoice(Group):
    """BG-3 PRECEDING INVOICE REFERENCE."""

    reference: Value | None = term("BT-25")
    issue_date: DateValue | None = term("BT-26")


@dataclass(slots=True, kw_only=True, eq=False)
class Address(Group):
    """BG-5 / BG-8 / BG-12 / BG-15 postal addresses (role gives the BG)."""

    line1: Value | None = term({"BG-5": "BT-35", "BG-8": "BT-50", "BG-12": "BT-64", "BG-15": "BT-75"})
    line2: Value | None = term({"BG-5": "BT-36", "BG-8": "BT-51", "BG-12": "BT-65", "BG-15": "BT-76"})
    line3: Value | None = term({"BG-5": "BT-162", "BG-8": "BT-163", "BG-12": "BT-164", "BG-15": "BT-165"})
    city: Value | None = term({"BG-5": "BT-37", "BG-8": "BT-52", "BG-12": "BT-66", "BG-15": "BT-77"})
    postcode: Value | None = term({"BG-5": "BT-38", "BG-8": "BT-53", "BG-12": "BT-67", "BG-15": "BT-78"})
    subdivision: Value | None = term({"BG-5": "BT-39", "BG-8": "BT-54", "BG-12": "BT-68", "BG-15": "BT-79"})
    country: Code | None = term({"BG-5": "BT-40", "BG-8": "BT-55", "BG-12": "BT-69", "BG-15": "BT-80"})


@dataclass(slots=True, kw_only=True, eq=False)
class Contact(Group):
    """BG-6 SELLER CONTACT / BG-9 BUYER CONTACT.

    ``department`` is CII ``DepartmentName`` (Factur-X BT-41-0 / BT-56-0; for Chorus Pro the
    service name). ``id`` is UBL ``Contact/ID``, not an EN term, where Chorus Pro UBL puts the
    buyer's service code (domain.md §4.6).
    """

    name: Value | None = term({"BG-6": "BT-41", "BG-9": "BT-56"})
    department: Value | None = term({"BG-6": "BT-41-0", "BG-9": "BT-56-0"})
    phone: Value | None = term({"BG-6": "BT-42", "BG-9": "BT-57"})
    email: Value | None = term({"BG-6": "BT-43", "BG-9": "BT-58"})
    id: Value | None = syntax("UBL cac:Contact/cbc:ID (Chorus Pro service code)")


_NAME = {"BG-4": "BT-27", "BG-7": "BT-44", "BG-10": "BT-59", "BG-11": "BT-62"}


@dataclass(slots=True, kw_only=True, eq=False)
class Party(Group):
    """BG-4 SELLER / BG-7 BUYER / BG-10 PAYEE / BG-11 SELLER TAX REPRESENTATIVE.

    ``identifiers`` keeps every BT-29 (seller, 0..n) / BT-46 / BT-60 occurrence with its scheme.
    In UBL, ``PartyIdentification/ID[@schemeID='SEPA']`` is BT-90 and goes to
    ``Invoice.creditor_reference`` instead. ``tax_registration_id`` is BT-32 (UBL
    ``PartyTaxScheme`` whose scheme is not VAT; CII ``SpecifiedTaxRegistration/ID[@schemeID='FC']``).
    """

    name: Value | None = term(_NAME)
    trading_name: Value | None = term({"BG-4": "BT-28", "BG-7": "BT-45"})
    identifiers: list[Identifier] = term({"BG-4": "BT-29", "BG-7": "BT-46", "BG-10": "BT-60"}, many=True)
    legal_id: Identifier | None = term({"BG-4": "BT-30", "BG-7": "BT-47", "BG-10": "BT-61"})
    vat_id: Identifier | None = term({"BG-4": "BT-31", "BG-7": "BT-48", "BG-11": "BT-63"})
    tax_registration_id: Identifier | None = term({"BG-4": "BT-32"})
    legal_info: Value | None = term({"BG-4": "BT-33"})
    electronic_address: Identifier | None = term({"BG-4": "BT-34", "BG-7": "BT-49"})
    address: Address | None = term({"BG-4": "BG-5", "BG-7": "BG-8", "BG-11": "BG-12"})
    contact: Contact | None = term({"BG-4": "BG-6", "BG-7": "BG-9"})
    tax_schemes: list[Code] = syntax("UBL PartyTaxScheme/TaxScheme/ID of every PartyTaxScheme", many=True)


@dataclass(slots=True, kw_only=True, eq=False)
class Period(Group):
    """BG-14 INVOICING PERIOD (header) / BG-26 INVOICE LINE PERIOD."""

    start: DateValue | None = term({"BG-14": "BT-73", "BG-26": "BT-134"})
    end: DateValue | None = term({"BG-14": "BT-74", "BG-26": "BT-135"})


@dataclass(slots=True, kw_only=True, eq=False)
class Delivery(Group):
    """BG-13 DELIVERY INFORMATION (the invoicing period BG-14 is ``Invoice.period``)."""

    party_name: Value | None = term("BT-70")
    location_id: Identifier | None = term("BT-71")
    actual_date: DateValue | None = term("BT-72")
    address: Address | None = term("BG-15")


@dataclass(slots=True, kw_only=True, eq=False)
class CreditTransfer(Group):
    """BG-17 CREDIT TRANSFER. ``account_id`` is UBL ``PayeeFinancialAccount/ID`` or CII
    ``IBANID`` / ``ProprietaryID`` (see ``account_id.el.tag``)."""

    account_id: Identifier | None = term("BT-84")
    account_name: Value | None = term("BT-85")
    provider_id: Identifier | None = term("BT-86")


@dataclass(slots=True, kw_only=True, eq=False)
class Card(Group):
    """BG-18 PAYMENT CARD INFORMATION."""

    account_number: Value | None = term("BT-87")
    holder_name: Value | None = term("BT-88")


@dataclass(slots=True, kw_only=True, eq=False)
class PaymentMeans(Group):
    """One payment-means block of BG-16 PAYMENT INSTRUCTIONS.

    Both syntaxes repeat the block (UBL ``cac:PaymentMeans``, CII
    ``SpecifiedTradeSettlementPaymentMeans``) and the Schematron checks it per block (BR-61…), so
    the model keeps one object per block. The header terms of BG-16/BG-19 that appear once per
    invoice (BT-83, BT-89, BT-90) live on :class:`Invoice`.
    """

    type_code: Code | None = term("BT-81")
    type_text: Value | None = term("BT-82")
    credit_transfer: CreditTransfer | None = term("BG-17")
    card: Card | None = term("BG-18")
    debited_account: Identifier | None = term("BT-91")


@dataclass(slots=True, kw_only=True, eq=False)
class AllowanceCharge(Group):
    """BG-20 / BG-21 (document level) and BG-27 / BG-28 (line level) allowances and charges.

    ``role`` is set from the charge indicator: BG-20/BG-27 for an allowance, BG-21/BG-28 for a
    charge, and ``"BG-20|BG-21"`` / ``"BG-27|BG-28"`` when the indicator is absent or invalid.
    """

    charge_indicator: Indicator | None = syntax("UBL cbc:ChargeIndicator / CII ram:ChargeIndicator/udt:Indicator")
    amount: Amount | None = term({"BG-20": "BT-92", "BG-21": "BT-99", "BG-27": "BT-136", "BG-28": "BT-141"})
    base_amount: Amount | None = term(
        {"BG-20": "BT-93", "BG-21": "BT-100", "BG-27": "BT-137", "BG-28": "BT-142"}
    )
    percentage: Number | None = term({"BG-20": "BT-94", "BG-21": "BT-101", "BG-27": "BT-138", "BG-28": "BT-143"})
    vat_category: Code | None = term({"BG-20": "BT-95", "BG-21": "BT-102"})
    vat_rate: Number | None = term({"BG-20": "BT-96", "BG-21": "BT-103"})
    reason: Value | None = term({"BG-20": "BT-97", "BG-21": "BT-104", "BG-27": "BT-139", "BG-28": "BT-144"})
    reason_code: Code | None = term(
        {"BG-20": "BT-98", "BG-21": "BT-105", "BG-27": "BT-140", "BG-28": "BT-145"}
    )
    tax_scheme: Code | None = syntax("UBL TaxCategory/TaxScheme/ID / CII CategoryTradeTax/TypeCode")

    @property
    def is_charge(self) -> bool | None:
        """True for a charge, False for an allowance, None when the indicator is unusable."""
        return self.charge_indicator.value if self.charge_indicator is not None else None


@dataclass(slots=True, kw_only=True, eq=False)
class Totals(Group):
    """BG-22 DOCUMENT TOTALS.

    ``tax_amounts`` keeps every UBL ``cac:TaxTotal/cbc:TaxAmount`` / CII ``TaxTotalAmount`` in
    document order; ``tax_total`` (BT-110) and ``tax_total_in_tax_currency`` (BT-111) are the
    first of them whose ``@currencyID`` equals BT-5 / BT-6, as the Schematron selects them.
    """

    line_total: Amount | None = term("BT-106")
    allowance_total: Amount | None = term("BT-107")
    charge_total: Amount | None = term("BT-108")
    tax_exclusive: Amount | None = term("BT-109")
    tax_total: Amount | None = term("BT-110")
    tax_total_in_tax_currency: Amount | None = term("BT-111")
    tax_inclusive: Amount | None = term("BT-112")
    prepaid: Amount | None = term("BT-113")
    rounding: Amount | None = term("BT-114")
    payable: Amount | None = term("BT-115")
    tax_amounts: list[Amount] = syntax("every TaxTotal amount, before the BT-110/BT-111 split", many=True)


@dataclass(slots=True, kw_only=True, eq=False)
class VatBreakdown(Group):
    """BG-23 VAT BREAKDOWN. In CII the tax point date (BT-7) and its code (BT-8) sit here; they
    are also recorded on :class:`Invoice`."""

    taxable_amount: Amount | None = term("BT-116")
    tax_amount: Amount | None = term("BT-117")
    category: Code | None = term("BT-118")
    rate: Number | None = term("BT-119")
    exemption_reason: Value | None = term("BT-120")
    exemption_reason_code: Code | None = term("BT-121")
    tax_point_date: DateValue | None = term("BT-7")
    tax_point_date_code: Code | None = term("BT-8")
    tax_scheme: Code | None = syntax("UBL TaxCategory/TaxScheme/ID / CII ApplicableTradeTax/TypeCode")


@dataclass(slots=True, kw_only=True, eq=False)
class AdditionalDocument(Group):
    """One UBL ``AdditionalDocumentReference`` / CII ``AdditionalReferencedDocument``.

    ``role`` tells what it carries: ``"BG-24"`` (a supporting document), ``"BT-18"`` (type 130,
    invoiced object identifier), ``"BT-17"`` (CII type 50, tender or lot), ``"BT-11"`` (UBL credit
    note type 50, project), or ``""`` (CII with another type code). The BT-17/BT-18/BT-11 values
    are also on :class:`Invoice`; :attr:`Invoice.supporting_documents` lists BG-24 only.
    """

    reference: Identifier | None = term("BT-122")
    type_code: Code | None = syntax("UBL DocumentTypeCode / CII TypeCode (916 for BG-24)")
    description: Value | None = term("BT-123")
    url: Value | None = term("BT-124")
    attachment: Binary | None = term("BT-125")


@dataclass(slots=True, kw_only=True, eq=False)
class ItemAttribute(Group):
    """BG-32 ITEM ATTRIBUTES."""

    name: Value | None = term("BT-160")
    value: Value | None = term("BT-161")


@dataclass(slots=True, kw_only=True, eq=False)
class Item(Group):
    """BG-31 ITEM INFORMATION."""

    name: Value | None = term("BT-153")
    description: Value | None = term("BT-154")
    seller_id: Identifier | None = term("BT-155")
    buyer_id: Identifier | None = term("BT-156")
    standard_id: Identifier | None = term("BT-157")
    classifications: list[Classification] = term("BT-158", many=True)
    origin_country: Code | None = term("BT-159")
    attributes: list[ItemAttribute] = term("BG-32", many=True)


@dataclass(slots=True, kw_only=True, eq=False)
class Price(Group):
    """BG-29 PRICE DETAILS. In CII both the net and the gross price may carry a base quantity;
    the first one found is ``base_quantity``, the other is in ``extra``."""

    net_price: Amount | None = term("BT-146")
    discount: Amount | None = term("BT-147")
    gross_price: Amount | None = term("BT-148")
    base_quantity: Quantity | None = term("BT-149")


@dataclass(slots=True, kw_only=True, eq=False)
class LineVat(Group):
    """BG-30 LINE VAT INFORMATION."""

    category: Code | None = term("BT-151")
    rate: Number | None = term("BT-152")
    tax_scheme: Code | None = syntax("UBL ClassifiedTaxCategory/TaxScheme/ID / CII TypeCode")


@dataclass(slots=True, kw_only=True, eq=False)
class Line(Group):
    """BG-25 INVOICE LINE (UBL ``InvoiceLine`` / ``CreditNoteLine``, CII
    ``IncludedSupplyChainTradeLineItem``)."""

    id: Value | None = term("BT-126")
    note: Value | None = term("BT-127")
    object_id: Identifier | None = term("BT-128")
    quantity: Quantity | None = term("BT-129")
    net_amount: Amount | None = term("BT-131")
    order_line_reference: Value | None = term("BT-132")
    accounting_reference: Value | None = term("BT-133")
    period: Period | None = term("BG-26")
    allowance_charges: list[AllowanceCharge] = syntax("BG-27 and BG-28 in document order", many=True)
    price: Price | None = term("BG-29")
    vat: LineVat | None = term("BG-30")
    item: Item | None = term("BG-31")
    # Not EN 16931 terms: line-level blocks of Factur-X EXTENDED / CTC-FR UBL invoices, which the
    # CEN UBL rules BR-55 (cac:BillingReference) and BR-57 (cac:Delivery/…/cac:Address) also check.
    delivery: Delivery | None = syntax("UBL cac:InvoiceLine/cac:Delivery (EXTENDED)")
    preceding_invoices: list[PrecedingInvoice] = syntax(
        "UBL cac:InvoiceLine/cac:BillingReference (EXTENDED)", many=True
    )
    # CII line ram:AdditionalReferencedDocument, the carrier of BT-128 (role "BT-128"); BR-52 checks
    # it like a supporting document, including when it has no ram:IssuerAssignedID.
    object_documents: list[AdditionalDocument] = syntax("CII line AdditionalReferencedDocument", many=True)

    @property
    def allowances(self) -> list[AllowanceCharge]:
        """BG-27: line allowances (charge indicator false)."""
        return [a for a in self.allowance_charges if a.is_charge is False]

    @property
    def charges(self) -> list[AllowanceCharge]:
        """BG-28: line charges (charge indicator true)."""
        return [a for a in self.allowance_charges if a.is_charge is True]


@dataclass(slots=True, kw_only=True, eq=False)
class Invoice(Group):
    """The invoice (EN 16931 root), read from UBL ``Invoice`` / ``CreditNote`` or CII.

    BG-2 PROCESS CONTROL is flattened (``business_process`` BT-23, ``specification_id`` BT-24).
    ``document`` is the syntax root name: ``"Invoice"``, ``"CreditNote"`` or
    ``"CrossIndustryInvoice"``.
    """

    document: str = ""
    number: Value | None = term("BT-1")
    issue_date: DateValue | None = term("BT-2")
    type_code: Code | None = term("BT-3")
    currency: Code | None = term("BT-5")
    tax_currency: Code | None = term("BT-6")
    tax_point_date: DateValue | None = term("BT-7")
    tax_point_date_code: Code | None = term("BT-8")
    due_date: DateValue | None = term("BT-9")
    buyer_reference: Value | None = term("BT-10")
    project_reference: Value | None = term("BT-11")
    contract_reference: Value | None = term("BT-12")
    purchase_order_reference: Value | None = term("BT-13")
    sales_order_reference: Value | None = term("BT-14")
    receiving_advice_reference: Value | None = term("BT-15")
    despatch_advice_reference: Value | None = term("BT-16")
    tender_reference: Value | None = term("BT-17")
    object_id: Identifier | None = term("BT-18")
    buyer_accounting_reference: Value | None = term("BT-19")
    payment_terms: Value | None = term("BT-20")
    business_process: Value | None = term("BT-23")
    specification_id: Value | None = term("BT-24")
    notes: list[Note] = term("BG-1", many=True)
    preceding_invoices: list[PrecedingInvoice] = term("BG-3", many=True)
    seller: Party | None = term("BG-4")
    buyer: Party | None = term("BG-7")
    payee: Party | None = term("BG-10")
    tax_representative: Party | None = term("BG-11")
    delivery: Delivery | None = term("BG-13")
    period: Period | None = term("BG-14")
    payment_means: list[PaymentMeans] = term("BG-16", many=True)
    remittance_info: Value | None = term("BT-83")
    mandate_reference: Value | None = term("BT-89")
    creditor_reference: Identifier | None = term("BT-90")
    allowance_charges: list[AllowanceCharge] = syntax("BG-20 and BG-21 in document order", many=True)
    totals: Totals | None = term("BG-22")
    vat_breakdown: list[VatBreakdown] = term("BG-23", many=True)
    additional_documents: list[AdditionalDocument] = term("BG-24", many=True)
    lines: list[Line] = term("BG-25", many=True)

    @property
    def allowances(self) -> list[AllowanceCharge]:
        """BG-20 DOCUMENT LEVEL ALLOWANCES (charge indicator false)."""
        return [a for a in self.allowance_charges if a.is_charge is False]

    @property
    def charges(self) -> list[AllowanceCharge]:
        """BG-21 DOCUMENT LEVEL CHARGES (charge indicator true)."""
        return [a for a in self.allowance_charges if a.is_charge is True]

    @property
    def supporting_documents(self) -> list[AdditionalDocument]:
        """BG-24 proper: ``additional_documents`` minus the carriers of BT-17 / BT-18 / BT-11."""
        return [d for d in self.additional_documents if d.role == "BG-24"]

    @property
    def is_credit_note(self) -> bool:
        """True for a UBL ``CreditNote`` document (CII credit notes are told by BT-3 only)."""
        return self.document == "CreditNote"

    # -- Chorus Pro data (domain.md §4.6) -----------------------------------------------------

    @property
    def service_code(self) -> Value | None:
        """The buyer's service code ("code service exécutant").

        BT-10 BuyerReference in both syntaxes; in UBL as generated for Chorus Pro it may instead
        sit in ``AccountingCustomerParty/Party/Contact/ID``, used when BT-10 is absent or blank.
        """
        ref = self.buyer_reference
        if ref is not None and not ref.is_blank:
            return ref
        contact = self.buyer.contact if self.buyer is not None else None
        if contact is not None and contact.id is not None:
            return contact.id
        return ref

    @property
    def commitment_number(self) -> Value | None:
        """The commitment number ("engagement juridique", EJ): BT-13 purchase order reference."""
        return self.purchase_order_reference
