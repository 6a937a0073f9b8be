"""Authorization matrix of issue 4: every portal page and every ``/cpro/`` operation of the
accounts, structures and portal apps × every kind of visitor, with the expected answer.

Visitors (PROFILES), all about the structure S « Au Diapason » except ``other``:

* ``anonymous``;
* ``other``: principal manager of the neighbour structure O, subscribed (modification) to every
  space of O: pages open for them through O, and must never show anything of S;
* ``without``: validly attached to S, no space;
* ``consultation`` / ``modification``: attached to S, subscribed to every space of S in that mode;
* ``secondary`` / ``principal``: S's managers, subscribed to every space of S in modification mode
  (the principal also manages P « Petite Harmonie », which S is absorbing).

Pages: ``PAGES`` (GET) and ``WRITES`` (POST, checked by their effect) together name every URL of
the ``accounts``, ``structures`` and ``portal`` namespaces: ``test_every_page_is_in_the_matrix``
fails on a page nobody classified. Cross-structure: a page never shows the other side's markers,
and no write reaches O's objects through S's pages (``CROSS_WRITES``).

API: the ``/cpro/`` API is only for technical accounts (a person's credentials get 401). Each
profile is played by a technical account (of its own structure, with an active connection) whose
user holds that profile's attachment and subscriptions to S, as an operator's technical account
attached to its clients does; ``own`` is S's own technical account, ``other`` O's. Every issue-4
operation is a read, so consultation mode is enough; a space S closed gives nothing
(``test_closed_spaces_give_nothing``).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from facturier.accounts.membership import attachment_request
from facturier.accounts.merger import merger_start
from facturier.accounts.models import Merger, User
from facturier.api.authentication import verified_credentials
from facturier.portal.context_processors import space_url
from facturier.structures.models import (
    ApiConnection,
    Attachment,
    BankAccount,
    Role,
    Service,
    SpaceSubscription,
    Structure,
    StructureDocument,
    StructureSpace,
    TechnicalAccount,
)
from facturier.structures.services import structure_close_space
from facturier.structures.spaces import NOT_SUBSCRIBABLE, SPACE_IDS, Space, SpaceMode
from tests.factories import (
    PASSWORD,
    AttachmentFactory,
    ServiceFactory,
    StructureFactory,
    SubscriptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PROFILES = ("anonymous", "other", "without", "consultation", "modification", "secondary", "principal")
S_PROFILES = PROFILES[2:]
SUBSCRIBABLE = [space for space in Space if space not in NOT_SUBSCRIBABLE]
NAMESPACES = ("accounts", "structures", "portal")
# What only S's people may see, and what only O's people may see.
S_MARKERS = ("Au Diapason", "secret-de-s", "tech-s@test.test", "applicant@test.test")
O_MARKERS = ("Structure Voisine", "secret-de-o", "tech-o@test.test", "neighbour@test.test")
STRONG = "Un-mot-de-passe-solide-2025"


@dataclass
class World:
    s: Structure
    o: Structure
    absorbed: Structure
    public: Structure
    users: dict[str, User | None]
    service: Service
    other_service: Service
    document: StructureDocument
    other_document: StructureDocument
    pending: Attachment
    other_pending: Attachment
    merger: Merger
    account: TechnicalAccount
    other_account: TechnicalAccount
    connection: ApiConnection  # S's, pending validation
    other_connection: ApiConnection  # O's, pending validation
    application: Any
    api_accounts: dict[str, TechnicalAccount]


def _subscribe(user: User, structure: Structure, mode: str) -> None:
    for space in SUBSCRIBABLE:
        SubscriptionFactory(user=user, structure=structure, space=space, mode=mode)


def _technical_account(login: str, structure: Structure) -> TechnicalAccount:
    user = User.objects.create_user(login, PASSWORD, kind=User.Kind.TECHNICAL)
    return TechnicalAccount.objects.create(user=user, structure=structure)


def _connection(application: Any, account: TechnicalAccount, status: str, by: User, env: str) -> ApiConnection:
    return ApiConnection.objects.create(
        structure=account.structure,
        application=application,
        application_name=application.name,
        technical_account=account,
        usage_type=ApiConnection.UsageType.OWN_USE,
        environment=env,
        status=status,
        declared_by=by,
    )


def _document(structure: Structure, name: str) -> StructureDocument:
    document = StructureDocument(structure=structure, designation=name, content_type="text/plain")
    document.file.save(f"{name}.txt", ContentFile(b"contenu"), save=True)
    return document


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = tmp_path
    verified_credentials.clear()
    s = StructureFactory(name="Au Diapason")
    o = StructureFactory(name="Structure Voisine")
    absorbed = StructureFactory(name="Petite Harmonie")
    public = StructureFactory(name="Commune de Testville", public=True)
    for structure in (s, o, absorbed):
        for space in SUBSCRIBABLE:
            StructureSpace.objects.create(structure=structure, space=space, is_open=True)
    service = ServiceFactory(structure=s, code="VENTES", name="Ventes")
    other_service = ServiceFactory(structure=o, code="ACHATS", name="Achats")
    BankAccount.objects.create(structure=s, name="secret-de-s", iban="FR7630006000011234567890189", bic="AGRIFRPP")
    BankAccount.objects.create(structure=o, name="secret-de-o", iban="FR7610107001011234567890129", bic="BREDFRPP")

    users: dict[str, User | None] = {"anonymous": None}
    users["other"] = UserFactory(email="other@test.test")
    AttachmentFactory(user=users["other"], structure=o, role=Role.PRINCIPAL_MANAGER)
    _subscribe(users["other"], o, SpaceMode.MODIFICATION)
    for profile, role, mode in (
        ("without", Role.USER, None),
        ("consultation", Role.USER, SpaceMode.CONSULTATION),
        ("modification", Role.USER, SpaceMode.MODIFICATION),
        ("secondary", Role.SECONDARY_MANAGER, SpaceMode.MODIFICATION),
        ("principal", Role.PRINCIPAL_MANAGER, SpaceMode.MODIFICATION),
    ):
        user = UserFactory(email=f"{profile}@test.test")
        AttachmentFactory(user=user, structure=s, role=role)
        if mode is not None:
            _subscribe(user, s, mode)
        users[profile] = user
    principal = users["principal"]
    assert principal is not None and users["other"] is not None
    AttachmentFactory(user=principal, structure=absorbed, role=Role.PRINCIPAL_MANAGER)
    pending = attachment_request(actor=UserFactory(email="applicant@test.test"), structure=s)
    other_pending = attachment_request(actor=UserFactory(email="neighbour@test.test"), structure=o)
    merger = merger_start(actor=principal, absorbing=s, absorbed=absorbed)

    application = get_application_model().objects.create(
        name="ERP",
        client_id="erp",
        client_secret="erp-secret",
        client_type="confidential",
        authorization_grant_type="client-credentials",
        user=principal,
    )
    get_application_model().objects.create(
        name="ERP 2",
        client_id="erp2",
        client_secret="erp2-secret",
        client_type="confidential",
        authorization_grant_type="client-credentials",
        user=principal,
    )
    account = _technical_account("tech-s@test.test", s)
    other_account = _technical_account("tech-o@test.test", o)
    connection = _connection(application, account, ApiConnection.Status.PENDING, principal, "PRODUCTION")
    _connection(application, account, ApiConnection.Status.ACTIVE, principal, "QUALIFICATION")
    other_connection = _connection(application, other_account, ApiConnection.Status.PENDING, users["other"], "PRODUCTION")
    _connection(application, other_account, ApiConnection.Status.ACTIVE, users["other"], "QUALIFICATION")

    # The API plays each S profile with a technical account holding the profile's rights on S.
    api_accounts = {"own": account, "other": other_account}
    for profile in S_PROFILES:
        home = StructureFactory(name=f"Maison {profile}")
        tech = _technical_account(f"api-{profile}@test.test", home)
        _connection(application, tech, ApiConnection.Status.ACTIVE, principal, "PRODUCTION")
        person = users[profile]
        assert person is not None
        attachment = Attachment.objects.get(user=person, structure=s)
        AttachmentFactory(user=tech.user, structure=s, role=attachment.role)
        for subscription in SpaceSubscription.objects.filter(user=person, structure=s):
            SubscriptionFactory(user=tech.user, structure=s, space=subscription.space, mode=subscription.mode)
        api_accounts[profile] = tech
    return World(
        s=s,
        o=o,
        absorbed=absorbed,
        public=public,
        users=users,
        service=service,
        other_service=other_service,
        document=_document(s, "statuts-de-s"),
        other_document=_document(o, "statuts-de-o"),
        pending=pending,
        other_pending=other_pending,
        merger=merger,
        account=account,
        other_account=other_account,
        connection=connection,
        other_connection=other_connection,
        application=application,
        api_accounts=api_accounts,
    )


def client_for(world: World, profile: str) -> Client:
    client = Client()
    user = world.users[profile]
    if user is not None:
        client.force_login(user)
    return client


# --- pages (GET) ---------------------------------------------------------------------------------

OK, LOGIN, REDIRECT, FORBIDDEN, HIDDEN = "ok", "login", "redirect", "403", "404"


def row(*answers: str) -> dict[str, str]:
    assert len(answers) == len(PROFILES)
    return dict(zip(PROFILES, answers, strict=True))


PUBLIC = row(OK, OK, OK, OK, OK, OK, OK)
# Registration and login: a signed-in person is sent on to the home page.
GUEST = row(OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)
LOGGED_IN = row(LOGIN, OK, OK, OK, OK, OK, OK)
# A space a user reaches through a subscription: O's manager through O, S's users through S.
SUBSCRIBED = row(LOGIN, OK, FORBIDDEN, OK, OK, OK, OK)
MANAGERS = row(LOGIN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)
# A page about one of S's objects: O's manager holds the space, but not through S.
S_MANAGERS = row(LOGIN, HIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)

# name → (URL builder, expected answer per profile)
PAGES: dict[str, tuple[Callable[[World], str], dict[str, str]]] = {
    # public: registration, login, password recovery, the directory of recipients
    "accounts:register": (lambda w: reverse("accounts:register"), GUEST),
    "accounts:register_done": (lambda w: reverse("accounts:register_done"), PUBLIC),
    "accounts:register_confirm": (lambda w: reverse("accounts:register_confirm", args=["lien-invalide"]), PUBLIC),
    "accounts:login_verify": (lambda w: reverse("accounts:login_verify"), row(*[LOGIN] * 7)),
    "portal:login": (lambda w: reverse("portal:login"), GUEST),
    "portal:password_reset": (lambda w: reverse("portal:password_reset"), PUBLIC),
    "portal:password_reset_done": (lambda w: reverse("portal:password_reset_done"), PUBLIC),
    "portal:password_reset_confirm": (
        lambda w: reverse("portal:password_reset_confirm", args=["MQ", "jeton-invalide"]),
        PUBLIC,
    ),
    "portal:password_reset_complete": (lambda w: reverse("portal:password_reset_complete"), PUBLIC),
    "structures:directory": (lambda w: reverse("structures:directory") + "?name=e", PUBLIC),
    "structures:directory_csv": (lambda w: reverse("structures:directory_csv"), PUBLIC),
    "structures:directory_zip": (lambda w: reverse("structures:directory_zip"), PUBLIC),
    # Mon compte: every logged-in person
    "portal:home": (lambda w: reverse("portal:home"), LOGGED_IN),
    "portal:password_change": (lambda w: reverse("portal:password_change"), LOGGED_IN),
    "accounts:profile": (lambda w: reverse("accounts:profile"), LOGGED_IN),
    "accounts:two_factor": (lambda w: reverse("accounts:two_factor"), LOGGED_IN),
    "accounts:attachment_request": (lambda w: reverse("accounts:attachment_request") + "?q=Commune", LOGGED_IN),
    "accounts:subscription_request": (lambda w: reverse("accounts:subscription_request"), LOGGED_IN),
    # Activités du gestionnaire
    "accounts:manager_requests": (lambda w: reverse("accounts:manager_requests"), MANAGERS),
    "accounts:manager_members": (lambda w: reverse("accounts:manager_members"), MANAGERS),
    "accounts:manager_spaces": (lambda w: reverse("accounts:manager_spaces"), MANAGERS),
    "accounts:manager_history": (lambda w: reverse("accounts:manager_history"), MANAGERS),
    "accounts:manager_transfer": (lambda w: reverse("accounts:manager_transfer"), MANAGERS),
    "accounts:manager_duplicate": (lambda w: reverse("accounts:manager_duplicate"), MANAGERS),
    "accounts:manager_mergers": (lambda w: reverse("accounts:manager_mergers"), MANAGERS),
    "accounts:manager_merger": (lambda w: reverse("accounts:manager_merger", args=[w.merger.pk]), S_MANAGERS),
    "structures:manage_list": (lambda w: reverse("structures:manage_list"), MANAGERS),
    "structures:manage_detail": (lambda w: reverse("structures:manage_detail", args=[w.s.pk]), S_MANAGERS),
    "structures:service_edit": (
        lambda w: reverse("structures:service_edit", args=[w.s.pk, w.service.pk]),
        S_MANAGERS,
    ),
    "structures:document_download": (
        lambda w: reverse("structures:document_download", args=[w.document.pk]),
        S_MANAGERS,
    ),
    # Raccordement EDI & API
    "structures:technical_accounts": (lambda w: reverse("structures:technical_accounts"), SUBSCRIBED),
    "structures:connections": (lambda w: reverse("structures:connections"), SUBSCRIBED),
    "structures:applications": (lambda w: reverse("structures:applications"), SUBSCRIBED),
} | {
    # Each space's landing page
    f"portal:space:{space.name}": (
        (lambda space: lambda w: space_url(space))(space),
        LOGGED_IN if space == Space.MON_COMPTE else MANAGERS if space == Space.GESTIONNAIRE else SUBSCRIBED,
    )
    for space in Space
}


def check_answer(response: Any, expected: str, what: object) -> None:
    status = response.status_code
    if expected == OK:
        assert status == 200, (what, status)
    elif expected == LOGIN:
        assert status == 302 and response["Location"].startswith(reverse("portal:login")), (what, status)
    elif expected == REDIRECT:
        assert status == 302 and not response["Location"].startswith(reverse("portal:login")), (what, status)
    else:
        assert status == int(expected), (what, status)


def body_of(response: Any) -> str:
    if response.get("Content-Type", "").startswith(("text/", "application/json")) and not response.streaming:
        return response.content.decode("utf-8", errors="replace")
    return ""


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("page", PAGES)
def test_pages(world: World, page: str, profile: str) -> None:
    url, expected = PAGES[page]
    response = client_for(world, profile).get(url(world))
    check_answer(response, expected[profile], (page, profile))
    # No cross-structure read: S's people never see O, O's manager never sees S.
    body = body_of(response)
    foreign = S_MARKERS if profile == "other" else O_MARKERS
    assert not [marker for marker in foreign if marker in body], (page, profile)
    response.close()  # a file download holds its file open until closed


# --- writes (POST): who may, judged by the effect ------------------------------------------------


def _detail(w: World) -> str:
    return reverse("structures:manage_detail", args=[w.s.pk])


def _decide(w: World, c: Client) -> bool:
    c.post(reverse("accounts:manager_decide", args=["rattachement", w.pending.pk]), {"decision": "accept"})
    return Attachment.objects.get(pk=w.pending.pk).status == Attachment.Status.VALIDATED


def _close_space_manager_page(w: World, c: Client) -> bool:
    c.post(reverse("accounts:manager_spaces"), {"structure": w.s.pk, "space": Space.SUIVI_FLUX, "action": "close"})
    return StructureSpace.objects.filter(structure=w.s, space=Space.SUIVI_FLUX, is_open=False).exists()


def _close_space_structure_page(w: World, c: Client) -> bool:
    c.post(_detail(w), {"action": "close_space", "space": Space.FACTURES_A_VALIDER})
    return StructureSpace.objects.filter(structure=w.s, space=Space.FACTURES_A_VALIDER, is_open=False).exists()


def _transfer(w: World, c: Client) -> bool:
    c.post(reverse("accounts:manager_transfer"), {"structure": w.s.pk, "new_manager_email": "without@test.test"})
    return Attachment.objects.get(user__email="without@test.test", structure=w.s).role == Role.PRINCIPAL_MANAGER


def _duplicate(w: World, c: Client) -> bool:
    source, target = w.users["modification"], w.users["without"]
    assert source is not None and target is not None
    c.post(
        reverse("accounts:manager_duplicate"),
        {"source": source.pk, "target": target.pk, "structures": [w.s.pk]},
    )
    return SpaceSubscription.objects.filter(user=target, structure=w.s, mode=SpaceMode.MODIFICATION).exists()


def _merger_designate(w: World, c: Client) -> bool:
    principal = w.users["principal"]
    assert principal is not None
    c.post(reverse("accounts:manager_merger", args=[w.merger.pk]), {"step": "manager", "manager": principal.pk})
    return Merger.objects.get(pk=w.merger.pk).final_manager_id == principal.pk


def _create_technical_account(w: World, c: Client) -> bool:
    c.post(
        reverse("structures:technical_account_create"),
        {"structure": w.s.pk, "login": "nouveau@test.test", "password": STRONG},
    )
    return TechnicalAccount.objects.filter(user__email="nouveau@test.test").exists()


def _reset_technical_password(w: World, c: Client) -> bool:
    c.post(reverse("structures:technical_account_reset", args=[w.account.pk]), {"password": STRONG + "!"})
    return User.objects.get(pk=w.account.user_id).check_password(STRONG + "!")


def _declare_connection(w: World, c: Client) -> bool:
    c.post(
        reverse("structures:connection_declare"),
        {
            "technical_account": w.account.pk,
            "application_name": "ERP 2",
            "usage_type": "OPERATEUR_DEMATERIALISATION",
            "partner_name": "Opérateur",
            "environment": "PRODUCTION",
        },
    )
    return ApiConnection.objects.filter(technical_account=w.account, application_name="ERP 2").exists()


def _validate_connection(w: World, c: Client) -> bool:
    c.post(reverse("structures:connection_decision", args=[w.connection.pk, "valider"]))
    return ApiConnection.objects.get(pk=w.connection.pk).status == ApiConnection.Status.ACTIVE


def _update_structure(w: World, c: Client) -> bool:
    c.post(_detail(w), {"action": "update", "city": "Piratée", "postal_code": "00000"})
    return Structure.objects.get(pk=w.s.pk).city == "Piratée"


def _add_service(w: World, c: Client) -> bool:
    c.post(_detail(w), {"action": "add_service", "code": "NOUVEAU", "name": "Nouveau"})
    return w.s.services.filter(code="NOUVEAU").exists()


def _edit_service(w: World, c: Client) -> bool:
    c.post(
        reverse("structures:service_edit", args=[w.s.pk, w.service.pk]),
        {"name": "Ventes modifiées", "payment_status_reported": "on"},
    )
    return Service.objects.get(pk=w.service.pk).name == "Ventes modifiées"


def _deactivate_service(w: World, c: Client) -> bool:
    c.post(_detail(w), {"action": "deactivate_service", "service": w.service.pk})
    return not Service.objects.get(pk=w.service.pk).is_active


def _add_bank_account(w: World, c: Client) -> bool:
    c.post(
        _detail(w),
        {"action": "add_bank_account", "name": "Nouveau compte", "iban": "FR7610107001011234567890129", "bic": "BREDFRPP"},
    )
    return w.s.bank_accounts.filter(name="Nouveau compte").exists()


def _mandate(w: World, c: Client) -> bool:
    c.post(
        _detail(w),
        {"action": "mandate", "mandatary_name": "Cabinet", "mandatary_identifier": w.o.identifier,
         "valid_from": date.today().isoformat()},
    )
    return w.s.documents.filter(kind=StructureDocument.Kind.MANDATE).exists()


def _inactivate(w: World, c: Client) -> bool:
    c.post(_detail(w), {"action": "inactivate"})
    return not Structure.objects.get(pk=w.s.pk).is_active


def _register_application(w: World, c: Client) -> bool:
    c.post(reverse("structures:applications"), {"name": "Mon appli"})
    return get_application_model().objects.filter(name="Mon appli").exists()


def _request_attachment(w: World, c: Client) -> bool:
    c.post(reverse("accounts:attachment_request"), {"structure": w.public.pk})
    return Attachment.objects.filter(structure=w.public).exists()


def _request_subscription(w: World, c: Client) -> bool:
    c.post(
        reverse("accounts:subscription_request"),
        {"structure": w.s.pk, "space": Space.FACTURES_EMISES, "mode": SpaceMode.MODIFICATION},
    )
    return SpaceSubscription.objects.filter(
        structure=w.s, space=Space.FACTURES_EMISES, mode=SpaceMode.MODIFICATION, user__email="consultation@test.test"
    ).exists()


def _set_language(w: World, c: Client) -> bool:
    response = c.post(reverse("portal:set_language"), {"language": "en", "next": "/"})
    return response.status_code == 302


def _logout(w: World, c: Client) -> bool:
    c.post(reverse("portal:logout"))
    return "_auth_user_id" not in c.session


EVERYONE = set(PROFILES)
SIGNED_IN = EVERYONE - {"anonymous"}
S_MANAGER_SET = {"secondary", "principal"}
PRINCIPAL = {"principal"}

# name → (URL name it posts to, the write, who may)
WRITES: dict[str, tuple[str, Callable[[World, Client], bool], set[str]]] = {
    "decide_attachment": ("accounts:manager_decide", _decide, S_MANAGER_SET),
    "close_space_manager_page": ("accounts:manager_spaces", _close_space_manager_page, S_MANAGER_SET),
    "close_space_structure_page": ("structures:manage_detail", _close_space_structure_page, S_MANAGER_SET),
    "transfer_principal_role": ("accounts:manager_transfer", _transfer, PRINCIPAL),
    "duplicate_rights": ("accounts:manager_duplicate", _duplicate, S_MANAGER_SET),
    # the merger needs the principal manager of both structures
    "merger_designate_manager": ("accounts:manager_merger", _merger_designate, PRINCIPAL),
    "create_technical_account": ("structures:technical_account_create", _create_technical_account, PRINCIPAL),
    "reset_technical_password": ("structures:technical_account_reset", _reset_technical_password, PRINCIPAL),
    # Raccordement in modification mode (a consultation subscription is not enough)
    "declare_connection": (
        "structures:connection_declare",
        _declare_connection,
        {"modification", "secondary", "principal"},
    ),
    "validate_connection": ("structures:connection_decision", _validate_connection, PRINCIPAL),
    "update_structure": ("structures:manage_detail", _update_structure, S_MANAGER_SET),
    "add_service": ("structures:manage_detail", _add_service, S_MANAGER_SET),
    "edit_service": ("structures:service_edit", _edit_service, S_MANAGER_SET),
    "deactivate_service": ("structures:manage_detail", _deactivate_service, S_MANAGER_SET),
    "add_bank_account": ("structures:manage_detail", _add_bank_account, S_MANAGER_SET),
    "generate_mandate": ("structures:manage_detail", _mandate, S_MANAGER_SET),
    "inactivate_structure": ("structures:manage_detail", _inactivate, PRINCIPAL),
    # the developer area: an application belongs to the person, not to a structure
    "register_application": (
        "structures:applications",
        _register_application,
        SIGNED_IN - {"without"},
    ),
    "request_attachment": ("accounts:attachment_request", _request_attachment, SIGNED_IN),
    # consultation → modification of Factures émises needs no approval; O's manager cannot pick S
    "request_subscription": ("accounts:subscription_request", _request_subscription, {"consultation"}),
    "set_language": ("portal:set_language", _set_language, EVERYONE),
    "logout": ("portal:logout", _logout, EVERYONE),
}


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("write", WRITES)
def test_writes(world: World, write: str, profile: str) -> None:
    _url_name, perform, allowed = WRITES[write]
    took_effect = perform(world, client_for(world, profile))
    assert took_effect is (profile in allowed), (write, profile)


def _o_writes(w: World, c: Client) -> dict[str, bool]:
    """Writes aimed at O's objects, through S's pages or with O's ids: each says whether it took effect."""
    c.post(reverse("accounts:manager_decide", args=["rattachement", w.other_pending.pk]), {"decision": "accept"})
    c.post(reverse("structures:technical_account_reset", args=[w.other_account.pk]), {"password": STRONG + "?"})
    c.post(reverse("structures:connection_decision", args=[w.other_connection.pk, "valider"]))
    c.post(reverse("structures:service_edit", args=[w.s.pk, w.other_service.pk]), {"name": "Piraté"})
    c.post(reverse("structures:service_edit", args=[w.o.pk, w.other_service.pk]), {"name": "Piraté"})
    c.post(_detail(w), {"action": "deactivate_service", "service": w.other_service.pk})
    c.post(reverse("structures:manage_detail", args=[w.o.pk]), {"action": "update", "city": "Piratée"})
    c.post(reverse("accounts:manager_spaces"), {"structure": w.o.pk, "space": Space.SUIVI_FLUX, "action": "close"})
    c.post(
        reverse("structures:technical_account_create"),
        {"structure": w.o.pk, "login": "intrus@test.test", "password": STRONG},
    )
    c.post(
        reverse("structures:connection_declare"),
        {"technical_account": w.other_account.pk, "application_name": "ERP 2", "usage_type": "USAGE_PROPRE",
         "environment": "PRODUCTION"},
    )
    downloaded = c.get(reverse("structures:document_download", args=[w.other_document.pk])).status_code == 200
    service = Service.objects.get(pk=w.other_service.pk)
    return {
        "decide": Attachment.objects.get(pk=w.other_pending.pk).status != Attachment.Status.PENDING,
        "reset": User.objects.get(pk=w.other_account.user_id).check_password(STRONG + "?"),
        "validate": ApiConnection.objects.get(pk=w.other_connection.pk).status != ApiConnection.Status.PENDING,
        "service": service.name != "Achats" or not service.is_active,
        "structure": Structure.objects.get(pk=w.o.pk).city == "Piratée",
        "space": StructureSpace.objects.filter(structure=w.o, is_open=False).exists(),
        "technical_account": TechnicalAccount.objects.filter(user__email="intrus@test.test").exists(),
        "connection": ApiConnection.objects.filter(technical_account=w.other_account, application_name="ERP 2").exists(),
        "download": downloaded,
    }


