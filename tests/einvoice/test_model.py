"""The model keeps what rules need: raw text, parse failures, presence, counts, locations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from facturier.einvoice import Format, Profile, read
from facturier.einvoice.model import AllowanceCharge, Invoice, Party
from facturier.einvoice.values import parse_date, parse_decimal

UBL = b"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>F-001</cbc:ID>
  <cbc:ID>F-002</cbc:ID>
  <cbc:IssueDate>2024-02-30</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:Note/>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>
  <cac:OrderReference><cbc:ID>EJ-42</cbc:ID></cac:OrderReference>
  <cac:AdditionalDocumentReference>
    <cbc:ID schemeID="AAB">OBJ-1</cbc:ID><cbc:DocumentTypeCode>130</cbc:DocumentTypeCode>
  </cac:AdditionalDocumentReference>
  <cac:AdditionalDocumentReference><cbc:ID>DOC-1</cbc:ID></cac:AdditionalDocumentReference>
  <cac:AccountingSupplierParty><cac:Party>
    <cbc:EndpointID schemeID="0009">12345678200077</cbc:EndpointID>
    <cac:PartyIdentification><cbc:ID schemeID="0088">SELLER-GLN</cbc:ID></cac:PartyIdentification>
    <cac:PartyIdentification><cbc:ID schemeID="SEPA">DE98ZZZ09999999999</cbc:ID></cac:PartyIdentification>
    <cac:PostalAddress><cbc:CityName>Paris</cbc:CityName>
      <cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>FR11123456782</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyTaxScheme><cbc:CompanyID>FR22123456782</cbc:CompanyID><cac:TaxScheme><cbc:ID> vat </cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>Vendeur SA</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PostalAddress><cbc:CityName>Lyon</cbc:CityName></cac:PostalAddress>
    <cac:PartyLegalEntity><cbc:RegistrationName>Mairie</cbc:RegistrationName></cac:PartyLegalEntity>
    <cac:Contact><cbc:ID>SERVICE-7</cbc:ID></cac:Contact>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:PaymentMeans><cbc:PaymentMeansCode name="Virement">30</cbc:PaymentMeansCode>
    <cbc:PaymentID>REF-1</cbc:PaymentID>
    <cac:PayeeFinancialAccount><cbc:ID>FR7630006000011234567890189</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cbc:PaymentID>REF-2</cbc:PaymentID></cac:PaymentMeans>
  <cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">5</cbc:Amount></cac:AllowanceCharge>
  <cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">2</cbc:Amount></cac:AllowanceCharge>
  <cac:AllowanceCharge><cbc:ChargeIndicator>yes</cbc:ChargeIndicator></cac:AllowanceCharge>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount>
    <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">100.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal></cac:TaxTotal>
  <cac:TaxTotal><cbc:TaxAmount currencyID="SEK">230.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">12,50</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">1e3</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine><cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">2</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">50.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>A</cbc:Name>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">25</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
  <cac:InvoiceLine><cbc:ID>2</cbc:ID>
    <cbc:LineExtensionAmount currencyID="EUR">50.00</cbc:LineExtensionAmount>
    <cac:AllowanceCharge><cbc:ChargeIndicator>1</cbc:ChargeIndicator><cbc:Amount currencyID="EUR">1</cbc:Amount></cac:AllowanceCharge>
  </cac:InvoiceLine>
</Invoice>
"""

