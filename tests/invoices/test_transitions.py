"""The invoice record: immutability, and the transition table checked over every
(status, target, mover) triple for the frames A1, A2, A9, A10 and A12 (issue 6 acceptance)."""

from __future__ import annotations

import pytest

from facturier.accounts.models import User
from facturier.audit.models import AuditEntry
from facturier.flows.models import Flow
from facturier.flows.services import flow_receive
from facturier.invoices.enums import PIVOT_CODES, InvoiceStatus, LifecycleFrame, pivot_code
from facturier.invoices.errors import (
    IllegalTransition,
    InvoiceImmutable,
    ReasonRequired,
    ReasonTooLong,
    TransitionForbidden,
)
from facturier.invoices.models import Invoice
from facturier.invoices.transitions import (
    REASON_REQUIRED,
    Conditions,
    Mover,
    allowed_targets,
    invoice_transition,
)
from facturier.structures.models import Attachment, Structure
from tests.flows.builders import invoice_file

pytestmark = pytest.mark.django_db(transaction=True)

S = InvoiceStatus
ALL = list(S)
FRAMES = list(LifecycleFrame)

# ---- the expected table, written out a second time by hand (default conditions: not a State
# service, payment reported, one validation level). docs/lifecycle.md shows the same rows.
_PROCESS = {S.SERVICE_FAIT, S.MANDATEE, S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE, S.MISE_EN_PAIEMENT,
            S.SUSPENDUE, S.REJETEE, S.A_RECYCLER}
RECIPIENT = {
    S.MISE_A_DISPOSITION: _PROCESS,
    S.COMPLETEE: _PROCESS,
    S.SERVICE_FAIT: _PROCESS - {S.SERVICE_FAIT},
    S.MANDATEE: {S.MISE_A_DISPOSITION_COMPTABLE, S.COMPTABILISEE, S.MISE_EN_PAIEMENT, S.REJETEE},
    S.MISE_A_DISPOSITION_COMPTABLE: {S.COMPTABILISEE, S.MISE_EN_PAIEMENT},
    S.COMPTABILISEE: {S.MISE_EN_PAIEMENT},
    S.SUSPENDUE: {S.REJETEE},
}
SUPPLIER_RECEIVED = {S.BROUILLON: {S.SUPPRIMEE}, S.SUSPENDUE: {S.COMPLETEE}, S.A_RECYCLER: {S.EN_COURS_ACHEMINEMENT}}
TO_RECIPIENT = {S.EN_COURS_ACHEMINEMENT, S.MISE_A_DISPOSITION}
EXPECTED: dict[tuple[str, Mover], dict[str, set[str]]] = {}
for _frame in (LifecycleFrame.A1, LifecycleFrame.A12):
    EXPECTED[_frame, Mover.SYSTEM] = {S.BROUILLON: {S.DEPOSEE}, S.DEPOSEE: TO_RECIPIENT,
                                      S.EN_COURS_ACHEMINEMENT: {S.MISE_A_DISPOSITION}}
    EXPECTED[_frame, Mover.SUPPLIER] = SUPPLIER_RECEIVED
    EXPECTED[_frame, Mover.VALIDATOR] = {}
    EXPECTED[_frame, Mover.RECIPIENT] = RECIPIENT
