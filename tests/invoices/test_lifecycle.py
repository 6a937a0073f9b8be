"""The lifecycle services (facturier.invoices.lifecycle): what each actor may change, what each
refusal says, and what every change leaves in the history and the audit journal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from facturier.accounts.models import User
from facturier.audit.models import AuditEntry
from facturier.flows.directory import duplicate_of
from facturier.flows.models import Flow
from facturier.flows.services import flow_receive
from facturier.invoices import lifecycle
from facturier.invoices.entry import attachment_pending_add
from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.enums import BillingFrame, LifecycleFrame, StateRejectionMotive, ValidatorAction
from facturier.invoices.errors import IllegalTransition, ReasonRequired, RoutingRefused, TransitionForbidden
from facturier.invoices.models import Invoice, InvoiceEvent
from facturier.structures.models import Attachment, Service, Structure
from tests.flows.builders import invoice_file

MONTCLAIR, MINISTRY, EAUX = "21345000000012", "11000009800019", "21769012200015"
MAIN_CONTRACTOR, SUBCONTRACTOR = "52345678800018", "53456789600012"


def _structure(siret: str) -> Structure:
    return Structure.objects.get(identifier=siret)


def _member(structure: Structure) -> User:
    return User.objects.filter(attachments__structure=structure,
                               attachments__status=Attachment.Status.VALIDATED).order_by("pk").first()


@pytest.fixture
def invoice(supplier_tech: User, django_capture_on_commit_callbacks) -> Invoice:
    with django_capture_on_commit_callbacks(execute=True):  # the flow is processed after commit
        flow = flow_receive(actor=supplier_tech, data=invoice_file("cii", "LC-1"), file_name="f.xml",
                            syntax="IN_DP_E1_CII_16B", channel="API")
    invoice = Invoice.objects.get(flow=Flow.objects.get(pk=flow.pk))
    assert invoice.status == S.MISE_A_DISPOSITION
    return invoice


def _put(invoice: Invoice, status: str, **fields: object) -> Invoice:
    Invoice.objects.filter(pk=invoice.pk).update(status=status, **fields)
    invoice.refresh_from_db()
    return invoice


def _events(invoice: Invoice, code: str) -> list[InvoiceEvent]:
    return list(invoice.events.filter(code=code))


# --- recipient -------------------------------------------------------------------------------------


def test_process_keeps_the_mandate_number_and_writes_history_and_audit(invoice: Invoice) -> None:
    agent = _member(invoice.recipient)
    audits = AuditEntry.objects.count()
    moved = lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.MANDATEE, mandate_number=" 2589 ",
                                      expected=S.MISE_A_DISPOSITION)
    assert (moved.status, moved.mandate_number) == (S.MANDATEE, "2589")
    assert Invoice.objects.get(pk=invoice.pk).mandate_number == "2589"
    assert AuditEntry.objects.count() == audits + 1
    assert AuditEntry.objects.order_by("-sequence").first().action == "invoice.status.mandatee"


def test_state_motives_are_only_for_a_state_rejection(invoice: Invoice) -> None:
    agent = _member(invoice.recipient)
    with pytest.raises(RoutingRefused):  # Montclair is not a State service
        lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.REJETEE, motives=[StateRejectionMotive.EJ_INCORRECT])
    with pytest.raises(RoutingRefused):
        lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.REJETEE, motives=["NOPE"], comment="x")
    Structure.objects.filter(pk=invoice.recipient_id).update(is_state_service=True)
    invoice.refresh_from_db()
    moved = lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.REJETEE,
                                      motives=[StateRejectionMotive.EJ_INCORRECT])
    last = moved.status_changes.last()
    assert (last.status, last.motives, last.comment) == (S.REJETEE, ["EJ_INCORRECT"], "EJ incorrect ou inexistant")
    assert lifecycle.resubmittable(moved)


def test_bulk_processing_reports_each_invoice(invoice: Invoice, supplier_tech: User,
                                             django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        flow = flow_receive(actor=supplier_tech, data=invoice_file("cii", "LC-2"), file_name="g.xml",
                            syntax="IN_DP_E1_CII_16B", channel="API")
    other = Invoice.objects.get(flow_id=flow.pk)
    _put(other, S.MANDATEE)
    agent = _member(invoice.recipient)
    outcomes = lifecycle.invoices_process(actor=agent, invoice_ids=[invoice.pk, other.pk, 999999],
                                          to=S.SERVICE_FAIT)
    assert [(o.invoice_id, o.ok) for o in outcomes] == [(invoice.pk, True), (other.pk, False), (999999, False)]
    assert isinstance(outcomes[1].error, IllegalTransition) and outcomes[1].status == S.MANDATEE
    assert Invoice.objects.get(pk=other.pk).status == S.MANDATEE
    with pytest.raises(ReasonRequired):  # checked before anything moves
        lifecycle.invoices_process(actor=agent, invoice_ids=[invoice.pk], to=S.SUSPENDUE)


def test_transfer_to_another_service_is_an_event_without_status_change(invoice: Invoice) -> None:
    agent = _member(invoice.recipient)
    technique = Service.objects.get(structure=invoice.recipient, code="TECHNIQUE")
    moved = lifecycle.invoice_transfer(actor=agent, invoice=invoice, service=technique, comment="mauvais service")
    assert (moved.status, moved.service_code, moved.service_name) == (S.MISE_A_DISPOSITION, "TECHNIQUE",
                                                                       "Services techniques")
    (event,) = _events(moved, InvoiceEvent.Code.TRANSFER)
    assert event.data["from_service"]["code"] == "FINANCES" and event.kind == InvoiceEvent.Kind.EVENT
    assert AuditEntry.objects.order_by("-sequence").first().action == "invoice.event.transfert_service"
    foreign = Service.objects.exclude(structure=invoice.recipient).first() or Service.objects.create(
        structure=_structure(EAUX), code="X", name="X")
    with pytest.raises(RoutingRefused):
        lifecycle.invoice_transfer(actor=agent, invoice=invoice, service=foreign)
    with pytest.raises(TransitionForbidden):
        lifecycle.invoice_transfer(actor=_member(invoice.supplier), invoice=invoice, service=technique)
    _put(invoice, S.MISE_EN_PAIEMENT)
    with pytest.raises(IllegalTransition):
        lifecycle.invoice_transfer(actor=agent, invoice=invoice,
                                   service=Service.objects.get(structure=invoice.recipient, code="SCOLAIRE"))


# --- supplier --------------------------------------------------------------------------------------


def test_recycle_checks_the_new_routing_with_the_platform_rules(invoice: Invoice) -> None:
    supplier = _member(invoice.supplier)
    agent = _member(invoice.recipient)
    lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.A_RECYCLER, comment="mauvais destinataire")
    for routing, rule in (
        (lifecycle.Routing(recipient_identifier="00000000000000"), "FR-PLT-02"),
        (lifecycle.Routing(service_code=""), "FR-PLT-04"),  # Montclair requires a service code
        (lifecycle.Routing(service_code="NOPE"), "FR-PLT-05"),
        (lifecycle.Routing(service_code="FINANCES", commitment_number=""), "FR-PLT-07"),
        (lifecycle.Routing(recipient_identifier=MINISTRY, service_code="", commitment_number=""), "FR-PLT-07"),
    ):
        with pytest.raises(RoutingRefused) as error:
            lifecycle.invoice_recycle(actor=supplier, invoice=invoice, routing=routing)
        (detail,) = next(iter(error.value.details.values()))
        assert detail["rule"] == rule and detail["fr"] and detail["en"]
        assert Invoice.objects.get(pk=invoice.pk).status == S.A_RECYCLER
    with pytest.raises(TransitionForbidden):
        lifecycle.invoice_recycle(actor=agent, invoice=invoice, routing=lifecycle.Routing(service_code="TECHNIQUE"))
    moved = lifecycle.invoice_recycle(
        actor=supplier, invoice=invoice, comment="nouveau destinataire",
        routing=lifecycle.Routing(recipient_identifier=EAUX, service_code="", commitment_number="EJ-9"),
    )
    assert (moved.status, moved.recipient_identifier, moved.service_code, moved.commitment_number) == (
        S.MISE_A_DISPOSITION, EAUX, "", "EJ-9")
    assert moved.recipient_name == "Syndicat intercommunal des eaux" and moved.number == "LC-1"
    statuses = list(moved.status_changes.values_list("status", flat=True))
    assert statuses[-3:] == [S.A_RECYCLER, S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION]
    (event,) = _events(moved, InvoiceEvent.Code.RECYCLED)
    assert event.data["before"]["recipient"] == MONTCLAIR and event.data["after"]["recipient"] == EAUX
    with pytest.raises(IllegalTransition):  # no longer A_RECYCLER
        lifecycle.invoice_recycle(actor=supplier, invoice=moved, routing=lifecycle.Routing())


def test_complete_claims_pending_attachments(invoice: Invoice) -> None:
    supplier = _member(invoice.supplier)
    with pytest.raises(IllegalTransition):
        lifecycle.invoice_complete(actor=supplier, invoice=invoice, comment="pièce")
    lifecycle.invoice_process(actor=_member(invoice.recipient), invoice=invoice, to=S.SUSPENDUE, comment="BL manquant")
    with pytest.raises(RoutingRefused):
        lifecycle.invoice_complete(actor=supplier, invoice=invoice, comment="  ")
    with pytest.raises(RoutingRefused):
        lifecycle.invoice_complete(actor=supplier, invoice=invoice, comment="x" * 2001)
    someone_else = _member(invoice.recipient)
    foreign = attachment_pending_add(actor=someone_else, name="autre.pdf", data=b"%PDF-1.4 x")
    with pytest.raises(RoutingRefused):
        lifecycle.invoice_complete(actor=supplier, invoice=invoice, attachments=[foreign])
    assert Invoice.objects.get(pk=invoice.pk).status == S.SUSPENDUE
    mine = attachment_pending_add(actor=supplier, name="bon-de-livraison.pdf", data=b"%PDF-1.4 y")
    moved = lifecycle.invoice_complete(actor=supplier, invoice=invoice, comment="voici le BL", attachments=[mine])
    assert moved.status == S.COMPLETEE
    assert list(moved.attachments.values_list("name", flat=True)) == ["bon-de-livraison.pdf"]
    (event,) = _events(moved, InvoiceEvent.Code.COMPLETED)
    assert (event.comment, event.data["attachments"]) == ("voici le BL", ["bon-de-livraison.pdf"])


def test_acknowledgement_is_asked_after_seven_days_and_recorded_once(invoice: Invoice) -> None:
    supplier = _member(invoice.supplier)
    lifecycle.invoice_process(actor=_member(invoice.recipient), invoice=invoice, to=S.REJETEE, comment="erreur")
    invoice.refresh_from_db()
    now = timezone.now()
    assert not lifecycle.acknowledgement_overdue(invoice=invoice, now=now + dt.timedelta(days=6))
    assert lifecycle.acknowledgement_overdue(invoice=invoice, now=now + dt.timedelta(days=7, minutes=1))
    lifecycle.invoice_acknowledge(actor=supplier, invoice=invoice)
    lifecycle.invoice_acknowledge(actor=supplier, invoice=invoice)
    invoice.refresh_from_db()
    assert len(_events(invoice, InvoiceEvent.Code.ACK_REJECTION)) == 1
    assert _events(invoice, InvoiceEvent.Code.ACK_REJECTION)[0].kind == InvoiceEvent.Kind.ACTION
    assert not lifecycle.acknowledgement_overdue(invoice=invoice, now=now + dt.timedelta(days=30))
    with pytest.raises(TransitionForbidden):
        lifecycle.invoice_acknowledge(actor=_member(invoice.recipient), invoice=invoice)


def test_rejections_are_handled_all_or_nothing(invoice: Invoice) -> None:
    supplier = _member(invoice.supplier)
    with pytest.raises(IllegalTransition):
        lifecycle.invoices_handle_rejection(actor=supplier, invoice_ids=[invoice.pk])
    lifecycle.invoice_process(actor=_member(invoice.recipient), invoice=invoice, to=S.REJETEE, comment="erreur")
    lifecycle.invoices_handle_rejection(actor=supplier, invoice_ids=[invoice.pk], motive="avoir émis", info="AV-1")
    invoice.refresh_from_db()
    assert invoice.rejection_handled
    (event,) = _events(invoice, InvoiceEvent.Code.REJECTION_HANDLED)
    assert event.comment == "avoir émis — AV-1"


def test_a_state_rejection_frees_the_number_once(invoice: Invoice) -> None:
    key = (("supplier", invoice.supplier_identifier), ("number", "LC-1"))
    assert duplicate_of(key) == invoice
    agent = _member(invoice.recipient)
    Structure.objects.filter(pk=invoice.recipient_id).update(is_state_service=True)
    lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.REJETEE, comment="EJ",
                              motives=[StateRejectionMotive.SE_INCORRECT])
    assert duplicate_of(key) is None
    assert lifecycle.resubmission_source(supplier_identifier=invoice.supplier_identifier, number="LC-1") == invoice


# --- validator -------------------------------------------------------------------------------------


@pytest.fixture
def a9(invoice: Invoice) -> Invoice:
    main = _structure(MAIN_CONTRACTOR)
    return _put(invoice, S.A_VALIDER_1, billing_frame=LifecycleFrame.A9, validator1=main,
                validator1_identifier=main.identifier, validator1_name=main.name)


def test_validation_routes_on_and_dates_the_level(a9: Invoice) -> None:
    with pytest.raises(TransitionForbidden):  # the recipient is not the validator
        lifecycle.invoice_validate(actor=_member(a9.recipient), invoice=a9, action=ValidatorAction.VALIDATION)
    validator = _member(a9.validator1)
    moved = lifecycle.invoice_validate(actor=validator, invoice=a9, action=ValidatorAction.VALIDATION)
    assert moved.status == S.MISE_A_DISPOSITION and moved.validated1_on == timezone.localdate()
    assert list(moved.status_changes.values_list("status", flat=True))[-2:] == [S.VALIDEE_1, S.MISE_A_DISPOSITION]


def test_second_level_then_refusal_needs_a_motive(a9: Invoice) -> None:
    co = _structure(EAUX)
    Invoice.objects.filter(pk=a9.pk).update(validator2=co, validator2_identifier=co.identifier, validator2_name=co.name)
    a9.refresh_from_db()
    moved = lifecycle.invoice_validate(actor=_member(a9.validator1), invoice=a9, action=ValidatorAction.VALIDATION)
    assert moved.status == S.A_VALIDER_2
    with pytest.raises(TransitionForbidden):  # level 2 belongs to validator 2
        lifecycle.invoice_validate(actor=_member(a9.validator1), invoice=moved, action=ValidatorAction.VALIDATION)
    with pytest.raises(ReasonRequired):
        lifecycle.invoice_validate(actor=_member(co), invoice=moved, action=ValidatorAction.REFUS)
    refused = lifecycle.invoice_validate(actor=_member(co), invoice=moved, action=ValidatorAction.REFUS,
                                         motive="ERREUR_MONTANT")
    assert refused.status == S.REFUSEE_2
    assert refused.status_changes.last().comment == "Erreur de montant"
    with pytest.raises(IllegalTransition):
        lifecycle.invoice_validate(actor=_member(co), invoice=refused, action="MISE_EN_PAIEMENT")


def test_wrong_validator_is_corrected_by_the_supplier(a9: Invoice) -> None:
    moved = lifecycle.invoice_validate(actor=_member(a9.validator1), invoice=a9,
                                       action=ValidatorAction.ERREUR_VALIDEUR, comment="pas notre marché")
    assert moved.status == S.ERREUR_FOURNISSEUR_SUR_VALIDEUR
    supplier = _member(a9.supplier)
    with pytest.raises(RoutingRefused):  # the recipient cannot validate its own invoices
        lifecycle.invoice_correct_validator(actor=supplier, invoice=moved, validator=a9.recipient)
    with pytest.raises(RoutingRefused):  # nor the validator who just declined it
        lifecycle.invoice_correct_validator(actor=supplier, invoice=moved, validator=a9.validator1)
    right = _structure(EAUX)
    corrected = lifecycle.invoice_correct_validator(actor=supplier, invoice=moved, validator=right)
    assert (corrected.status, corrected.validator1_identifier, corrected.validator1_name) == (
        S.A_VALIDER_1, EAUX, right.name)
    (event,) = _events(corrected, InvoiceEvent.Code.VALIDATOR_CORRECTED)
    assert event.data["before"]["identifier"] == MAIN_CONTRACTOR


def test_deadline_moves_untouched_invoices_after_fifteen_days(a9: Invoice) -> None:
    now = timezone.now()
    assert lifecycle.validation_deadlines_run(now=now + dt.timedelta(days=14, hours=23)) == []
    assert lifecycle.validation_deadlines_run(now=now + dt.timedelta(days=15, minutes=1)) == [a9.pk]
    a9.refresh_from_db()
    assert a9.status == S.MISE_A_DISPOSITION
    statuses = list(a9.status_changes.values_list("status", flat=True))
    assert statuses[-2:] == [S.ABSENCE_VALIDATION_1_HORS_DELAI, S.MISE_A_DISPOSITION]
    (event,) = _events(a9, InvoiceEvent.Code.DEADLINE)
    assert event.data == {"level": 1, "days": 15} and event.who == "facturier"
    assert lifecycle.validation_deadlines_run(now=now + dt.timedelta(days=40)) == []  # nothing left


def test_downloads_are_user_actions_and_mark_the_recipient_download(invoice: Invoice) -> None:
    lifecycle.invoices_record_download(actor=_member(invoice.supplier), invoices=[invoice])
    invoice.refresh_from_db()
    assert not invoice.downloaded_by_recipient
    lifecycle.invoices_record_download(actor=_member(invoice.recipient), invoices=[invoice])
    invoice.refresh_from_db()
    assert invoice.downloaded_by_recipient
    events = _events(invoice, InvoiceEvent.Code.DOWNLOAD)
    assert [e.who.endswith("(Au Diapason)") for e in events] == [True, False]


# --- routing decision ------------------------------------------------------------------------------

A1, A2, A9, A12 = (BillingFrame.A1.value, BillingFrame.A2.value, BillingFrame.A9.value, BillingFrame.A12.value)


@pytest.mark.parametrize(("frame", "status", "validator2", "target"), [
    (A1, S.DEPOSEE, False, S.MISE_A_DISPOSITION),
    (A12, S.EN_COURS_ACHEMINEMENT, False, S.MISE_A_DISPOSITION),
    (A1, S.MISE_A_DISPOSITION, False, None),
    (A2, S.DEPOSEE, False, S.MISE_EN_PAIEMENT),
    (A2, S.EN_COURS_ACHEMINEMENT, False, None),
    (A9, S.DEPOSEE, False, S.A_VALIDER_1),
    (A9, S.A_VALIDER_1, False, None),
    (A9, S.VALIDEE_1, True, S.A_VALIDER_2),
    (A9, S.ABSENCE_VALIDATION_1_HORS_DELAI, True, S.A_VALIDER_2),
    (A9, S.VALIDEE_1, False, S.MISE_A_DISPOSITION),
    (A9, S.ABSENCE_VALIDATION_2_HORS_DELAI, True, S.MISE_A_DISPOSITION),
    ("B7_INCONNU", S.DEPOSEE, False, None),
])
def test_route_target_is_a_pure_decision(frame: str, status: str, validator2: bool, target: str | None) -> None:
    invoice = Invoice(billing_frame=frame, status=status, validator2_id=7 if validator2 else None)
    assert lifecycle.route_target(invoice) == target


@pytest.mark.parametrize(("frame", "status", "validator1", "informs"), [
    (A12, S.DEPOSEE, True, True),
    (A12, S.DEPOSEE, False, False),
    (A12, S.EN_COURS_ACHEMINEMENT, True, False),
    (A1, S.DEPOSEE, True, False),
])
def test_only_an_a12_deposit_with_a_representative_informs_it(frame: str, status: str, validator1: bool,
                                                              informs: bool) -> None:
    invoice = Invoice(billing_frame=frame, status=status, validator1_id=7 if validator1 else None)
    assert lifecycle.route_informs_representative(invoice) is informs
