"""Issue 6 acceptance, "Scenario tests": eight invoices followed end to end through the lifecycle
services (what every portal page and API operation calls), each checking the status history, the
user actions and events, and the audit journal (actions in order, chain intact)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from facturier.accounts.models import User
from facturier.audit.models import AuditEntry
from facturier.audit.services import audit_chain_verify
from facturier.invoices import lifecycle
from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.enums import StateRejectionMotive, ValidatorAction
from facturier.invoices.errors import IllegalTransition, TransitionForbidden
from facturier.invoices.models import Invoice, InvoiceEvent
from facturier.invoices.slip import invoice_slip_pdf
from facturier.invoices.transitions import Mover, allowed_targets
from facturier.structures.models import Service
from tests.flows.builders import buyer

from .world import (
    EAUX,
    MAIN_CONTRACTOR,
    MINISTRY,
    deposit_a9,
    deposit_flow,
    member,
    pdf_text,
    structure,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deposit(supplier_tech: User, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def make(number: str, **overrides: object) -> Invoice:
        return deposit_flow(supplier_tech, number, capture=django_capture_on_commit_callbacks, **overrides)

    return make


def statuses(invoice: Invoice) -> list[tuple[str, str]]:
    """(previous, status) of every history row, oldest first."""
    return list(invoice.status_changes.order_by("at", "pk").values_list("previous_status", "status"))


def audit_actions(invoice: Invoice) -> list[str]:
    return list(AuditEntry.objects.for_object(invoice).order_by("sequence").values_list("action", flat=True))


def events(invoice: Invoice) -> list[str]:
    return list(invoice.events.order_by("at", "pk").values_list("code", flat=True))


@pytest.fixture(autouse=True)
def _chain_stays_intact():  # type: ignore[no-untyped-def]
    yield
    assert audit_chain_verify().intact


def test_deposit_then_made_available_service_done_mandated_and_paid(deposit) -> None:  # type: ignore[no-untyped-def]
    invoice = deposit("SC-1")
    agent = member(invoice.recipient)
    assert invoice.status == S.MISE_A_DISPOSITION
    lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.SERVICE_FAIT, expected=S.MISE_A_DISPOSITION)
    lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.MANDATEE, mandate_number="M-2025-77",
                              expected=S.SERVICE_FAIT)
    lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.MISE_EN_PAIEMENT, expected=S.MANDATEE)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.mandate_number) == (S.MISE_EN_PAIEMENT, "M-2025-77")
    assert statuses(invoice) == [("", S.DEPOSEE), (S.DEPOSEE, S.MISE_A_DISPOSITION),
                                 (S.MISE_A_DISPOSITION, S.SERVICE_FAIT), (S.SERVICE_FAIT, S.MANDATEE),
                                 (S.MANDATEE, S.MISE_EN_PAIEMENT)]
    assert [c.actor for c in invoice.status_changes.order_by("at", "pk")][2:] == [agent, agent, agent]
    assert audit_actions(invoice) == ["invoice.deposited", "invoice.status.mise_a_disposition",
                                      "invoice.status.service_fait", "invoice.status.mandatee",
                                      "invoice.status.mise_en_paiement"]
    paid = AuditEntry.objects.for_object(invoice).order_by("sequence").last()
    assert paid.data["mover"] == Mover.RECIPIENT and paid.actor == agent
    assert allowed_targets(mover=Mover.RECIPIENT, invoice=invoice) == set()  # terminal


def test_recycle_a_routing_error_reroute_then_pay(deposit) -> None:  # type: ignore[no-untyped-def]
    invoice = deposit("SC-2")
    deposited_at, fingerprint = invoice.deposited_at, invoice.certificate_fingerprint
    montclair, supplier = member(invoice.recipient), member(invoice.supplier)
    lifecycle.invoice_process(actor=montclair, invoice=invoice, to=S.A_RECYCLER,
                              comment="Adressée à la commune au lieu du syndicat des eaux")
    lifecycle.invoice_recycle(actor=supplier, invoice=invoice, comment="Bon destinataire",
                              routing=lifecycle.Routing(recipient_identifier=EAUX, service_code=""))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.recipient_identifier, invoice.service_code) == (S.MISE_A_DISPOSITION, EAUX, "")
    assert (invoice.number, invoice.deposited_at, invoice.certificate_fingerprint) == ("SC-2", deposited_at,
                                                                                      fingerprint)
    lifecycle.invoice_process(actor=member(EAUX), invoice=invoice, to=S.MISE_EN_PAIEMENT)

    invoice.refresh_from_db()
    assert invoice.status == S.MISE_EN_PAIEMENT
    assert [s for _, s in statuses(invoice)] == [S.DEPOSEE, S.MISE_A_DISPOSITION, S.A_RECYCLER,
                                                 S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION, S.MISE_EN_PAIEMENT]
    assert (invoice.status_changes.get(status=S.A_RECYCLER).comment
            == "Adressée à la commune au lieu du syndicat des eaux")
    (recycled,) = invoice.events.filter(code=InvoiceEvent.Code.RECYCLED)
    assert recycled.data["before"]["recipient"] == "21345000000012" and recycled.data["after"]["recipient"] == EAUX
    assert recycled.actor == supplier and recycled.comment == "Bon destinataire"
    assert audit_actions(invoice)[2:] == ["invoice.status.a_recycler", "invoice.event.recyclage",
                                          "invoice.status.en_cours_acheminement", "invoice.status.mise_a_disposition",
                                          "invoice.status.mise_en_paiement"]
    with pytest.raises(TransitionForbidden):  # the commune has no say on it any more
        lifecycle.invoice_process(actor=montclair, invoice=invoice, to=S.REJETEE, comment="x")


def test_suspend_complete_then_pay(deposit) -> None:  # type: ignore[no-untyped-def]
    from facturier.invoices.entry import attachment_pending_add

    invoice = deposit("SC-3")
    agent, supplier = member(invoice.recipient), member(invoice.supplier)
    lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.SUSPENDUE, comment="Bon de livraison manquant")
    lifecycle.invoice_acknowledge(actor=supplier, invoice=invoice)
    pending = attachment_pending_add(actor=supplier, name="bl.pdf", data=b"%PDF-1.4 BL",
                                     content_type="application/pdf")
    lifecycle.invoice_complete(actor=supplier, invoice=invoice, comment="BL joint", attachments=[pending])
    lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.MISE_EN_PAIEMENT, expected=S.COMPLETEE)

    invoice.refresh_from_db()
    assert [s for _, s in statuses(invoice)][-3:] == [S.SUSPENDUE, S.COMPLETEE, S.MISE_EN_PAIEMENT]
    assert invoice.status_changes.get(status=S.COMPLETEE).actor == supplier
    assert list(invoice.attachments.values_list("name", flat=True)) == ["bl.pdf"]
    assert events(invoice) == [InvoiceEvent.Code.ACK_SUSPENSION, InvoiceEvent.Code.COMPLETED]
    assert invoice.events.get(code=InvoiceEvent.Code.ACK_SUSPENSION).kind == InvoiceEvent.Kind.ACTION
    assert audit_actions(invoice)[2:] == ["invoice.status.suspendue", "invoice.event.acquittement_suspension",
                                          "invoice.event.complement", "invoice.status.completee",
                                          "invoice.status.mise_en_paiement"]


def test_a_state_service_rejects_for_the_commitment_then_the_resubmission_is_paid(deposit) -> None:  # type: ignore[no-untyped-def]
    ministry = structure(MINISTRY)
    routing = {"buyer": buyer(MINISTRY, ministry.name), "buyer_reference": None}
    rejected = deposit("SC-4", purchase_order_reference="EJ-INCONNU", **routing)
    agent, supplier = member(ministry), member(rejected.supplier)
    assert rejected.status == S.MISE_A_DISPOSITION and rejected.recipient == ministry
    assert S.A_RECYCLER not in allowed_targets(mover=Mover.RECIPIENT, invoice=rejected)  # a State service
    lifecycle.invoice_process(actor=agent, invoice=rejected, to=S.REJETEE,
                              motives=[StateRejectionMotive.EJ_INCORRECT])
    lifecycle.invoice_acknowledge(actor=supplier, invoice=rejected)
    rejected.refresh_from_db()
    assert lifecycle.resubmittable(rejected)

    resubmitted = deposit("SC-4", purchase_order_reference="EJ-2025-0099", **routing)  # same number, right EJ
    assert resubmitted.pk != rejected.pk and resubmitted.previous == rejected
    assert (resubmitted.status, resubmitted.commitment_number) == (S.MISE_A_DISPOSITION, "EJ-2025-0099")
    lifecycle.invoice_process(actor=agent, invoice=resubmitted, to=S.SERVICE_FAIT)
    lifecycle.invoice_process(actor=agent, invoice=resubmitted, to=S.MISE_EN_PAIEMENT)

    resubmitted.refresh_from_db()
    rejected.refresh_from_db()
    assert (rejected.status, resubmitted.status) == (S.REJETEE, S.MISE_EN_PAIEMENT)
    rejection = rejected.status_changes.get(status=S.REJETEE)
    assert (rejection.motives, rejection.comment) == (["EJ_INCORRECT"], "EJ incorrect ou inexistant")
    assert events(rejected) == [InvoiceEvent.Code.ACK_REJECTION, InvoiceEvent.Code.RESUBMITTED]
    assert rejected.events.get(code=InvoiceEvent.Code.RESUBMITTED).data == {"next": resubmitted.pk, "number": "SC-4"}
    assert not lifecycle.resubmittable(rejected)  # once only
    assert "invoice.event.resoumission" in audit_actions(rejected)
    assert audit_actions(resubmitted)[-2:] == ["invoice.status.service_fait", "invoice.status.mise_en_paiement"]


def test_an_a2_invoice_goes_straight_to_payment(deposit) -> None:  # type: ignore[no-untyped-def]
    invoice = deposit("SC-5", business_process="A2_FACTURE_FOURNISSEUR_DEJA_PAYEE")
    assert invoice.billing_frame == "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE"
    assert statuses(invoice) == [("", S.DEPOSEE), (S.DEPOSEE, S.MISE_EN_PAIEMENT)]
    assert invoice.status_changes.get(status=S.MISE_EN_PAIEMENT).actor is None
    assert audit_actions(invoice) == ["invoice.deposited", "invoice.status.mise_en_paiement"]
    assert allowed_targets(mover=Mover.RECIPIENT, invoice=invoice) == set()
    with pytest.raises(IllegalTransition):
        lifecycle.invoice_process(actor=member(invoice.recipient), invoice=invoice, to=S.REJETEE, comment="x")


@pytest.mark.usefixtures("demo")
def test_an_a9_invoice_validated_by_the_main_contractor() -> None:
    main = structure(MAIN_CONTRACTOR)
    invoice = deposit_a9("SC-6", validator=main)
    assert invoice.status == S.A_VALIDER_1
    with pytest.raises(IllegalTransition):  # the recipient waits for the validation
        lifecycle.invoice_process(actor=member(invoice.recipient), invoice=invoice, to=S.SERVICE_FAIT)
    validator = member(main)
    lifecycle.invoice_validate(actor=validator, invoice=invoice, action=ValidatorAction.VALIDATION,
                               expected=S.A_VALIDER_1)
    lifecycle.invoice_process(actor=member(invoice.recipient), invoice=invoice, to=S.MISE_EN_PAIEMENT)

    invoice.refresh_from_db()
    assert invoice.validated1_on == timezone.localdate()
    assert [s for _, s in statuses(invoice)] == [S.DEPOSEE, S.A_VALIDER_1, S.VALIDEE_1, S.MISE_A_DISPOSITION,
                                                 S.MISE_EN_PAIEMENT]
    assert invoice.status_changes.get(status=S.VALIDEE_1).actor == validator
    validated = AuditEntry.objects.for_object(invoice).get(action="invoice.status.validee_1")
    assert validated.data["mover"] == Mover.VALIDATOR and validated.data["validator"] == main.pk


@pytest.mark.usefixtures("demo")
def test_an_a9_left_untouched_for_fifteen_days_moves_on_with_the_validator_on_the_slip() -> None:
    main = structure(MAIN_CONTRACTOR)
    invoice = deposit_a9("SC-7", validator=main)
    now = timezone.now()
    assert lifecycle.validation_deadlines_run(now=now + dt.timedelta(days=14, hours=23)) == []
    assert lifecycle.validation_deadlines_run(now=now + dt.timedelta(days=15, minutes=1)) == [invoice.pk]

    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION and invoice.validated1_on is None
    assert [s for _, s in statuses(invoice)][-2:] == [S.ABSENCE_VALIDATION_1_HORS_DELAI, S.MISE_A_DISPOSITION]
    assert events(invoice) == [InvoiceEvent.Code.DEADLINE]
    assert audit_actions(invoice)[-3:] == ["invoice.status.absence_validation_1_hors_delai",
                                           "invoice.event.delai_validation_depasse",
                                           "invoice.status.mise_a_disposition"]
    text = pdf_text(invoice_slip_pdf(invoice=invoice, language="fr"))
    assert f"Valideur (titulaire du marché) Bâtiments Durables SA — SIRET {MAIN_CONTRACTOR}" in text
    assert "Absence de validation 1 hors délai" in text
    assert "Niveau 1 : aucune décision en 15 jours" in text


def test_transfer_to_another_service(deposit) -> None:  # type: ignore[no-untyped-def]
    invoice = deposit("SC-8")
    agent = member(invoice.recipient)
    history = statuses(invoice)
    technique = Service.objects.get(structure=invoice.recipient, code="TECHNIQUE")
    lifecycle.invoice_transfer(actor=agent, invoice=invoice, service=technique, comment="Travaux, pas finances")

    invoice.refresh_from_db()
    assert (invoice.status, invoice.service_code, invoice.service_name) == (
        S.MISE_A_DISPOSITION, "TECHNIQUE", "Services techniques")
    assert statuses(invoice) == history  # no status change, nothing for the supplier to do
    (transfer,) = invoice.events.all()
    assert (transfer.code, transfer.kind, transfer.comment) == (
        InvoiceEvent.Code.TRANSFER, InvoiceEvent.Kind.EVENT, "Travaux, pas finances")
    assert transfer.data == {"from_service": {"code": "FINANCES", "name": "Direction des finances"},
                             "to_service": {"code": "TECHNIQUE", "name": "Services techniques"}}
    assert audit_actions(invoice)[-1] == "invoice.event.transfert_service"
    lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.MISE_EN_PAIEMENT)
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_EN_PAIEMENT and invoice.service_code == "TECHNIQUE"
