"""Demo data: the fixed structures, users, technical account and OAuth application that a newcomer
and the documentation use. Loading is idempotent: a second run changes nothing and creates no
duplicate; passwords are set only when an account is first created."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from oauth2_provider.models import get_application_model

from facturier.accounts.models import User
from facturier.structures.models import (
    ApiConnection,
    Attachment,
    BankAccount,
    Role,
    Service,
    SpaceSubscription,
    Structure,
    StructureSpace,
    TechnicalAccount,
)
from facturier.structures.spaces import Space, SpaceMode

DEMO_PASSWORD = "facturier-demo"
DEMO_TECH_PASSWORD = "facturier-demo-tech"
DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"


@dataclass(frozen=True)
class DemoService:
    code: str
    name: str
    commitment_required: bool = False


@dataclass(frozen=True)
class DemoStructure:
    siret: str
    name: str
    kind: str
    city: str
    postal_code: str
    address: str
    manager: str
    manager_name: tuple[str, str]
    description: str
    services: tuple[DemoService, ...] = ()
    flags: dict[str, bool] = field(default_factory=dict)


PUBLIC_SPACES = (Space.FACTURES_RECUES, Space.FACTURES_EMISES, Space.SUIVI_FLUX, Space.RACCORDEMENT)
SUPPLIER_SPACES = (Space.FACTURES_EMISES, Space.SUIVI_FLUX, Space.RACCORDEMENT)
CONTRACTOR_SPACES = (Space.FACTURES_EMISES, Space.FACTURES_A_VALIDER, Space.SUIVI_FLUX, Space.RACCORDEMENT)

STRUCTURES: tuple[DemoStructure, ...] = (
    DemoStructure(
        siret="21345000000012",
        name="Commune de Montclair",
        kind=Structure.Kind.PUBLIC,
        city="Montclair",
        postal_code="34500",
        address="1 place de la Mairie",
        manager="gestionnaire@montclair.demo",
        manager_name=("Claire", "Martin"),
        description="public; service code required",
        services=(
            DemoService("FINANCES", "Direction des finances", commitment_required=True),
            DemoService("TECHNIQUE", "Services techniques"),
            DemoService("SCOLAIRE", "Affaires scolaires"),
        ),
        flags={"service_code_required": True},
    ),
    DemoStructure(
        siret="11000009800019",
        name="Ministère de l'Exemple — Service administratif",
        kind=Structure.Kind.PUBLIC,
        city="Paris",
        postal_code="75007",
        address="20 avenue de Ségur",
        manager="gestionnaire@ministere-exemple.demo",
        manager_name=("Paul", "Bernard"),
        description="public, State service; commitment number required",
        flags={"is_state_service": True, "commitment_required": True},
    ),
    DemoStructure(
        siret="21769012200015",
        name="Syndicat intercommunal des eaux",
        kind=Structure.Kind.PUBLIC,
        city="Rouen",
        postal_code="76000",
        address="5 quai de la Seine",
        manager="gestionnaire@eaux-intercommunal.demo",
        manager_name=("Inès", "Petit"),
        description="public; nothing required",
    ),
    DemoStructure(
        siret="89123456900012",
        name="Au Diapason",
        kind=Structure.Kind.PRIVATE,
        city="Lyon",
        postal_code="69002",
        address="12 rue des Musiciens",
        manager="gerant@au-diapason.demo",
        manager_name=("Lucie", "Moreau"),
        description="private micro-enterprise (supplier)",
    ),
    DemoStructure(
        siret="52345678800018",
        name="Bâtiments Durables SA",
        kind=Structure.Kind.PRIVATE,
        city="Nantes",
        postal_code="44000",
        address="8 boulevard de l'Industrie",
        manager="gestionnaire@batiments-durables.demo",
        manager_name=("Marc", "Lefèvre"),
        description="private SME (supplier, main contractor)",
    ),
    DemoStructure(
        siret="53456789600012",
        name="Sous-Traitance Services",
        kind=Structure.Kind.PRIVATE,
        city="Nantes",
        postal_code="44100",
        address="3 rue des Artisans",
        manager="gestionnaire@sous-traitance.demo",
        manager_name=("Sophie", "Garnier"),
        description="private (sub-contractor)",
    ),
)

COMMUNE_USER = "agent@montclair.demo"
TECH_LOGIN = "tech@au-diapason.demo"
COMMUNE_TECH_LOGIN = "tech@montclair.demo"
# Technical accounts (login, structure SIRET), each with an active API connection to the demo application.
TECHNICAL_ACCOUNTS = ((TECH_LOGIN, "89123456900012"), (COMMUNE_TECH_LOGIN, "21345000000012"))
# Valid IBAN/BIC pairs (checksums verified by python-stdnum), one per demo structure that gets paid.
BANK_ACCOUNTS = {
    "89123456900012": ("Compte courant Au Diapason", "FR7630006000011234567890189", "AGRIFRPP"),
    "52345678800018": ("Compte principal", "FR7610107001011234567890129", "BREDFRPP"),
}


def _french_vat(siren: str) -> str:
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def _spaces_for(spec: DemoStructure) -> tuple[Space, ...]:
    if spec.kind == Structure.Kind.PUBLIC:
        return PUBLIC_SPACES
    if spec.siret == "52345678800018":
        return CONTRACTOR_SPACES
    return SUPPLIER_SPACES


def _user(email: str, first: str, last: str, password: str, *, kind: str = User.Kind.PERSON) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, first_name=first, last_name=last, kind=kind)
    return user


def _attach(user: User, structure: Structure, role: str, spaces: tuple[Space, ...], mode: str) -> None:
    Attachment.objects.get_or_create(
        user=user, structure=structure, defaults={"role": role, "status": Attachment.Status.VALIDATED}
    )
    for space in (Space.MON_COMPTE, *spaces):
        SpaceSubscription.objects.get_or_create(
            user=user,
            structure=structure,
            space=space,
            defaults={"mode": mode, "status": SpaceSubscription.Status.ACTIVE},
        )


@transaction.atomic
def load_demo(*, with_invoices: bool = False) -> list[tuple[str, str, str]]:
    """Create (or complete) the demo world. Returns (structure, login, role) rows for the banner.
    ``with_invoices`` also deposits the demo invoices (``make run`` does; tests build their own)."""
    logins: list[tuple[str, str, str]] = []
    for spec in STRUCTURES:
        structure, _created = Structure.objects.get_or_create(
            identifier_type="SIRET",
            identifier=spec.siret,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "city": spec.city,
                "postal_code": spec.postal_code,
                "address_line": spec.address,
                "vat_number": _french_vat(spec.siret[:9]),
                **spec.flags,
            },
        )
        for service in spec.services:
            Service.objects.get_or_create(
                structure=structure,
                code=service.code,
                defaults={"name": service.name, "commitment_required": service.commitment_required},
            )
        spaces = _spaces_for(spec)
        for space in (Space.MON_COMPTE, Space.GESTIONNAIRE, *spaces):
            StructureSpace.objects.get_or_create(structure=structure, space=space)
        manager = _user(spec.manager, *spec.manager_name, DEMO_PASSWORD)
        _attach(
            manager, structure, Role.PRINCIPAL_MANAGER, (Space.GESTIONNAIRE, *spaces), SpaceMode.MODIFICATION
        )
        logins.append((spec.name, spec.manager, str(Role.PRINCIPAL_MANAGER.label)))
        if spec.siret == "21345000000012":
            agent = _user(COMMUNE_USER, "Hugo", "Durand", DEMO_PASSWORD)
            _attach(agent, structure, Role.USER, spaces, SpaceMode.MODIFICATION)
            logins.append((spec.name, COMMUNE_USER, str(Role.USER.label)))
        if spec.siret in BANK_ACCOUNTS:
            name, iban, bic = BANK_ACCOUNTS[spec.siret]
            BankAccount.objects.get_or_create(
                structure=structure, iban=iban, defaults={"name": name, "bic": bic, "created_by": manager}
            )
        if spec.siret == "89123456900012":
            demo_application(owner=manager)
    application = get_application_model().objects.get(client_id=DEMO_CLIENT_ID)
    for login, siret in TECHNICAL_ACCOUNTS:
        structure = Structure.objects.get(identifier_type="SIRET", identifier=siret)
        spec = next(item for item in STRUCTURES if item.siret == siret)
        manager = User.objects.get(email=spec.manager)
        tech = _user(login, "API", structure.name[:150], DEMO_TECH_PASSWORD, kind=User.Kind.TECHNICAL)
        account, _created = TechnicalAccount.objects.get_or_create(
            user=tech, defaults={"structure": structure, "created_by": manager}
        )
        _attach(tech, structure, Role.USER, _spaces_for(spec), SpaceMode.MODIFICATION)
        ApiConnection.objects.get_or_create(
            application=application,
            technical_account=account,
            environment=ApiConnection.Environment.PRODUCTION,
            defaults={
                "structure": structure,
                "application_name": application.name,
                "usage_type": ApiConnection.UsageType.OWN_USE,
                "status": ApiConnection.Status.ACTIVE,
                "declared_by": manager,
                "validated_by": manager,
            },
        )
    # Au Diapason's technical account is also an EDI partner (SFTP, watched inbox): docs/edi.md.
    from facturier.edi.partners import edi_partner_open

    tech_account = TechnicalAccount.objects.get(user__email=TECH_LOGIN)
    edi_partner_open(actor=None, technical_account=tech_account, code="DIA001")
    if with_invoices:  # a few invoices in the states each space shows (received, issued, to validate)
        from .demo_invoices import load_demo_invoices

        load_demo_invoices()
    return logins


def demo_application(*, owner: User):
    application_model = get_application_model()
    application = application_model.objects.filter(client_id=DEMO_CLIENT_ID).first()
    if application is None:
        application = application_model.objects.create(
            name="Application de démonstration",
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
            user=owner,
        )
    return application


def banner(logins: list[tuple[str, str, str]], *, base_url: str) -> str:
    width = max(len(login) for _s, login, _r in logins)
    lines = [
        "",
        "facturier — demo accounts (password: %s)" % DEMO_PASSWORD,
        "",
    ]
    lines += [f"  {login.ljust(width)}  {role:<24} {structure}" for structure, login, role in logins]
    lines += [
        "",
        "API (Chorus Pro compatible):",
        f"  token:          POST {base_url}/api/oauth/token  client_id={DEMO_CLIENT_ID} client_secret={DEMO_CLIENT_SECRET}",
        f"  cpro-account:   {TECH_LOGIN} / {DEMO_TECH_PASSWORD}  (Au Diapason, supplier)",
        f"                  {COMMUNE_TECH_LOGIN} / {DEMO_TECH_PASSWORD}  (Commune de Montclair, recipient)",
        "                  both connected to the demo application (« Raccordement EDI & API »)",
        f"  health check:   GET {base_url}/cpro/transverses/v1/health-check",
        f"  API docs:       {base_url}/api/docs/",
        f"  SFTP (EDI):     sftp -P {settings.FACTURIER_EDI_PORT} {TECH_LOGIN}@{settings.FACTURIER_EDI_HOST}  (docs/edi.md)",
        "",
        f"Public directory of recipients: {base_url}/annuaire/",
        "",
    ]
    return "\n".join(lines)
