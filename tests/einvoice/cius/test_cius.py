"""The CIUS layer: which CIUS applies, the XRechnung placeholder, and branches the corpus lacks.

Documents are small UBL invoices built here; the corpus is not needed.
"""

from __future__ import annotations

import pytest

from facturier.einvoice import read
from facturier.einvoice.cius import cius_for, load_rules, validate_cius
from facturier.einvoice.findings import Layer, Severity, Syntax
from facturier.einvoice.rules.engine import compiled_rules, run_layer

PEPPOL = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"


def ubl(
    *,
    spec: str = PEPPOL,
    supplier: str = "",
    customer: str = "",
    root: str = "",
    payment: str = "",
    supplier_country: str = "NO",
    customer_country: str = "NO",
) -> bytes:
    """A small, complete Peppol UBL invoice; the keyword arguments add XML at a few places."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>{spec}</cbc:CustomizationID>
 <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
 <cbc:ID>INV-1</cbc:ID>
 <cbc:IssueDate>2024-01-15</cbc:IssueDate>
 <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cbc:BuyerReference>REF</cbc:BuyerReference>{root}
 <cac:AccountingSupplierParty><cac:Party>
  <cbc:EndpointID schemeID="0192">987654325</cbc:EndpointID>{supplier}
  <cac:PostalAddress><cbc:StreetName>Street 1</cbc:StreetName><cbc:CityName>City</cbc:CityName>
   <cbc:PostalZone>1000</cbc:PostalZone><cac:Country><cbc:IdentificationCode>{supplier_country}</cbc:IdentificationCode></cac:Country>
  </cac:PostalAddress>
  <cac:PartyLegalEntity><cbc:RegistrationName>Seller</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party>
  <cbc:EndpointID schemeID="0192">987654325</cbc:EndpointID>{customer}
  <cac:PostalAddress><cbc:CityName>Town</cbc:CityName>
   <cac:Country><cbc:IdentificationCode>{customer_country}</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
  <cac:PartyLegalEntity><cbc:RegistrationName>Buyer</cbc:RegistrationName></cac:PartyLegalEntity>
 </cac:Party></cac:AccountingCustomerParty>{payment}
 <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">25.00</cbc:TaxAmount>
  <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">100.00</cbc:TaxableAmount>
   <cbc:TaxAmount currencyID="EUR">25.00</cbc:TaxAmount>
   <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
  </cac:TaxSubtotal></cac:TaxTotal>
 <cac:LegalMonetaryTotal>
  <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">125.00</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">125.00</cbc:PayableAmount>
 </cac:LegalMonetaryTotal>
 <cac:InvoiceLine><cbc:ID>1</cbc:ID><cbc:InvoicedQuantity unitCode="C62">2</cbc:InvoicedQuantity>
  <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
  <cac:Item><cbc:Name>Thing</cbc:Name>
   <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>25</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
  </cac:Item>
  <cac:Price><cbc:PriceAmount currencyID="EUR">50.00</cbc:PriceAmount></cac:Price>
 </cac:InvoiceLine>
</Invoice>""".encode()


def cius(data: bytes):  # type: ignore[no-untyped-def]
    load_rules()
    return run_layer(read(data), Layer.CIUS)


def test_clean_peppol_invoice_passes_and_names_peppol():
    doc = read(ubl())
    assert cius_for(doc) == "peppol-bis-3"
    result = validate_cius(doc)
    assert result is not None and result.layer is Layer.CIUS
    assert result.fatal_rules == frozenset() and result.warning_rules == {"NO-R-002"}


def test_national_cius_on_top_of_peppol_is_peppol():
    doc = read(ubl(spec=PEPPOL + "#conformant#urn:fdc:nen.nl:nlcius:v1.0"))
    assert cius_for(doc) == "peppol-bis-3"


@pytest.mark.parametrize(
    "spec",
    [
        "urn:cen.eu:en16931:2017",
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0",
    ],
)
def test_no_cius_outside_peppol_billing(spec):
    doc = read(ubl(spec=spec))
    assert cius_for(doc) is None
    assert validate_cius(doc) is None


@pytest.mark.parametrize(
    ("spec", "name"),
    [
        ("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0", "xrechnung-3"),
        (
            (
                "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#conformant#"
                "urn:xeinkauf.de:kosit:extension:xrechnung_3.0"
            ),
            "xrechnung-3",
        ),
        ("urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_1.2", "xrechnung-1"),
    ],
)
def test_xrechnung_is_reported_as_not_checked_never_as_passed(spec, name):
    doc = read(ubl(spec=spec))
    assert cius_for(doc) == name
    result = validate_cius(doc)
    assert result is not None
    (finding,) = result.findings
    assert finding.rule == "CIUS-NOT-CHECKED" and finding.severity is Severity.WARNING
    assert finding.terms == ("BT-24",) and finding.location == "/Invoice/cbc:CustomizationID"
    assert "BR-DE" in finding.message_en and "BR-DE" in finding.message_fr
    assert "not checked" in finding.message_en and "pas vérifiées" in finding.message_fr


