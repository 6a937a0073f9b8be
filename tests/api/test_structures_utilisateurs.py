"""/cpro/utilisateurs/v1/monCompte/recuperer/rattachements (api.md §7.7, U1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from facturier.structures.models import Attachment, Role, TechnicalAccount
from tests.api.conftest import CHORUS_CONTENT_TYPE
from tests.factories import AttachmentFactory, ServiceFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

PATH = "/cpro/utilisateurs/v1/monCompte/recuperer/rattachements"


def post(api_client: Client, api_headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    response = api_client.post(PATH, body, content_type="application/json", **api_headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == CHORUS_CONTENT_TYPE
    return response.json()


def test_lists_only_my_attachments_with_their_services(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
) -> None:
    me = technical_account.user
    structure = StructureFactory(name="Alpha")
    service = ServiceFactory(structure=structure, code="COMPTA", name="Comptabilité")
    attachment = AttachmentFactory(user=me, structure=structure, role=Role.USER)
    attachment.services.add(service)
    AttachmentFactory(user=me, structure=StructureFactory(name="Beta"), status=Attachment.Status.REFUSED)
    AttachmentFactory(user=UserFactory(), structure=StructureFactory(name="Gamma"))  # someone else's

    data = post(api_client, api_headers, {"parametresRecherche": {"triSens": "Ascendant"}})
    assert data["codeRetour"] == 0
    rows = data["listeStructureRattachement"]
    assert [row["designationStructure"] for row in rows] == ["Alpha", "Beta"]
    alpha = rows[0]
    assert alpha["idRattachementStructure"] == attachment.pk
    assert alpha["idStructure"] == structure.pk
    assert alpha["roleUtilisateur"] == "UTILISATEUR"
    assert alpha["statutRattachementStructure"] == "VALIDEE"
    assert alpha["statutUtilisateur"] == "ACTIF"
    assert alpha["typeIdentifiantStructure"] == "SIRET"
    [linked] = alpha["listeServicesRattache"]
    assert linked["codeService"] == "COMPTA" and linked["idService"] == service.pk
    assert isinstance(linked["idRattachementService"], int)
    assert linked["statutService"] == "ACTIF" and linked["estActif"] is True
    assert rows[1]["statutRattachementStructure"] == "REFUSEE"
    assert rows[1]["listeServicesRattache"] == []
    assert data["parametresRetour"] == {"nbResultatsParPage": 10, "pageCourante": 1, "pages": 1, "total": 2}


def test_empty_is_an_empty_array(api_client: Client, api_headers: dict[str, str]) -> None:
    data = post(api_client, api_headers, {})
    assert data["listeStructureRattachement"] == []
    assert data["total"] == 0 and data["pages"] == 1
