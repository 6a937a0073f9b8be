"""Build an :class:`~facturier.einvoice.model.Invoice` from plain Python data, without source XML.

For the portal's "enter an invoice" form and for tests that need small invoices of their own:

>>> inv = build_invoice(
...     number="F-2025-001", issue_date=date(2025, 3, 1), due_date=date(2025, 3, 31),
...     seller=PartyData(name="ACME SAS", vat_id="FR32123456789", legal_id="123456789",
...                      address=AddressData(city="Paris", postcode="75001", country="FR")),
...     buyer=PartyData(name="Mairie de Test", identifiers=[IdentifierData("21750001600019", "0009")],
...                     address=AddressData(city="Lyon", postcode="69001", country="FR")),
...     buyer_reference="SERVICE-42",            # Chorus Pro service code (BT-10)
...     purchase_order_reference="EJ-0001",      # Chorus Pro commitment number (BT-13)
...     lines=[LineData(name="Conseil", quantity=3, unit="HUR", net_price="120.00")],
... )
>>> write_cii(inv); write_ubl(inv)

Computation follows EN 16931 (the rules the validators check):

* line net amount (BT-131) = quantity × net price ÷ base quantity, rounded, + line charges −
  line allowances; an allowance/charge given as a percentage is base × percentage ÷ 100;
* VAT breakdown (BG-23): one per (category, rate) in order of first use; taxable amount =
  Σ line nets − document allowances + document charges of that category and rate (BR-S-08 and
  its siblings per category); tax amount = taxable × rate ÷ 100 (BR-CO-17), 0 for the
  categories without VAT (Z, E, AE, K, G, O);
* totals: BT-106 = Σ BT-131 (BR-CO-10), BT-109 = BT-106 − BT-107 + BT-108 (BR-CO-13),
  BT-110 = Σ BT-117 (BR-CO-14), BT-112 = BT-109 + BT-110 (BR-CO-15), BT-115 = BT-112 − BT-113 +
  BT-114 (BR-CO-16).

Every amount is rounded to 2 decimals, half up (BR-DEC-*). Values are model values with ``raw``
text and ``el=None`` (no location), exactly what the writers read.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .model import (
    Address,
    AllowanceCharge,
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
from .values import Amount, Code, DateValue, Identifier, Indicator, Number, Quantity, Value
from .writers._common import CREDIT_NOTE_TYPE_CODES

__all__ = [
    "DEFAULT_EXEMPTION_CODES",
    "EN16931_SPECIFICATION",
    "AddressData",
    "AllowanceChargeData",
    "ContactData",
    "IdentifierData",
    "LineData",
    "NoteData",
    "PartyData",
    "PaymentData",
    "PrecedingInvoiceData",
    "build_invoice",
    "round_amount",
]

Num = Decimal | int | str

EN16931_SPECIFICATION = "urn:cen.eu:en16931:2017"

# VAT categories that carry no VAT (the tax amount of their breakdown is 0, BR-*-09).
_NO_VAT = frozenset({"Z", "E", "AE", "K", "G", "O"})
# Categories whose breakdown must state an exemption reason (BR-E-10, BR-AE-10, BR-IC-10,
# BR-G-10, BR-O-10); and the VATEX code used when the caller gives none (absent for E: the reason
# of an exemption depends on the article of law, it must be given).
_NEEDS_REASON = frozenset({"E", "AE", "K", "G", "O"})
DEFAULT_EXEMPTION_CODES: Mapping[str, str] = {
    "AE": "VATEX-EU-AE",
    "K": "VATEX-EU-IC",
    "G": "VATEX-EU-G",
    "O": "VATEX-EU-O",
}

_CENT = Decimal("0.01")


def round_amount(d: Decimal) -> Decimal:
    """EN 16931 amount rounding: 2 decimals, half up."""
    return d.quantize(_CENT, rounding=ROUND_HALF_UP)


def _dec(x: Num, what: str) -> Decimal:
    try:
        return x if isinstance(x, Decimal) else Decimal(str(x))
    except InvalidOperation:
        raise ValueError("%s: %r is not a number" % (what, x)) from None


def _txt(d: Decimal) -> str:
    return format(d, "f")


# --- input data ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IdentifierData:
    """An identifier and its scheme (ISO 6523 ICD for party ids, e.g. ``"0009"`` SIRET,
    ``"0002"`` SIREN; EAS for electronic addresses)."""

    value: str
    scheme: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AddressData:
    """BG-5 / BG-8 / BG-15. ``country`` is the ISO 3166-1 alpha-2 code."""

    country: str
    line1: str | None = None
    line2: str | None = None
    line3: str | None = None
    city: str | None = None
    postcode: str | None = None
    subdivision: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactData:
    """BG-6 / BG-9; ``department`` is the Factur-X department (Chorus Pro service name)."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    department: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyData:
    """Seller (BG-4), buyer (BG-7) or payee (BG-10).

    ``identifiers`` are BT-29 / BT-46 / BT-60 (e.g. the SIRET with scheme 0009), ``legal_id`` is
    BT-30 / BT-47 / BT-61 (e.g. the SIREN, scheme 0002), ``vat_id`` BT-31 / BT-48,
    ``electronic_address`` BT-34 / BT-49. ``tax_registration_id`` (BT-32) and ``legal_info``
    (BT-33) are seller terms.
    """

    name: str
    trading_name: str | None = None
    identifiers: Sequence[IdentifierData | str] = ()
    legal_id: IdentifierData | str | None = None
    vat_id: str | None = None
    tax_registration_id: str | None = None
    legal_info: str | None = None
    electronic_address: IdentifierData | None = None
    address: AddressData | None = None
    contact: ContactData | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AllowanceChargeData:
    """An allowance or a charge (by the list it is given in: ``allowances=`` or ``charges=``),
    at document or line level.

    Give ``amount``, or ``percentage`` (and optionally ``base_amount``, which defaults to the
    line's net amount, or at document level to the net total of the lines of the same VAT
    category and rate). ``vat_category`` / ``vat_rate`` apply at document level and default to
    the lines' single VAT category and rate when there is only one.
    """

    amount: Num | None = None
    percentage: Num | None = None
    base_amount: Num | None = None
    reason: str | None = None
    reason_code: str | None = None
    vat_category: str | None = None
    vat_rate: Num | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LineData:
    """An invoice line (BG-25). ``net_price`` is per ``base_quantity`` (default 1) of ``unit``
    (UN/ECE Rec 20/21, default ``C62`` "one"). ``vat_rate`` is ``None`` for category O.
    ``gross_price`` (BT-148) makes the price discount BT-147 = gross − net."""

    name: str
    quantity: Num
    net_price: Num
    unit: str = "C62"
    vat_category: str = "S"
    vat_rate: Num | None = Decimal("20")
    id: str | None = None
    description: str | None = None
    note: str | None = None
    seller_item_id: str | None = None
    buyer_item_id: str | None = None
    standard_item_id: IdentifierData | None = None
    origin_country: str | None = None
    attributes: Sequence[tuple[str, str]] = ()
    base_quantity: Num | None = None
    gross_price: Num | None = None
    order_line_reference: str | None = None
    accounting_reference: str | None = None
    period_start: _dt.date | None = None
    period_end: _dt.date | None = None
    allowances: Sequence[AllowanceChargeData] = ()
    charges: Sequence[AllowanceChargeData] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentData:
    """One payment means (BG-16): UNTDID 4461 ``means_code`` (30 credit transfer, 58 SEPA credit
    transfer, 59 SEPA direct debit, 48 card…), the account to pay to (BG-17) or the debited
    account (BT-91)."""

    means_code: str = "30"
    means_text: str | None = None
    iban: str | None = None
    account_name: str | None = None
    bic: str | None = None
    debited_account: str | None = None


