"""XSD layer (facturier.einvoice.xsd) and the shared result types (facturier.einvoice.findings)."""

from __future__ import annotations

import csv
import json
import re
import threading
from pathlib import Path

import pytest
from lxml import etree

from facturier.einvoice import xsd
from facturier.einvoice.detect import Profile
from facturier.einvoice.errors import (
    EInvoiceError,
    ForbiddenConstructError,
    NotWellFormedError,
    UnsupportedFormatError,
)
from facturier.einvoice.security import parse_xml
from facturier.einvoice.findings import Finding, Layer, LayerResult, Severity, element_path, terms_in
from facturier.einvoice.xsd import SchemaKey

# A small invoice of our own (the corpus stays outside the repository). It is XSD-valid and passes
# every EN 16931 rule; tests derive broken variants from it.
UBL_INVOICE = b"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>F-2026-0001</cbc:ID>
  <cbc:IssueDate>2026-01-15</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PostalAddress><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>FR32123456789</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>Fournisseur SA</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PostalAddress><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyLegalEntity><cbc:RegistrationName>Client SARL</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">100.00</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">120.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">120.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Conseil</cbc:Name>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">100.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>
"""

# A Factur-X MINIMUM invoice: no lines, which only the MINIMUM and BASIC WL profiles allow.
CII_MINIMUM = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>{guideline}</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>F-2026-0002</ram:ID><ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20260115</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Fournisseur SA</ram:Name>
        <ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress></ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>Client SARL</ram:Name></ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:TaxBasisTotalAmount>100.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">20.00</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>120.00</ram:GrandTotalAmount>
        <ram:DuePayableAmount>120.00</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""


def cii(guideline: str) -> bytes:
    return CII_MINIMUM.format(guideline=guideline).encode()


# --- result types -------------------------------------------------------------------------------


def test_finding_to_dict_is_the_documented_json_shape() -> None:
    finding = Finding(
        rule="BR-16",
        severity=Severity.FATAL,
        terms=("BG-25",),
        location="/Invoice",
        line=2,
        message_fr="Une facture doit avoir au moins une ligne (BG-25).",
        message_en="An Invoice shall have at least one Invoice line (BG-25).",
    )
    assert finding.message == {"fr": finding.message_fr, "en": finding.message_en}
    assert json.loads(json.dumps(finding.to_dict())) == {
        "rule": "BR-16",
        "severity": "fatal",
        "terms": ["BG-25"],
        "location": "/Invoice",
        "line": 2,
        "message": {"fr": finding.message_fr, "en": finding.message_en},
    }
    with pytest.raises(AttributeError):
        finding.rule = "BR-01"  # type: ignore[misc]
    assert not hasattr(finding, "__dict__")


def test_layer_result_valid_means_no_fatal_finding() -> None:
    warning = Finding("UBL-CR-646", Severity.WARNING, (), "/Invoice", None, "fr", "en")
    fatal = Finding("BR-16", Severity.FATAL, ("BG-25",), "/Invoice", 2, "fr", "en")
    assert LayerResult(Layer.EN16931).valid
    assert LayerResult(Layer.EN16931, (warning,)).valid
    result = LayerResult("en16931", [warning, fatal])  # any iterable, plain layer name
    assert not result.valid
    assert result.findings == (warning, fatal)
    assert result.fatal_rules == {"BR-16"} and result.warning_rules == {"UBL-CR-646"}
    assert result.to_dict() == {
        "layer": "en16931",
        "valid": False,
        "findings": [warning.to_dict(), fatal.to_dict()],
    }


def test_terms_are_the_bt_bg_ids_of_a_rule_text() -> None:
    assert terms_in("[BR-16]-An Invoice shall have at least one Invoice line (BG-25)") == ("BG-25",)
    assert terms_in("(BT-31), (BT-63) and (BT-48), again BT-31") == ("BT-31", "BT-63", "BT-48")
    assert terms_in("[UBL-CR-646]-A UBL invoice should not include SubInvoiceLine") == ()


def test_element_path_uses_the_artefact_prefixes_and_positions_only_when_needed() -> None:
    tree = etree.fromstring(UBL_INVOICE.replace(b"<cac:InvoiceLine>", b"<cac:InvoiceLine/><cac:InvoiceLine>"))
    cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    lines = tree.findall(f"{{{cac}}}InvoiceLine")
    assert element_path(lines[1][0]) == "/Invoice/cac:InvoiceLine[2]/cbc:ID"
    assert element_path(tree[1]) == "/Invoice/cbc:ID"
    assert element_path(tree[1], "schemeID") == "/Invoice/cbc:ID/@schemeID"


# --- schema choice ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("guideline", "key", "profile"),
    [
        ("urn:factur-x.eu:1p0:minimum", SchemaKey.FACTURX_MINIMUM, Profile.MINIMUM),
        ("urn:zugferd.de:2p0:minimum", SchemaKey.FACTURX_MINIMUM, Profile.MINIMUM),
        ("urn:factur-x.eu:1p0:basicwl", SchemaKey.FACTURX_BASIC_WL, Profile.BASIC_WL),
        (
            "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
            SchemaKey.FACTURX_BASIC,
            Profile.BASIC,
        ),
        ("urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:basic", SchemaKey.FACTURX_BASIC, Profile.BASIC),
        (
            "urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:basic",
            SchemaKey.FACTURX_BASIC,
            Profile.BASIC,
        ),
        ("urn:cen.eu:en16931:2017", SchemaKey.FACTURX_EN16931, Profile.EN16931),
        (
            "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
            SchemaKey.FACTURX_EN16931,
            Profile.XRECHNUNG,
        ),
        (
            "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
            SchemaKey.FACTURX_EN16931,
            Profile.PEPPOL,
        ),
        ("urn:cen.eu:en16931:2017#compliant#urn:example:cius", SchemaKey.FACTURX_EN16931, Profile.UNKNOWN),
        (
            "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
            SchemaKey.FACTURX_EXTENDED,
            Profile.EXTENDED,
        ),
        (
            "urn:cen.eu:en16931:2017#conformant#urn:zugferd.de:2p0:extended",
            SchemaKey.FACTURX_EXTENDED,
            Profile.EXTENDED,
        ),
        (
            "urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr",
            SchemaKey.CII,
            Profile.EXTENDED_CTC_FR,
        ),
        ("urn:ferd:CrossIndustryDocument:invoice:1p0:comfort", SchemaKey.CII, Profile.UNKNOWN),
        ("", SchemaKey.CII, Profile.UNKNOWN),
    ],
)
def test_cii_schema_choice(guideline: str, key: SchemaKey, profile: Profile) -> None:
    root = etree.fromstring(cii(guideline))
    assert xsd.schema_for(root) == (key, profile)


def test_cii_schema_follows_the_profile() -> None:
    minimum = xsd.xsd_validate(cii("urn:factur-x.eu:1p0:minimum"))
    assert minimum.valid and minimum.findings == ()

    # The same document named EN 16931: that profile requires invoice lines.
    en16931 = xsd.xsd_validate(cii("urn:cen.eu:en16931:2017"))
    assert not en16931.valid
    (finding,) = en16931.findings
    assert finding.rule == "XSD-FACTURX-EN16931"
    assert finding.location == (
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
    )
    assert finding.line == 13
    assert "ram:IncludedSupplyChainTradeLineItem" in finding.message_en
    assert finding.message_fr.startswith("Non conforme au schéma Factur-X EN 16931.")

    # The full CII schema accepts it whatever the profile.
    assert xsd.xsd_validate(cii("urn:cen.eu:en16931:2017"), schema=SchemaKey.CII).valid


def test_unknown_guideline_uses_the_full_cii_schema_with_a_warning() -> None:
    result = xsd.xsd_validate(cii("urn:ferd:CrossIndustryDocument:invoice:1p0:comfort"))
    assert result.valid
    (finding,) = result.findings
    assert (finding.rule, finding.severity, finding.terms) == ("XSD-PROFILE", Severity.WARNING, ("BT-24",))
    assert "urn:ferd:CrossIndustryDocument:invoice:1p0:comfort" in finding.message_fr


def test_ubl_findings_have_path_line_and_both_languages() -> None:
    broken = UBL_INVOICE.replace(b">2026-01-15</cbc:IssueDate>", b">15/01/2026</cbc:IssueDate>")
    result = xsd.xsd_validate(broken)
    assert not result.valid
    (finding,) = result.findings
    assert finding.rule == "XSD-UBL"
    assert finding.location == "/Invoice/cbc:IssueDate"
    assert finding.line == 7
    assert "'15/01/2026' is not a valid value" in finding.message_en
    assert finding.message_fr.startswith("Non conforme au schéma UBL 2.1 Invoice.")
    assert "{urn:" not in finding.message_en  # namespaces shortened to the usual prefixes

    no_line = UBL_INVOICE.replace(b"<cac:InvoiceLine>", b"<!--").replace(b"</cac:InvoiceLine>", b"-->")
    assert xsd.xsd_validate(no_line).fatal_rules == {"XSD-UBL"}
    assert xsd.xsd_validate(UBL_INVOICE).findings == ()


def test_creditnote_root_selects_the_creditnote_schema() -> None:
    ns = b"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
    root = etree.fromstring(b'<CreditNote xmlns="' + ns + b'"/>')
    assert xsd.schema_for(root) == (SchemaKey.UBL_CREDITNOTE, None)
    result = xsd.xsd_validate(root)
    assert not result.valid and result.findings[0].location == "/CreditNote"


# --- embedded attachments: valid base64 is set aside while libxml2 runs -------------------------

_B64_SCHEMA = etree.XMLSchema(
    etree.fromstring(
        b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        b'<xs:element name="b" type="xs:base64Binary"/></xs:schema>'
    )
)


def _libxml2_accepts(text: str) -> bool:
    element = etree.Element("b")
    element.text = text
    return _B64_SCHEMA.validate(element)


def test_base64_check_accepts_only_what_libxml2_accepts() -> None:
    import base64
    import random

    rng = random.Random(20260115)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    pieces = [*alphabet[:8], "z", "9", "+", "/", "=", "==", " ", "\n", "\r\n", "\t", "-", "_", "é", "*"]
    accepted = 0
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        if xsd.is_plain_base64(text):
            accepted += 1
            assert _libxml2_accepts(text), repr(text)
    assert accepted > 100  # the generator does reach the accepted forms
    # The forms encoders write are recognised, so the shortcut applies to real attachments.
    for size in (0, 1, 2, 3, 57, 1000):
        data = bytes(rng.randrange(256) for _ in range(size))
        lines = base64.encodebytes(data)
        for encoded in (base64.b64encode(data), lines, lines.replace(b"\n", b"\r\n")):
            assert xsd.is_plain_base64(encoded.decode()), encoded
    for bad in ("QQ", "QR==", "QUJ=", "QUJD=", "Q===", "QQ==QQ==", "QQ=\n=A", "ab*c", "abcé"):
        assert not xsd.is_plain_base64(bad), bad


def _with_attachment(content: str) -> bytes:
    ref = (
        "<cac:AdditionalDocumentReference><cbc:ID>annexe</cbc:ID><cac:Attachment>"
        f'<cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="a.pdf">{content}'
        "</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>"
    )
    anchor = b"  <cac:AccountingSupplierParty>"
    return UBL_INVOICE.replace(anchor, ref.encode() + b"\n" + anchor)


@pytest.mark.parametrize(
    ("content", "valid"),
    [
        ("QUJD" * 1000, True),
        ("QUJD\n" * 1000 + "QQ==", True),
        ("QUJD" * 1000 + "Q", False),  # 4,001 base64 characters: not a whole number of quanta
        ("QUJD" * 1000 + "QR==", False),  # non-zero pad bits
        ("QUJD" * 500 + "=" + "QUJD" * 500, False),  # padding in the middle
    ],
)
def test_large_attachments_get_the_verdict_of_libxml2_and_stay_untouched(content: str, valid: bool) -> None:
    tree = parse_xml(_with_attachment(content))
    result = xsd.xsd_validate(tree)
    assert result.valid is valid
    location = "/Invoice/cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"
    assert [f.location for f in result.findings] == ([] if valid else [location])
    binary = tree.getroot().find(".//{*}EmbeddedDocumentBinaryObject")
    assert binary is not None and binary.text == content  # put back after validation
    # The same findings as libxml2 judging the text itself.
    reference = xsd.get_schema(SchemaKey.UBL_INVOICE)
    assert reference.validate(parse_xml(_with_attachment(content))) is valid


def test_findings_are_capped() -> None:
    lines = b"".join(b"<cac:InvoiceLine><cbc:Bogus/></cac:InvoiceLine>" for _ in range(500))
    result = xsd.xsd_validate(UBL_INVOICE.replace(b"</Invoice>", lines + b"</Invoice>"))
    assert len(result.findings) == xsd.MAX_FINDINGS


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"<Invoice", NotWellFormedError),
        (b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', ForbiddenConstructError),
        (b"<Order xmlns='urn:oasis:names:specification:ubl:schema:xsd:Order-2'/>", UnsupportedFormatError),
        (b"<p:FatturaElettronica xmlns:p='http://ivaservizi.agenziaentrate.gov.it/'/>", UnsupportedFormatError),
    ],
)
def test_unusable_input_is_a_typed_error(data: bytes, error: type[EInvoiceError]) -> None:
    with pytest.raises(error) as excinfo:
        xsd.xsd_validate(data)
    assert excinfo.value.message["fr"] and excinfo.value.message["en"]


def test_each_schema_is_compiled_once_even_under_concurrent_first_use() -> None:
    seen: list[etree.XMLSchema] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        seen.append(xsd.get_schema(SchemaKey.FACTURX_BASIC))
        assert xsd.xsd_validate(UBL_INVOICE).valid

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 4 and all(schema is seen[0] for schema in seen)
    assert xsd.get_schema("facturx-basic") is seen[0]


# --- corpus -------------------------------------------------------------------------------------

# The corpus column xsd_lxml is the verdict of the full CII D16B schema, which factur-x does not ship;
# SchemaKey.CII (D22B) reproduces it except where D22B added an element to D16B.
XSD_LXML_EXCEPTIONS = {
    "drafthorse/tests/samples/zugferd_2p3_EXTENDED_Projektabschlussrechnung.xml": (
        "D16B has no SpecifiedAdvancePayment/InvoiceSpecifiedReferencedDocument; D22B has it"
    ),
}
# facturx_profile_xsd is factur-x's xml_check_xsd, which fails on a guideline id naming no profile.
# We check such documents against the full CII schema and warn (XSD-PROFILE) instead.
PROFILE_EXCEPTIONS = {
    "en16931-artefacts/cii/examples/CII-BR-CO-10-RoundingIssue.xml": "guideline id names no profile",
    "en16931-artefacts/cii/examples/CII_business_example_Z.xml": "guideline id names no profile",
}


def _xml_rows(corpus: Path) -> list[tuple[str, dict[str, str]]]:
    """(path of the XML, MANIFEST row) of the core and unit-fragment rows; PDFs give their XML."""
    out = []
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["relevance"] not in ("core", "unit-fragment"):
                continue
            path = row["path"]
            if row["kind"].startswith("pdf->"):
                match = re.search(r"xml_extracted_to=(.+?)(?: \| |$)", row["notes"])
                if not match:
                    continue
                path = match.group(1)
            out.append((path, row))
    return out


@pytest.mark.corpus
def test_xsd_verdicts_match_the_manifest(corpus: Path) -> None:
    lxml_mismatches: dict[str, str] = {}
    profile_mismatches: dict[str, str] = {}
    checked = 0
    for path, row in _xml_rows(corpus):
        if not (row["xsd_lxml"] or row["facturx_profile_xsd"]):
            continue
        tree = parse_xml((corpus / path).read_bytes())
        checked += 1
        if row["xsd_lxml"]:
            key, _profile = xsd.schema_for(tree.getroot())
            if key.value.startswith("facturx-"):
                key = SchemaKey.CII  # the column is the full-CII verdict, not the profile's
            verdict = "valid" if xsd.xsd_validate(tree, schema=key).valid else "invalid"
            if verdict != row["xsd_lxml"]:
                lxml_mismatches[path] = f"manifest {row['xsd_lxml']}, ours {verdict}"
        if row["facturx_profile_xsd"]:
            result = xsd.xsd_validate(tree)
            verdict = "valid" if result.valid else "invalid"
            if verdict != row["facturx_profile_xsd"]:
                profile_mismatches[path] = f"manifest {row['facturx_profile_xsd']}, ours {verdict}"
                if path in PROFILE_EXCEPTIONS:
                    assert "XSD-PROFILE" in result.warning_rules
    assert checked > 350
    assert lxml_mismatches.keys() == XSD_LXML_EXCEPTIONS.keys(), lxml_mismatches
    assert profile_mismatches.keys() == PROFILE_EXCEPTIONS.keys(), profile_mismatches