EXPECTED[LifecycleFrame.A2, Mover.SYSTEM] = {S.BROUILLON: {S.DEPOSEE}, S.DEPOSEE: {S.MISE_EN_PAIEMENT}}
EXPECTED[LifecycleFrame.A2, Mover.SUPPLIER] = {S.BROUILLON: {S.SUPPRIMEE}}
EXPECTED[LifecycleFrame.A2, Mover.VALIDATOR] = {}
EXPECTED[LifecycleFrame.A2, Mover.RECIPIENT] = {}
for _frame in (LifecycleFrame.A9, LifecycleFrame.A10):
    EXPECTED[_frame, Mover.SYSTEM] = {
        S.BROUILLON: {S.DEPOSEE},
        S.DEPOSEE: {S.A_VALIDER_1},
        S.A_VALIDER_1: {S.ABSENCE_VALIDATION_1_HORS_DELAI},
        S.A_VALIDER_2: {S.ABSENCE_VALIDATION_2_HORS_DELAI},
        S.VALIDEE_1: TO_RECIPIENT,
        S.ABSENCE_VALIDATION_1_HORS_DELAI: TO_RECIPIENT,
        S.VALIDEE_2: TO_RECIPIENT,
        S.ABSENCE_VALIDATION_2_HORS_DELAI: TO_RECIPIENT,
        S.EN_COURS_ACHEMINEMENT: {S.MISE_A_DISPOSITION},
    }
    EXPECTED[_frame, Mover.SUPPLIER] = {
        **SUPPLIER_RECEIVED,
        S.ERREUR_FOURNISSEUR_SUR_VALIDEUR: {S.A_VALIDER_1},
        S.ERREUR_COTRAITANT_SUR_VALIDEUR: {S.A_VALIDER_2},
    }
    EXPECTED[_frame, Mover.VALIDATOR] = {
        S.A_VALIDER_1: {S.VALIDEE_1, S.REFUSEE_1, S.ERREUR_FOURNISSEUR_SUR_VALIDEUR},
        S.A_VALIDER_2: {S.VALIDEE_2, S.REFUSEE_2, S.ERREUR_COTRAITANT_SUR_VALIDEUR},
    }
    EXPECTED[_frame, Mover.RECIPIENT] = RECIPIENT

CASES = [(frame, mover) for frame in FRAMES for mover in Mover]


def test_the_enum_has_the_57_codes_and_the_pivot_ids() -> None:
    assert len(ALL) == len(set(ALL)) == 57
    assert sorted(PIVOT_CODES) == [f"{n:02d}" for n in range(1, 13)]
    assert pivot_code(S.MISE_A_DISPOSITION) == "03" and pivot_code(S.COMPLETEE) == "12"
    assert pivot_code(S.BROUILLON) is None


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize(("frame", "mover"), CASES, ids=[f"{f.name}-{m.value}" for f, m in CASES])
def test_allowed_targets_match_the_table_for_every_pair(frame: str, mover: Mover) -> None:
    expected = EXPECTED[frame, mover]
    for current in ALL:
        allowed = allowed_targets(current=current, frame=frame, mover=mover)
        for target in ALL:
            assert (target in allowed) == (target in expected.get(current, set())), (current, target)


def test_conditions_change_the_answer() -> None:
    mad, a9 = S.MISE_A_DISPOSITION, LifecycleFrame.A9
    state = allowed_targets(current=mad, frame="A1", mover=Mover.RECIPIENT, conditions=Conditions(is_state_service=True))
    assert S.A_RECYCLER not in state and S.REJETEE in state
    unpaid = Conditions(payment_status_reported=False)
    for current in RECIPIENT:
        assert S.MISE_EN_PAIEMENT not in allowed_targets(current=current, frame="A1", mover=Mover.RECIPIENT,
                                                         conditions=unpaid)
    assert allowed_targets(current=S.COMPTABILISEE, frame="A1", mover=Mover.RECIPIENT, conditions=unpaid) == set()
    two = Conditions(second_validation=True)
    for current in (S.VALIDEE_1, S.ABSENCE_VALIDATION_1_HORS_DELAI):
        assert allowed_targets(current=current, frame=a9, mover=Mover.SYSTEM, conditions=two) == {S.A_VALIDER_2}
    assert allowed_targets(current=mad, frame="A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR", mover=Mover.RECIPIENT) == set()


# ---- the real function on a real invoice row --------------------------------------------------