CII = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
    <ram:ID>urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic</ram:ID>
  </ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument><ram:ID>FA-9</ram:ID><ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20240131</udt:DateTimeString></ram:IssueDateTime>
    <ram:IncludedNote><ram:Content>Merci</ram:Content><ram:SubjectCode>AAI</ram:SubjectCode></ram:IncludedNote>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct><ram:Name>Conseil</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:GrossPriceProductTradePrice><ram:ChargeAmount>110</ram:ChargeAmount>
          <ram:AppliedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator>
            <ram:ActualAmount>10</ram:ActualAmount></ram:AppliedTradeAllowanceCharge></ram:GrossPriceProductTradePrice>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount>100</ram:ChargeAmount>
          <ram:BasisQuantity unitCode="HUR">1</ram:BasisQuantity></ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="HUR">1</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode>
          <ram:RateApplicablePercent>20</ram:RateApplicablePercent></ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>100</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:BuyerReference>SERVICE-CII</ram:BuyerReference>
      <ram:SellerTradeParty><ram:Name>Vendeur</ram:Name>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR11123456782</ram:ID></ram:SpecifiedTaxRegistration>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">123/456</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>Acheteur</ram:Name>
        <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">12345678200077</ram:ID></ram:SpecifiedLegalOrganization>
      </ram:BuyerTradeParty>
      <ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>EJ-CII</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode>
        <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>FR7630006000011234567890189</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
        <ram:PayeeSpecifiedCreditorFinancialInstitution><ram:BICID>AGRIFRPP</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution>
      </ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:ApplicableTradeTax><ram:CalculatedAmount>20</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>
        <ram:BasisAmount>100</ram:BasisAmount><ram:CategoryCode>S</ram:CategoryCode>
        <ram:DueDateTypeCode>5</ram:DueDateTypeCode><ram:RateApplicablePercent>20</ram:RateApplicablePercent></ram:ApplicableTradeTax>
      <ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>true</udt:Indicator></ram:ChargeIndicator>
        <ram:ActualAmount>3</ram:ActualAmount></ram:SpecifiedTradeAllowanceCharge>
      <ram:SpecifiedTradePaymentTerms><ram:DueDateDateTime><udt:DateTimeString format="102">20240229</udt:DateTimeString></ram:DueDateDateTime></ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>100</ram:LineTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">20</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>120</ram:GrandTotalAmount>
        <ram:DuePayableAmount>120</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""


@pytest.fixture(scope="module")
def ubl() -> Invoice:
    return read(UBL).invoice


@pytest.fixture(scope="module")
def cii() -> Invoice:
    return read(CII).invoice


def test_repeated_terms_are_counted_and_located(ubl: Invoice) -> None:
    assert ubl.number is not None and ubl.number.raw == "F-001"
    assert ubl.count("BT-1") == 2
    second = ubl.all("BT-1")[1]
    assert second.raw == "F-002"
    assert second.xpath == "/Invoice/cbc:ID[2]"
    assert second.line == 7
    # Both VAT schemes count as BT-31 (upper-case and whitespace-trimmed, as the Schematron).
    assert ubl.seller is not None
    assert [v.raw for v in ubl.seller.all("BT-31")] == ["FR11123456782", "FR22123456782"]
    assert ubl.seller.count("vat_id") == 2


def test_unparseable_values_keep_raw_text(ubl: Invoice) -> None:
    assert ubl.issue_date is not None
    assert ubl.issue_date.raw == "2024-02-30" and ubl.issue_date.value is None
    totals = ubl.totals
    assert totals is not None and totals.tax_inclusive is not None and totals.payable is not None
    assert (totals.tax_inclusive.raw, totals.tax_inclusive.value) == ("12,50", None)
    assert (totals.payable.raw, totals.payable.value) == ("1e3", None)
    assert totals.line_total is not None and totals.line_total.value == Decimal("100.00")
    assert totals.line_total.currency == "EUR"


def test_present_but_empty_differs_from_absent(ubl: Invoice) -> None:
    assert len(ubl.notes) == 1
    note = ubl.notes[0].text
    assert note is not None and note.raw == "" and note.is_blank
    assert ubl.buyer_reference is None
    assert ubl.count("BT-10") == 0 and ubl.all("BT-10") == []


def test_bt_ids_resolve_by_role(ubl: Invoice) -> None:
    assert ubl.seller is not None and ubl.buyer is not None
    assert ubl.seller.address is not None and ubl.buyer.address is not None
    assert ubl.seller.address.role == "BG-5" and ubl.buyer.address.role == "BG-8"
    assert ubl.seller.address.get("BT-37").raw == "Paris"
    assert ubl.buyer.address.get("BT-52").raw == "Lyon"
    assert ubl.seller.address.term_id("city") == "BT-37"
    assert ubl.buyer.get("BT-44").raw == "Mairie"
    with pytest.raises(KeyError):
        ubl.buyer.get("BT-27")  # the seller name is not a term of the buyer
    assert Party(role="BG-10").field_for("BT-59") == "name"


