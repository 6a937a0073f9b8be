"""check_api_connection: an API call needs an ACTIF connection (raccordement) between the token's
application and the technical account, an active structure and an unexpired technical password."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_application_model

from facturier.accounts.models import User
from facturier.structures.models import ApiConnection, Structure, TechnicalAccount
from tests.api.conftest import HEALTH_CHECK

pytestmark = pytest.mark.django_db


def get(api_client: Client, api_headers: dict[str, str]) -> Any:
    return api_client.get(HEALTH_CHECK, **api_headers)


def assert_denied(response: Any, libelle: str) -> dict[str, Any]:
    assert response.status_code == 403, response.content
    assert response["Content-Type"] == "application/json;charset=utf-8"
    body = response.json()
    assert body["codeRetour"] == 403
    assert body["libelle"] == libelle
    return body


@pytest.mark.parametrize("status", [ApiConnection.Status.PENDING, ApiConnection.Status.INACTIVE])
def test_a_connection_that_is_not_active_is_refused(
    api_client: Client, api_headers: dict[str, str], status: str
) -> None:
    ApiConnection.objects.update(status=status)
    body = assert_denied(get(api_client, api_headers), "API_MSG_RACCORDEMENT_ABSENT")
    assert "Test client" in body["message"] and "Raccordement" in body["message"]


def test_no_connection_at_all_is_refused(api_client: Client, api_headers: dict[str, str]) -> None:
    ApiConnection.objects.all().delete()
    assert_denied(get(api_client, api_headers), "API_MSG_RACCORDEMENT_ABSENT")


def test_a_connection_of_another_application_does_not_count(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
) -> None:
    other = get_application_model().objects.create(
        name="Autre", client_type="confidential", authorization_grant_type="client-credentials"
    )
    ApiConnection.objects.update(application=other)
    assert_denied(get(api_client, api_headers), "API_MSG_RACCORDEMENT_ABSENT")


def test_an_inactive_structure_is_refused_clearly(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
) -> None:
    Structure.objects.filter(pk=technical_account.structure_id).update(status=Structure.Status.INACTIVE)
    body = assert_denied(get(api_client, api_headers), "API_MSG_STRUCTURE_INACTIVE")
    assert "inactive" in body["message"]


def test_an_expired_technical_password_is_refused_clearly(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
) -> None:
    User.objects.filter(pk=technical_account.user_id).update(
        password_changed_at=timezone.now() - timedelta(days=424, minutes=1)
    )
    body = assert_denied(get(api_client, api_headers), "API_MSG_MOT_DE_PASSE_EXPIRE")
    assert "424" in body["message"]


def test_a_password_one_day_before_expiry_still_works(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
) -> None:
    User.objects.filter(pk=technical_account.user_id).update(
        password_changed_at=timezone.now() - timedelta(days=423)
    )
    assert get(api_client, api_headers).status_code == 200
    technical_account.refresh_from_db()
    technical_account.user.refresh_from_db()
    assert technical_account.password_expires_soon() and not technical_account.password_expired()


def test_lenient_mode_still_checks_structure_and_password(
    api_client: Client, account_header: str, technical_account: TechnicalAccount, settings: Any
) -> None:
    settings.FACTURIER_API_LENIENT_BEARER = True
    assert api_client.get(HEALTH_CHECK, HTTP_CPRO_ACCOUNT=account_header).status_code == 200
    structure = technical_account.structure
    structure.status = Structure.Status.INACTIVE
    structure.save(update_fields=["status"])  # as the structure services do: the API forgets the caller
    assert_denied(
        api_client.get(HEALTH_CHECK, HTTP_CPRO_ACCOUNT=account_header), "API_MSG_STRUCTURE_INACTIVE"
    )
