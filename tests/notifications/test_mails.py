"""Status-change e-mails, derived from the audit journal: who gets what, at which address, in which
language; nothing twice, nothing for a rolled-back change, and the sweeper catches up lost jobs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import formats, timezone, translation

from facturier.accounts.models import User
from facturier.audit.models import AuditEntry
from facturier.invoices.enums import BillingFrame, ValidatorAction
from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.lifecycle import (
    invoice_complete,
    invoice_process,
    invoice_validate,
    validation_deadlines_run,
)
from facturier.invoices.models import Invoice
from facturier.notifications.links import invoice_url
from facturier.notifications.models import Notification, NotifiedEntry
from facturier.notifications.services import entry_notify, notifications_sweep
from facturier.notifications.tasks import notify_entries, notify_entry
from facturier.structures.models import StructureSpace
from facturier.structures.spaces import Space

from .conftest import CONTRACTOR, RECIPIENT, START, Clock, structure

pytestmark = pytest.mark.django_db


def sent(outbox: list[mail.EmailMessage]) -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject) for message in outbox)


def body_to(outbox: list[mail.EmailMessage], user: User) -> str:
    [message] = [m for m in outbox if m.to == [user.notification_email]]
    return message.body


def tr(lang: str, text: str, **params: Any) -> str:
    """``text`` as the catalogue gives it in ``lang`` (English once the lead merged the entries)."""
    with translation.override(lang):
        return translation.gettext(text) % params if params else translation.gettext(text)


def subject(lang: str, number: str, status: str) -> str:
    with translation.override(lang):
        text = translation.gettext("Facture %(number)s : %(status)s")
        return text % {"number": number, "status": S(status).label}


def when(lang: str, at: dt.datetime) -> str:
    with translation.override(lang):
        return formats.date_format(timezone.localtime(at), "DATETIME_FORMAT")


def latest(invoice: Invoice, action: str) -> AuditEntry:
    return AuditEntry.objects.for_object(invoice).filter(action=action).order_by("-sequence").first()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_full_a1_scenario_mails_each_party_in_their_language(
    world: dict[str, User], lang: str, deposit_flow: Callable[[str], Invoice], committed: Any,
    mailoutbox: list[mail.EmailMessage], clock: Clock,
) -> None:
    User.objects.filter(notifications_enabled=True).update(language=lang)
    lucie, claire, hugo = (User.objects.get(pk=world[name].pk) for name in ("lucie", "claire", "hugo"))

    # Deposit (by the API account) → MISE_A_DISPOSITION: the supplier and the recipient's people.
    invoice = deposit_flow("NT-1")
    assert invoice.status == S.MISE_A_DISPOSITION
    available = subject(lang, "NT-1", S.MISE_A_DISPOSITION)
    assert sent(mailoutbox) == sorted((u.notification_email, available) for u in (lucie, claire, hugo))
    assert all(u.notification_email.startswith("contact.") for u in (lucie, claire, hugo))  # not the login
    to_process = tr(lang, "Cette facture est à traiter dans l'espace « Factures reçues ».")
    assert to_process in body_to(mailoutbox, claire) and to_process not in body_to(mailoutbox, lucie)
    assert invoice_url(invoice_id=invoice.pk, space=Space.FACTURES_RECUES) in body_to(mailoutbox, claire)
    assert invoice_url(invoice_id=invoice.pk, space=Space.FACTURES_EMISES) in body_to(mailoutbox, lucie)
    assert body_to(mailoutbox, lucie).startswith(tr(lang, "Bonjour %(name)s,", name="Lucie"))
    assert when(lang, START) in body_to(mailoutbox, lucie)
    mailoutbox.clear()

    # Suspended by Hugo, with a reason: only the supplier is told (Hugo knows; Claire has nothing to do).
    clock.set(START + dt.timedelta(hours=1))
    with committed():
        invoice_process(actor=hugo, invoice=invoice, to=S.SUSPENDUE, comment="Bon de commande manquant",
                        expected=S.MISE_A_DISPOSITION)
    assert sent(mailoutbox) == [(lucie.notification_email, subject(lang, "NT-1", S.SUSPENDUE))]
    body = body_to(mailoutbox, lucie)
    assert "Bon de commande manquant" in body and "NT-1" in body and "Au Diapason" in body
    assert tr(lang, "Complétez la facture avec les pièces ou les informations demandées dans l'espace "
                    "« Factures émises ».") in body
    if lang == "en":
        assert "Suspended" in mailoutbox[0].subject and "Bonjour" not in body
    mailoutbox.clear()

    # Completed by Lucie: the recipient's people are told it is to process again.
    with committed():
        invoice_complete(actor=lucie, invoice=invoice, comment="Bon de commande joint")
    completed = subject(lang, "NT-1", S.COMPLETEE)
    assert sent(mailoutbox) == sorted((u.notification_email, completed) for u in (claire, hugo))
    assert tr(lang, "Le fournisseur a complété la facture suspendue : elle est de nouveau à traiter dans "
                    "l'espace « Factures reçues ».") in body_to(mailoutbox, claire)
    mailoutbox.clear()

    with committed():
        invoice_process(actor=claire, invoice=invoice, to=S.MISE_EN_PAIEMENT, expected=S.COMPLETEE)
    assert sent(mailoutbox) == [(lucie.notification_email, subject(lang, "NT-1", S.MISE_EN_PAIEMENT))]

    # Noé opted out, Inès belongs to another structure, the API account reads no mail.
    rows = Notification.objects.filter(invoice=invoice)
    assert rows.count() == 3 + 1 + 2 + 1
    assert set(rows.values_list("user__email", flat=True)) == {lucie.email, claire.email, hugo.email}
    assert set(rows.values_list("language", flat=True)) == {lang}
    assert all(row.email == row.user.notification_email for row in rows.select_related("user"))


def test_a9_invoice_reaches_the_validator_then_the_recipient(
    world: dict[str, User], deposit_framed: Callable[..., Invoice], committed: Any,
    mailoutbox: list[mail.EmailMessage],
) -> None:
    lucie, claire, hugo, marc = (world[name] for name in ("lucie", "claire", "hugo", "marc"))
    invoice = deposit_framed("NT-9", BillingFrame.A9, structure(CONTRACTOR))
    assert invoice.status == S.A_VALIDER_1
    waiting = subject("fr", "NT-9", S.A_VALIDER_1)
    assert sent(mailoutbox) == sorted([(lucie.notification_email, waiting),
                                       (marc.notification_email, waiting)])
    body = body_to(mailoutbox, marc)
    assert "Au Diapason vous désigne comme valideur de cette facture" in body
    deadline = when("fr", START + dt.timedelta(days=15))
    assert tr("fr", "Date limite de validation : %(date)s", date=deadline) in body
    assert invoice_url(invoice_id=invoice.pk, space=Space.FACTURES_A_VALIDER) in body
    mailoutbox.clear()

    with committed():
        invoice_validate(actor=marc, invoice=invoice, action=ValidatorAction.VALIDATION)
    assert invoice.status == S.MISE_A_DISPOSITION
    available = subject("fr", "NT-9", S.MISE_A_DISPOSITION)
    assert sent(mailoutbox) == sorted([
        (lucie.notification_email, subject("fr", "NT-9", S.VALIDEE_1)),
        (lucie.notification_email, available), (claire.notification_email, available),
        (hugo.notification_email, available),
    ])


def test_the_deadline_tells_the_subcontractor_who_the_silent_validator_was(
    world: dict[str, User], deposit_framed: Callable[..., Invoice], committed: Any,
    mailoutbox: list[mail.EmailMessage], clock: Clock,
) -> None:
    lucie, claire, hugo, marc = (world[name] for name in ("lucie", "claire", "hugo", "marc"))
    invoice = deposit_framed("NT-10", BillingFrame.A9, structure(CONTRACTOR))
    mailoutbox.clear()
    clock.set(START + dt.timedelta(days=16))
    with committed():
        assert validation_deadlines_run() == [invoice.pk]
    late = subject("fr", "NT-10", S.ABSENCE_VALIDATION_1_HORS_DELAI)
    available = subject("fr", "NT-10", S.MISE_A_DISPOSITION)
    assert sent(mailoutbox) == sorted([
        (lucie.notification_email, late), (marc.notification_email, late),
        (lucie.notification_email, available), (claire.notification_email, available),
        (hugo.notification_email, available),
    ])
    [to_lucie] = [m for m in mailoutbox if m.to == [lucie.notification_email] and m.subject == late]
    assert ("Le valideur Bâtiments Durables SA (SIRET 52345678800018) n'a pas répondu dans le délai "
            "de 15 jours") in to_lucie.body
    [to_marc] = [m for m in mailoutbox if m.to == [marc.notification_email]]
    assert tr("fr", "Le délai de validation de %(days)s jours est dépassé : la facture a été transmise sans "
                    "votre validation.", days=15) in to_marc.body


def test_the_a12_representative_is_informed(
    world: dict[str, User], deposit_framed: Callable[..., Invoice], mailoutbox: list[mail.EmailMessage],
) -> None:
    lucie, claire, hugo, marc = (world[name] for name in ("lucie", "claire", "hugo", "marc"))
    deposit_framed("NT-12", BillingFrame.A12, structure(CONTRACTOR))
    available = subject("fr", "NT-12", S.MISE_A_DISPOSITION)
    informed = tr("fr", "Facture %(number)s d'un cotraitant de votre groupement", number="NT-12")
    assert sent(mailoutbox) == sorted([
        (lucie.notification_email, available), (claire.notification_email, available),
        (hugo.notification_email, available), (marc.notification_email, informed),
    ])
    assert "aucune action n'est attendue de votre part" in body_to(mailoutbox, marc)


def test_a_closed_space_or_a_lapsed_attachment_silences_a_reader(
    world: dict[str, User], deposit_flow: Callable[[str], Invoice], mailoutbox: list[mail.EmailMessage],
) -> None:
    StructureSpace.objects.filter(structure=structure(RECIPIENT), space=Space.FACTURES_RECUES).update(
        is_open=False)
    world["lucie"].attachments.update(status="INACTIF")
    deposit_flow("NT-50")
    assert mailoutbox == []
    assert NotifiedEntry.objects.filter(mails=0).exists()


def test_nothing_is_sent_for_a_rolled_back_change(
    world: dict[str, User], deposit_flow: Callable[[str], Invoice], committed: Any,
    mailoutbox: list[mail.EmailMessage],
) -> None:
    invoice = deposit_flow("NT-20")
    mailoutbox.clear()
    counts = Notification.objects.count(), NotifiedEntry.objects.count()
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        invoice_process(actor=world["hugo"], invoice=invoice, to=S.SUSPENDUE, comment="x")
        raise RuntimeError("the caller fails after the transition")
    assert mailoutbox == [] and (Notification.objects.count(), NotifiedEntry.objects.count()) == counts
    assert Invoice.objects.get(pk=invoice.pk).status == S.MISE_A_DISPOSITION
    with committed():  # the same change, committed, does mail
        invoice_process(actor=world["hugo"], invoice=invoice, to=S.SUSPENDUE, comment="x")
    assert sent(mailoutbox) == [(world["lucie"].notification_email, subject("fr", "NT-20", S.SUSPENDUE))]


def test_a_retried_job_sends_nothing_twice(
    world: dict[str, User], deposit_flow: Callable[[str], Invoice], committed: Any,
    mailoutbox: list[mail.EmailMessage],
) -> None:
    invoice = deposit_flow("NT-30")
    entry = latest(invoice, "invoice.status.mise_a_disposition")
    assert len(mailoutbox) == 3 and Notification.objects.filter(entry=entry).count() == 3
    with committed():
        assert notify_entry.apply(args=[entry.pk]).get() == 0
        assert entry_notify(entry_id=entry.pk) == 0
    assert len(mailoutbox) == 3 and Notification.objects.filter(entry=entry).count() == 3
    # An entry the notifications do not handle, or none at all, is ignored.
    other = AuditEntry.objects.for_object(invoice).get(action="invoice.deposited")
    assert entry_notify(entry_id=other.pk) == 0 and entry_notify(entry_id=10**9) == 0


def test_the_sweeper_sends_what_a_lost_job_did_not(
    world: dict[str, User], deposit_flow: Callable[[str], Invoice], committed: Any,
    django_capture_on_commit_callbacks: Any, mailoutbox: list[mail.EmailMessage], clock: Clock,
) -> None:
    invoice = deposit_flow("NT-40")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False):  # committed, but the job is never queued
        invoice_process(actor=world["hugo"], invoice=invoice, to=S.SUSPENDUE, comment="Pièce manquante")
    assert mailoutbox == []
    entry = latest(invoice, "invoice.status.suspendue")
    assert notifications_sweep() == []  # too recent: its job may still be on its way
    clock.set(START + dt.timedelta(minutes=2))
    with committed():
        assert notifications_sweep() == [entry.pk]
    assert sent(mailoutbox) == [(world["lucie"].notification_email, subject("fr", "NT-40", S.SUSPENDUE))]
    with committed():
        assert notifications_sweep() == []
    assert len(mailoutbox) == 1


def _unnotified(invoices: list[Invoice]) -> list[AuditEntry]:
    """Their MISE_A_DISPOSITION entries, made as if their job had been lost (nothing recorded)."""
    entries = [latest(invoice, "invoice.status.mise_a_disposition") for invoice in invoices]
    Notification.objects.filter(entry__in=entries).delete()
    NotifiedEntry.objects.filter(entry__in=entries).delete()
    return entries


def test_one_job_notifies_a_batch_with_a_fixed_number_of_queries(
    world: dict[str, User], deposit_flow: Callable[[str], Invoice], committed: Any,
    mailoutbox: list[mail.EmailMessage],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    invoices = [deposit_flow(f"NT-B{n}") for n in range(8)]
    readers = (world["lucie"], world["claire"], world["hugo"])
    counts = []
    for batch in (invoices[:2], invoices[2:]):
        entries = _unnotified(batch)
        mailoutbox.clear()
        with committed(), CaptureQueriesContext(connection) as queries:
            assert notify_entries.apply(args=[[e.pk for e in entries]]).get() == 3 * len(batch)
        counts.append(len(queries))
        assert sent(mailoutbox) == sorted(
            (u.notification_email, subject("fr", i.number, S.MISE_A_DISPOSITION)) for i in batch for u in readers)
        assert all(Notification.objects.filter(entry=e).count() == 3 for e in entries)
        assert all(NotifiedEntry.objects.get(entry=e).mails == 3 for e in entries)
    assert counts[0] == counts[1]  # 2 entries or 6: the same queries


def test_a_batch_overtaken_by_another_job_sends_each_mail_once(
    world: dict[str, User], deposit_flow: Callable[[str], Invoice], committed: Any,
    mailoutbox: list[mail.EmailMessage], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from facturier.notifications import services

    invoices = [deposit_flow(f"NT-C{n}") for n in range(3)]
    entries = _unnotified(invoices)
    mailoutbox.clear()
    followers_of = services.followers_of

    def overtaken(targets: Any) -> Any:
        # Another job notifies the second entry between this job's reading and its writing.
        monkeypatch.setattr(services, "followers_of", followers_of)
        NotifiedEntry.objects.create(entry=entries[1], mails=3)
        return followers_of(targets)

    monkeypatch.setattr(services, "followers_of", overtaken)
    with committed():
        assert notify_entries.apply(args=[[e.pk for e in entries]]).get() == 6
    assert sorted(n for _, n in sent(mailoutbox)) == sorted(
        subject("fr", i.number, S.MISE_A_DISPOSITION) for i in (invoices[0], invoices[2]) for _ in range(3))
    assert Notification.objects.filter(entry=entries[1]).count() == 0
    assert [Notification.objects.filter(entry=e).count() for e in (entries[0], entries[2])] == [3, 3]
