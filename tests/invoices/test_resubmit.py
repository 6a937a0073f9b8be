"""Re-submission after a State service's SE/EJ rejection (``invoice_resubmit``): the same number,
the corrected document in its own syntax, validated and deposited again, linked to the rejected
invoice; and every refusal."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from facturier.accounts.models import User
from facturier.einvoice import read
from facturier.flows.models import Flow
from facturier.flows.services import flow_receive
from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.enums import StateRejectionMotive
from facturier.invoices.errors import InvoiceNotFound, InvoiceRejected
from facturier.invoices.lifecycle import invoice_process, resubmittable
from facturier.invoices.models import Invoice, InvoiceEvent
from facturier.invoices.resubmit import NotResubmittable, OriginalUnreadable, ResubmissionUnchanged, invoice_resubmit
from facturier.structures.models import Service, Structure
from tests.flows.builders import SYNTAXES, buyer, invoice_file

pytestmark = pytest.mark.django_db(transaction=True)

MINISTRY_SIRET = "11000009800019"
MINISTRY_NAME = "Ministère de l'Exemple — Service administratif"
MINISTRY_MANAGER = "gestionnaire@ministere-exemple.demo"
SUPPLIER_MANAGER = "gerant@au-diapason.demo"
COMMUNE_MANAGER = "gestionnaire@montclair.demo"


def deposit(tech: User, fmt: str, number: str, **overrides) -> Invoice:
    flow = flow_receive(actor=tech, data=invoice_file(fmt, number, **overrides), file_name=f"{number}.{fmt}",
                        syntax=SYNTAXES[fmt], channel="API")
    return Invoice.objects.get(flow=Flow.objects.get(pk=flow.pk))


def to_ministry(tech: User, fmt: str = "cii", number: str = "AD-ETAT-1", commitment: str = "EJ-FAUX") -> Invoice:
    """An invoice to the demo's State service (commitment number required, no services)."""
    return deposit(tech, fmt, number, buyer=buyer(MINISTRY_SIRET, MINISTRY_NAME), buyer_reference=None,
                   purchase_order_reference=commitment)


def reject_for_ej(invoice: Invoice) -> Invoice:
    return invoice_process(actor=User.objects.get(email=MINISTRY_MANAGER), invoice=invoice, to=S.REJETEE,
                           motives=[StateRejectionMotive.EJ_INCORRECT], expected=S.MISE_A_DISPOSITION)


@pytest.fixture
def supplier(demo: None) -> User:
    return User.objects.get(email=SUPPLIER_MANAGER)


@pytest.mark.parametrize("fmt", ["cii", "ubl", "facturx"])
def test_ej_rejection_then_resubmission_with_a_new_commitment_then_paid(supplier_tech, supplier, fmt) -> None:
    rejected = reject_for_ej(to_ministry(supplier_tech, fmt))
    assert rejected.status == S.REJETEE and resubmittable(rejected)

    new = invoice_resubmit(actor=supplier, invoice=rejected, service_code="", commitment_number="EJ-2025-0100")

    assert new.pk != rejected.pk and new.number == rejected.number == "AD-ETAT-1"
    assert new.previous_id == rejected.pk and list(rejected.next_invoices.all()) == [new]
    assert new.status == S.MISE_A_DISPOSITION and new.commitment_number == "EJ-2025-0100"
    assert new.recipient.identifier == MINISTRY_SIRET and new.depositor == supplier
    # The stored original is the corrected document, in the rejected one's syntax.
    with new.original_file.open("rb") as handle:
        document = read(handle.read())
    assert document.format.value == fmt == new.syntax
    assert document.invoice.commitment_number.normalized == "EJ-2025-0100"
    assert document.invoice.number.normalized == "AD-ETAT-1"
    events = list(rejected.events.values_list("code", "data"))
    assert (InvoiceEvent.Code.RESUBMITTED, {"next": new.pk, "number": "AD-ETAT-1"}) in events
    assert not resubmittable(rejected)  # freed once only

    paid = invoice_process(actor=User.objects.get(email=MINISTRY_MANAGER), invoice=new, to=S.MISE_EN_PAIEMENT,
                           expected=S.MISE_A_DISPOSITION)
    assert paid.status == S.MISE_EN_PAIEMENT
    with pytest.raises(NotResubmittable):
        invoice_resubmit(actor=supplier, invoice=rejected, service_code="", commitment_number="EJ-3")


