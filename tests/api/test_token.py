"""POST /api/oauth/token: the PISTE-style client-credentials endpoint (api.md §2.2)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import CLIENT_ID, CLIENT_SECRET

TOKEN_URL = "/api/oauth/token"
FORM = "application/x-www-form-urlencoded"

pytestmark = pytest.mark.django_db


def post_raw(client: Client, body: str, url: str = TOKEN_URL, **extra: Any) -> Any:
    """chorus-api builds the body by concatenation, not URL-encoded, under a lower-case header."""
    return client.generic("POST", url, body.encode(), content_type=FORM, **extra)


def assert_token_answer(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "no-store"
    payload = response.json()
    assert set(payload) == {"access_token", "token_type", "expires_in", "scope"}
    assert payload["token_type"] == "Bearer"
    assert payload["scope"] == "openid"
    assert isinstance(payload["expires_in"], int) and not isinstance(payload["expires_in"], bool)
    assert 0 < payload["expires_in"] <= 32767  # GO decodes it into an int16
    assert payload["expires_in"] == 3600
    assert payload["access_token"]
    return payload


def assert_token_error(response: Any, status: int, error: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    payload = response.json()
    assert payload["error"] == error
    assert isinstance(payload["error_description"], str) and payload["error_description"]


def test_chorus_api_style_body_gets_a_token(application: Any) -> None:
    body = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&scope=openid"
    assert_token_answer(post_raw(Client(), body))


def test_scope_is_optional_as_go_never_sends_it(application: Any) -> None:
    body = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    assert_token_answer(post_raw(Client(), body))


def test_trailing_slash_is_accepted(application: Any) -> None:
    body = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    assert_token_answer(post_raw(Client(), body, url=TOKEN_URL + "/"))


def test_http_basic_client_authentication_works_too(application: Any) -> None:
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    response = post_raw(Client(), "grant_type=client_credentials", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert_token_answer(response)


def test_the_issued_token_opens_the_api(application: Any, account_header: str) -> None:
    body = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&scope=openid"
    token = assert_token_answer(post_raw(Client(), body))["access_token"]
    response = Client().get(
        "/cpro/transverses/v1/health-check",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_CPRO_ACCOUNT=account_header,
    )
    assert response.status_code == 200, response.content


def test_wrong_secret_is_a_json_invalid_client(application: Any) -> None:
    body = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret=wrong&scope=openid"
    assert_token_error(post_raw(Client(), body), 401, "invalid_client")


def test_unknown_client_is_a_json_invalid_client(application: Any) -> None:
    body = "grant_type=client_credentials&client_id=nobody&client_secret=nothing"
    assert_token_error(post_raw(Client(), body), 401, "invalid_client")


def test_inactive_application_gets_no_token(application: Any) -> None:
    application.is_active = False
    application.save(update_fields=["is_active"])
    body = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    assert_token_error(post_raw(Client(), body), 401, "invalid_client")


def test_missing_grant_type(application: Any) -> None:
    body = f"client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    assert_token_error(post_raw(Client(), body), 400, "unsupported_grant_type")


def test_other_grant_types_are_refused(application: Any) -> None:
    body = f"grant_type=password&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&username=a&password=b"
    assert_token_error(post_raw(Client(), body), 400, "unsupported_grant_type")


def test_unknown_scope(application: Any) -> None:
    body = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&scope=admin"
    assert_token_error(post_raw(Client(), body), 400, "invalid_scope")


def test_get_is_a_json_405() -> None:
    response = Client().get(TOKEN_URL)
    assert_token_error(response, 405, "invalid_request")
    assert response["Allow"] == "POST"