@dataclass(frozen=True, slots=True)
class NoteData:
    """An invoice note (BG-1) with its UNTDID 4451 subject code (e.g. ``"PMT"``, ``"AAB"``)."""

    text: str
    subject_code: str | None = None


@dataclass(frozen=True, slots=True)
class PrecedingInvoiceData:
    """BG-3: the invoice a credit note or a corrective invoice refers to."""

    reference: str
    issue_date: _dt.date | None = None


# --- value constructors (el=None) ----------------------------------------------------------------


def _v(raw: str | None) -> Value | None:
    return Value(raw, None) if raw is not None else None


def _code(raw: str | None) -> Code | None:
    return Code(raw, None) if raw is not None else None


def _ident(data: IdentifierData | str | None) -> Identifier | None:
    if data is None:
        return None
    if isinstance(data, str):
        data = IdentifierData(data)
    v = Identifier(data.value, None)
    v.scheme = data.scheme
    return v


def _amount(d: Decimal | None, currency: str | None) -> Amount | None:
    if d is None:
        return None
    a = Amount(_txt(d), None)
    a.currency = currency
    return a


def _number(d: Decimal | None) -> Number | None:
    return Number(_txt(d), None) if d is not None else None


def _quantity(d: Decimal, unit: str | None) -> Quantity:
    q = Quantity(_txt(d), None)
    q.unit = unit
    return q


