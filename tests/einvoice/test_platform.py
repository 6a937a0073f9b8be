"""Platform rules (facturier.einvoice.platform): directory checks, uniqueness, SIRET/SIREN."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from stdnum.fr import siren as std_siren
from stdnum.fr import siret as std_siret

from facturier.einvoice import read
from facturier.einvoice.findings import Layer, Severity
from facturier.einvoice.platform import (
    DEFAULT_KEY,
    PLATFORM_RULES,
    Issue,
    MemoryDirectory,
    PlatformContext,
    RecipientInfo,
    ServiceInfo,
    SupplierKind,
    is_valid_siren,
    is_valid_siret,
    load_context,
    platform_rule,
    validate_platform,
)
from facturier.einvoice.validate import validate

# Valid SIRETs (Luhn): a public recipient, a supplier; and one with a wrong check digit.
RECIPIENT = "11000201100044"
SUPPLIER = "73282932000074"
BAD_SIRET = "73282932000079"

_UBL = """<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:{root}-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>2026-01-15</cbc:IssueDate>
  <cbc:{root}TypeCode>{type_code}</cbc:{root}TypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  {buyer_reference}{order}{billing}<cac:AccountingSupplierParty><cac:Party>
    {seller_ids}<cac:PostalAddress><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>FR44732829320</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
    <cac:PartyLegalEntity><cbc:RegistrationName>Fournisseur SA</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    {buyer_ids}<cac:PostalAddress><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyLegalEntity><cbc:RegistrationName>Ministère</cbc:RegistrationName>{buyer_legal}</cac:PartyLegalEntity>
    {contact}</cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount>
    <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">100.00</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">120.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">120.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:{root}Line><cbc:ID>1</cbc:ID>
    <cbc:{quantity} unitCode="C62">1</cbc:{quantity}>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Conseil</cbc:Name>
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">100.00</cbc:PriceAmount></cac:Price>
  </cac:{root}Line>
