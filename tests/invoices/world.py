"""The demo world of the lifecycle tests (slip, downloads, deadlines, scenarios, concurrency):
its structures and members, and invoices deposited the real ways — a flow through the API, or
``invoice_deposit`` for the sub-contracting frames whose validator a flow cannot name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from facturier.accounts.models import User
from facturier.einvoice import read
from facturier.einvoice.build import AddressData, IdentifierData, PartyData
from facturier.flows.services import flow_receive
from facturier.invoices.enums import DepositMode
from facturier.invoices.models import Invoice
from facturier.invoices.services import invoice_deposit
from facturier.structures.models import Attachment, Service, Structure
from tests.flows.builders import EXTENSIONS, SYNTAXES, invoice_file

MONTCLAIR, MINISTRY, EAUX = "21345000000012", "11000009800019", "21769012200015"
DIAPASON, MAIN_CONTRACTOR, SUBCONTRACTOR = "89123456900012", "52345678800018", "53456789600012"
A9 = "A9_FACTURE_SOUSTRAITANT"


def structure(siret: str) -> Structure:
    return Structure.objects.get(identifier=siret)


def member(target: Structure | str) -> User:
    """The first person (not a technical account) validly attached to the structure."""
    if isinstance(target, str):
        target = structure(target)
    return (User.objects.filter(attachments__structure=target, attachments__status=Attachment.Status.VALIDATED,
                                kind=User.Kind.PERSON).order_by("pk").first())


def deposit_flow(actor: User, number: str, fmt: str = "cii", capture: Any = None, **overrides: Any) -> Invoice:
    """Deposit one invoice file as a flow through the API and process it (eagerly, after commit:
    ``capture`` is pytest-django's ``django_capture_on_commit_callbacks`` in a non-transactional
    test, None in a ``transaction=True`` one)."""
    def receive() -> Any:
        return flow_receive(actor=actor, data=invoice_file(fmt, number, **overrides),
                            file_name=f"{number}.{EXTENSIONS[fmt]}", syntax=SYNTAXES[fmt], channel="API")

    if capture is None:
        flow = receive()
    else:
        with capture(execute=True):
            flow = receive()
    return Invoice.objects.get(flow_id=flow.pk)


def subcontractor_party() -> PartyData:
    return PartyData(
        name="Sous-Traitance Services",
        identifiers=[IdentifierData(SUBCONTRACTOR, "0009")],
        legal_id=IdentifierData(SUBCONTRACTOR, "0009"),
        vat_id="FR81534567896",
        address=AddressData(line1="3 rue des Artisans", city="Nantes", postcode="44100", country="FR"),
    )


def deposit_a9(number: str, *, validator: Structure, validator2: Structure | None = None,
               deposited_at: dt.datetime | None = None) -> Invoice:
    """A sub-contractor's A9 invoice (Sous-Traitance Services → Commune de Montclair, FINANCES)
    naming ``validator`` (the main contractor), deposited as an API entry would be; it lands at
    A_VALIDER_1."""
    data = invoice_file("cii", number, seller=subcontractor_party(), business_process=A9)
    recipient = structure(MONTCLAIR)
    with transaction.atomic():
        return invoice_deposit(
            actor=member(SUBCONTRACTOR), document=read(data).invoice, data=data, file_name=f"{number}.xml",
            supplier=structure(SUBCONTRACTOR), recipient=recipient,
            service=Service.objects.get(structure=recipient, code="FINANCES"),
            deposit_mode=DepositMode.SAISIE_API, syntax="cii", billing_frame=A9, deposited_at=deposited_at,
            validator=validator, validator2=validator2,
        )


def pdf_text(data: bytes) -> str:
    """The text of a PDF with whitespace runs (line wraps in table cells) made single spaces."""
    from io import BytesIO

    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages).split())
