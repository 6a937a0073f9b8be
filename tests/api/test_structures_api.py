"""/cpro/structures/v1/ operations (api.md §7, S1–S6): shapes, pagination, scoping, errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from facturier.structures.models import Attachment, Role, SpaceSubscription, TechnicalAccount
from facturier.structures.spaces import SPACE_IDS, Space, SpaceMode
from tests.api.conftest import CHORUS_CONTENT_TYPE
from tests.factories import (
    AttachmentFactory,
    ServiceFactory,
    StructureFactory,
    SubscriptionFactory,
    UserFactory,
)
from tests.structures.world import World, build_world

pytestmark = pytest.mark.django_db

BASE = "/cpro/structures/v1/"
COUNTERS = {"nbResultatsParPage", "pageCourante", "pages", "total"}


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
        assert isinstance(data["codeRetour"], int) and isinstance(data["libelle"], str)
        if status == 200:
            assert data["codeRetour"] == 0 and data["libelle"] == "TRA_MSG_00.000"
        else:
            assert data["codeRetour"] != 0
        return data

    return do


def assert_paginated(data: dict[str, Any], total: int, *, per_page: int = 10, page: int = 1) -> None:
    assert set(data["parametresRetour"]) == COUNTERS
    for key in COUNTERS:
        assert isinstance(data["parametresRetour"][key], int)
        assert data[key] == data["parametresRetour"][key]
    assert data["total"] == total
    assert data["pageCourante"] == page
    assert data["nbResultatsParPage"] == per_page


# --- S1 rechercher ---------------------------------------------------------------------------


def test_search_by_siret_returns_the_structure(call: Any, world: World) -> None:
    data = call(
        "rechercher",
        {
            "structure": {
                "identifiantStructure": world.commune.identifier,
                "typeIdentifiantStructure": "SIRET",
            }
        },
    )
    assert data["listeStructures"] == [
        {
            "designationStructure": "Commune de Testville",
            "idStructureCPP": world.commune.pk,
            "identifiantStructure": world.commune.identifier,
            "statut": "ACTIVE",
            "typeIdentifiantStructure": "SIRET",
        }
    ]
    assert_paginated(data, 1)


def test_search_hides_private_structures_one_is_not_attached_to(
    call: Any, world: World, technical_account: TechnicalAccount
) -> None:
    data = call("rechercher", {"structure": {"raisonSocialeStructure": "Priv"}})
    assert data["listeStructures"] == []
    assert data["total"] == 0
    # PASTELL's string "" means "absent", hence restricted too.
    data = call(
        "rechercher",
        {
            "structure": {"identifiantStructure": world.other_private.identifier},
            "restreindreStructuresPrivees": "",
        },
    )
    assert data["listeStructures"] == []
    # Own (private) structure: visible.
    data = call("rechercher", {"structure": {"identifiantStructure": technical_account.structure.identifier}})
    assert [row["idStructureCPP"] for row in data["listeStructures"]] == [technical_account.structure.pk]


def test_search_unrestricted_lists_private_structures_directory_data_only(call: Any, world: World) -> None:
    data = call(
        "rechercher",
        {
            "structure": {"identifiantStructure": world.other_private.identifier},
            "restreindreStructuresPrivees": False,
        },
    )
    assert [row["idStructureCPP"] for row in data["listeStructures"]] == [world.other_private.pk]
    assert set(data["listeStructures"][0]) == {
        "designationStructure",
        "idStructureCPP",
        "identifiantStructure",
        "statut",
        "typeIdentifiantStructure",
    }


def test_search_filters_and_pagination(call: Any, world: World) -> None:
    for n in range(12):
        StructureFactory(name=f"Mairie {n:02d}", public=True, city="Pagination-Ville")
    body = {
        "structure": {"adresseVille": "pagination-ville", "typeStructure": "PUBLIQUE", "estMOA": False},
        "parametres": {
            "nbResultatsParPage": 5,
            "pageResultatDemandee": 3,
            "triColonne": "DesignationStructure",
            "triSens": "Ascendant",
        },
    }
    data = call("rechercher", body)
    assert_paginated(data, 12, per_page=5, page=3)
    assert data["pages"] == 3
    assert [row["designationStructure"] for row in data["listeStructures"]] == ["Mairie 10", "Mairie 11"]
    inactive = call("rechercher", {"structure": {"statutStructure": "INACTIF", "adresseVille": "Testville"}})
    assert [row["statut"] for row in inactive["listeStructures"]] == ["INACTIVE"]


def test_search_with_null_and_zero_values_like_go(call: Any, world: World) -> None:
    data = call(
        "rechercher",
        {
            "structure": {
                "identifiantStructure": "",
                "typeIdentifiantStructure": "",
                "estMOA": False,
                "estMOAUniquement": None,
            },
            "parametres": {
                "pageResultatDemandee": 0,
                "nbResultatsParPage": 0,
                "triSens": "",
                "triColonne": "",
            },
        },
    )
    assert data["total"] >= 2
    assert isinstance(data["listeStructures"], list)


def test_search_rejects_an_unknown_identifier_type(call: Any, world: World) -> None:
    data = call("rechercher", {"structure": {"typeIdentifiantStructure": "NUMERO_MAGIQUE"}}, status=400)
    assert "typeIdentifiantStructure" in data["erreurs"]["structure"]


# --- S2 consulter ----------------------------------------------------------------------------


def test_consult_a_public_structure(call: Any, world: World) -> None:
    data = call("consulter", {"codeLangue": "fr", "idStructureCPP": world.commune.pk})
    assert set(data["adressePostaleDuSiege"]) == {
        "adresse",
        "codePostal",
        "complementAdresse1",
        "complementAdresse2",
        "fax",
        "indicatifFax",
        "indicatifTelephone",
        "pays",
        "telephone",
        "ville",
    }
    assert data["adressePostaleDuSiege"]["ville"] == "Testville"
    info = data["informationGenerales"]
    assert info["idStructureCPP"] == world.commune.pk
    assert info["structurePriveePublique"] == "PUBLIQUE"
    assert info["listeStructureDupliquees"] == []
    assert info["dateExpirationMotPasseCompteTech"] is None  # not our structure: private datum hidden
    params = data["parametres"]
    assert params["codeServiceDoitEtreRenseigne"] is True
    assert params["numeroEJDoitEtreRenseigne"] is False
    assert all(isinstance(value, bool) for value in params.values())
    assert "getaMoa" in params and "aMoa" in params


def test_consult_own_structure_shows_the_technical_password_expiry(
    call: Any, technical_account: TechnicalAccount
) -> None:
    data = call("consulter", {"idStructure": technical_account.structure.pk})  # GO's key
    expiry = data["informationGenerales"]["dateExpirationMotPasseCompteTech"]
    # The instant with its offset (local time, whose date is not the UTC date from 22:00 or 23:00 UTC).
    assert expiry is not None
    shown = dt.datetime.fromisoformat(expiry)
    assert shown.tzinfo is not None
    assert abs(shown - technical_account.password_expires_at) < dt.timedelta(milliseconds=1)


@pytest.mark.parametrize("body", [{"idStructureCPP": 987654}, "other"])
def test_consult_unknown_or_private_structure_is_not_found(call: Any, world: World, body: Any) -> None:
    if body == "other":
        body = {"idStructureCPP": world.other_private.pk}
    data = call("consulter", body, status=404)
    assert data["libelle"] == "GSO_MSG_STRUCTURE_INEXISTANTE"


def test_consult_without_id_is_a_400(call: Any, world: World) -> None:
    data = call("consulter", {"codeLangue": "fr"}, status=400)
    assert "idStructureCPP" in data["erreurs"]


# --- S3 rechercher/services -------------------------------------------------------------------


def test_services_of_a_public_structure(call: Any, world: World) -> None:
    data = call(
        "rechercher/services",
        {
            "idStructure": world.commune.pk,
            "parametresRechercherServicesStructure": {
                "nbResultatsParPage": 10000,
                "triColonne": "CodeService",
                "triSens": "Ascendant",
            },
        },
    )
    assert [row["codeService"] for row in data["listeServices"]] == ["FERME", "FINANCES", "VOIRIE"]
    finances = data["listeServices"][1]
    assert finances == {
        "idService": world.finances.pk,
        "codeService": "FINANCES",
        "libelleService": "Finances",
        "estActif": True,
        "statutService": "ACTIF",
        "dateDbtService": "2024-01-01 00:00",
        "dateFinService": None,
    }
    assert data["listeServices"][0]["statutService"] == "INACTIF"
    assert_paginated(data, 3, per_page=10000)


def test_services_pagination(call: Any, world: World) -> None:
    data = call(
        "rechercher/services",
        {
            "idStructure": world.commune.pk,
            "parametresRechercherServicesStructure": {"nbResultatsParPage": 2, "pageResultatDemandee": 2},
        },
    )
    assert len(data["listeServices"]) == 1 and data["pages"] == 2


def test_services_of_a_private_structure_are_not_found(call: Any, world: World) -> None:
    call("rechercher/services", {"idStructure": world.other_private.pk}, status=404)


# --- S4 consulter/service ---------------------------------------------------------------------


def test_consult_a_service(call: Any, world: World) -> None:
    data = call("consulter/service", {"idStructure": world.commune.pk, "idService": world.finances.pk})
    assert data["informationsGenerales"] == {
        "codeService": "FINANCES",
        "descriptionService": None,
        "nomService": "Finances",
    }
    assert data["parametres"]["numeroEngagement"] is True
    assert data["parametres"]["miseEnPaiement"] is True
    assert data["parametres"]["dateDebutValidite"] == "2024-01-01 00:00"
    assert (data["nbResultatsParPage"], data["pageCourante"], data["pages"], data["total"]) == (1, 1, 1, 1)
    assert data["adressePostale"]["ville"] == "Testville"


def test_consult_a_service_of_another_structure_is_not_found(call: Any, world: World) -> None:
    other_service = world.other_private.services.get()
    call("consulter/service", {"idStructure": world.commune.pk, "idService": other_service.pk}, status=404)
    call("consulter/service", {"idService": other_service.pk}, status=404)
    call("consulter/service", {"idStructure": world.commune.pk}, status=400)


# --- S5 lister/rattachementsutilisateur -------------------------------------------------------


def test_list_attachments_of_a_user_of_the_own_structure(
    call: Any, world: World, technical_account: TechnicalAccount
) -> None:
    structure = technical_account.structure
    service = ServiceFactory(structure=structure, code="VENTES", name="Ventes")
    person = UserFactory(email="salarie@diapason.test")
    attachment = AttachmentFactory(user=person, structure=structure, comment="ok")
    attachment.services.add(service)
    data = call(
        "lister/rattachementsutilisateur",
        {"idStructure": structure.pk, "adresseEmailConnexionUtilisateur": "salarie@diapason.test"},
    )
    assert data["idStructure"] == structure.pk
    assert data["identifiantStructure"] == structure.identifier
    assert data["listeServices"] == [
        {
            "codeService": "VENTES",
            "commentaire": "ok",
            "dateDebut": data["listeServices"][0]["dateDebut"],
            "dateFin": None,
            "idRattachement": attachment.pk,
            "idService": service.pk,
            "nomService": "Ventes",
            "statutRattachement": "VALIDEE",
        }
    ]
    assert_paginated(data, 1)


def test_list_attachments_of_another_structure_is_not_found(call: Any, world: World) -> None:
    call(
        "lister/rattachementsutilisateur",
        {"idStructure": world.other_private.pk, "adresseEmailConnexionUtilisateur": "boss@concurrent.test"},
        status=404,
    )
    call(
        "lister/rattachementsutilisateur", {"idStructure": world.commune.pk}, status=404
    )  # public, not attached


def test_list_own_attachment_without_services(call: Any, technical_account: TechnicalAccount) -> None:
    Attachment.objects.create(
        user=technical_account.user,
        structure=technical_account.structure,
        role=Role.USER,
        status=Attachment.Status.PENDING,
    )
    data = call(
        "lister/rattachementsutilisateur",
        {"identifiantStructure": technical_account.structure.identifier, "typeIdentifiantStructure": "SIRET"},
    )
    assert [row["statutRattachement"] for row in data["listeServices"]] == ["EN_COURS_DE_VALIDATION"]
    assert data["listeServices"][0]["idService"] is None


# --- S6 rechercher/espaces --------------------------------------------------------------------


def test_spaces_of_the_technical_account(call: Any, technical_account: TechnicalAccount) -> None:
    from facturier.structures.models import StructureSpace

    StructureSpace.objects.create(structure=technical_account.structure, space=Space.FACTURES_EMISES)
    StructureSpace.objects.create(structure=technical_account.structure, space=Space.SUIVI_FLUX)
    data = call(
        "rechercher/espaces",
        {
            "structure": {"idStructure": technical_account.structure.pk},
            "parametresRechercherEspaces": {"triColonne": "CodeEspace", "triSens": "Ascendant"},
        },
    )
    assert [row["idEspaceFo"] for row in data["listeEspace"]] == [
        SPACE_IDS[Space.FACTURES_EMISES],
        SPACE_IDS[Space.SUIVI_FLUX],
    ]
    row = data["listeEspace"][0]
    assert row["typeHabilitation"] == "MODIFICATION" and row["etatCourant"] == "ACTIVE"
    assert row["libelleEspace"] == "Factures émises"
    assert_paginated(data, 2)


def test_spaces_follow_the_subscription_mode(call: Any, technical_account: TechnicalAccount) -> None:
    other = StructureFactory()
    AttachmentFactory(user=technical_account.user, structure=other)
    SubscriptionFactory(
        user=technical_account.user, structure=other, space=Space.FACTURES_RECUES, mode=SpaceMode.CONSULTATION
    )
    SubscriptionFactory(
        user=technical_account.user,
        structure=other,
        space=Space.SUIVI_FLUX,
        status=SpaceSubscription.Status.PENDING,
    )
    data = call("rechercher/espaces", {"structure": {"idStructure": other.pk}})
    assert [(row["idEspaceFo"], row["typeHabilitation"]) for row in data["listeEspace"]] == [
        (SPACE_IDS[Space.FACTURES_RECUES], "CONSULTATION_UNIQUEMENT")
    ]


def test_spaces_of_another_structure_are_not_found(call: Any, world: World) -> None:
    call("rechercher/espaces", {"structure": {"idStructure": world.other_private.pk}}, status=404)