def _date(d: _dt.date | None) -> DateValue | None:
    return DateValue(d.isoformat(), None) if d is not None else None


def _address(a: AddressData | None, role: str) -> Address | None:
    if a is None:
        return None
    return Address(
        role=role,
        line1=_v(a.line1),
        line2=_v(a.line2),
        line3=_v(a.line3),
        city=_v(a.city),
        postcode=_v(a.postcode),
        subdivision=_v(a.subdivision),
        country=_code(a.country),
    )


_ADDRESS_ROLE = {"BG-4": "BG-5", "BG-7": "BG-8"}
_CONTACT_ROLE = {"BG-4": "BG-6", "BG-7": "BG-9"}


def _party(p: PartyData, role: str) -> Party:
    c = p.contact
    contact = None
    if c is not None and role in _CONTACT_ROLE:
        contact = Contact(
            role=_CONTACT_ROLE[role],
            name=_v(c.name),
            phone=_v(c.phone),
            email=_v(c.email),
            department=_v(c.department),
        )
    legal = p.legal_id
    party = Party(
        role=role,
        name=_v(p.name),
        trading_name=_v(p.trading_name) if role != "BG-10" else None,
        identifiers=[v for v in (_ident(i) for i in p.identifiers) if v is not None],
        legal_id=_ident(legal),
        vat_id=_ident(p.vat_id) if role != "BG-10" else None,
        tax_registration_id=_ident(p.tax_registration_id) if role == "BG-4" else None,
        legal_info=_v(p.legal_info) if role == "BG-4" else None,
        electronic_address=_ident(p.electronic_address) if role != "BG-10" else None,
        address=_address(p.address, _ADDRESS_ROLE[role]) if role in _ADDRESS_ROLE else None,
        contact=contact,
    )
    if party.vat_id is not None:
        party.tax_schemes.append(Code("VAT", None))
    if party.tax_registration_id is not None:
        party.tax_schemes.append(Code("TAX", None))
    return party


# --- computation ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Bucket:
    """One VAT breakdown being summed."""

    category: str
    rate: Decimal | None
    taxable: Decimal = Decimal(0)
    lines: Decimal = Decimal(0)


@dataclass(slots=True)
class _Totals:
    buckets: dict[tuple[str, Decimal | None], _Bucket] = field(default_factory=dict)

    def bucket(self, category: str, rate: Decimal | None) -> _Bucket:
        key = (category, rate.normalize() if rate is not None else None)
        b = self.buckets.get(key)
        if b is None:
            b = self.buckets[key] = _Bucket(category, rate)
        return b


