"""The demo world with people who read their notifications, a controlled clock, and deposits.

Au Diapason (supplier) → Commune de Montclair (recipient); Bâtiments Durables SA is the main
contractor who validates A9 invoices (and the A12 group's representative). Every mail-sending
step runs inside ``django_capture_on_commit_callbacks(execute=True)``: the journal subscribers,
the queued job and the mails all run on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from facturier.accounts.models import User
from facturier.core.demo import COMMUNE_TECH_LOGIN, COMMUNE_USER, TECH_LOGIN, load_demo
from facturier.einvoice import read
from facturier.flows.models import Flow
from facturier.flows.services import flow_receive
from facturier.invoices.enums import DepositMode
from facturier.invoices.models import Invoice
from facturier.invoices.services import invoice_deposit
from facturier.structures.models import Service, Structure
from facturier.structures.spaces import Space
from tests.factories import AttachmentFactory, SubscriptionFactory, UserFactory
from tests.flows.builders import invoice_file

PARIS = ZoneInfo("Europe/Paris")
SUPPLIER, RECIPIENT, CONTRACTOR = "89123456900012", "21345000000012", "52345678800018"
# A Wednesday morning; the ISO week starts on Monday 3 March.
START = dt.datetime(2025, 3, 5, 10, 0, tzinfo=PARIS)


def structure(siret: str) -> Structure:
    return Structure.objects.get(identifier=siret)


class Clock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at.astimezone(dt.UTC)

    def set(self, at: dt.datetime) -> None:
        self.at = at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """``timezone.now()`` (the journal's timestamps, status dates, the digests' "now") reads this."""
    clock = Clock(START)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def reader(email: str, *, language: str = "fr", contact: str = "", frequency: str = "DAILY") -> User:
    """Opt ``email`` in, with a contact address that is not the login."""
    user = User.objects.get(email=email)
    user.notifications_enabled = True
    user.language = language
    user.contact_email = contact or "contact." + email
    user.notification_frequency = frequency
    user.save()
    return user


@pytest.fixture
def world(db: None, clock: Clock) -> dict[str, User]:
    """The demo, with these opted-in readers: the supplier's manager (Lucie), the recipient's
    manager (Claire) and agent (Hugo), the main contractor's manager (Marc), and a manager of an
    unrelated structure (Inès); plus an opted-out colleague of the supplier (Noé). All read French
    and get a daily digest unless a test changes it."""
    load_demo()
    noe = UserFactory(email="noe@au-diapason.demo", first_name="Noé", language="fr")
    AttachmentFactory(user=noe, structure=structure(SUPPLIER))
    SubscriptionFactory(user=noe, structure=structure(SUPPLIER), space=Space.FACTURES_EMISES)
    # The recipient's technical account opts in too: an API account reads no mail.
    User.objects.filter(email=COMMUNE_TECH_LOGIN).update(notifications_enabled=True)
    return {
        "lucie": reader("gerant@au-diapason.demo"),
        "claire": reader("gestionnaire@montclair.demo"),
        "hugo": reader(COMMUNE_USER),
        "marc": reader("gestionnaire@batiments-durables.demo"),
        "ines": reader("gestionnaire@eaux-intercommunal.demo"),
        "noe": noe,
    }


@pytest.fixture
def deposit_flow(django_capture_on_commit_callbacks: Any) -> Callable[[str], Invoice]:
    """An A1 invoice deposited through the API by Au Diapason's technical account (then routed)."""

    def deposit(number: str) -> Invoice:
        tech = User.objects.get(email=TECH_LOGIN)
        with django_capture_on_commit_callbacks(execute=True):
            flow = flow_receive(actor=tech, data=invoice_file("cii", number), file_name=f"{number}.xml",
                                syntax="IN_DP_E1_CII_16B", channel="API")
        return Invoice.objects.get(flow=Flow.objects.get(pk=flow.pk))

    return deposit


@pytest.fixture
def deposit_framed(django_capture_on_commit_callbacks: Any) -> Callable[..., Invoice]:
    """An invoice deposited by Lucie in a frame with a validator (A9: the main contractor who
    validates; A12: the group's representative)."""

    def deposit(number: str, frame: str, validator: Structure) -> Invoice:
        data = invoice_file("cii", number)
        with django_capture_on_commit_callbacks(execute=True):
            return invoice_deposit(
                actor=User.objects.get(email="gerant@au-diapason.demo"), document=read(data).invoice,
                data=data,
                file_name=f"{number}.xml", supplier=structure(SUPPLIER), recipient=structure(RECIPIENT),
                service=Service.objects.get(structure__identifier=RECIPIENT, code="FINANCES"),
                deposit_mode=DepositMode.SAISIE_API, syntax="cii", billing_frame=frame, validator=validator,
            )

    return deposit


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], Any]:
    """``with committed():`` runs what the block queues for after commit."""

    def run() -> Any:
        return django_capture_on_commit_callbacks(execute=True)

    return run

