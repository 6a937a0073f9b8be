"""Real clients against a real server: the PyPI ``chorus-api`` client, target #1 (api.md §9.1)."""

from __future__ import annotations

from typing import Any

import pytest
from chorusapi.client import ChorusAPI
from chorusapi.exceptions.exception import ChorusApiException

from tests.api.conftest import CLIENT_ID, CLIENT_SECRET, TECH_LOGIN
from tests.factories import PASSWORD


def chorus_api(
    live_server: Any, *, client_secret: str = CLIENT_SECRET, tech_password: str = PASSWORD
) -> ChorusAPI:
    api = ChorusAPI(
        client_id=CLIENT_ID,
        client_secret=client_secret,
        tech_username=TECH_LOGIN,
        tech_password=tech_password,
        sandbox=True,
    )
    api.auth_url = live_server.url + "/api/oauth/token"
    api.api_url = live_server.url
    return api


@pytest.mark.django_db(transaction=True)
def test_chorus_api_authenticates_and_checks_health(
    live_server: Any, application: Any, technical_account: Any
) -> None:
    api = chorus_api(live_server).auth()
    assert api.get_token()
    health = api.health_check()
    assert health.status_code_value == 200
    assert health.status_code == "OK"
    assert isinstance(health.body, str) and health.body


@pytest.mark.django_db(transaction=True)
def test_chorus_api_sees_a_wrong_secret(live_server: Any, application: Any) -> None:
    with pytest.raises(ChorusApiException, match="invalid_client"):
        chorus_api(live_server, client_secret="wrong").auth()


@pytest.mark.django_db(transaction=True)
def test_chorus_api_sees_a_wrong_technical_password(
    live_server: Any, application: Any, technical_account: Any
) -> None:
    api = chorus_api(live_server, tech_password="wrong").auth()
    with pytest.raises(ChorusApiException, match="Code: 401"):
        api.health_check()


@pytest.mark.django_db(transaction=True)
def test_wrong_account_over_http_keeps_the_exact_headers(
    live_server: Any, application: Any, technical_account: Any
) -> None:
    import requests

    from tests.api.conftest import HEALTH_CHECK, cpro_account

    token = chorus_api(live_server).auth().get_token()
    response = requests.get(
        live_server.url + HEALTH_CHECK,
        headers={"Authorization": f"Bearer {token}", "cpro-account": cpro_account(TECH_LOGIN, "wrong")},
        timeout=10,
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="PISTE",error="Unauthorized",error_description="login or password incorrects"'
    )
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    assert response.json()["codeRetour"] != 0