@pytest.mark.parametrize("profile", S_PROFILES)
def test_no_write_reaches_another_structure(world: World, profile: str) -> None:
    effects = _o_writes(world, client_for(world, profile))
    assert not [name for name, happened in effects.items() if happened], profile


# --- every page is classified --------------------------------------------------------------------


def _names(patterns: list[Any], namespace: str) -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_every_page_is_in_the_matrix() -> None:
    """A new page of these apps must be added to PAGES or WRITES, with who may see it."""
    resolver = get_resolver()
    routes: set[str] = set()
    for namespace in NAMESPACES:
        _prefix, sub_resolver = resolver.namespace_dict[namespace]
        routes |= _names(sub_resolver.url_patterns, namespace)
    covered = {name.rsplit(":", 1)[0] if name.startswith("portal:space:") else name for name in PAGES}
    covered |= {url_name for url_name, _write, _who in WRITES.values()}
    assert sorted(routes - covered) == [], "pages missing from the authorization matrix"
    assert sorted(covered - routes) == [], "the matrix names pages that do not exist"


# --- the API -------------------------------------------------------------------------------------

API_CALLERS = (*PROFILES, "own")


def api_headers(world: World, caller: str) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    token = get_access_token_model().objects.create(
        application=world.application,
        token=f"token-{caller}",
        expires=timezone.now() + timedelta(hours=1),
        scope="openid",
    )
    login = world.api_accounts[caller].user.email
    account = base64.b64encode(f"{login}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Bearer {token.token}", "HTTP_CPRO_ACCOUNT": account}