</{root}>
"""


def ubl(
    *,
    number: str = "F-2026-0001",
    buyer_siret: str | None = RECIPIENT,
    buyer_scheme: str = "0009",
    buyer_legal: bool = False,
    seller_siret: str | None = SUPPLIER,
    service: str | None = None,
    service_in_contact: bool = False,
    commitment: str | None = None,
    credit_note: bool = False,
    type_code: str | None = None,
    preceding: str | None = None,
) -> bytes:
    """A small UBL invoice (or credit note) carrying the Chorus Pro data of domain.md §4.6."""
    root = "CreditNote" if credit_note else "Invoice"
    ident = f'<cbc:ID schemeID="{buyer_scheme}">{buyer_siret}</cbc:ID>'
    buyer_ids = (
        ""
        if buyer_siret is None or buyer_legal
        else f"<cac:PartyIdentification>{ident}</cac:PartyIdentification>"
    )
    legal = (
        f'<cbc:CompanyID schemeID="{buyer_scheme}">{buyer_siret}</cbc:CompanyID>'
        if buyer_siret is not None and buyer_legal
        else ""
    )
    seller_ids = (
        f'<cac:PartyIdentification><cbc:ID schemeID="0009">{seller_siret}</cbc:ID></cac:PartyIdentification>'
        if seller_siret
        else ""
    )
    contact = (
        f"<cac:Contact><cbc:ID>{service}</cbc:ID></cac:Contact>" if service and service_in_contact else ""
    )
    return _UBL.format(
        root=root,
        number=number,
        type_code=type_code or ("381" if credit_note else "380"),
        quantity="CreditedQuantity" if credit_note else "InvoicedQuantity",
        buyer_reference=f"<cbc:BuyerReference>{service}</cbc:BuyerReference>"
        if service and not service_in_contact
        else "",
        order=f"<cac:OrderReference><cbc:ID>{commitment}</cbc:ID></cac:OrderReference>" if commitment else "",
        billing=f"<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>{preceding}</cbc:ID>"
        "</cac:InvoiceDocumentReference></cac:BillingReference>"
        if preceding
        else "",
        seller_ids=seller_ids,
        buyer_ids=buyer_ids,
        buyer_legal=legal,
        contact=contact,
    ).encode()


def directory(**recipient: object) -> MemoryDirectory:
    services = recipient.pop("services", {"SERV-1": ServiceInfo(code="SERV-1")})
    return MemoryDirectory([RecipientInfo(siret=RECIPIENT, services=services, **recipient)])  # type: ignore[arg-type]


def fired(data: bytes, context: PlatformContext) -> dict[str, list]:
    layer = validate_platform(read(data), context)
    assert layer.layer is Layer.PLATFORM
    out: dict[str, list] = {}
    for f in layer.findings:
        out.setdefault(f.rule, []).append(f)
    return out


def ctx(directory_: MemoryDirectory | None = None, **kw: object) -> PlatformContext:
    return PlatformContext(directory=directory_ or directory(), **kw)  # type: ignore[arg-type]


# --- checksums ------------------------------------------------------------------------------------


def test_siret_and_siren_checksums_agree_with_python_stdnum() -> None:
    rng = random.Random(16931)
    numbers = [RECIPIENT, SUPPLIER, BAD_SIRET, "35600000000048", "35600000049837", "35600000049838"]
    numbers += ["".join(rng.choice("0123456789") for _ in range(14)) for _ in range(3000)]
    # La Poste establishments: sum of digits multiple of 5 instead of Luhn.
    numbers += ["356000000" + "".join(rng.choice("0123456789") for _ in range(5)) for _ in range(500)]
    for number in numbers:
        assert is_valid_siret(number) is std_siret.is_valid(number), number
        assert is_valid_siren(number[:9]) is std_siren.is_valid(number[:9]), number[:9]
    assert 100 < sum(is_valid_siret(n) for n in numbers) < len(numbers) - 100  # both outcomes
    for bad in ("", "7328293200007", "732829320000741", "7328293200007A", "７３２８２９３２０００７４"):
        assert not is_valid_siret(bad)
    assert is_valid_siren("356000000")  # La Poste
    assert not is_valid_siren("732829321")


def test_checksum_rule_covers_seller_and_buyer_identifiers_with_their_terms() -> None:
    data = ubl(seller_siret=BAD_SIRET, buyer_siret="732829321", buyer_scheme="0002", buyer_legal=True)
    found = fired(data, ctx(rules=frozenset({"FR-PLT-10"})))
    terms = sorted(f.terms for f in found["FR-PLT-10"])
    assert terms == [("BT-29",), ("BT-47",)]
    seller = next(f for f in found["FR-PLT-10"] if f.terms == ("BT-29",))
    assert BAD_SIRET in seller.message_fr and BAD_SIRET in seller.message_en
    assert "SIRET" in seller.message_en
    assert seller.location.endswith("cac:PartyIdentification/cbc:ID") and seller.line
    assert fired(ubl(), ctx(rules=frozenset({"FR-PLT-10"}))) == {}


# --- recipient and services ---------------------------------------------------------------------------


def test_a_known_active_recipient_without_requirements_passes_every_rule() -> None:
    assert fired(ubl(), ctx()) == {}


@pytest.mark.parametrize("scheme, legal", [("0009", False), ("1", False), ("0009", True), ("0002", True)])
def test_recipient_siret_is_read_from_bt46_or_bt47_with_a_siret_scheme(scheme: str, legal: bool) -> None:
    assert fired(ubl(buyer_scheme=scheme, buyer_legal=legal), ctx()) == {}


@pytest.mark.parametrize(
    "data",
    [
        ubl(buyer_siret=None),
        ubl(buyer_scheme="0088"),
        ubl(buyer_scheme="0002", buyer_siret="110002011", buyer_legal=True),
    ],
)
def test_missing_recipient_siret(data: bytes) -> None:
    found = fired(data, ctx())
    assert set(found) == {"FR-PLT-01"}
    (finding,) = found["FR-PLT-01"]
    assert finding.severity is Severity.FATAL and finding.terms == ("BT-46", "BT-47")
    assert "SIRET" in finding.message_fr and "SIRET" in finding.message_en
    assert "AccountingCustomerParty" in finding.location


def test_unknown_recipient() -> None:
    found = fired(ubl(), ctx(MemoryDirectory()))
    assert set(found) == {"FR-PLT-02"}
    assert RECIPIENT in found["FR-PLT-02"][0].message_en


def test_inactive_recipient() -> None:
    assert set(fired(ubl(), ctx(directory(active=False)))) == {"FR-PLT-03"}


@pytest.mark.parametrize("in_contact", [False, True])
def test_service_code_required_is_read_from_bt10_or_the_ubl_contact(in_contact: bool) -> None:
    d = directory(service_code_required=True)
    assert set(fired(ubl(), ctx(d))) == {"FR-PLT-04"}
    assert fired(ubl(service="SERV-1", service_in_contact=in_contact), ctx(d)) == {}


def test_service_must_exist_and_be_active() -> None:
    found = fired(ubl(service="NOPE"), ctx())
    assert set(found) == {"FR-PLT-05"}
    assert found["FR-PLT-05"][0].terms == ("BT-10",)
    assert found["FR-PLT-05"][0].location.endswith("cbc:BuyerReference")
    d = directory(services={"SERV-1": ServiceInfo(code="SERV-1", active=False)})
    assert set(fired(ubl(service="SERV-1"), ctx(d))) == {"FR-PLT-06"}


def test_commitment_required_by_the_structure_or_by_the_service() -> None:
    by_structure = directory(commitment_required=True)
    assert set(fired(ubl(), ctx(by_structure))) == {"FR-PLT-07"}
    assert fired(ubl(commitment="EJ-1"), ctx(by_structure)) == {}
    by_service = directory(services={"SERV-1": ServiceInfo(code="SERV-1", commitment_required=True)})
    found = fired(ubl(service="SERV-1"), ctx(by_service))
    assert set(found) == {"FR-PLT-07"}
    assert "SERV-1" in found["FR-PLT-07"][0].message_fr and "SERV-1" in found["FR-PLT-07"][0].message_en
    assert fired(ubl(service="SERV-1", commitment="EJ-1"), ctx(by_service)) == {}


def test_commitment_or_service_required() -> None:
    d = directory(commitment_or_service_required=True)
    found = fired(ubl(), ctx(d))
    assert set(found) == {"FR-PLT-08"} and found["FR-PLT-08"][0].terms == ("BT-10", "BT-13")
    assert fired(ubl(commitment="EJ-1"), ctx(d)) == {}
    assert fired(ubl(service="SERV-1"), ctx(d)) == {}


def test_reserved_public_service_is_refused_for_a_private_supplier_only() -> None:
    d = directory(services={"FACTURES_PUBLIQUES": ServiceInfo(code="FACTURES_PUBLIQUES")})
    data = ubl(service="FACTURES_PUBLIQUES")
    assert set(fired(data, ctx(d, supplier_kind=SupplierKind.PRIVATE))) == {"FR-PLT-12"}
    assert fired(data, ctx(d, supplier_kind="public")) == {}
    assert fired(data, ctx(d)) == {}  # kind unknown: not checked


# --- uniqueness -----------------------------------------------------------------------------------


def test_duplicate_number_with_the_default_key() -> None:
    d = directory()
    d.record(
        {"supplier": SUPPLIER, "number": "F-2026-0001", "document_type": "380", "year": "2026"}, "inv/42"
    )
    found = fired(ubl(), ctx(d))
    assert set(found) == {"FR-PLT-09"}
    (dup,) = found["FR-PLT-09"]
    assert "inv/42" in dup.message_fr and "inv/42" in dup.message_en and dup.terms == ("BT-1",)
    assert dup.location == "/Invoice/cbc:ID"
    # Another number, another year or another document type is not a duplicate.
    assert fired(ubl(number="F-2026-0002"), ctx(d)) == {}
    assert fired(ubl(credit_note=True, preceding="F-2025-9"), ctx(d)) == {}
    # The context's supplier SIRET wins over the document's.
    assert fired(ubl(), ctx(d, supplier_siret="35600000000048")) == {}


def test_duplicate_key_is_configurable() -> None:
    d = directory()
    d.record({"number": "F-2026-0001", "recipient": RECIPIENT}, "first")
    assert fired(ubl(), ctx(d)) == {}  # the default key needs the supplier
    found = fired(ubl(seller_siret=None), ctx(d, duplicate_key=("number", "recipient")))
    assert set(found) == {"FR-PLT-09"}
    with pytest.raises(ValueError, match="nope"):
        PlatformContext(directory=d, duplicate_key=("number", "nope"))
    assert DEFAULT_KEY == ("supplier", "number", "document_type", "year")


# --- credit notes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, fires",
    [
        (ubl(credit_note=True), True),
        (ubl(credit_note=True, preceding="F-2025-9"), False),
        (ubl(type_code="381"), True),  # a CII-style credit note: type code only
        (ubl(type_code="384"), True),  # a corrected invoice refers to the invoice it corrects
        (ubl(type_code="384", preceding="F-2025-9"), False),
        (ubl(), False),
    ],
)
def test_credit_note_refers_to_an_invoice(data: bytes, fires: bool) -> None:
    found = fired(data, ctx(rules=frozenset({"FR-PLT-11"})))
    assert bool(found) is fires
    if fires:
        assert found["FR-PLT-11"][0].terms == ("BT-3", "BG-3")


# --- CII locations (domain.md §4.6) ---------------------------------------------------------------


def test_cii_service_code_and_commitment_sit_in_bt10_and_bt13(corpus: Path) -> None:
    data = (
        corpus / "facturx-akretion/_pdf-extracted/tests/fixtures/pdf/invoice_EN16931.pdf.factur-x.xml"
    ).read_bytes()
    doc = read(data)
    buyer = doc.invoice.buyer
    assert buyer is not None and buyer.legal_id is not None
    siret = buyer.legal_id.value
    code = doc.invoice.service_code.normalized if doc.invoice.service_code else None
    order = doc.invoice.commitment_number
    d = MemoryDirectory(
        [
            RecipientInfo(
                siret=siret,
                service_code_required=True,
                services={code: ServiceInfo(code=code)} if code else {},
            )
        ]
    )
    found = {f.rule for f in validate_platform(doc, PlatformContext(directory=d)).findings}
    assert "FR-PLT-02" not in found and "FR-PLT-05" not in found
    assert ("FR-PLT-04" in found) is (code is None)
    assert order is None or order.el.tag.endswith("IssuerAssignedID")


# --- the registry, the in-memory directory and the JSON file -------------------------------------------


def test_rules_are_pluggable_and_selectable() -> None:
    @platform_rule(
        "XX-TEST-01",
        terms=("BT-1",),
        fr="Numéro %(n)s refusé.",
        en="Number %(n)s refused.",
        severity=Severity.WARNING,
    )
    def refuse(s):  # type: ignore[no-untyped-def]
        yield Issue(s.invoice.number, {"n": s.invoice.number.raw})

    try:
        found = fired(ubl(), ctx())
        (finding,) = found["XX-TEST-01"]
        assert finding.severity is Severity.WARNING
        assert finding.message == {"fr": "Numéro F-2026-0001 refusé.", "en": "Number F-2026-0001 refused."}
        assert validate_platform(read(ubl()), ctx()).valid  # a warning does not invalidate
        assert fired(ubl(), ctx(rules=frozenset({"FR-PLT-01"}))) == {}
        with pytest.raises(ValueError, match="twice"):
            platform_rule("XX-TEST-01", terms=(), fr="", en="")(refuse)
    finally:
        del PLATFORM_RULES["XX-TEST-01"]
    assert sorted(PLATFORM_RULES) == [f"FR-PLT-{i:02d}" for i in range(1, 13)]
    for rule in PLATFORM_RULES.values():
        assert rule.fr and rule.en and rule.fr != rule.en and rule.terms


def test_load_context_from_json(tmp_path: Path) -> None:
    path = tmp_path / "dir.json"
    path.write_text(
        json.dumps(
            {
                "supplier": {"siret": SUPPLIER, "kind": "private"},
                "duplicate_key": ["supplier", "number"],
                "recipients": {
                    RECIPIENT: {
                        "name": "Ministère",
                        "service_code_required": True,
                        "services": {"SERV-1": {"commitment_required": True}, "OLD": {"active": False}},
                    }
                },
                "invoices": [{"supplier": SUPPLIER, "number": "F-1", "ref": "deposit 7"}],
            }
        ),
        encoding="utf-8",
    )
    context = load_context(path)
    assert context.supplier_siret == SUPPLIER and context.supplier_kind is SupplierKind.PRIVATE
    assert context.duplicate_key == ("supplier", "number")
    recipient = context.directory.recipient(RECIPIENT)
    assert recipient is not None and recipient.service_code_required and recipient.name == "Ministère"
    assert recipient.services["SERV-1"].commitment_required and not recipient.services["OLD"].active
    assert context.directory.is_duplicate((("supplier", SUPPLIER), ("number", "F-1"))) == "deposit 7"
    assert context.directory.is_duplicate((("supplier", SUPPLIER), ("number", "F-2"))) is None
    found = fired(ubl(number="F-1", service="SERV-1"), context)
    assert set(found) == {"FR-PLT-07", "FR-PLT-09"}


def test_platform_layer_in_the_report() -> None:
    report = validate(ubl(), platform=ctx(MemoryDirectory()))
    assert [layer.layer for layer in report.layers][-1] is Layer.PLATFORM
    assert report.layer("platform") is not None and report.layer("platform").fatal_rules == {"FR-PLT-02"}
    assert not report.valid
    assert validate(ubl()).layer("platform") is None
