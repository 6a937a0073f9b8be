"""BR-CL-* code-list rules (facturier.einvoice.rules.codes) on small UBL and CII documents."""

from __future__ import annotations

import pytest

from facturier.einvoice import codelists
from facturier.einvoice.findings import Layer, Severity, Syntax
from facturier.einvoice.rules import codes
from facturier.einvoice.rules.engine import compiled_rules
from tests.einvoice.rules._docs import cii, cii_tx, findings, ubl

BR_CL = {
    "BR-CL-01", "BR-CL-03", "BR-CL-04", "BR-CL-05", "BR-CL-06", "BR-CL-07", "BR-CL-08", "BR-CL-10",
    "BR-CL-11", "BR-CL-13", "BR-CL-14", "BR-CL-15", "BR-CL-16", "BR-CL-17", "BR-CL-18", "BR-CL-19",
    "BR-CL-20", "BR-CL-21", "BR-CL-22", "BR-CL-23", "BR-CL-24", "BR-CL-25", "BR-CL-26",
}  # fmt: skip


@pytest.mark.parametrize("syntax", [Syntax.UBL, Syntax.CII])
def test_every_code_list_rule_is_registered_and_fatal(syntax):
    registered = {r.id: r for r in compiled_rules(syntax, Layer.EN16931) if r.id.startswith("BR-CL-")}
    assert set(registered) == BR_CL
    assert {r.severity for r in registered.values()} == {Severity.FATAL}
    assert all(r.fr.startswith(f"[{r.id}]-") and r.en.startswith(f"[{r.id}]-") for r in registered.values())


def test_cii_uses_the_cen_lists_not_the_facturx_codedb():
    # CEN v1.3.16 embeds the same lists in its UBL and CII artefacts; Factur-X 1.09 drifts (BR-CL-25).
    lists = codes._lists()
    only_ubl, _ = codelists.codelist_differences("BR-CL-25")
    assert {"0219", "0220"} <= only_ubl
    assert lists["BR-CL-25"] == codelists.codelist("BR-CL-25", syntax=Syntax.UBL)
    # BR-CL-06 differs by design (UNTDID 2005 / 2475), and CII has no SEPA exception in BR-CL-10.
    assert lists["BR-CL-06.cii"] == frozenset({"5", "29", "72"})
    assert "SEPA" not in lists["BR-CL-10.icd"] and "SEPA" in lists["BR-CL-10"]


def _endpoint_cii(scheme: str) -> bytes:
    uri = f'<ram:URIUniversalCommunication><ram:URIID schemeID="{scheme}">x</ram:URIID></ram:URIUniversalCommunication>'
    return cii_tx(agreement=f"<ram:SellerTradeParty>{uri}</ram:SellerTradeParty>")


@pytest.mark.parametrize(
    ("scheme", "fires"), [("0219", False), ("0009", False), ("9901", True), (" 0009 ", False)]
)
def test_br_cl_25_eas_drift(scheme, fires):
    assert ("BR-CL-25" in findings(_endpoint_cii(scheme))) is fires
    doc = ubl(
        f'<cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="{scheme}">x</cbc:EndpointID></cac:Party></cac:AccountingSupplierParty>'
    )
    assert ("BR-CL-25" in findings(doc)) is fires


def test_br_cl_03_amount_without_or_with_bad_currency():
    assert "BR-CL-03" in findings(
        ubl("<cac:LegalMonetaryTotal><cbc:PayableAmount>1</cbc:PayableAmount></cac:LegalMonetaryTotal>")
    )
    assert "BR-CL-03" in findings(
        ubl(
            '<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR X">1</cbc:PayableAmount></cac:LegalMonetaryTotal>'
        )
    )
    assert "BR-CL-03" not in findings(
        ubl(
            '<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID=" EUR">1</cbc:PayableAmount></cac:LegalMonetaryTotal>'
        )
    )
    # In CII only ram:TaxTotalAmount[@currencyID] is a context.
    settlement = '<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:TaxTotalAmount currencyID="XXY">1</ram:TaxTotalAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>'
    assert "BR-CL-03" in findings(cii_tx(settlement=settlement))


@pytest.mark.parametrize(
    ("note", "fires"),
    [
        ("#AAI#text", False),
        ("#ZZZ#", False),
        ("#XYZ#", True),
        ("#AB#", False),
        ("no code", False),
        ("#AAI", False),
    ],
)
def test_br_cl_08_ubl_subject_code(note, fires):
    assert ("BR-CL-08" in findings(ubl(f"<cbc:Note>{note}</cbc:Note>"))) is fires


def test_br_cl_08_only_on_the_document_note():
    line = "<cac:InvoiceLine><cbc:Note>#XYZ#</cbc:Note></cac:InvoiceLine>"
    assert "BR-CL-08" not in findings(ubl(line))


def _party_id(party: str, scheme: str) -> bytes:
    return ubl(
        f'<cac:{party}><cac:Party><cac:PartyIdentification><cbc:ID schemeID="{scheme}">1</cbc:ID></cac:PartyIdentification></cac:Party></cac:{party}>'
    )


