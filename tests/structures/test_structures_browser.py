"""The structures journeys in a real browser (Debian's chromium through Playwright), with
screenshots in test-artifacts/ (docs/structures.md shows them, from docs/img/):

1. a visitor searches the public directory of recipients;
2. a manager edits a service of their structure;
3. the principal manager creates a technical account, registers an API application in the
   developer area, declares the API connection between them and validates it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from facturier.structures.models import ApiConnection, Role, Service
from facturier.structures.spaces import Space, SpaceMode
from tests.browser import chromium, log_in, new_page  # noqa: F401
from tests.factories import AttachmentFactory, ServiceFactory, StructureFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.browser

STRONG = "Un-mot-de-passe-solide-2025"


def test_directory_service_edit_and_api_connection(
    new_page: Any, live_server: Any, transactional_db: None, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    commune = StructureFactory(
        name="Commune de Testville", public=True, city="Testville", postal_code="34000",
        address_line="1 place de la Mairie", service_code_required=True,
    )
    ServiceFactory(structure=commune, code="FINANCES", name="Finances", commitment_required=True)
    service = ServiceFactory(structure=commune, code="VOIRIE", name="Voirie")
    StructureFactory(name="Entreprise privée de Testville", city="Testville")
    manager = UserFactory(email="maire@testville.test", first_name="Claire")
    AttachmentFactory(user=manager, structure=commune, role=Role.PRINCIPAL_MANAGER)
    SubscriptionFactory(user=manager, structure=commune, space=Space.RACCORDEMENT, mode=SpaceMode.MODIFICATION)

    # 1. The public directory: no login; a private structure never shows.
    page = new_page()
    page.goto(f"{base}/annuaire/")
    page.get_by_label("Ville ou code postal").fill("Testville")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name="Commune de Testville")).to_be_visible()
    expect(page.get_by_role("cell", name="FINANCES", exact=True)).to_be_visible()
    expect(page.get_by_text("Entreprise privée de Testville")).to_have_count(0)
    page.screenshot(path=str(artifacts / "structures-directory.png"), full_page=True)

    # 2. The manager edits a service from the structure's page.
    page = new_page()
    log_in(page, base, manager.email)
    page.goto(f"{base}/gestionnaire/structures/")
    page.get_by_role("link", name="Commune de Testville").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commune de Testville")
    page.screenshot(path=str(artifacts / "structures-manage.png"), full_page=True)
    page.get_by_role("link", name="VOIRIE").click()
    page.locator("#id_name").fill("Voirie et espaces verts")
    page.get_by_label("Début de validité").fill("2025-01-01")
    page.get_by_label("Fin de validité").fill("2024-12-31")
    page.get_by_label("Numéro d'engagement obligatoire").check()
    page.get_by_role("button", name="Enregistrer").click()
    # A refusal says what to fix.
    expect(page.get_by_text("La date de fin de validité du service précède sa date de début.")).to_be_visible()
    page.get_by_label("Fin de validité").fill("2026-12-31")
    page.screenshot(path=str(artifacts / "structures-service-edit.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Service mis à jour.")).to_be_visible()
    service.refresh_from_db()
    assert service.name == "Voirie et espaces verts" and service.commitment_required

    # 3. A technical account, an application, the connection between them.
    page.goto(f"{base}/raccordement/comptes-techniques/")
    page.get_by_label("Structure").select_option(str(commune.pk))
    page.get_by_label("Identifiant (adresse e-mail)").fill("api@testville.test")
    page.locator("#id_password").fill(STRONG)
    page.get_by_role("button", name="Créer").click()
    expect(page.get_by_text("Compte technique créé.")).to_be_visible()
    expect(page.get_by_role("cell", name="api@testville.test", exact=True)).to_be_visible()
    page.screenshot(path=str(artifacts / "structures-technical-accounts.png"), full_page=True)

    page.goto(f"{base}/raccordement/developpeur/")
    page.get_by_label("Nom de l'application").fill("Logiciel Mairie")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Secret (affiché une seule fois)")).to_be_visible()
    page.screenshot(path=str(artifacts / "structures-developer.png"), full_page=True)

    page.goto(f"{base}/raccordement/raccordements/")
    page.get_by_label("Compte technique").select_option(index=1)
    # The name must match exactly, capitals included: a near miss says so.
    page.get_by_label("Nom de l'application").fill("logiciel mairie")
    page.get_by_label("Type d'usage").select_option("USAGE_PROPRE")
    page.get_by_label("Environnement").select_option("PRODUCTION")
    page.get_by_role("button", name="Déclarer").click()
    expect(page.get_by_text("Aucune application ne s'appelle exactement « logiciel mairie »")).to_be_visible()
    page.get_by_label("Compte technique").select_option(index=1)
    page.get_by_label("Nom de l'application").fill("Logiciel Mairie")
    page.get_by_label("Type d'usage").select_option("USAGE_PROPRE")
    page.get_by_label("Environnement").select_option("PRODUCTION")
    page.get_by_role("button", name="Déclarer").click()
    expect(page.get_by_text("Raccordement déclaré")).to_be_visible()
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Raccordement validé : il est actif.")).to_be_visible()
    expect(page.get_by_role("cell", name="Actif", exact=True)).to_be_visible()
    page.screenshot(path=str(artifacts / "structures-connections.png"), full_page=True)
    assert ApiConnection.objects.get(application_name="Logiciel Mairie").status == ApiConnection.Status.ACTIVE
    assert Service.objects.filter(structure=commune).count() == 2
