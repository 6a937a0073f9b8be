"""Periodic digests: daily and weekly periods, what each reader's digest says (activity of their
structures' invoices, pending actions), their language, and that a re-run sends nothing again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.utils import formats, translation

from facturier.accounts.models import NotificationFrequency, User
from facturier.invoices.enums import BillingFrame
from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.lifecycle import invoice_complete, invoice_process
from facturier.invoices.models import Invoice
from facturier.notifications.digests import digest_build, digest_period, digests_send
from facturier.notifications.links import synthesis_url
from facturier.notifications.models import Digest
from facturier.notifications.tasks import send_digests
from facturier.structures.spaces import Space

from .conftest import CONTRACTOR, PARIS, Clock, structure

pytestmark = pytest.mark.django_db

DAILY, WEEKLY = NotificationFrequency.DAILY, NotificationFrequency.WEEKLY


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, minute, tzinfo=PARIS)


def test_periods_are_local_days_and_iso_weeks_from_the_digest_hour(settings: Any) -> None:
    settings.FACTURIER_DIGEST_HOUR = 7
    sunday_night = digest_period(frequency=WEEKLY, at=at(9, 23))
    assert (sunday_night.key, sunday_night.starts) == ("W2025-10", at(3, 7))
    monday_early = digest_period(frequency=WEEKLY, at=at(10, 6))
    assert (monday_early.key, monday_early.starts) == ("W2025-11", at(10, 7))  # not due before 07:00
    day = digest_period(frequency=DAILY, at=at(5, 0, 30))  # 23:30 UTC the day before
    assert (day.key, day.starts, day.length) == ("D2025-03-05", at(5, 7), dt.timedelta(days=1))


@pytest.fixture
def activity(world: dict[str, User], deposit_flow: Callable[[str], Invoice],
             deposit_framed: Callable[..., Invoice], committed: Any, mailoutbox: list[mail.EmailMessage],
             settings: Any) -> dict[str, Invoice]:
    """Wednesday 10:00: two invoices reach Montclair, one is suspended; an A9 waits for Marc."""
    settings.FACTURIER_DIGEST_HOUR = 7
    User.objects.filter(pk=world["lucie"].pk).update(language="en", notification_frequency=WEEKLY)
    User.objects.filter(pk=world["hugo"].pk).update(notifications_enabled=False)
    invoices = {"one": deposit_flow("DG-1"), "two": deposit_flow("DG-2")}
    with committed():
        invoice_process(actor=world["hugo"], invoice=invoices["one"], to=S.SUSPENDUE,
                        comment="Pièce manquante")
    invoices["a9"] = deposit_framed("DG-9", BillingFrame.A9, structure(CONTRACTOR))
    mailoutbox.clear()
    return invoices


def digest_to(outbox: list[mail.EmailMessage], user: User) -> mail.EmailMessage:
    [message] = [m for m in outbox if m.to == [user.notification_email]]
    return message


def subject(lang: str, frequency: str) -> str:
    text = {DAILY: "facturier : votre résumé quotidien",
            WEEKLY: "facturier : votre résumé hebdomadaire"}[frequency]
    with translation.override(lang):
        return translation.gettext(text)


def test_daily_and_weekly_digests_summarise_activity_and_pending_actions(
    world: dict[str, User], activity: dict[str, Invoice], committed: Any, mailoutbox: list[mail.EmailMessage],
    clock: Clock,
) -> None:
    lucie, claire, marc, ines = (User.objects.get(pk=world[name].pk)
                                 for name in ("lucie", "claire", "marc", "ines"))

    # Thursday 06:30: the week's digest is due (since Monday 07:00), the day's is not yet.
    clock.set(at(6, 6, 30))
    with committed():
        assert digests_send() == 1
    message = digest_to(mailoutbox, lucie)
    assert message.subject == subject("en", WEEKLY)
    body = message.body
    assert body.startswith("Hello Lucie,")
    for number in ("DG-1", "DG-2", "DG-9"):
        assert number in body
    with translation.override("en"):
        assert f"{S.MISE_A_DISPOSITION.label} → {S.SUSPENDUE.label} — Pièce manquante" in body
        assert f"DG-1 — Au Diapason → Commune de Montclair — {S.SUSPENDUE.label} (" in body
    assert synthesis_url(Space.FACTURES_EMISES) in body
    lucie_digest = Digest.objects.get(user=lucie)
    # Her invoices' four changes; DG-1 to complete and to acknowledge.
    assert (lucie_digest.period, lucie_digest.changes, lucie_digest.pending) == ("W2025-10", 4, 2)
    mailoutbox.clear()

    # Thursday 08:00: the daily digests. Claire sees what reached Montclair, not the A9 still with
    # its validator; Marc sees the A9 to validate with its deadline; Inès has nothing (not mailed).
    clock.set(at(6, 8))
    with committed():
        assert send_digests.apply().get() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([claire.notification_email, marc.notification_email])
    claire_body = digest_to(mailoutbox, claire).body
    assert digest_to(mailoutbox, claire).subject == subject("fr", DAILY)
    assert "Changements de statut : 3" in claire_body and "DG-9" not in claire_body
    assert "Factures reçues à traiter" in claire_body
    assert "DG-2 — Au Diapason → Commune de Montclair" in claire_body
    content = digest_build(user=claire, since=at(5, 8), until=at(6, 8))
    assert content.changes == 3
    [to_process] = [section for section in content.sections if section.key == "to_process"]
    assert "DG-2" in [line.number for line in to_process.lines]
    assert {section.key for section in content.sections} == {"to_process"}
    marc_body = digest_to(mailoutbox, marc).body
    deadline = formats.date_format(at(20, 10), "SHORT_DATE_FORMAT")
    assert "Factures à valider (1)" in marc_body and f"à valider avant le {deadline}" in marc_body
    assert "Changements de statut : 1" in marc_body and synthesis_url(Space.FACTURES_A_VALIDER) in marc_body
    assert Digest.objects.get(user=ines).mailed is False
    mailoutbox.clear()

    # A re-run in the same periods sends nothing.
    clock.set(at(6, 9))
    with committed():
        assert digests_send() == 0
    assert mailoutbox == [] and Digest.objects.count() == 4

    # Friday: Lucie completes DG-1. Saturday 08:00 (Friday's run missed): Claire's digest starts where
    # her last one ended; Lucie's weekly one waits for Monday.
    clock.set(at(7, 10))
    with committed():
        invoice_complete(actor=world["lucie"], invoice=activity["one"], comment="Voici la pièce")
    mailoutbox.clear()
    clock.set(at(8, 8))
    with committed():
        assert digests_send() == 2  # Claire and Marc (still one invoice to validate)
    saturday = Digest.objects.get(user=claire, period="D2025-03-08")
    assert (saturday.since, saturday.changes) == (at(6, 8), 1)
    assert "Suspendue → Complétée — Voici la pièce" in digest_to(mailoutbox, claire).body
    assert not Digest.objects.filter(user=lucie, period="W2025-11").exists()
    mailoutbox.clear()

    # The validator's deadline passes unseen by the job: the digest says it is overdue.
    clock.set(at(21, 8))
    with committed():
        digests_send()
    assert f"délai dépassé le {deadline}" in digest_to(mailoutbox, marc).body
    # Lucie's next weekly digest goes back two weeks at most (her last one was 15 days ago).
    weekly = Digest.objects.get(user=lucie, period="W2025-12")
    assert (weekly.since, weekly.changes) == (at(7, 8), 1)