def _ids(rows: list[dict[str, Any]], key: str) -> set[int]:
    return {row[key] for row in rows}


ATTACHED = {"without", "consultation", "modification", "secondary", "principal", "own"}
IN_SPACE = ATTACHED - {"without"}

# operation → (path, body, "does the answer show S?", who sees S). Everybody else gets either
# "not found" (404) or an answer without S: never S's data.
API_OPERATIONS: dict[str, tuple[str, Callable[[World], dict[str, Any]], Callable[[World, Any], bool], set[str]]] = {
    "rechercher": (
        "/cpro/structures/v1/rechercher",
        lambda w: {"structure": {"identifiantStructure": w.s.identifier}},
        lambda w, d: w.s.pk in _ids(d["listeStructures"], "idStructureCPP"),
        ATTACHED,
    ),
    "consulter": (
        "/cpro/structures/v1/consulter",
        lambda w: {"idStructureCPP": w.s.pk},
        lambda w, d: d["informationGenerales"]["idStructureCPP"] == w.s.pk,
        ATTACHED,
    ),
    "rechercher/services": (
        "/cpro/structures/v1/rechercher/services",
        lambda w: {"idStructure": w.s.pk},
        lambda w, d: bool(d["listeServices"]),
        ATTACHED,
    ),
    "consulter/service": (
        "/cpro/structures/v1/consulter/service",
        lambda w: {"idStructure": w.s.pk, "idService": w.service.pk},
        lambda w, d: d["informationsGenerales"]["codeService"] == "VENTES",
        ATTACHED,
    ),
    # another user's attachment: only S's managers and S's own technical account
    "lister/rattachementsutilisateur": (
        "/cpro/structures/v1/lister/rattachementsutilisateur",
        lambda w: {"idStructure": w.s.pk, "adresseEmailConnexionUtilisateur": "principal@test.test"},
        lambda w, d: bool(d["listeServices"]),
        {"secondary", "principal", "own"},
    ),
    "rechercher/espaces": (
        "/cpro/structures/v1/rechercher/espaces",
        lambda w: {"structure": {"idStructure": w.s.pk}},
        lambda w, d: bool(d["listeEspace"]),
        IN_SPACE,
    ),
    "recuperer/structures/actives/fournisseur": (
        "/cpro/transverses/v1/recuperer/structures/actives/fournisseur",
        lambda w: {},
        lambda w, d: w.s.pk in _ids(d["listeStructures"], "idStructureCPP"),
        IN_SPACE,
    ),
    "recuperer/structures/actives/destinataire": (
        "/cpro/transverses/v1/recuperer/structures/actives/destinataire",
        lambda w: {},
        lambda w, d: w.s.pk in _ids(d["listeStructures"], "idStructureCPP"),
        IN_SPACE,
    ),
    "recuperer/structuresPourUtilisateur": (
        "/cpro/transverses/v1/recuperer/structuresPourUtilisateur",
        lambda w: {"espaceFo": SPACE_IDS[Space.RACCORDEMENT]},
        lambda w, d: w.s.pk in _ids(d["listeStructures"], "idStructure"),
        IN_SPACE,
    ),
    "consulter/information/siret": (
        "/cpro/transverses/v1/consulter/information/siret",
        lambda w: {"siretStructure": w.s.identifier},
        lambda w, d: d["siret"] == w.s.identifier,
        ATTACHED,
    ),
    "rechercher/destinataire": (
        "/cpro/transverses/v1/rechercher/destinataire",
        lambda w: {"identifiant": w.s.identifier, "typeStructure": "PRIVEE"},
        lambda w, d: w.s.pk in _ids(d["listeDestinataires"], "idStructureCPP"),
        ATTACHED,
    ),
    "rechercher/serviceexecutant": (
        "/cpro/transverses/v1/rechercher/serviceexecutant",
        lambda w: {"idDestinataireCPP": w.s.pk},
        lambda w, d: bool(d["listeServices"]),
        ATTACHED,
    ),
    # bank details are for issuing invoices: the « Factures émises » space
    "recuperer/coordbanc/valides": (
        "/cpro/transverses/v1/recuperer/coordbanc/valides",
        lambda w: {"idStructure": w.s.pk},
        lambda w, d: bool(d["listeCoordonneeBancaire"]),
        IN_SPACE,
    ),
    # the caller's own attachments: S's technical account acts for S without an attachment row
    "monCompte/recuperer/rattachements": (
        "/cpro/utilisateurs/v1/monCompte/recuperer/rattachements",
        lambda w: {},
        lambda w, d: w.s.pk in _ids(d["listeStructureRattachement"], "idStructure"),
        ATTACHED - {"own"},
    ),
    # public data: every technical account
    "telecharger/annuaire/destinataire": (
        "/cpro/transverses/v1/telecharger/annuaire/destinataire",
        lambda w: {},
        lambda w, d: bool(d["fichierResultat"]),
        set(API_CALLERS) - {"anonymous"},
    ),
    "recuperer/typeidentifiant/structure": (
        "/cpro/transverses/v1/recuperer/typeidentifiant/structure",
        lambda w: {},
        lambda w, d: bool(d["listeTypeIdentifiant"]),
        set(API_CALLERS) - {"anonymous"},
    ),
}


