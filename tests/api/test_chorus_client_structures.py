"""The PyPI ``chorus-api`` client against a live server, on the demo data (api.md §9.1): the
nominal sequence rechercherStructure → consulterStructure → rechercherServicesStructure on the
Commune de Montclair, read through the client's own response classes."""

from __future__ import annotations

from typing import Any

import pytest
from chorusapi.client import ChorusAPI
from chorusapi.exceptions.exception import ChorusApiException

from facturier.core.demo import (
    COMMUNE_TECH_LOGIN,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TECH_PASSWORD,
    TECH_LOGIN,
    load_demo,
)
from facturier.structures.models import ApiConnection, Structure

COMMUNE_SIRET = "21345000000012"


def demo_client(live_server: Any, login: str = COMMUNE_TECH_LOGIN) -> ChorusAPI:
    api = ChorusAPI(
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        tech_username=login,
        tech_password=DEMO_TECH_PASSWORD,
        sandbox=True,
    )
    api.auth_url = live_server.url + "/api/oauth/token"
    api.api_url = live_server.url
    return api.auth()


@pytest.fixture
def demo(transactional_db: None) -> None:
    load_demo()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("login", [COMMUNE_TECH_LOGIN, TECH_LOGIN])
def test_search_consult_and_list_services_of_the_demo_commune(
    live_server: Any, demo: None, login: str
) -> None:
    api = demo_client(live_server, login)
    commune = Structure.objects.get(identifier=COMMUNE_SIRET)

    found = api.rechercher_structure(COMMUNE_SIRET)
    assert found.code_retour == 0
    assert found.libelle == "TRA_MSG_00.000"
    assert len(found.liste_structures) == 1
    item = found.liste_structures[0]
    assert isinstance(item.id_structure_cpp, int) and item.id_structure_cpp == commune.pk
    assert item.designation_structure == "Commune de Montclair"
    assert item.identifiant_structure == COMMUNE_SIRET
    assert item.type_identifiant_structure == "SIRET"
    assert item.statut == "ACTIVE"

    detail = api.consulter_structure(item.id_structure_cpp)
    assert detail.code_retour == 0
    info = detail.information_generales
    assert info.id_structure_cpp == commune.pk
    assert info.raison_sociale_structure == "Commune de Montclair"
    assert info.structure_privee_publique == "PUBLIQUE"
    assert info.numero_tva == "FR" + f"{(12 + 3 * (213450000 % 97)) % 97:02d}" + "213450000"
    assert info.liste_structure_dupliquees == []
    assert detail.adresse_postale_du_siege.ville == "Montclair"
    assert detail.adresse_postale_du_siege.code_postal == "34500"
    assert detail.parametres.code_service_doit_etre_renseigne is True
    assert detail.parametres.numero_ej_doit_etre_renseigne is False

    services = api.rechercher_services(item.id_structure_cpp)
    assert services.code_retour == 0
    codes = {service.code_service: service for service in services.liste_structures}
    assert set(codes) == {"FINANCES", "TECHNIQUE", "SCOLAIRE"}
    for service in codes.values():
        assert isinstance(service.id_service, int)
        assert service.est_actif is True
        assert service.statut_service == "ACTIF"
    assert codes["FINANCES"].libelle_service == "Direction des finances"


@pytest.mark.django_db(transaction=True)
def test_the_client_sees_an_unknown_structure_as_an_empty_search(live_server: Any, demo: None) -> None:
    found = demo_client(live_server).rechercher_structure("99999999999999")
    assert found.code_retour == 0
    assert found.liste_structures == []


@pytest.mark.django_db(transaction=True)
def test_without_an_active_connection_the_client_gets_a_403(live_server: Any, demo: None) -> None:
    api = demo_client(live_server)
    ApiConnection.objects.filter(technical_account__user__email=COMMUNE_TECH_LOGIN).update(
        status=ApiConnection.Status.INACTIVE
    )
    with pytest.raises(ChorusApiException, match="Code: 403"):
        api.rechercher_structure(COMMUNE_SIRET)
