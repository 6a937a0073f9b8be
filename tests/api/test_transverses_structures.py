"""/cpro/transverses/v1/ operations on structures and the directory (api.md §6: T11, T17, T20–T27)."""

from __future__ import annotations

import base64
import csv
import io
import zipfile
from typing import Any

import pytest
from django.test import Client

from facturier.structures.models import BankAccount, Structure, TechnicalAccount
from facturier.structures.spaces import SPACE_IDS, Space, SpaceMode
from tests.api.conftest import CHORUS_CONTENT_TYPE
from tests.factories import AttachmentFactory, StructureFactory, SubscriptionFactory
from tests.structures.world import World, build_world

pytestmark = pytest.mark.django_db

BASE = "/cpro/transverses/v1/"


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def call(api_client: Client, api_headers: dict[str, str]) -> Any:
    def do(path: str, body: dict[str, Any] | None = None, status: int = 200) -> dict[str, Any]:
        response = api_client.post(BASE + path, body or {}, content_type="application/json", **api_headers)
        assert response.status_code == status, response.content
        assert response["Content-Type"] == CHORUS_CONTENT_TYPE
        data = response.json()
        assert (data["codeRetour"] == 0) == (status == 200)
        return data

    return do


@pytest.fixture
def my_structures(technical_account: TechnicalAccount) -> dict[str, Structure]:
    """The technical user is attached to two more structures: issuing (modification) and receiving."""
    user = technical_account.user
    issuing = StructureFactory(name="Émettrice")
    receiving = StructureFactory(name="Réceptrice", public=True)
    inactive = StructureFactory(name="Inactive", status=Structure.Status.INACTIVE)
    for structure in (issuing, receiving, inactive):
        AttachmentFactory(user=user, structure=structure)
    SubscriptionFactory(
        user=user, structure=issuing, space=Space.FACTURES_EMISES, mode=SpaceMode.MODIFICATION
    )
    SubscriptionFactory(user=user, structure=inactive, space=Space.FACTURES_EMISES)
    SubscriptionFactory(user=user, structure=receiving, space=Space.FACTURES_RECUES)
    return {
        "own": technical_account.structure,
        "issuing": issuing,
        "receiving": receiving,
        "inactive": inactive,
    }


def test_active_structures_for_supplier(call: Any, my_structures: dict[str, Structure], world: World) -> None:
    data = call("recuperer/structures/actives/fournisseur")
    ids = [row["idStructureCPP"] for row in data["listeStructures"]]
    assert set(ids) == {my_structures["own"].pk, my_structures["issuing"].pk}
    row = next(r for r in data["listeStructures"] if r["idStructureCPP"] == my_structures["issuing"].pk)
    assert row == {
        "idStructureCPP": my_structures["issuing"].pk,
        "identifiant": my_structures["issuing"].identifier,
        "designationStructure": "Émettrice",
    }
    assert data["total"] == 2 and data["pages"] == 1 and data["parametresRetour"]["total"] == 2


def test_active_structures_for_recipient(
    call: Any, my_structures: dict[str, Structure], world: World
) -> None:
    data = call("recuperer/structures/actives/destinataire", {})
    assert {row["idStructureCPP"] for row in data["listeStructures"]} == {
        my_structures["own"].pk,
        my_structures["receiving"].pk,
    }


def test_structures_for_user_by_space(call: Any, my_structures: dict[str, Structure]) -> None:
    data = call("recuperer/structuresPourUtilisateur", {"espaceFo": SPACE_IDS[Space.FACTURES_RECUES]})
    assert {row["idStructure"] for row in data["listeStructures"]} == {
        my_structures["own"].pk,
        my_structures["receiving"].pk,
    }
    assert set(data["listeStructures"][0]) == {
        "idStructure",
        "identifiantStructure",
        "designationStructure",
        "typeIdentifiantStructure",
    }
    everything = call("recuperer/structuresPourUtilisateur", {"espaceFo": None})
    assert len(everything["listeStructures"]) == 4  # inactive structures stay listed (readable)
    error = call("recuperer/structuresPourUtilisateur", {"espaceFo": 99}, status=400)
    assert "espaceFo" in error["erreurs"]


def test_information_siret_from_our_directory(call: Any, world: World) -> None:
    data = call("consulter/information/siret", {"siretStructure": world.commune.identifier})
    assert data["siret"] == world.commune.identifier
    assert data["siren"] == world.commune.identifier[:9]
    assert data["raisonSociale"] == "Commune de Testville"
    assert data["estActif"] is True and data["siege"] is True and data["nonDiffusibleInsee"] is False
    assert "Testville" in data["adresse"]