@pytest.mark.parametrize("caller", API_CALLERS)
@pytest.mark.parametrize("operation", API_OPERATIONS)
def test_api_operations(world: World, operation: str, caller: str) -> None:
    path, body, shows_s, who = API_OPERATIONS[operation]
    response = Client().post(path, body(world), content_type="application/json", **api_headers(world, caller))
    if caller == "anonymous":
        assert response.status_code == 401, operation
        return
    data = response.json()
    if caller in who:
        assert response.status_code == 200 and data["codeRetour"] == 0, (operation, caller, response.content)
        assert shows_s(world, data), (operation, caller)
    else:
        # "not found" hides a private structure; 403 says which space is missing
        assert response.status_code in (200, 403, 404), (operation, caller, response.content)
        assert response.status_code != 200 or not shows_s(world, data), (operation, caller)


def test_every_issue_4_operation_is_in_the_matrix() -> None:
    """Every operation of the structures and utilisateurs APIs, and every transverses operation of
    ``facturier.api.transverses.views`` (issue 4; the health check aside), is classified."""
    from facturier.api.structures.urls import urlpatterns as structures
    from facturier.api.transverses.urls import urlpatterns as transverses
    from facturier.api.utilisateurs.urls import urlpatterns as utilisateurs

    routes = {f"/cpro/structures/v1/{p.pattern}" for p in structures}
    routes |= {f"/cpro/utilisateurs/v1/{p.pattern}" for p in utilisateurs}
    routes |= {
        f"/cpro/transverses/v1/{p.pattern}"
        for p in transverses
        if p.callback.view_class.__module__ == "facturier.api.transverses.views" and str(p.pattern) != "health-check"
    }
    covered = {path for path, _body, _shows, _who in API_OPERATIONS.values()}
    assert sorted(routes - covered) == [], "operations missing from the authorization matrix"
    assert sorted(covered - routes) == [], "the matrix names operations that do not exist"