def test_identifiers_keep_their_scheme_and_sepa_goes_to_bt90(ubl: Invoice) -> None:
    seller = ubl.seller
    assert seller is not None and seller.electronic_address is not None
    assert (seller.electronic_address.value, seller.electronic_address.scheme) == ("12345678200077", "0009")
    assert seller.electronic_address.scheme_xpath.endswith("cbc:EndpointID/@schemeID")
    assert [(i.value, i.scheme) for i in seller.identifiers] == [("SELLER-GLN", "0088")]
    assert ubl.creditor_reference is not None and ubl.creditor_reference.value == "DE98ZZZ09999999999"
    assert ubl.object_id is not None and (ubl.object_id.value, ubl.object_id.scheme) == ("OBJ-1", "AAB")
    assert [d.role for d in ubl.additional_documents] == ["BT-18", "BG-24"]
    assert [d.reference.value for d in ubl.supporting_documents if d.reference] == ["DOC-1"]


def test_payment_blocks_and_header_terms(ubl: Invoice) -> None:
    assert [pm.type_code.code for pm in ubl.payment_means if pm.type_code] == ["30", "58"]
    first = ubl.payment_means[0]
    assert first.type_text is not None and first.type_text.raw == "Virement"
    assert first.type_text.xpath == "/Invoice/cac:PaymentMeans[1]/cbc:PaymentMeansCode/@name"
    assert first.credit_transfer is not None and first.credit_transfer.account_id is not None
    assert ubl.payment_means[1].credit_transfer is None
    # BT-83 is a header term: two PaymentIDs are two occurrences of it (UBL-SR-44 counts them).
    assert [v.raw for v in ubl.all("BT-83")] == ["REF-1", "REF-2"]


def test_allowances_charges_and_indicator_cast(ubl: Invoice) -> None:
    assert [a.role for a in ubl.allowance_charges] == ["BG-20", "BG-21", "BG-20|BG-21"]
    assert [a.amount.raw for a in ubl.allowances if a.amount] == ["5"]
    assert [a.amount.raw for a in ubl.charges if a.amount] == ["2"]
    assert ubl.allowance_charges[2].is_charge is None
    line_ac = ubl.lines[1].allowance_charges[0]
    assert isinstance(line_ac, AllowanceCharge) and line_ac.role == "BG-28"  # "1" casts to true
    assert line_ac.get("BT-141").raw == "1"


def test_tax_totals_are_split_by_currency(ubl: Invoice) -> None:
    totals = ubl.totals
    assert totals is not None
    assert [a.raw for a in totals.tax_amounts] == ["20.00", "230.00"]
    assert totals.tax_total is not None and totals.tax_total.currency == "EUR"
    assert totals.tax_total_in_tax_currency is not None and totals.tax_total_in_tax_currency.raw == "230.00"
    assert ubl.vat_breakdown[0].category is not None and ubl.vat_breakdown[0].category.code == "S"
    assert ubl.vat_breakdown[0].tax_scheme is not None and ubl.vat_breakdown[0].tax_scheme.raw == "VAT"


def test_lines(ubl: Invoice) -> None:
    line = ubl.lines[0]
    assert line.quantity is not None and (line.quantity.value, line.quantity.unit) == (Decimal(2), "C62")
    assert line.vat is not None and line.vat.rate is not None and line.vat.rate.value == Decimal(20)
    assert line.item is not None and line.item.name is not None and line.item.name.raw == "A"
    assert line.price is not None and line.price.net_price is not None
    assert line.net_amount is not None
    assert line.net_amount.xpath == "/Invoice/cac:InvoiceLine[1]/cbc:LineExtensionAmount"
    assert ubl.lines[1].item is None and ubl.lines[1].vat is None


def test_chorus_service_code_and_commitment_number(ubl: Invoice, cii: Invoice) -> None:
    # UBL without BT-10: the service code is the buyer's Contact/ID (domain.md §4.6).
    assert ubl.service_code is not None and ubl.service_code.raw == "SERVICE-7"
    assert ubl.commitment_number is not None and ubl.commitment_number.raw == "EJ-42"
    assert cii.service_code is not None and cii.service_code.raw == "SERVICE-CII"
    assert cii.commitment_number is not None and cii.commitment_number.raw == "EJ-CII"