def test_br_cl_10_sepa_only_for_seller_and_payee():
    assert "BR-CL-10" not in findings(_party_id("AccountingSupplierParty", "SEPA"))
    assert "BR-CL-10" in findings(_party_id("AccountingCustomerParty", "SEPA"))
    assert "BR-CL-10" not in findings(_party_id("AccountingCustomerParty", "0088"))
    seller = '<ram:SellerTradeParty><ram:GlobalID schemeID="SEPA">1</ram:GlobalID></ram:SellerTradeParty>'
    assert "BR-CL-10" in findings(cii_tx(agreement=seller))  # no SEPA exception in CII


def test_cii_br_cl_11_takes_origin_country_ids_with_a_scheme():
    # ram:ID[@schemeID] (BR-CL-11) comes before ram:OriginTradeCountry/ram:ID (BR-CL-15).
    def product(origin: str) -> bytes:
        return cii_tx(
            lines=f"<ram:IncludedSupplyChainTradeLineItem><ram:SpecifiedTradeProduct><ram:OriginTradeCountry>{origin}</ram:OriginTradeCountry></ram:SpecifiedTradeProduct></ram:IncludedSupplyChainTradeLineItem>"
        )

    assert set(findings(product('<ram:ID schemeID="0088">XX</ram:ID>'))) & {"BR-CL-11", "BR-CL-15"} == set()
    assert "BR-CL-11" in findings(product('<ram:ID schemeID="ZZ">FR</ram:ID>'))
    assert "BR-CL-15" in findings(product("<ram:ID>XX</ram:ID>"))
    # ...but not under SpecifiedTaxRegistration.
    tax = '<ram:SellerTradeParty><ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR1</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>'
    assert "BR-CL-11" not in findings(cii_tx(agreement=tax))


@pytest.mark.parametrize(
    ("indicator", "code", "rule"),
    [("false", "95", None), ("false", "ZZZ", "BR-CL-19"), ("true", "ZZZ", None), ("true", "95", "BR-CL-20")],
)
def test_allowance_and_charge_reasons(indicator, code, rule):
    ac = f"<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>{indicator}</udt:Indicator></ram:ChargeIndicator><ram:ReasonCode>{code}</ram:ReasonCode></ram:SpecifiedTradeAllowanceCharge>"
    found = set(findings(cii_tx(settlement=ac))) & {"BR-CL-19", "BR-CL-20"}
    assert found == ({rule} if rule else set())
    ubl_ac = f"<cac:AllowanceCharge><cbc:ChargeIndicator>{indicator}</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>{code}</cbc:AllowanceChargeReasonCode></cac:AllowanceCharge>"
    assert set(findings(ubl(ubl_ac))) & {"BR-CL-19", "BR-CL-20"} == ({rule} if rule else set())


def test_br_cl_22_is_upper_cased_and_br_cl_06_differs_by_syntax():
    assert "BR-CL-22" not in findings(
        ubl(
            "<cac:TaxTotal><cac:TaxSubtotal><cac:TaxCategory><cbc:TaxExemptionReasonCode>vatex-eu-ic</cbc:TaxExemptionReasonCode></cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>"
        )
    )
    assert "BR-CL-06" not in findings(
        ubl("<cac:InvoicePeriod><cbc:DescriptionCode>35</cbc:DescriptionCode></cac:InvoicePeriod>")
    )
    assert "BR-CL-06" in findings(
        ubl("<cac:InvoicePeriod><cbc:DescriptionCode>29</cbc:DescriptionCode></cac:InvoicePeriod>")
    )
    tax = "<ram:ApplicableTradeTax><ram:DueDateTypeCode>{}</ram:DueDateTypeCode></ram:ApplicableTradeTax>"
    assert "BR-CL-06" not in findings(cii_tx(settlement=tax.format("29")))
    assert "BR-CL-06" in findings(cii_tx(settlement=tax.format("35")))


def test_br_cl_01_invoice_and_credit_note_lists():
    assert "BR-CL-01" not in findings(ubl("<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"))
    assert "BR-CL-01" in findings(ubl("<cbc:InvoiceTypeCode>381</cbc:InvoiceTypeCode>"))
    assert "BR-CL-01" not in findings(
        ubl("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>", credit_note=True)
    )
    assert "BR-CL-01" not in findings(
        cii("<rsm:ExchangedDocument><ram:TypeCode>381</ram:TypeCode></rsm:ExchangedDocument>")
    )
    assert "BR-CL-01" in findings(
        cii("<rsm:ExchangedDocument><ram:TypeCode>1</ram:TypeCode></rsm:ExchangedDocument>")
    )


def test_br_cl_24_compares_the_raw_mime_code():
    def attachment(mime: str) -> bytes:
        return ubl(
            f'<cac:AdditionalDocumentReference><cbc:ID>1</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="{mime}" filename="a">AA==</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>'
        )

    assert "BR-CL-24" not in findings(attachment("application/pdf"))
    assert "BR-CL-24" in findings(attachment(" application/pdf"))


def test_hits_are_the_failing_context_elements():
    doc = cii("<rsm:ExchangedDocument><ram:TypeCode>1</ram:TypeCode></rsm:ExchangedDocument>")
    (hit,) = findings(doc)["BR-CL-01"]
    assert hit.tag.endswith("}TypeCode")