@pytest.mark.parametrize("profile", S_PROFILES)
def test_a_persons_credentials_never_open_the_api(world: World, profile: str) -> None:
    token = get_access_token_model().objects.create(
        application=world.application, token=f"person-{profile}", expires=timezone.now() + timedelta(hours=1),
        scope="openid",
    )
    account = base64.b64encode(f"{profile}@test.test:{PASSWORD}".encode()).decode()
    response = Client().post(
        "/cpro/structures/v1/rechercher", {}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token.token}", HTTP_CPRO_ACCOUNT=account,
    )
    assert response.status_code == 401


# --- a space the structure closed gives nothing ----------------------------------------------------


def test_closed_spaces_give_nothing(world: World) -> None:
    principal = world.users["principal"]
    assert principal is not None
    for space in (Space.RACCORDEMENT, Space.FACTURES_EMISES, Space.FACTURES_RECUES):
        structure_close_space(actor=principal, structure=world.s, space=space)
    for profile in ("consultation", "modification", "secondary", "principal"):
        client = client_for(world, profile)
        for name in ("structures:technical_accounts", "structures:connections", "structures:applications"):
            assert client.get(reverse(name)).status_code == 403, (name, profile)
        for space in (Space.RACCORDEMENT, Space.FACTURES_EMISES, Space.FACTURES_RECUES):
            assert client.get(space_url(space)).status_code == 403, (space, profile)
        assert client.get(space_url(Space.SUIVI_FLUX)).status_code == 200  # still open
    assert not _declare_connection(world, client_for(world, "modification"))
    # The manager space follows the role, not a subscription: it stays.
    assert client_for(world, "principal").get(reverse("structures:manage_list")).status_code == 200
    for caller in ("consultation", "own"):
        for operation in (
            "recuperer/structures/actives/fournisseur",
            "recuperer/structures/actives/destinataire",
            "recuperer/structuresPourUtilisateur",
            "recuperer/coordbanc/valides",
        ):
            path, body, shows_s, _who = API_OPERATIONS[operation]
            response = Client().post(path, body(world), content_type="application/json", **api_headers(world, caller))
            assert response.status_code in (200, 403, 404), (operation, caller)
            assert response.status_code != 200 or not shows_s(world, response.json()), (operation, caller)
            get_access_token_model().objects.filter(token=f"token-{caller}").delete()


@pytest.mark.parametrize("profile", ("other", "secondary", "principal"))
def test_manager_pages_show_their_own_structures_requests(world: World, profile: str) -> None:
    client = client_for(world, profile)
    ours, theirs = ("neighbour@test.test", "applicant@test.test") if profile == "other" else (
        "applicant@test.test", "neighbour@test.test")
    for name in ("accounts:manager_requests", "accounts:manager_history"):
        body = client.get(reverse(name)).content.decode()
        assert ours in body and theirs not in body, (name, profile)
