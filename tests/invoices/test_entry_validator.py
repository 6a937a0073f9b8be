"""The validator named at an entry (A9 sub-contractor, A12 co-contractor): checked against the frame
and the directory, stored with its identity, and A9 routed to the validator (A_VALIDER_1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from facturier.accounts.models import User
from facturier.core.demo import load_demo
from facturier.invoices.entry import EntryData, EntryLine, invoice_submit
from facturier.invoices.entry_validator import validators_check
from facturier.invoices.enums import DepositMode, InvoiceStatus
from facturier.invoices.errors import InvoiceRejected
from facturier.invoices.models import Invoice, InvoiceEvent
from facturier.structures.models import Structure
from tests.factories import ServiceFactory

SUBCONTRACTOR = "53456789600012"  # Sous-Traitance Services
MAIN_CONTRACTOR = "52345678800018"  # Bâtiments Durables SA
SUPPLIER = "89123456900012"  # Au Diapason
COMMUNE = "21345000000012"
STATE = "11000009800019"
IBAN = "FR7630006000011234567890189"


@pytest.fixture
def world(db: None) -> dict:
    load_demo()
    return {
        "user": User.objects.get(email="gestionnaire@sous-traitance.demo"),
        "sub": Structure.objects.get(identifier=SUBCONTRACTOR),
        "main": Structure.objects.get(identifier=MAIN_CONTRACTOR),
        "other": Structure.objects.get(identifier=SUPPLIER),
        "commune": Structure.objects.get(identifier=COMMUNE),
    }


def entry(world: dict, **overrides) -> EntryData:
    data = dict(
        supplier=world["sub"], recipient=world["commune"], service_code="TECHNIQUE", number="ST-2025-001",
        issue_date=date(2025, 3, 1), frame="A9", validator_identifier=MAIN_CONTRACTOR, iban=IBAN,
        lines=(EntryLine(name="Pose de cloisons", quantity=Decimal("3"), unit_price=Decimal("400"),
                         vat_rate=Decimal("20")),),
    )
    data.update(overrides)
    return EntryData(**data)


def submit(world: dict, **overrides) -> Invoice:
    return invoice_submit(actor=world["user"], data=entry(world, **overrides), mode=DepositMode.SAISIE_PORTAIL)


def rejected(world: dict, **overrides) -> list[dict]:
    with pytest.raises(InvoiceRejected) as caught:
        submit(world, **overrides)
    assert Invoice.objects.count() == 0
    return caught.value.findings


def test_an_a9_entry_goes_to_the_named_validator_with_its_identity(world: dict) -> None:
    service = ServiceFactory(structure=world["main"], code="TRAVAUX", name="Direction des travaux")
    invoice = submit(world, frame="A9_FACTURE_SOUSTRAITANT", validator_identifier=" 523 456 788 00018 ",
                     validator_service_code="TRAVAUX")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.A_VALIDER_1
    assert invoice.billing_frame == "A9_FACTURE_SOUSTRAITANT"
    assert (invoice.validator1, invoice.validator1_service) == (world["main"], service)
    assert (invoice.validator1_identifier, invoice.validator1_name) == (MAIN_CONTRACTOR, "Bâtiments Durables SA")
    assert invoice.validator2 is None and invoice.validator2_identifier == ""
    assert [c.status for c in invoice.status_changes.all()] == [InvoiceStatus.DEPOSEE, InvoiceStatus.A_VALIDER_1]


def test_a_second_level_is_stored_and_the_first_level_validates_first(world: dict) -> None:
    invoice = submit(world, validator2_identifier=SUPPLIER)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.A_VALIDER_1
    assert (invoice.validator1, invoice.validator2) == (world["main"], world["other"])
    assert invoice.validator2_name == "Au Diapason"


def test_an_a12_representative_is_optional_and_informed(world: dict) -> None:
    informed = submit(world, frame="A12", validator_identifier=MAIN_CONTRACTOR)
    informed.refresh_from_db()
    assert informed.status == InvoiceStatus.MISE_A_DISPOSITION and informed.validator1 == world["main"]
    assert list(informed.events.values_list("code", flat=True)) == [InvoiceEvent.Code.REPRESENTATIVE_INFORMED]
    alone = submit(world, frame="A12", number="ST-2025-002", validator_identifier="")
    alone.refresh_from_db()
    assert alone.status == InvoiceStatus.MISE_A_DISPOSITION and alone.validator1 is None
    assert not alone.events.exists()


@pytest.mark.parametrize(
    ("overrides", "rule", "location", "words"),
    [
        ({"validator_identifier": ""}, "FR-VAL-01", "validator_identifier", "titulaire"),
        ({"validator_identifier": "", "validator_service_code": "X"}, "FR-VAL-01", "validator_identifier", "titulaire"),
        ({"frame": "A12", "validator_identifier": "", "validator_service_code": "X"},
         "FR-VAL-01", "validator_identifier", "exige l'identifiant"),
        ({"validator_identifier": "00000000000000"}, "FR-VAL-02", "validator_identifier", "00000000000000"),
        ({"validator_identifier": SUBCONTRACTOR}, "FR-VAL-04", "validator_identifier", "fournisseur"),
        ({"validator_identifier": COMMUNE}, "FR-VAL-04", "validator_identifier", "destinataire"),
        ({"validator_service_code": "INCONNU"}, "FR-VAL-05", "validator_service_code", "INCONNU"),
        ({"frame": "A1"}, "FR-VAL-06", "validator_identifier", "A1"),
        ({"frame": "A2", "validator_identifier": "", "validator2_identifier": SUPPLIER},
         "FR-VAL-06", "validator2_identifier", "A2"),
        ({"frame": "A12", "validator2_identifier": SUPPLIER}, "FR-VAL-06", "validator2_identifier", "A12"),
        ({"validator2_identifier": MAIN_CONTRACTOR}, "FR-VAL-07", "validator2_identifier", "niveau 2"),
        ({"validator2_identifier": STATE, "validator2_service_code": "NOPE"},
         "FR-VAL-05", "validator2_service_code", "NOPE"),
    ],
)
def test_bad_validators_are_refused_on_their_field(world: dict, overrides: dict, rule: str, location: str,
                                                   words: str) -> None:
    findings = rejected(world, **overrides)
    mine = [f for f in findings if f["rule"].startswith("FR-VAL")]
    assert [(f["rule"], f["location"]) for f in mine] == [(rule, location)]
    assert words in mine[0]["message"]["fr"] and mine[0]["message"]["en"]
    assert mine[0]["terms"] == [] and set(mine[0]) == {"rule", "terms", "location", "line", "message"}


def test_an_inactive_validator_is_refused(world: dict) -> None:
    Structure.objects.filter(pk=world["main"].pk).update(status=Structure.Status.INACTIVE)
    findings = rejected(world)
    assert [(f["rule"], f["location"]) for f in findings] == [("FR-VAL-03", "validator_identifier")]
    assert "inactive" in findings[0]["message"]["fr"]


def test_validator_findings_come_with_the_other_entry_errors(world: dict) -> None:
    findings = rejected(world, number="", validator_identifier="")
    assert {"FR-SAI-01", "FR-VAL-01"} <= {f["rule"] for f in findings}


def test_the_check_alone_resolves_without_writing(world: dict) -> None:
    choice, findings = validators_check(data=entry(world, validator2_identifier=SUPPLIER))
    assert findings == [] and choice.deposit_kwargs() == {
        "validator": world["main"], "validator_service": None,
        "validator2": world["other"], "validator2_service": None,
    }
    choice, findings = validators_check(data=entry(world, frame="A1", validator_identifier=""))
    assert findings == [] and choice.validator is None
