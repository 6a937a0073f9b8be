"""Helpers of the deposit API tests: a recipient with a service, invoices from the test account's
structure, and a poster for the Chorus operations."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.test import Client

from facturier.einvoice.build import AddressData, IdentifierData, PartyData
from facturier.structures.models import Structure, TechnicalAccount
from tests.factories import ServiceFactory, StructureFactory
from tests.flows.builders import buyer, invoice_file

DEPOSER_FLUX = "/cpro/factures/v1/deposer/flux"


def commune() -> Structure:
    structure = StructureFactory(public=True, name="Commune de Test")
    ServiceFactory(structure=structure, code="FINANCES", name="Finances")
    return structure


def seller_of(account: TechnicalAccount) -> PartyData:
    siret = account.structure.identifier
    return PartyData(
        name=account.structure.name,
        identifiers=[IdentifierData(siret, "0009")],
        vat_id="FR00" + siret[:9],
        address=AddressData(line1="1 rue", city="Lyon", postcode="69002", country="FR"),
    )


def file_for(account: TechnicalAccount, recipient: Structure, fmt: str, number: str, **overrides: Any) -> bytes:
    return invoice_file(
        fmt, number, seller=seller_of(account), buyer=buyer(recipient.identifier, recipient.name), **overrides
    )


def post(client: Client, path: str, body: Any, headers: dict[str, str]) -> Any:
    response = client.post(path, data=json.dumps(body), content_type="application/json", **headers)
    assert response["Content-Type"] == "application/json;charset=utf-8"
    return response


def deposit_body(data: bytes, name: str, syntax: str) -> dict[str, Any]:
    return {
        "idUtilisateurCourant": 0,
        "fichierFlux": base64.b64encode(data).decode(),
        "nomFichier": name,
        "syntaxeFlux": syntax,
        "avecSignature": False,
    }
