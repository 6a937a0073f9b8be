"""Issue 6 acceptance, "Concurrency": two recipients process the same invoice at the same moment,
in parallel threads with their own PostgreSQL connections. One wins; the other gets the stale-status
error (409 / 20002); the history and the audit chain stay consistent; replaying changes nothing.

PostgreSQL only: the row lock (``SELECT … FOR UPDATE``) is what is tested, and SQLite has none (it
serialises whole write transactions instead), so under SQLite these tests are skipped, not faked.
Run them with ``DATABASE_URL=postgres://…`` (``make test-postgres`` under CI=true).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from facturier.audit.models import AuditEntry
from facturier.audit.services import audit_chain_verify
from facturier.invoices import lifecycle
from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.errors import IllegalTransition
from facturier.invoices.models import Invoice, InvoiceStatusChange
from facturier.structures.models import Attachment

from .world import MONTCLAIR, deposit_flow, structure

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def _two_agents() -> tuple[Any, Any]:
    from facturier.accounts.models import User

    agents = list(User.objects.filter(attachments__structure=structure(MONTCLAIR), kind=User.Kind.PERSON,
                                      attachments__status=Attachment.Status.VALIDATED).order_by("pk")[:2])
    assert len(agents) == 2  # the demo's manager and agent of the Commune de Montclair
    return agents[0], agents[1]


def _in_threads(*jobs: Callable[[], Any]) -> list[Any]:
    """Run each job in its own thread (its own connection), all released at once; return each
    job's result or the exception it raised."""
    start = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = job()
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _history(invoice: Invoice) -> list[str]:
    rows = InvoiceStatusChange.objects.filter(invoice=invoice).order_by("at", "pk")
    return list(rows.values_list("status", flat=True))


def _audits(invoice: Invoice) -> list[str]:
    return list(AuditEntry.objects.for_object(invoice).order_by("sequence").values_list("action", flat=True))


@pytest.fixture
def invoices(supplier_tech: Any) -> list[Invoice]:
    return [deposit_flow(supplier_tech, f"CC-{n}") for n in range(8)]


def test_two_recipients_at_the_same_moment_one_wins_the_other_is_stale(invoices: list[Invoice]) -> None:
    first, second = _two_agents()
    for invoice in invoices:  # eight races, so the two orders of arrival both happen in practice
        outcomes = _in_threads(
            lambda inv=invoice: lifecycle.invoice_process(actor=first, invoice=Invoice.objects.get(pk=inv.pk),
                                                          to=S.SERVICE_FAIT, expected=S.MISE_A_DISPOSITION),
            lambda inv=invoice: lifecycle.invoice_process(actor=second, invoice=Invoice.objects.get(pk=inv.pk),
                                                          to=S.SUSPENDUE, comment="Pièce manquante",
                                                          expected=S.MISE_A_DISPOSITION),
        )
        winners = [o for o in outcomes if isinstance(o, Invoice)]
        losers = [o for o in outcomes if isinstance(o, IllegalTransition)]
        assert (len(winners), len(losers)) == (1, 1), outcomes
        assert (losers[0].http_status, losers[0].chorus_code) == (409, 20002)
        invoice.refresh_from_db()
        assert invoice.status == winners[0].status
        # One history row and one audit entry for the winner; nothing for the loser.
        assert _history(invoice) == [S.DEPOSEE, S.MISE_A_DISPOSITION, invoice.status]
        assert _audits(invoice) == ["invoice.deposited", "invoice.status.mise_a_disposition",
                                    f"invoice.status.{invoice.status.lower()}"]
    report = audit_chain_verify()
    assert report.intact, report
    sequences = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))


def test_the_second_waits_for_the_first_lock_then_sees_the_new_status(invoices: list[Invoice]) -> None:
    """Deterministic order: the first holds the row lock (its transaction is open) until the
    second is seen waiting for a lock (pg_stat_activity); once the first commits, the second re-reads the
    status, finds it moved, and refuses."""
    invoice = invoices[0]
    first, second = _two_agents()
    moved, release = threading.Event(), threading.Event()

    def hold() -> Invoice:
        with transaction.atomic():
            done = lifecycle.invoice_process(actor=first, invoice=Invoice.objects.get(pk=invoice.pk),
                                             to=S.MANDATEE, mandate_number="M-1", expected=S.MISE_A_DISPOSITION)
            moved.set()
            assert release.wait(30)
        return done

    def late() -> Invoice:
        assert moved.wait(30)
        return lifecycle.invoice_process(actor=second, invoice=Invoice.objects.get(pk=invoice.pk),
                                         to=S.REJETEE, comment="Erreur de prix", expected=S.MISE_A_DISPOSITION)

    def watch() -> bool:
        assert moved.wait(30)
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND wait_event_type = 'Lock'")
                    if cursor.fetchone()[0] > 0:
                        return True
                time.sleep(0.05)
            return False
        finally:
            release.set()

    held, refused, seen_waiting = _in_threads(hold, late, watch)
    assert seen_waiting is True  # the second really was blocked by the first's lock
    assert isinstance(held, Invoice) and held.status == S.MANDATEE
    assert isinstance(refused, IllegalTransition), refused
    invoice.refresh_from_db()
    assert (invoice.status, invoice.mandate_number) == (S.MANDATEE, "M-1")
    assert _history(invoice) == [S.DEPOSEE, S.MISE_A_DISPOSITION, S.MANDATEE]
    assert audit_chain_verify().intact


def test_replaying_a_transition_changes_nothing(invoices: list[Invoice]) -> None:
    invoice = invoices[0]
    agent, _other = _two_agents()
    lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.SERVICE_FAIT, comment="Certifié",
                              expected=S.MISE_A_DISPOSITION)
    history, audits = _history(invoice), _audits(invoice)
    changed_at = Invoice.objects.get(pk=invoice.pk).status_changed_at

    # The same move again, in parallel threads: the status is already there, nothing is written.
    outcomes = _in_threads(*[
        (lambda: lifecycle.invoice_process(actor=agent, invoice=Invoice.objects.get(pk=invoice.pk),
                                           to=S.SERVICE_FAIT, comment="Certifié"))
        for _ in range(3)
    ])
    assert all(isinstance(o, Invoice) and o.status == S.SERVICE_FAIT for o in outcomes), outcomes
    # The same request with the status it saw then: a conflict, and still nothing written.
    with pytest.raises(IllegalTransition):
        lifecycle.invoice_process(actor=agent, invoice=invoice, to=S.SERVICE_FAIT, expected=S.MISE_A_DISPOSITION)
    assert (_history(invoice), _audits(invoice)) == (history, audits)
    assert Invoice.objects.get(pk=invoice.pk).status_changed_at == changed_at
    assert audit_chain_verify().intact