def _allowance_charge(
    data: AllowanceChargeData,
    *,
    charge: bool,
    base: Decimal | None,
    currency: str,
    line_level: bool,
    what: str,
) -> tuple[AllowanceCharge, Decimal]:
    pct = _dec(data.percentage, what + ".percentage") if data.percentage is not None else None
    base_amount = (
        round_amount(_dec(data.base_amount, what + ".base_amount")) if data.base_amount is not None else None
    )
    if pct is not None and base_amount is None:
        base_amount = base
    if data.amount is not None:
        amount = round_amount(_dec(data.amount, what + ".amount"))
    elif pct is not None and base_amount is not None:
        amount = round_amount(base_amount * pct / 100)
    else:
        raise ValueError("%s: give an amount, or a percentage (and a base amount)" % what)
    role = ("BG-28" if charge else "BG-27") if line_level else ("BG-21" if charge else "BG-20")
    ac = AllowanceCharge(
        role=role,
        charge_indicator=Indicator("true" if charge else "false", None),
        amount=_amount(amount, currency),
        base_amount=_amount(base_amount, currency),
        percentage=_number(pct),
        reason=_v(data.reason),
        reason_code=_code(data.reason_code),
    )
    return ac, amount


def _line(data: LineData, index: int, currency: str, totals: _Totals) -> tuple[Line, Decimal]:
    what = "line %d" % index
    qty = _dec(data.quantity, what + ".quantity")
    price = _dec(data.net_price, what + ".net_price")
    base_qty = _dec(data.base_quantity, what + ".base_quantity") if data.base_quantity is not None else None
    rate = _dec(data.vat_rate, what + ".vat_rate") if data.vat_rate is not None else None
    gross = _dec(data.gross_price, what + ".gross_price") if data.gross_price is not None else None

    gross_net = round_amount(qty * price / (base_qty if base_qty else 1))
    net = gross_net
    acs: list[AllowanceCharge] = []
    for charge, items in ((False, data.allowances), (True, data.charges)):
        for i, ac_data in enumerate(items, start=1):
            ac, amount = _allowance_charge(
                ac_data,
                charge=charge,
                base=gross_net,
                currency=currency,
                line_level=True,
                what="%s %s %d" % (what, "charge" if charge else "allowance", i),
            )
            net += amount if charge else -amount
            acs.append(ac)

    item = Item(
        role="BG-31",
        name=_v(data.name),
        description=_v(data.description),
        seller_id=_ident(data.seller_item_id),
        buyer_id=_ident(data.buyer_item_id),
        standard_id=_ident(data.standard_item_id),
        origin_country=_code(data.origin_country),
        attributes=[ItemAttribute(role="BG-32", name=_v(n), value=_v(v)) for n, v in data.attributes],
    )
    period = None
    if data.period_start is not None or data.period_end is not None:
        period = Period(role="BG-26", start=_date(data.period_start), end=_date(data.period_end))
    line = Line(
        role="BG-25",
        id=_v(data.id if data.id is not None else str(index)),
        note=_v(data.note),
        quantity=_quantity(qty, data.unit),
        net_amount=_amount(net, currency),
        order_line_reference=_v(data.order_line_reference),
        accounting_reference=_v(data.accounting_reference),
        period=period,
        allowance_charges=acs,
        price=Price(
            role="BG-29",
            net_price=_amount(price, currency),
            discount=_amount(gross - price, currency) if gross is not None else None,
            gross_price=_amount(gross, currency),
            base_quantity=_quantity(base_qty, data.unit) if base_qty is not None else None,
        ),
        vat=LineVat(
            role="BG-30", category=_code(data.vat_category), rate=_number(rate), tax_scheme=_code("VAT")
        ),
        item=item,
    )
    b = totals.bucket(data.vat_category, rate)
    b.lines += net
    b.taxable += net
    return line, net


