"""Authorization matrix of the structures pages and API operations.

Every page and operation × (anonymous, user of another structure, user without the space, user in
consultation mode, user in modification mode, secondary manager, principal manager): the expected
answer is allow or deny, and no cross-structure read or write is possible.

Portal pages act on the structure "Au Diapason" (S). API calls are made with technical accounts:
a person's credentials never open the API (401), the other structure's technical account never
reads S's private data, S's own technical account does.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from facturier.accounts.models import User
from facturier.api.authentication import verified_credentials
from facturier.structures.models import (
    ApiConnection,
    BankAccount,
    Role,
    Structure,
    StructureSpace,
    TechnicalAccount,
)
from facturier.structures.spaces import SPACE_IDS, Space, SpaceMode
from tests.factories import (
    PASSWORD,
    AttachmentFactory,
    ServiceFactory,
    StructureFactory,
    SubscriptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "other", "nospace", "consult", "modify", "secondary", "principal")
SECRET = "marqueur-prive-de-s"


@dataclass
class Scene:
    s: Structure
    o: Structure
    users: dict[str, User | None]
    account: TechnicalAccount
    other_account: TechnicalAccount
    connection: ApiConnection
    application: Any


@pytest.fixture
def scene(db: None) -> Scene:
    verified_credentials.clear()
    s = StructureFactory(name="Au Diapason")
    o = StructureFactory(name="Autre Structure")
    ServiceFactory(structure=s, code="VENTES", name="Ventes")
    BankAccount.objects.create(structure=s, name=SECRET, iban="FR7630006000011234567890189", bic="AGRIFRPP")
    for structure in (s, o):
        for space in Space:
            StructureSpace.objects.create(structure=structure, space=space)
    users: dict[str, User | None] = {"anonymous": None}
    users["other"] = AttachmentFactory(
        structure=o, role=Role.PRINCIPAL_MANAGER, user=UserFactory(email="other@test.test")
    ).user
    SubscriptionFactory(
        user=users["other"], structure=o, space=Space.RACCORDEMENT, mode=SpaceMode.MODIFICATION
    )
    users["nospace"] = AttachmentFactory(structure=s, user=UserFactory(email="nospace@test.test")).user
    for role, mode, attachment_role in (
        ("consult", SpaceMode.CONSULTATION, Role.USER),
        ("modify", SpaceMode.MODIFICATION, Role.USER),
        ("secondary", SpaceMode.MODIFICATION, Role.SECONDARY_MANAGER),
        ("principal", SpaceMode.MODIFICATION, Role.PRINCIPAL_MANAGER),
    ):
        user = AttachmentFactory(
            structure=s, role=attachment_role, user=UserFactory(email=f"{role}@test.test")
        ).user
        SubscriptionFactory(user=user, structure=s, space=Space.RACCORDEMENT, mode=mode)
        users[role] = user
    application = get_application_model().objects.create(
        name="ERP",
        client_id="erp",
        client_secret="erp-secret",
        client_type="confidential",
        authorization_grant_type="client-credentials",
        user=users["principal"],
    )
    get_application_model().objects.create(
        name="ERP 2",
        client_id="erp2",
        client_secret="erp2-secret",
        client_type="confidential",
        authorization_grant_type="client-credentials",
        user=users["principal"],
    )
    account = TechnicalAccount.objects.create(
        user=User.objects.create_user("tech-s@test.test", PASSWORD, kind=User.Kind.TECHNICAL), structure=s
    )
    other_account = TechnicalAccount.objects.create(
        user=User.objects.create_user("tech-o@test.test", PASSWORD, kind=User.Kind.TECHNICAL), structure=o
    )
    connection = None
    for tech in (account, other_account):
        connection = ApiConnection.objects.create(
            structure=tech.structure,
            application=application,
            application_name="ERP",
            technical_account=tech,
            usage_type=ApiConnection.UsageType.OWN_USE,
            environment=ApiConnection.Environment.PRODUCTION,
            status=ApiConnection.Status.ACTIVE if tech is other_account else ApiConnection.Status.PENDING,
            declared_by=users["principal"] if tech is account else users["other"],
        )
    # S's connection starts pending (to test validation); activate a second one for the API calls.
    s_connection = ApiConnection.objects.get(technical_account=account)
    ApiConnection.objects.create(
        structure=s,
        application=application,
        application_name="ERP",
        technical_account=account,
        usage_type=ApiConnection.UsageType.OWN_USE,
        environment=ApiConnection.Environment.QUALIFICATION,
        status=ApiConnection.Status.ACTIVE,
        declared_by=users["principal"],
    )
    assert connection is not None
    return Scene(s, o, users, account, other_account, s_connection, application)


def client_for(scene: Scene, role: str) -> Client:
    client = Client()
    user = scene.users[role]
    if user is not None:
        client.force_login(user)
    return client


# --- portal --------------------------------------------------------------------------------

A, D = "allow", "deny"
#                      anonymous other nospace consult modify secondary principal
PAGE_MATRIX: dict[str, tuple[str, ...]] = {
    "directory": (A, A, A, A, A, A, A),
    "technical_accounts": (D, A, D, A, A, A, A),
    "connections": (D, A, D, A, A, A, A),
    "applications": (D, A, D, A, A, A, A),
    "manage_list": (D, A, D, D, D, A, A),
    "manage_detail": (D, D, D, D, D, A, A),
}


def get_page(scene: Scene, client: Client, page: str) -> Any:
    from django.urls import reverse

    if page == "manage_detail":
        return client.get(reverse("structures:manage_detail", args=[scene.s.pk]))
    return client.get(reverse(f"structures:{page}"))


@pytest.mark.parametrize("page", PAGE_MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_pages(scene: Scene, page: str, role: str) -> None:
    response = get_page(scene, client_for(scene, role), page)
    expected = PAGE_MATRIX[page][ROLES.index(role)]
    if expected == A:
        assert response.status_code == 200, (page, role, response.status_code)
        if role == "other":  # the page opens through its own structure: nothing of S shows
            body = response.content.decode()
            assert "tech-s@test.test" not in body and SECRET not in body and "Au Diapason" not in body
    else:
        assert response.status_code in (302, 403, 404), (page, role, response.status_code)
        if role == "anonymous":
            assert response.status_code == 302 and "/connexion/" in response["Location"]


#                          anonymous other nospace consult modify secondary principal
WRITE_MATRIX: dict[str, tuple[str, ...]] = {
    "create_technical_account": (D, D, D, D, D, D, A),
    "reset_technical_password": (D, D, D, D, D, D, A),
    "declare_connection": (D, D, D, D, A, A, A),
    "validate_connection": (D, D, D, D, D, D, A),
    "update_structure": (D, D, D, D, D, A, A),
    "add_service": (D, D, D, D, D, A, A),
    "add_bank_account": (D, D, D, D, D, A, A),
    "inactivate_structure": (D, D, D, D, D, D, A),
    "register_application": (D, A, D, A, A, A, A),
}


def do_write(scene: Scene, client: Client, write: str) -> bool:
    """Perform the write through the portal; return whether it took effect."""
    from django.urls import reverse

    s = scene.s
    detail = reverse("structures:manage_detail", args=[s.pk])
    if write == "create_technical_account":
        client.post(
            reverse("structures:technical_account_create"),
            {"structure": s.pk, "login": "nouveau@test.test", "password": "Un-mot-de-passe-solide-2025"},
        )
        return TechnicalAccount.objects.filter(user__email="nouveau@test.test").exists()
    if write == "reset_technical_password":
        client.post(
            reverse("structures:technical_account_reset", args=[scene.account.pk]),
            {"password": "Un-mot-de-passe-solide-2026"},
        )
        return User.objects.get(pk=scene.account.user_id).check_password("Un-mot-de-passe-solide-2026")
    if write == "declare_connection":
        client.post(
            reverse("structures:connection_declare"),
            {
                "technical_account": scene.account.pk,
                "application_name": "ERP 2",
                "usage_type": "OPERATEUR_DEMATERIALISATION",
                "partner_name": "Opérateur",
                "environment": "PRODUCTION",
            },
        )
        return ApiConnection.objects.filter(
            technical_account=scene.account, usage_type="OPERATEUR_DEMATERIALISATION"
        ).exists()
    if write == "validate_connection":
        client.post(reverse("structures:connection_decision", args=[scene.connection.pk, "valider"]))
        return ApiConnection.objects.get(pk=scene.connection.pk).status == ApiConnection.Status.ACTIVE
    if write == "update_structure":
        client.post(detail, {"action": "update", "city": "Piratée", "postal_code": "00000"})
        return Structure.objects.get(pk=s.pk).city == "Piratée"
    if write == "add_service":
        client.post(detail, {"action": "add_service", "code": "PIRATE", "name": "Pirate"})
        return s.services.filter(code="PIRATE").exists()
    if write == "add_bank_account":
        client.post(
            detail,
            {
                "action": "add_bank_account",
                "name": "Pirate",
                "iban": "FR7610107001011234567890129",
                "bic": "BREDFRPP",
            },
        )
        return s.bank_accounts.filter(name="Pirate").exists()
    if write == "inactivate_structure":
        client.post(detail, {"action": "inactivate"})
        return not Structure.objects.get(pk=s.pk).is_active
    if write == "register_application":
        client.post(reverse("structures:applications"), {"name": "Mon appli"})
        return get_application_model().objects.filter(name="Mon appli").exists()
    raise AssertionError(write)


@pytest.mark.parametrize("write", WRITE_MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_writes(scene: Scene, write: str, role: str) -> None:
    took_effect = do_write(scene, client_for(scene, role), write)
    expected = WRITE_MATRIX[write][ROLES.index(role)] == A
    assert took_effect is expected, (write, role)


# --- API -----------------------------------------------------------------------------------

# Who calls: a person's credentials (any role) are refused; "other" is the other structure's
# technical account; "own" is S's technical account.
API_CALLERS = (*ROLES, "own")


def api_headers(scene: Scene, caller: str) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    token = get_access_token_model().objects.create(
        application=scene.application,
        token=f"token-{caller}",
        expires=timezone.now() + timedelta(hours=1),
        scope="openid",
    )
    if caller == "other":
        login = "tech-o@test.test"
    elif caller == "own":
        login = "tech-s@test.test"
    else:
        user = scene.users[caller]
        assert user is not None
        login = user.email
    account = base64.b64encode(f"{login}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Bearer {token.token}", "HTTP_CPRO_ACCOUNT": account}


def _ids(rows: list[dict[str, Any]], key: str) -> set[int]:
    return {row[key] for row in rows}


# operation path, body builder, "does the answer show S's private data?"
API_OPERATIONS: dict[str, tuple[str, Any, Any]] = {
    "rechercher": (
        "/cpro/structures/v1/rechercher",
        lambda sc: {"structure": {"identifiantStructure": sc.s.identifier}},
        lambda sc, d: sc.s.pk in _ids(d["listeStructures"], "idStructureCPP"),
    ),
    "consulter": (
        "/cpro/structures/v1/consulter",
        lambda sc: {"idStructureCPP": sc.s.pk},
        lambda sc, d: d["informationGenerales"]["idStructureCPP"] == sc.s.pk,
    ),
    "rechercher/services": (
        "/cpro/structures/v1/rechercher/services",
        lambda sc: {"idStructure": sc.s.pk},
        lambda sc, d: bool(d["listeServices"]),
    ),
    "consulter/service": (
        "/cpro/structures/v1/consulter/service",
        lambda sc: {"idStructure": sc.s.pk, "idService": sc.s.services.get().pk},
        lambda sc, d: d["informationsGenerales"]["codeService"] == "VENTES",
    ),
    "lister/rattachementsutilisateur": (
        "/cpro/structures/v1/lister/rattachementsutilisateur",
        lambda sc: {"idStructure": sc.s.pk, "adresseEmailConnexionUtilisateur": "principal@test.test"},
        lambda sc, d: bool(d["listeServices"]),
    ),
    "rechercher/espaces": (
        "/cpro/structures/v1/rechercher/espaces",
        lambda sc: {"structure": {"idStructure": sc.s.pk}},
        lambda sc, d: bool(d["listeEspace"]),
    ),
    "actives/fournisseur": (
        "/cpro/transverses/v1/recuperer/structures/actives/fournisseur",
        lambda sc: {},
        lambda sc, d: sc.s.pk in _ids(d["listeStructures"], "idStructureCPP"),
    ),
    "actives/destinataire": (
        "/cpro/transverses/v1/recuperer/structures/actives/destinataire",
        lambda sc: {},
        lambda sc, d: sc.s.pk in _ids(d["listeStructures"], "idStructureCPP"),
    ),
    "structuresPourUtilisateur": (
        "/cpro/transverses/v1/recuperer/structuresPourUtilisateur",
        lambda sc: {"espaceFo": SPACE_IDS[Space.RACCORDEMENT]},
        lambda sc, d: sc.s.pk in _ids(d["listeStructures"], "idStructure"),
    ),
    "information/siret": (
        "/cpro/transverses/v1/consulter/information/siret",
        lambda sc: {"siretStructure": sc.s.identifier},
        lambda sc, d: d["siret"] == sc.s.identifier,
    ),
    "rechercher/destinataire": (
        "/cpro/transverses/v1/rechercher/destinataire",
        lambda sc: {"identifiant": sc.s.identifier, "typeStructure": "PRIVEE"},
        lambda sc, d: sc.s.pk in _ids(d["listeDestinataires"], "idStructureCPP"),
    ),
    "rechercher/serviceexecutant": (
        "/cpro/transverses/v1/rechercher/serviceexecutant",
        lambda sc: {"idDestinataireCPP": sc.s.pk},
        lambda sc, d: bool(d["listeServices"]),
    ),
    "coordbanc/valides": (
        "/cpro/transverses/v1/recuperer/coordbanc/valides",
        lambda sc: {"idStructure": sc.s.pk},
        lambda sc, d: bool(d["listeCoordonneeBancaire"]),
    ),
    "monCompte/rattachements": (
        "/cpro/utilisateurs/v1/monCompte/recuperer/rattachements",
        lambda sc: {},
        lambda sc, d: sc.s.pk in _ids(d["listeStructureRattachement"], "idStructure"),
    ),
}
# Operations whose answers hold no structure-private data: any technical account may call them.
PUBLIC_OPERATIONS = {
    "annuaire": "/cpro/transverses/v1/telecharger/annuaire/destinataire",
    "typeidentifiant": "/cpro/transverses/v1/recuperer/typeidentifiant/structure",
}
# monCompte lists the caller's own attachments: S's technical account is not attached (it acts
# for S without an attachment row), so it sees no row there; everything else is allowed to "own".
OWN_SEES = {name: name != "monCompte/rattachements" for name in API_OPERATIONS}


@pytest.mark.parametrize("operation", API_OPERATIONS)
@pytest.mark.parametrize("caller", API_CALLERS)
def test_api_operations(scene: Scene, operation: str, caller: str) -> None:
    path, body, shows_s = API_OPERATIONS[operation]
    response = Client().post(path, body(scene), content_type="application/json", **api_headers(scene, caller))
    if caller not in ("other", "own"):
        assert response.status_code == 401, (operation, caller)  # persons and anonymous: no API access
        return
    data = response.json()
    if caller == "other":
        # Never S's data: either "not found" or an answer without S.
        assert response.status_code in (200, 404), (operation, response.content)
        assert response.status_code == 404 or not shows_s(scene, data), operation
    else:
        assert response.status_code == 200, (operation, response.content)
        assert data["codeRetour"] == 0
        assert shows_s(scene, data) is OWN_SEES[operation], operation


@pytest.mark.parametrize("operation", PUBLIC_OPERATIONS)
@pytest.mark.parametrize("caller", API_CALLERS)
def test_api_public_operations(scene: Scene, operation: str, caller: str) -> None:
    response = Client().post(
        PUBLIC_OPERATIONS[operation], {}, content_type="application/json", **api_headers(scene, caller)
    )
    assert response.status_code == (200 if caller in ("other", "own") else 401)
