"""The invoice record: immutability, and the transition table checked over every status pair."""

from __future__ import annotations

import itertools

import pytest

from facturier.audit.models import AuditEntry
from facturier.flows.models import Flow
from facturier.flows.services import flow_receive
from facturier.invoices.enums import InvoiceStatus
from facturier.invoices.errors import IllegalTransition, InvoiceImmutable
from facturier.invoices.models import Invoice
from facturier.invoices.transitions import TRANSITIONS, Mover, invoice_transition
from tests.flows.builders import invoice_file

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def invoice(supplier_tech) -> Invoice:  # type: ignore[no-untyped-def]
    flow = flow_receive(actor=supplier_tech, data=invoice_file("cii", "TR-1"), file_name="f.xml",
                        syntax="IN_DP_E1_CII_16B", channel="API")
    return Invoice.objects.get(flow=Flow.objects.get(pk=flow.pk))


def test_an_invoice_is_never_deleted_nor_rewritten(invoice: Invoice) -> None:
    with pytest.raises(InvoiceImmutable):
        invoice.delete()
    invoice.number = "CHANGED"
    with pytest.raises(InvoiceImmutable):
        invoice.save()
    with pytest.raises(InvoiceImmutable):
        invoice.status_changes.first().delete()


ALL = list(InvoiceStatus)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(
    [InvoiceStatus.DEPOSEE, InvoiceStatus.MISE_A_DISPOSITION, InvoiceStatus.REJETEE], ALL)))
def test_every_move_follows_the_table(invoice: Invoice, current: str, target: str) -> None:
    Invoice.objects.filter(pk=invoice.pk).update(status=current)
    invoice.refresh_from_db()
    allowed = target in TRANSITIONS.get((Mover.SYSTEM, current), frozenset())
    if current == target:
        assert invoice_transition(invoice=invoice, to=target, actor=None).status == current  # replay: no-op
    elif allowed:
        before = AuditEntry.objects.count()
        assert invoice_transition(invoice=invoice, to=target, actor=None).status == target
        assert AuditEntry.objects.count() == before + 1
        assert invoice.status_changes.last().status == target
    else:
        with pytest.raises(IllegalTransition) as error:
            invoice_transition(invoice=invoice, to=target, actor=None)
        assert error.value.http_status == 409
        invoice.refresh_from_db()
        assert invoice.status == current