def build_invoice(
    *,
    number: str,
    issue_date: _dt.date,
    seller: PartyData,
    buyer: PartyData,
    lines: Sequence[LineData],
    type_code: str = "380",
    currency: str = "EUR",
    due_date: _dt.date | None = None,
    payment_terms: str | None = None,
    buyer_reference: str | None = None,
    purchase_order_reference: str | None = None,
    contract_reference: str | None = None,
    project_reference: str | None = None,
    sales_order_reference: str | None = None,
    buyer_accounting_reference: str | None = None,
    notes: Sequence[NoteData | str] = (),
    preceding_invoices: Sequence[PrecedingInvoiceData] = (),
    period_start: _dt.date | None = None,
    period_end: _dt.date | None = None,
    delivery_date: _dt.date | None = None,
    delivery_address: AddressData | None = None,
    tax_point_date: _dt.date | None = None,
    payee: PartyData | None = None,
    payment: PaymentData | None = None,
    remittance_info: str | None = None,
    mandate_reference: str | None = None,
    creditor_reference: str | None = None,
    allowances: Sequence[AllowanceChargeData] = (),
    charges: Sequence[AllowanceChargeData] = (),
    prepaid: Num | None = None,
    rounding: Num | None = None,
    vat_exemption_reasons: Mapping[str, tuple[str | None, str | None]] | None = None,
    specification_id: str = EN16931_SPECIFICATION,
    business_process: str | None = None,
) -> Invoice:
    """Build a complete invoice, computing line nets, the VAT breakdown and the totals.

    ``buyer_reference`` (BT-10) is the Chorus Pro service code and ``purchase_order_reference``
    (BT-13) the commitment number ("engagement juridique"). ``vat_exemption_reasons`` maps a VAT
    category to ``(reason text, VATEX code)`` (BT-120, BT-121); categories AE, K, G and O default
    to their VATEX-EU code, E has no default and needs one. A credit note (BT-3 381…) gets
    ``document="CreditNote"``, so that it is written as a UBL CreditNote.

    Raises ``ValueError`` for a value that is not a number, an allowance/charge with neither
    amount nor percentage, a document-level allowance/charge whose VAT category cannot be
    inferred, or an exempt category without a reason.
    """
    totals = _Totals()
    model_lines: list[Line] = []
    line_total = Decimal(0)
    for i, data in enumerate(lines, start=1):
        line, net = _line(data, i, currency, totals)
        model_lines.append(line)
        line_total += net

    # Document-level allowances and charges (BG-20 / BG-21).
    doc_acs: list[AllowanceCharge] = []
    allowance_total = charge_total = Decimal(0)
    categories = {b.category for b in totals.buckets.values()}
    single = next(iter(totals.buckets.values())) if len(categories) == 1 else None
    for i, (charge, ac_data) in enumerate([*((False, a) for a in allowances), *((True, c) for c in charges)]):
        what = "document %s %d" % ("charge" if charge else "allowance", i + 1)
        category = ac_data.vat_category or (single.category if single is not None else None)
        if category is None:
            raise ValueError("%s: vat_category is needed when the lines use several VAT rates" % what)
        rate: Decimal | None
        if ac_data.vat_rate is not None:
            rate = _dec(ac_data.vat_rate, what + ".vat_rate")
        else:
            same = [b.rate for b in totals.buckets.values() if b.category == category]
            if len(same) == 1:
                rate = same[0]
            elif category == "O":
                rate = None
            elif category in _NO_VAT:
                rate = Decimal(0)
            else:
                raise ValueError("%s: vat_rate is needed for VAT category %s" % (what, category))
        bucket = totals.bucket(category, rate)
        ac, amount = _allowance_charge(
            ac_data, charge=charge, base=bucket.lines, currency=currency, line_level=False, what=what
        )
        ac.vat_category = _code(category)
        ac.vat_rate = _number(rate)
        ac.tax_scheme = _code("VAT")
        if charge:
            charge_total += amount
            bucket.taxable += amount
        else:
            allowance_total += amount
            bucket.taxable -= amount
        doc_acs.append(ac)

    # VAT breakdown (BG-23).
    reasons = dict(vat_exemption_reasons or {})
    breakdown: list[VatBreakdown] = []
    tax_total = Decimal(0)
    for b in totals.buckets.values():
        tax = (
            Decimal("0.00")
            if b.category in _NO_VAT or b.rate is None
            else round_amount(b.taxable * b.rate / 100)
        )
        tax_total += tax
        text, code = reasons.get(b.category, (None, None))
        if b.category in _NEEDS_REASON and text is None and code is None:
            code = DEFAULT_EXEMPTION_CODES.get(b.category)
            if code is None:
                raise ValueError(
                    "VAT category %s needs an exemption reason (vat_exemption_reasons)" % b.category
                )
        breakdown.append(
            VatBreakdown(
                role="BG-23",
                taxable_amount=_amount(round_amount(b.taxable), currency),
                tax_amount=_amount(tax, currency),
                category=_code(b.category),
                rate=_number(b.rate),
                exemption_reason=_v(text),
                exemption_reason_code=_code(code),
                tax_scheme=_code("VAT"),
            )
        )

    line_total = round_amount(line_total)
    tax_exclusive = line_total - allowance_total + charge_total
    tax_inclusive = tax_exclusive + tax_total
    prepaid_d = round_amount(_dec(prepaid, "prepaid")) if prepaid is not None else None
    rounding_d = round_amount(_dec(rounding, "rounding")) if rounding is not None else None
    payable = tax_inclusive - (prepaid_d or 0) + (rounding_d or 0)
    tax_total_amount = _amount(round_amount(tax_total), currency)
    doc_totals = Totals(
        role="BG-22",
        line_total=_amount(line_total, currency),
        allowance_total=_amount(allowance_total, currency) if allowances else None,
        charge_total=_amount(charge_total, currency) if charges else None,
        tax_exclusive=_amount(round_amount(tax_exclusive), currency),
        tax_total=tax_total_amount,
        tax_inclusive=_amount(round_amount(tax_inclusive), currency),
        prepaid=_amount(prepaid_d, currency),
        rounding=_amount(rounding_d, currency),
        payable=_amount(round_amount(payable), currency),
    )
    assert tax_total_amount is not None
    doc_totals.tax_amounts.append(tax_total_amount)

    means: list[PaymentMeans] = []
    if payment is not None:
        ct = None
        if payment.iban is not None or payment.bic is not None or payment.account_name is not None:
            ct = CreditTransfer(
                role="BG-17",
                account_id=_ident(payment.iban),
                account_name=_v(payment.account_name),
                provider_id=_ident(payment.bic),
            )
        means.append(
            PaymentMeans(
                role="BG-16",
                type_code=_code(payment.means_code),
                type_text=_v(payment.means_text),
                credit_transfer=ct,
                debited_account=_ident(payment.debited_account),
            )
        )

    delivery = None
    if delivery_date is not None or delivery_address is not None:
        delivery = Delivery(
            role="BG-13", actual_date=_date(delivery_date), address=_address(delivery_address, "BG-15")
        )
    period = None
    if period_start is not None or period_end is not None:
        period = Period(role="BG-14", start=_date(period_start), end=_date(period_end))

    return Invoice(
        document="CreditNote" if type_code in CREDIT_NOTE_TYPE_CODES else "Invoice",
        number=_v(number),
        issue_date=_date(issue_date),
        type_code=_code(type_code),
        currency=_code(currency),
        tax_point_date=_date(tax_point_date),
        due_date=_date(due_date),
        buyer_reference=_v(buyer_reference),
        project_reference=_v(project_reference),
        contract_reference=_v(contract_reference),
        purchase_order_reference=_v(purchase_order_reference),
        sales_order_reference=_v(sales_order_reference),
        buyer_accounting_reference=_v(buyer_accounting_reference),
        payment_terms=_v(payment_terms),
        business_process=_v(business_process),
        specification_id=_v(specification_id),
        notes=[
            Note(role="BG-1", text=_v(n.text), subject_code=_code(n.subject_code))
            if isinstance(n, NoteData)
            else Note(role="BG-1", text=_v(n))
            for n in notes
        ],
        preceding_invoices=[
            PrecedingInvoice(role="BG-3", reference=_v(p.reference), issue_date=_date(p.issue_date))
            for p in preceding_invoices
        ],
        seller=_party(seller, "BG-4"),
        buyer=_party(buyer, "BG-7"),
        payee=_party(payee, "BG-10") if payee is not None else None,
        delivery=delivery,
        period=period,
        payment_means=means,
        remittance_info=_v(remittance_info),
        mandate_reference=_v(mandate_reference),
        creditor_reference=_ident(creditor_reference),
        allowance_charges=doc_acs,
        totals=doc_totals,
        vat_breakdown=breakdown,
        lines=model_lines,
    )