@pytest.fixture
def invoice(supplier_tech: User) -> Invoice:
    flow = flow_receive(actor=supplier_tech, data=invoice_file("cii", "TR-1"), file_name="f.xml",
                        syntax="IN_DP_E1_CII_16B", channel="API")
    invoice = Invoice.objects.get(flow=Flow.objects.get(pk=flow.pk))
    validator = _validator_structure(invoice)
    Invoice.objects.filter(pk=invoice.pk).update(
        validator1=validator, validator1_identifier=validator.identifier, validator1_name=validator.name
    )
    invoice.refresh_from_db()
    return invoice


def _validator_structure(invoice: Invoice) -> Structure:
    """A demo structure with members that is neither the supplier nor the recipient."""
    return (Structure.objects.exclude(pk__in=(invoice.supplier_id, invoice.recipient_id))
            .filter(attachments__status=Attachment.Status.VALIDATED).order_by("pk").first())


def _member(structure: Structure) -> User:
    return User.objects.filter(attachments__structure=structure,
                               attachments__status=Attachment.Status.VALIDATED).order_by("pk").first()


def _actors(invoice: Invoice) -> dict[Mover, User | None]:
    return {Mover.SYSTEM: None, Mover.SUPPLIER: _member(invoice.supplier),
            Mover.RECIPIENT: _member(invoice.recipient), Mover.VALIDATOR: _member(invoice.validator1)}


def _put(invoice: Invoice, status: str, frame: str, *, second_level: bool = False) -> None:
    """Set the status and frame; ``second_level`` names validator 1 as the level-2 validator too
    (it makes the system route VALIDEE_1 to A_VALIDER_2, so only validator moves use it)."""
    Invoice.objects.filter(pk=invoice.pk).update(
        status=status, billing_frame=frame, validator2=invoice.validator1 if second_level else None
    )
    invoice.refresh_from_db()


@pytest.mark.parametrize("frame", FRAMES, ids=[f.name for f in FRAMES])
def test_the_function_applies_allowed_moves_and_refuses_the_others(invoice: Invoice, frame: str) -> None:
    actors = _actors(invoice)
    for mover in Mover:
        expected = EXPECTED[frame, mover]
        for index, current in enumerate(ALL):
            targets = expected.get(current, set())
            for target in sorted(targets):  # every allowed move really happens
                _put(invoice, current, frame, second_level=mover == Mover.VALIDATOR)
                audits, history = AuditEntry.objects.count(), invoice.status_changes.count()
                moved = invoice_transition(invoice=invoice, to=target, actor=actors[mover], mover=mover,
                                           comment="motif" if target in REASON_REQUIRED else "", expected=current)
                assert moved.status == target
                assert AuditEntry.objects.count() == audits + 1
                assert invoice.status_changes.count() == history + 1
                assert invoice.status_changes.last().previous_status == current
            # a refused sample: one target per current status, rotating over the 57
            refused = [t for t in ALL if t not in targets and t != current]
            target = refused[(index * 7 + len(mover)) % len(refused)]
            _put(invoice, current, frame, second_level=mover == Mover.VALIDATOR)
            with pytest.raises(IllegalTransition) as error:
                invoice_transition(invoice=invoice, to=target, actor=actors[mover], mover=mover, comment="motif")
            assert (error.value.http_status, error.value.chorus_code) == (409, 20002)
            invoice.refresh_from_db()
            assert invoice.status == current


def test_state_service_and_unreported_payment_are_read_from_the_recipient(invoice: Invoice) -> None:
    agent = _member(invoice.recipient)
    Structure.objects.filter(pk=invoice.recipient_id).update(is_state_service=True, payment_status_not_reported=True)
    _put(invoice, S.MISE_A_DISPOSITION, LifecycleFrame.A1)
    for target in (S.A_RECYCLER, S.MISE_EN_PAIEMENT):
        with pytest.raises(IllegalTransition):
            invoice_transition(invoice=invoice, to=target, actor=agent, mover=Mover.RECIPIENT, comment="motif")
    assert S.A_RECYCLER not in allowed_targets(invoice=invoice, mover=Mover.RECIPIENT)
    invoice_transition(invoice=invoice, to=S.REJETEE, actor=agent, mover=Mover.RECIPIENT,
                       comment="EJ incorrect ou inexistant")
    assert invoice.status == S.REJETEE