def test_information_siret_errors(call: Any, world: World) -> None:
    invalid = call("consulter/information/siret", {"siretStructure": "12345678901234"}, status=400)
    assert "Luhn" in invalid["message"] or "siretStructure" in invalid["erreurs"]
    call("consulter/information/siret", {"siretStructure": world.other_private.identifier}, status=404)
    call("consulter/information/siret", {}, status=400)


def test_directory_download_is_a_zip_with_a_csv(call: Any, world: World) -> None:
    data = call("telecharger/annuaire/destinataire", {})
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(data["fichierResultat"])))
    [name] = archive.namelist()
    assert name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";"))
    identifiers = {row[0] for row in rows[1:]}
    assert world.commune.identifier in identifiers
    assert world.other_private.identifier not in identifiers  # private: not in the public directory
    assert world.inactive_public.identifier not in identifiers
    commune_services = {row[12] for row in rows[1:] if row[0] == world.commune.identifier}
    assert commune_services == {"FINANCES", "VOIRIE"}  # active services only


def test_search_recipients(call: Any, world: World) -> None:
    data = call("rechercher/destinataire", {"nomVilleCodePostal": "testville", "parametresRecherche": {}})
    assert [row["idStructureCPP"] for row in data["listeDestinataires"]] == [world.commune.pk]
    assert data["listeDestinataires"][0] == {
        "idStructureCPP": world.commune.pk,
        "siret": world.commune.identifier,
        "nomDestinataire": "Commune de Testville",
        "adresseCodePostal": "34000",
        "adresseVille": "Testville",
    }
    assert data["parametresRetour"]["total"] == 1
    by_id = call("rechercher/destinataire", {"identifiant": world.commune.identifier[:9]})
    assert by_id["total"] == 1
    private = call("rechercher/destinataire", {"typeStructure": "PRIVEE", "nomVilleCodePostal": "Concurrent"})
    assert private["listeDestinataires"] == []


def test_search_executing_services(call: Any, world: World) -> None:
    data = call(
        "rechercher/serviceexecutant",
        {
            "idDestinataireCPP": world.commune.pk,
            "actif": True,
            "parametresRecherche": {
                "triColonne": "CodeServiceExecutant",
                "triSens": "Ascendant",
                "champsDeTri": None,
            },
        },
    )
    assert data["listeServices"] == [
        {
            "idServicesCPP": world.finances.pk,
            "codeServiceExecutant": "FINANCES",
            "nomServiceExecutant": "Finances",
        },
        {"idServicesCPP": world.voirie.pk, "codeServiceExecutant": "VOIRIE", "nomServiceExecutant": "Voirie"},
    ]
    assert data["total"] == 2
    by_name = call(
        "rechercher/serviceexecutant", {"idDestinataireCPP": world.commune.pk, "nomServiceExecutant": "voir"}
    )
    assert by_name["total"] == 1
    call("rechercher/serviceexecutant", {"idDestinataireCPP": world.other_private.pk}, status=404)
    call("rechercher/serviceexecutant", {}, status=400)


def test_valid_bank_details_only_for_own_structures(
    call: Any, world: World, technical_account: TechnicalAccount
) -> None:
    own = technical_account.structure
    valid = BankAccount.objects.create(
        structure=own, name="Courant", iban="FR7630006000011234567890189", bic="AGRIFRPP"
    )
    BankAccount.objects.create(
        structure=own, name="Clos", iban="FR7610107001011234567890129", bic="BREDFRPP", is_active=False
    )
    data = call("recuperer/coordbanc/valides", {"idStructure": own.pk})
    assert data["listeCoordonneeBancaire"] == [
        {"idCoordonneeBancaire": valid.pk, "nomCoordonneeBancaire": "Courant"}
    ]
    assert (data["pageCourante"], data["pages"], data["total"]) == (1, 1, 1)
    # Bank details are private: not even a public structure's, nor another private one's.
    call("recuperer/coordbanc/valides", {"idStructure": world.commune.pk}, status=404)
    call("recuperer/coordbanc/valides", {"idStructure": world.other_private.pk}, status=404)


def test_identifier_types(call: Any) -> None:
    data = call("recuperer/typeidentifiant/structure", {})
    assert [row["typeIdentifiantStructure"] for row in data["listeTypeIdentifiant"]] == [
        "SIRET",
        "UE_HORS_FRANCE",
        "HORS_UE",
        "RIDET",
        "TAHITI",
        "AUTRE",
        "PARTICULIER",
    ]


def test_health_check_still_answers(api_client: Client, api_headers: dict[str, str]) -> None:
    response = api_client.get(BASE + "health-check", **api_headers)
    assert response.status_code == 200 and response.json()["statusCodeValue"] == 200
