"""The accounts journeys in a real browser (Debian's chromium through Playwright), with screenshots
in test-artifacts/ (the user documentation shows them, from docs/img/):

1. registration with a SIRET, e-mail confirmation, an attachment request, its validation by the manager;
2. transfer of the principal-manager role;
3. the merger-by-absorption procedure, end to end.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from django.core import mail  # noqa: E402

from facturier.structures.models import Attachment, Role, Structure  # noqa: E402
from facturier.structures.spaces import Space, SpaceMode  # noqa: E402
from tests.browser import chromium, log_in, new_page  # noqa: E402, F401
from tests.factories import (  # noqa: E402
    AttachmentFactory,
    StructureFactory,
    SubscriptionFactory,
    UserFactory,
    make_siret,
)

pytestmark = pytest.mark.browser


def test_register_request_attachment_and_validation(
    new_page, live_server, transactional_db, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    diapason = StructureFactory(name="Au Diapason", identifier=make_siret(501))
    manager = UserFactory(email="gaelle@example.test", first_name="Gaëlle")
    AttachmentFactory(user=manager, structure=diapason, role=Role.PRINCIPAL_MANAGER)
    siret = make_siret(502)

    page = new_page()
    page.goto(f"{base}/connexion/")
    page.get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription")
    page.get_by_label("Numéro d'identification").fill("123 456 789 00012")
    page.get_by_label("Raison sociale ou nom").fill("Atelier Léa")
    page.locator("#id_address_line").fill("3 rue des Lilas")
    page.get_by_label("Code postal").fill("75011")
    page.get_by_label("Ville").fill("Paris")
    page.get_by_label("Prénom").fill("Léa")
    page.locator("#id_last_name").fill("Durand")
    page.get_by_label("Adresse e-mail de connexion").fill("lea@example.test")
    page.locator("#id_password1").fill("un-mot-de-passe-solide")
    page.get_by_label("Confirmation du mot de passe").fill("un-mot-de-passe-solide")
    page.get_by_role("button", name="M'inscrire").click()
    # A wrong SIRET: the refusal says exactly what to fix.
    expect(page.get_by_text("Le SIREN 123456789 est invalide")).to_be_visible()
    page.screenshot(path=str(artifacts / "accounts-register-error.png"), full_page=True)
    page.get_by_label("Numéro d'identification").fill(siret)
    page.locator("#id_password1").fill("un-mot-de-passe-solide")
    page.get_by_label("Confirmation du mot de passe").fill("un-mot-de-passe-solide")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")

    link = re.search(r"https?://\S+/inscription/confirmation/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Activer mon compte").click()
    expect(page.get_by_role("status")).to_contain_text("votre compte est actif")
    log_in(page, base, "lea@example.test", "un-mot-de-passe-solide")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Léa")
    expect(page.get_by_role("cell", name="Gestionnaire principal", exact=True)).to_be_visible()

    # Léa also works for Au Diapason: she asks to be attached to it.
    page.get_by_role("navigation", name="Espaces").get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Demander un rattachement").first.click()
    page.get_by_label("SIRET ou nom de la structure").fill("diapa")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("cell", name="Au Diapason", exact=True)).to_be_visible()
    page.screenshot(path=str(artifacts / "accounts-attachment-search.png"), full_page=True)
    page.get_by_role("button", name="Demander le rattachement à Au Diapason").click()
    expect(page.get_by_role("status")).to_contain_text("est envoyée à ses gestionnaires")

    # The manager validates it.
    manager_page = new_page()
    log_in(manager_page, base, "gaelle@example.test")
    manager_page.get_by_role("navigation", name="Espaces").get_by_role("link", name="Activités du gestionnaire").click()
    manager_page.get_by_role("link", name="Demandes à traiter").first.click()
    expect(manager_page.get_by_role("cell", name="Léa Durand <lea@example.test>")).to_be_visible()
    manager_page.get_by_label("Commentaire").first.fill("Bienvenue")
    manager_page.screenshot(path=str(artifacts / "accounts-manager-requests.png"), full_page=True)
    manager_page.get_by_role("button", name="Valider la demande de lea@example.test").click()
    expect(manager_page.get_by_role("status")).to_have_text("Demande acceptée.")
    assert Attachment.objects.get(user__email="lea@example.test", structure=diapason).status == "VALIDE"
    assert mail.outbox[-1].to == ["lea@example.test"] and "Bienvenue" in mail.outbox[-1].body
    manager_page.get_by_role("link", name="Historique").first.click()
    expect(manager_page.get_by_role("cell", name="Rattachement validé")).to_be_visible()
    manager_page.screenshot(path=str(artifacts / "accounts-manager-history.png"), full_page=True)


def test_transfer_principal_manager_role(new_page, live_server, transactional_db, artifacts: Path) -> None:
    from playwright.sync_api import expect

    structure = StructureFactory(name="Au Diapason")
    AttachmentFactory(user=UserFactory(email="gaelle@example.test"), structure=structure, role=Role.PRINCIPAL_MANAGER)
    AttachmentFactory(user=UserFactory(email="marc@example.test"), structure=structure)

    page = new_page()
    log_in(page, live_server.url, "gaelle@example.test")
    page.goto(f"{live_server.url}/gestionnaire/transfert/")
    page.get_by_label("Structure").select_option(label=str(structure))
    page.get_by_label("Identifiant de connexion").fill("nobody@example.test")
    page.get_by_role("button", name="Transférer le rôle").click()
    expect(page.get_by_text("Aucun compte n'a l'identifiant de connexion nobody@example.test.")).to_be_visible()
    page.get_by_label("Identifiant de connexion").fill("marc@example.test")
    page.screenshot(path=str(artifacts / "accounts-transfer.png"), full_page=True)
    page.get_by_role("button", name="Transférer le rôle").click()
    expect(page.get_by_role("status")).to_contain_text("marc@example.test est désormais gestionnaire principal")
    # Gaëlle is a plain user now: the manager space is gone.
    nav = page.get_by_role("navigation", name="Espaces")
    expect(nav.get_by_role("link", name="Activités du gestionnaire")).to_have_count(0)
    roles = dict(Attachment.objects.filter(structure=structure).values_list("user__email", "role"))
    assert roles == {"gaelle@example.test": Role.USER, "marc@example.test": Role.PRINCIPAL_MANAGER}


def test_merger_by_absorption(new_page, live_server, transactional_db, artifacts: Path) -> None:
    from playwright.sync_api import expect

    absorbing = StructureFactory(name="Au Diapason")
    absorbed = StructureFactory(name="Petite Harmonie")
    gaelle = UserFactory(email="gaelle@example.test")
    AttachmentFactory(user=gaelle, structure=absorbing, role=Role.PRINCIPAL_MANAGER)
    AttachmentFactory(user=gaelle, structure=absorbed, role=Role.PRINCIPAL_MANAGER)
    marc = UserFactory(email="marc@example.test", first_name="Marc", last_name="Petit")
    AttachmentFactory(user=marc, structure=absorbing)
    AttachmentFactory(user=marc, structure=absorbed, role=Role.SECONDARY_MANAGER)
    musician = UserFactory(email="musicien@example.test")
    AttachmentFactory(user=musician, structure=absorbed)
    SubscriptionFactory(user=musician, structure=absorbed, space=Space.FACTURES_EMISES, mode=SpaceMode.MODIFICATION)

    page = new_page()
    log_in(page, live_server.url, "gaelle@example.test")
    page.get_by_role("navigation", name="Espaces").get_by_role("link", name="Activités du gestionnaire").click()
    page.get_by_role("link", name="Fusion par absorption").first.click()
    page.get_by_label("Structure absorbante").select_option(label=str(absorbing))
    page.get_by_label("Structure absorbée").select_option(label=str(absorbed))
    page.screenshot(path=str(artifacts / "accounts-merger-start.png"), full_page=True)
    page.get_by_role("button", name="Commencer la fusion").click()

    expect(page.get_by_role("heading", name="Étape 1 : gestionnaire principal final")).to_be_visible()
    page.get_by_label("Gestionnaire principal final").select_option(label="Marc Petit <marc@example.test>")
    page.get_by_role("button", name="Désigner").click()
    expect(page.get_by_role("heading", name="Étape 2 : déplacer les utilisateurs")).to_be_visible()
    page.screenshot(path=str(artifacts / "accounts-merger-checklist.png"), full_page=True)
    page.get_by_role("button", name="Déplacer les utilisateurs").click()
    expect(page.get_by_role("heading", name="Étape 3 : inactiver la structure absorbée")).to_be_visible()
    page.get_by_role("button", name="Inactiver et terminer la fusion").click()
    expect(page.get_by_role("status")).to_have_text("La fusion est terminée.")
    expect(page.get_by_role("heading", name="Récapitulatif")).to_be_visible()
    expect(page.get_by_text("musicien@example.test")).to_be_visible()
    page.screenshot(path=str(artifacts / "accounts-merger-summary.png"), full_page=True)

    absorbed.refresh_from_db()
    assert absorbed.status == Structure.Status.INACTIVE
    assert Attachment.objects.get(user=marc, structure=absorbing).role == Role.PRINCIPAL_MANAGER
    assert Attachment.objects.get(user=musician, structure=absorbing).status == "VALIDE"