def test_cii_reader(cii: Invoice) -> None:
    doc = read(CII)
    assert doc.format is Format.CII and doc.profile is Profile.BASIC
    assert cii.issue_date is not None and cii.issue_date.format == "102"
    assert cii.issue_date.value is not None and cii.issue_date.value.isoformat() == "2024-01-31"
    assert cii.due_date is not None and cii.due_date.value is not None
    assert cii.notes[0].subject_code is not None and cii.notes[0].subject_code.raw == "AAI"
    seller = cii.seller
    assert seller is not None and seller.vat_id is not None and seller.vat_id.scheme == "VA"
    assert seller.tax_registration_id is not None and seller.tax_registration_id.raw == "123/456"
    assert cii.buyer is not None and cii.buyer.legal_id is not None and cii.buyer.legal_id.scheme == "0002"
    # BT-8 sits in the VAT breakdown in CII and is recorded on the invoice too (same object).
    assert cii.vat_breakdown[0].tax_point_date_code is cii.tax_point_date_code
    pm = cii.payment_means[0]
    assert pm.credit_transfer is not None and pm.credit_transfer.provider_id is not None
    assert pm.credit_transfer.provider_id.raw == "AGRIFRPP"
    assert [a.role for a in cii.allowance_charges] == ["BG-21"]
    price = cii.lines[0].price
    assert price is not None and price.gross_price is not None and price.discount is not None
    assert (price.net_price.raw if price.net_price else None) == "100"
    assert price.base_quantity is not None and price.base_quantity.unit == "HUR"
    assert cii.totals is not None and cii.totals.tax_total is not None and cii.totals.tax_total.raw == "20"
    assert cii.totals.tax_total.xpath == (
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
        "/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxTotalAmount"
    )
    assert cii.delivery is None  # an empty ApplicableHeaderTradeDelivery is no BG-13


def test_credit_note_reads_credited_quantity() -> None:
    cn = (
        UBL.replace(b"xsd:Invoice-2", b"xsd:CreditNote-2")
        .replace(b"<Invoice ", b"<CreditNote ")
        .replace(b"</Invoice>", b"</CreditNote>")
        .replace(b"InvoiceTypeCode>380", b"CreditNoteTypeCode>381")
        .replace(b"cbc:InvoiceTypeCode>", b"cbc:CreditNoteTypeCode>")
        .replace(b"InvoiceLine>", b"CreditNoteLine>")
        .replace(b"InvoicedQuantity", b"CreditedQuantity")
    )
    doc = read(cn)
    assert doc.invoice.is_credit_note and doc.invoice.document == "CreditNote"
    assert doc.invoice.type_code is not None and doc.invoice.type_code.raw == "381"
    assert doc.invoice.lines[0].quantity is not None and doc.invoice.lines[0].quantity.raw == "2"
    assert doc.invoice.lines[0].net_amount is not None
    assert doc.invoice.lines[0].net_amount.xpath == "/CreditNote/cac:CreditNoteLine[1]/cbc:LineExtensionAmount"


@pytest.mark.parametrize(
    ("raw", "ok"),
    [("1", True), (" 12.50\n", True), (".5", True), ("5.", True), ("-0.00", True), ("+.5", True),
     ("", False), (".", False), ("-", False), ("1e3", False), ("NaN", False), ("Infinity", False),
     ("12,50", False), ("1.2.3", False), ("1 000", False), ("١٢", False), ("--1", False), ("1_000", False),
     (".+5", False), ("5.-", False), ("+-1", False)],
)
def test_decimal_lexical_space_is_xsd(raw: str, ok: bool) -> None:
    assert (parse_decimal(raw) is not None) is ok


def test_dates() -> None:
    assert parse_date("2024-02-29") is not None
    assert parse_date("2024-02-29+01:00") is not None
    assert parse_date("2023-02-29") is None
    assert parse_date("20240229", "102") is not None
    assert parse_date("2024-02-29", "102") is None
    assert parse_date("20240229") is None


def test_utf16_document_reads() -> None:
    text = UBL.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    doc = read(text.encode("utf-16"))
    assert doc.invoice.number is not None and doc.invoice.number.raw == "F-001"
    assert doc.invoice.number.line == 6