def test_the_number_is_freed_once_only(supplier_tech, supplier) -> None:
    rejected = reject_for_ej(to_ministry(supplier_tech))
    invoice_resubmit(actor=supplier, invoice=rejected, service_code="", commitment_number="EJ-2025-0100")
    # The same number deposited once more is a duplicate again (FR-PLT-09).
    flow = flow_receive(actor=supplier_tech, data=invoice_file(
        "cii", "AD-ETAT-1", buyer=buyer(MINISTRY_SIRET, MINISTRY_NAME), buyer_reference=None,
        purchase_order_reference="EJ-4"), file_name="again.xml", syntax=SYNTAXES["cii"], channel="API")
    item = Flow.objects.get(pk=flow.pk).items.get()
    assert item.invoice is None and [e["rule"] for e in item.errors] == ["FR-PLT-09"]
    assert Invoice.objects.filter(number="AD-ETAT-1").count() == 2


def test_a_service_code_correction_is_checked_against_the_directory(supplier_tech, supplier) -> None:
    ministry = Structure.objects.get(identifier=MINISTRY_SIRET)
    Service.objects.create(structure=ministry, code="SG-ACHATS", name="Achats")
    rejected = invoice_process(actor=User.objects.get(email=MINISTRY_MANAGER), invoice=to_ministry(supplier_tech),
                               to=S.REJETEE, motives=[StateRejectionMotive.SE_INCORRECT])
    with pytest.raises(InvoiceRejected) as refused:
        invoice_resubmit(actor=supplier, invoice=rejected, service_code="INCONNU", commitment_number="EJ-FAUX")
    assert [f["rule"] for f in refused.value.findings] == ["FR-PLT-05"]
    assert "INCONNU" in refused.value.findings[0]["message"]["fr"]
    assert resubmittable(rejected) and Invoice.objects.count() == 1  # nothing stored

    new = invoice_resubmit(actor=supplier, invoice=rejected, service_code="SG-ACHATS", commitment_number="EJ-FAUX")
    assert (new.service_code, new.service.name, new.commitment_number) == ("SG-ACHATS", "Achats", "EJ-FAUX")
    with new.original_file.open("rb") as handle:
        assert read(handle.read()).invoice.buyer_reference.normalized == "SG-ACHATS"


def test_a_platform_rule_refuses_the_corrected_document(supplier_tech, supplier) -> None:
    rejected = reject_for_ej(to_ministry(supplier_tech))
    with pytest.raises(InvoiceRejected) as refused:  # the ministry requires a commitment number
        invoice_resubmit(actor=supplier, invoice=rejected, service_code="", commitment_number="  ")
    finding = refused.value.findings[0]
    assert finding["rule"] == "FR-PLT-07" and "BT-13" in finding["terms"]
    assert Invoice.objects.count() == 1 and resubmittable(rejected)


def test_unchanged_routing_is_refused(supplier_tech, supplier) -> None:
    rejected = reject_for_ej(to_ministry(supplier_tech))
    with pytest.raises(ResubmissionUnchanged):
        invoice_resubmit(actor=supplier, invoice=rejected, service_code="", commitment_number=" EJ-FAUX ")


def test_only_a_state_se_ej_rejection_may_be_resubmitted(supplier_tech, supplier) -> None:
    waiting = to_ministry(supplier_tech)
    with pytest.raises(NotResubmittable):  # not rejected
        invoice_resubmit(actor=supplier, invoice=waiting, service_code="", commitment_number="EJ-2")
    commune = deposit(supplier_tech, "cii", "AD-COMMUNE-1")
    rejected = invoice_process(actor=User.objects.get(email=COMMUNE_MANAGER), invoice=commune, to=S.REJETEE,
                               comment="Montant erroné")
    with pytest.raises(NotResubmittable) as refused:  # not a State service: a new invoice is needed
        invoice_resubmit(actor=supplier, invoice=rejected, service_code="FINANCES", commitment_number="EJ-2")
    assert "AD-COMMUNE-1" in str(refused.value)


def test_another_structure_cannot_resubmit(supplier_tech) -> None:
    rejected = reject_for_ej(to_ministry(supplier_tech))
    with pytest.raises(InvoiceNotFound):
        invoice_resubmit(actor=User.objects.get(email="gestionnaire@batiments-durables.demo"), invoice=rejected,
                         service_code="", commitment_number="EJ-2")
    assert resubmittable(rejected)


def test_a_plain_pdf_cannot_be_rewritten(supplier_tech, supplier) -> None:
    rejected = reject_for_ej(to_ministry(supplier_tech))
    # As a PDF deposited without structured data would be (the row itself is not rewritten).
    rejected.original_file.save("scan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    with pytest.raises(OriginalUnreadable):
        invoice_resubmit(actor=supplier, invoice=rejected, service_code="", commitment_number="EJ-2")
