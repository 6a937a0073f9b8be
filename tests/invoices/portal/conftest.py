"""Fixtures of the entry pages: the demo world (Au Diapason → Commune de Montclair, service
FINANCES which requires a commitment number), its supplier manager, another structure's manager,
and Factur-X PDFs made here with the e-invoice core (never copied from the corpus)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from facturier.accounts.models import User
from facturier.einvoice.build import AddressData, IdentifierData, LineData, PartyData, PaymentData, build_invoice
from facturier.einvoice.writers import write_facturx

SUPPLIER_MANAGER = "gerant@au-diapason.demo"
OTHER_MANAGER = "gestionnaire@batiments-durables.demo"
SUPPLIER_SIRET = "89123456900012"
COMMUNE_SIRET = "21345000000012"
IBAN = "FR7630006000011234567890189"


def facturx_pdf(number: str = "AD-PDF-1", **overrides: Any) -> bytes:
    """A Factur-X of Au Diapason to the Commune de Montclair, service FINANCES, with a commitment."""
    data: dict[str, Any] = dict(
        number=number,
        issue_date=dt.date(2025, 3, 1),
        due_date=dt.date(2025, 3, 31),
        seller=PartyData(
            name="Au Diapason", identifiers=[IdentifierData(SUPPLIER_SIRET, "0009")],
            legal_id=IdentifierData(SUPPLIER_SIRET, "0009"), vat_id="FR58891234569",
            address=AddressData(line1="12 rue des Musiciens", city="Lyon", postcode="69002", country="FR"),
        ),
        buyer=PartyData(
            name="Commune de Montclair", legal_id=IdentifierData(COMMUNE_SIRET, "0009"),
            address=AddressData(line1="1 place de la Mairie", city="Montclair", postcode="34500", country="FR"),
        ),
        buyer_reference="FINANCES",
        purchase_order_reference="EJ-2025-0042",
        lines=[
            LineData(name="Accord de piano", quantity=2, net_price="80.00"),
            LineData(name="Partitions", quantity=3, net_price="15.00", vat_rate="5.5"),
        ],
        payment=PaymentData(iban=IBAN),
    )
    data.update(overrides)
    return write_facturx(build_invoice(**data))


@pytest.fixture
def supplier_user(demo: None) -> User:
    return User.objects.get(email=SUPPLIER_MANAGER)


@pytest.fixture
def other_user(demo: None) -> User:
    return User.objects.get(email=OTHER_MANAGER)


@pytest.fixture
def supplier_client(client: Client, supplier_user: User) -> Client:
    client.force_login(supplier_user)
    return client
