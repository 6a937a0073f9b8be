"""Portal pages of the structures app: directory, raccordement pages, manager page."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from facturier.accounts.models import User
from facturier.structures.models import ApiConnection, Structure, StructureDocument, TechnicalAccount
from facturier.structures.spaces import Space, SpaceMode
from tests.factories import ServiceFactory, StructureFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


def test_public_directory_search_and_downloads(client: Client) -> None:
    commune = StructureFactory(
        name="Commune de Montclair", public=True, city="Montclair", commitment_required=True
    )
    ServiceFactory(structure=commune, code="FINANCES", name="Direction des finances")
    StructureFactory(name="Entreprise privée", city="Montclair")
    page = client.get(reverse("structures:directory"), {"city": "montclair"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Commune de Montclair" in body and "FINANCES" in body and "Entreprise privée" not in body
    assert (
        client.get(reverse("structures:directory"), {"siret": commune.identifier})
        .content.decode()
        .count("Commune de Montclair")
        >= 1
    )
    csv_response = client.get(reverse("structures:directory_csv"))
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == commune.identifier and rows[1][12] == "FINANCES"
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("structures:directory_zip")).content))
    assert archive.namelist() == ["annuaire_destinataires.csv"]


def test_technical_accounts_page_warns_before_expiry(
    client: Client, structure: Structure, principal: User
) -> None:
    SubscriptionFactory(
        user=principal, structure=structure, space=Space.RACCORDEMENT, mode=SpaceMode.MODIFICATION
    )
    client.force_login(principal)
    response = client.post(
        reverse("structures:technical_account_create"),
        {"structure": structure.pk, "login": "api@diapason.test", "password": "Un-mot-de-passe-solide-2025"},
    )
    assert response.status_code == 302
    account = TechnicalAccount.objects.get(user__email="api@diapason.test")
    User.objects.filter(pk=account.user_id).update(password_changed_at=timezone.now() - timedelta(days=415))
    body = client.get(reverse("structures:technical_accounts")).content.decode()
    assert "api@diapason.test" in body and "Expire bientôt" in body
    client.post(
        reverse("structures:technical_account_reset", args=[account.pk]),
        {"password": "Un-autre-mot-de-passe-2026"},
    )
    assert "Expire bientôt" not in client.get(reverse("structures:technical_accounts")).content.decode()


def test_developer_area_then_connection_flow(client: Client, structure: Structure, principal: User) -> None:
    SubscriptionFactory(
        user=principal, structure=structure, space=Space.RACCORDEMENT, mode=SpaceMode.MODIFICATION
    )
    client.force_login(principal)
    client.post(reverse("structures:applications"), {"name": "Mon ERP"})
    page = client.get(reverse("structures:applications")).content.decode()
    assert "Secret" in page and "Mon ERP" in page
    assert (
        "Secret (affiché" not in client.get(reverse("structures:applications")).content.decode()
    )  # shown once
    client.post(
        reverse("structures:technical_account_create"),
        {"structure": structure.pk, "login": "api@diapason.test", "password": "Un-mot-de-passe-solide-2025"},
    )
    account = TechnicalAccount.objects.get()
    response = client.post(
        reverse("structures:connection_declare"),
        {
            "technical_account": account.pk,
            "application_name": "mon erp",
            "usage_type": "USAGE_PROPRE",
            "environment": "PRODUCTION",
        },
        follow=True,
    )
    assert "majuscules" in response.content.decode()  # exact name required
    client.post(
        reverse("structures:connection_declare"),
        {
            "technical_account": account.pk,
            "application_name": "Mon ERP",
            "usage_type": "USAGE_PROPRE",
            "environment": "PRODUCTION",
        },
    )
    connection = ApiConnection.objects.get()
    assert connection.status == ApiConnection.Status.PENDING
    client.post(reverse("structures:connection_decision", args=[connection.pk, "valider"]))
    assert ApiConnection.objects.get().status == ApiConnection.Status.ACTIVE
    assert (
        client.post(reverse("structures:connection_decision", args=[connection.pk, "autre"])).status_code
        == 404
    )


def test_manager_page_edits_the_structure(client: Client, structure: Structure, principal: User) -> None:
    client.force_login(principal)
    url = reverse("structures:manage_detail", args=[structure.pk])
    assert client.get(url).status_code == 200
    client.post(
        url,
        {"action": "add_service", "code": "COMPTA", "name": "Comptabilité", "payment_status_reported": "on"},
    )
    service = structure.services.get()
    client.post(url, {"action": "deactivate_service", "service": service.pk})
    assert not structure.services.get().is_active
    response = client.post(
        url,
        {"action": "add_bank_account", "name": "X", "iban": "FR7630006000011234567890188", "bic": "AGRIFRPP"},
        follow=True,
    )
    assert "clé de contrôle" in response.content.decode()
    client.post(
        url,
        {
            "action": "add_document",
            "designation": "Kbis",
            "file": SimpleUploadedFile("kbis.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    )
    client.post(
        url,
        {
            "action": "mandate",
            "mandatary_name": "Opérateur",
            "mandatary_identifier": "73282932000074",
            "valid_from": "2025-01-01",
        },
    )
    assert set(structure.documents.values_list("kind", flat=True)) == {"PIECE_JOINTE", "MANDAT"}
    mandate = structure.documents.get(kind=StructureDocument.Kind.MANDATE)
    download = client.get(reverse("structures:document_download", args=[mandate.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.post(url, {"action": "open_space", "space": "SUIVI_FLUX"})
    assert structure.open_spaces.get(space="SUIVI_FLUX").is_open
    client.post(url, {"action": "inactivate"})
    assert not Structure.objects.get(pk=structure.pk).is_active
    assert client.get(url).status_code == 200  # still readable
    assert client.post(url, {"action": "unknown"}).status_code == 403


def test_manager_page_of_another_structure_is_a_404(client: Client, principal: User) -> None:
    client.force_login(principal)
    other = StructureFactory()
    assert client.get(reverse("structures:manage_detail", args=[other.pk])).status_code == 404


def test_a_manager_edits_a_service(client: Client, structure: Structure, secondary: User) -> None:
    service = ServiceFactory(structure=structure, code="ACHATS", name="Achats")
    client.force_login(secondary)
    detail = client.get(reverse("structures:manage_detail", args=[structure.pk])).content.decode()
    url = reverse("structures:service_edit", args=[structure.pk, service.pk])
    assert url in detail
    assert 'value="Achats"' in client.get(url).content.decode()
    response = client.post(
        url,
        {"name": "Achats publics", "valid_from": "2025-01-01", "valid_until": "2025-12-31",
         "commitment_required": "on", "payment_status_reported": ""},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name, service.commitment_required, service.payment_status_reported) == (
        "Achats publics", True, False
    )
    # A refusal says what to fix and changes nothing.
    body = client.post(url, {"name": "Achats", "valid_from": "2025-12-31", "valid_until": "2025-01-01"}, follow=True)
    assert "précède sa date de début" in body.content.decode()
    service.refresh_from_db()
    assert service.name == "Achats publics"
    # Another structure's service is not reachable through this structure's URL.
    foreign = ServiceFactory(code="AUTRE")
    assert client.get(reverse("structures:service_edit", args=[structure.pk, foreign.pk])).status_code == 404