@pytest.mark.parametrize("target", sorted(REASON_REQUIRED))
def test_a_motive_is_required_and_at_most_255_characters(invoice: Invoice, target: str) -> None:
    source = {S.REFUSEE_1: S.A_VALIDER_1, S.REFUSEE_2: S.A_VALIDER_2}.get(target, S.MISE_A_DISPOSITION)
    mover = Mover.VALIDATOR if target in (S.REFUSEE_1, S.REFUSEE_2) else Mover.RECIPIENT
    actor = _member(invoice.validator1 if mover == Mover.VALIDATOR else invoice.recipient)
    _put(invoice, source, LifecycleFrame.A9, second_level=True)
    for bad, error in (("", ReasonRequired), ("   ", ReasonRequired), ("x" * 256, ReasonTooLong)):
        with pytest.raises(error):
            invoice_transition(invoice=invoice, to=target, actor=actor, mover=mover, comment=bad)
        invoice.refresh_from_db()
        assert invoice.status == source
    invoice_transition(invoice=invoice, to=target, actor=actor, mover=mover, comment="x" * 255)
    assert invoice.status_changes.last().comment == "x" * 255


def test_human_moves_need_an_attached_actor(invoice: Invoice) -> None:
    _put(invoice, S.MISE_A_DISPOSITION, LifecycleFrame.A1)
    for actor in (None, _member(invoice.supplier)):
        with pytest.raises(TransitionForbidden) as error:
            invoice_transition(invoice=invoice, to=S.SERVICE_FAIT, actor=actor, mover=Mover.RECIPIENT)
        assert error.value.http_status == 403
    invoice.refresh_from_db()
    assert invoice.status == S.MISE_A_DISPOSITION


def test_replay_changes_nothing_and_a_stale_status_is_a_conflict(invoice: Invoice) -> None:
    agent = _member(invoice.recipient)
    _put(invoice, S.MISE_A_DISPOSITION, LifecycleFrame.A1)
    invoice_transition(invoice=invoice, to=S.SERVICE_FAIT, actor=agent, mover=Mover.RECIPIENT)
    audits, history = AuditEntry.objects.count(), invoice.status_changes.count()
    assert invoice_transition(invoice=invoice, to=S.SERVICE_FAIT, actor=agent, mover=Mover.RECIPIENT).status \
        == S.SERVICE_FAIT
    assert (AuditEntry.objects.count(), invoice.status_changes.count()) == (audits, history)
    with pytest.raises(IllegalTransition) as error:  # the other agent still saw MISE_A_DISPOSITION
        invoice_transition(invoice=invoice, to=S.MANDATEE, actor=agent, mover=Mover.RECIPIENT,
                           expected=S.MISE_A_DISPOSITION)
    assert (error.value.http_status, error.value.chorus_code) == (409, 20002)
    assert (AuditEntry.objects.count(), invoice.status_changes.count()) == (audits, history)


def test_deposit_routing_still_uses_the_system_moves(invoice: Invoice) -> None:
    assert invoice.status == S.MISE_A_DISPOSITION  # A1 deposit: DEPOSEE → MISE_A_DISPOSITION
    _put(invoice, S.DEPOSEE, LifecycleFrame.A2)
    assert invoice_transition(invoice=invoice, to=S.MISE_EN_PAIEMENT, actor=None).status == S.MISE_EN_PAIEMENT


def test_an_invoice_is_never_deleted_nor_rewritten(invoice: Invoice) -> None:
    with pytest.raises(InvoiceImmutable):
        invoice.delete()
    invoice.number = "CHANGED"
    with pytest.raises(InvoiceImmutable):
        invoice.save()
    with pytest.raises(InvoiceImmutable):
        invoice.status_changes.first().delete()
