"""Fixtures of the API tests: an OAuth application, a technical account, a token, headers."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from facturier.structures.models import ApiConnection, TechnicalAccount
from tests.factories import PASSWORD, StructureFactory, TechnicalUserFactory

CLIENT_ID = "test-client"
CLIENT_SECRET = "test-secret-0123456789"
TECH_LOGIN = "tech@au-diapason.test"
HEALTH_CHECK = "/cpro/transverses/v1/health-check"
CHORUS_CONTENT_TYPE = "application/json;charset=utf-8"


def cpro_account(login: str, password: str) -> str:
    return base64.b64encode(f"{login}:{password}".encode()).decode()


def connect(application: Any, technical_account: TechnicalAccount) -> ApiConnection:
    """An ACTIF API connection (raccordement) between the application and the technical account:
    without one, check_api_connection refuses every call."""
    connection, _created = ApiConnection.objects.get_or_create(
        application=application,
        technical_account=technical_account,
        environment=ApiConnection.Environment.PRODUCTION,
        defaults={
            "structure": technical_account.structure,
            "application_name": application.name,
            "usage_type": ApiConnection.UsageType.OWN_USE,
            "status": ApiConnection.Status.ACTIVE,
            "declared_by": technical_account.user,
        },
    )
    return connection


def _connect_fixtures() -> None:
    # The `application` and `technical_account` fixtures come connected, whichever is made first.
    application = get_application_model().objects.filter(client_id=CLIENT_ID).first()
    account = TechnicalAccount.objects.filter(user__email=TECH_LOGIN).select_related("structure", "user").first()
    if application is not None and account is not None:
        connect(application, account)


@pytest.fixture
def application(db: None) -> Any:
    # DOT 3 hashes the secret on save: create it with the plaintext.
    application = get_application_model().objects.create(
        name="Test client",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type="confidential",
        authorization_grant_type="client-credentials",
    )
    _connect_fixtures()
    return application


@pytest.fixture
def technical_account(db: None) -> TechnicalAccount:
    structure = StructureFactory(name="Au Diapason")
    user = TechnicalUserFactory(email=TECH_LOGIN)
    account = TechnicalAccount.objects.create(user=user, structure=structure)
    _connect_fixtures()
    return account


@pytest.fixture
def access_token(application: Any) -> Any:
    return get_access_token_model().objects.create(
        application=application,
        token="test-access-token-0123456789",
        expires=timezone.now() + timedelta(hours=1),
        scope="openid",
    )


@pytest.fixture
def account_header(technical_account: TechnicalAccount) -> str:
    return cpro_account(TECH_LOGIN, PASSWORD)


@pytest.fixture
def api_headers(access_token: Any, account_header: str) -> dict[str, str]:
    """Headers as chorus-api sends them (Django test client spelling)."""
    return {
        "HTTP_AUTHORIZATION": f"Bearer {access_token.token}",
        "HTTP_CPRO_ACCOUNT": account_header,
    }


@pytest.fixture
def api_client() -> Client:
    return Client()