def test_every_cius_rule_is_bilingual_with_its_id():
    load_rules()
    for syntax in (Syntax.UBL, Syntax.CII):
        rules = compiled_rules(syntax, Layer.CIUS)
        assert len(rules) > 80
        for r in rules:
            assert r.fr.startswith(f"[{r.id}]-") and r.en.startswith(f"[{r.id}]-"), r.id
            assert r.severity in (Severity.FATAL, Severity.WARNING)


# --- Iceland: in the 3.0.19 Schematron, not in the corpus tests ---------------------------------------


def test_icelandic_supplier_rules():
    data = ubl(
        supplier_country="IS",
        customer_country="IS",
        root="\n <cbc:DueDate>2024-02-20</cbc:DueDate>\n <cac:AdditionalDocumentReference><cbc:ID>2024-02-10</cbc:ID>"
        "<cbc:DocumentDescription>EINDAGI</cbc:DocumentDescription></cac:AdditionalDocumentReference>",
        payment="\n <cac:PaymentMeans><cbc:PaymentMeansCode>42</cbc:PaymentMeansCode>"
        "<cac:PayeeFinancialAccount><cbc:ID>123</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>",
    )
    # Reorder is irrelevant to the rules; the document need not be XSD-valid for the CIUS layer.
    result = cius(data)
    assert {"IS-R-002", "IS-R-004", "IS-R-005", "IS-R-007", "IS-R-010"} <= result.fatal_rules
    assert "IS-R-003" not in result.fatal_rules  # street and post code present
    assert "IS-R-008" not in result.fatal_rules and "IS-R-009" not in result.fatal_rules
    assert "IS-R-001" not in result.warning_rules


def test_icelandic_rules_pass_when_satisfied():
    legal = '<cac:PartyLegalEntity><cbc:RegistrationName>X</cbc:RegistrationName><cbc:CompanyID schemeID="0196">1234567890</cbc:CompanyID></cac:PartyLegalEntity>'
    data = ubl(
        supplier_country="IS",
        customer_country="NO",
        supplier=legal.replace("X", "S"),
        payment="\n <cac:PaymentMeans><cbc:PaymentMeansCode>42</cbc:PaymentMeansCode>"
        "<cac:PayeeFinancialAccount><cbc:ID>012345678901</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>",
    )
    result = cius(data)
    assert not {r for r in result.fatal_rules if r.startswith("IS-")}


def cii(*, spec: str = PEPPOL, seller_country: str = "SE", seller_extra: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext>
  <ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</ram:ID>
  </ram:BusinessProcessSpecifiedDocumentContextParameter>
  <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>{spec}</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
 </rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:ID>1</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20240115</udt:DateTimeString></ram:IssueDateTime>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:ApplicableHeaderTradeAgreement><ram:BuyerReference>R</ram:BuyerReference>
   <ram:SellerTradeParty><ram:Name>S</ram:Name>{seller_extra}
    <ram:PostalTradeAddress><ram:CountryID>{seller_country}</ram:CountryID></ram:PostalTradeAddress>
    <ram:URIUniversalCommunication><ram:URIID schemeID="0007">5560360793</ram:URIID></ram:URIUniversalCommunication>
   </ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>B</ram:Name>
    <ram:URIUniversalCommunication><ram:URIID schemeID="0007">5560360794</ram:URIID></ram:URIUniversalCommunication>
   </ram:BuyerTradeParty>
  </ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>SEK</ram:InvoiceCurrencyCode>
   <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    <ram:TaxTotalAmount currencyID="SEK">0</ram:TaxTotalAmount>
   </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
  </ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>""".encode()


def test_cii_peppol_invoice_gets_the_cii_rules():
    doc = read(
        cii(
            seller_extra='<ram:SpecifiedLegalOrganization><ram:ID schemeID="0007">12345</ram:ID>'
            "</ram:SpecifiedLegalOrganization>"
        )
    )
    assert cius_for(doc) == "peppol-bis-3"
    result = validate_cius(doc)
    assert result is not None
    # The buyer's Swedish organisation number fails its check digit; the seller's legal id is short.
    assert result.fatal_rules == {"PEPPOL-COMMON-R049", "SE-R-004", "SE-R-013"}
    r049 = sorted(f.location.rsplit("/", 2)[-2] for f in result.findings if f.rule == "PEPPOL-COMMON-R049")
    assert r049 == ["ram:SpecifiedLegalOrganization", "ram:URIUniversalCommunication"]


def test_engine_sees_the_cius_rules_without_explicit_loading():
    # The conformance harness calls run_layer(doc, Layer.CIUS) directly: rules/cius_rules.py
    # makes the engine's load_all() import the CIUS modules.
    from facturier.einvoice.rules import RULES, load_all

    load_all()
    assert "PEPPOL-EN16931-R001" in RULES[Layer.CIUS][Syntax.UBL]
    assert "DE-R-001" in RULES[Layer.CIUS][Syntax.UBL] and "DE-R-001" not in RULES[Layer.CIUS][Syntax.CII]
