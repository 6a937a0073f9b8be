"""Every /cpro/ call needs a valid Bearer token AND the cpro-account of an active technical account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from facturier.accounts.models import User
from facturier.structures.models import TechnicalAccount
from tests.api.conftest import CHORUS_CONTENT_TYPE, HEALTH_CHECK, TECH_LOGIN, connect, cpro_account
from tests.factories import PASSWORD, StructureFactory, TechnicalUserFactory, UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_CHALLENGE = (
    'Bearer realm="PISTE",error="Unauthorized",error_description="login or password incorrects"'
)


def assert_envelope(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == CHORUS_CONTENT_TYPE
    body = response.json()
    assert isinstance(body["codeRetour"], int)
    assert isinstance(body["libelle"], str) and body["libelle"]
    return body


def assert_account_refused(response: Any) -> None:
    body = assert_envelope(response, 401)
    assert response["WWW-Authenticate"] == ACCOUNT_CHALLENGE
    assert body["codeRetour"] != 0
    assert body["libelle"] == "API_MSG_COMPTE_TECHNIQUE_INVALIDE"


def assert_token_refused(response: Any) -> None:
    body = assert_envelope(response, 401)
    assert response["WWW-Authenticate"].startswith('Bearer realm="PISTE"')
    assert body["libelle"] == "API_MSG_JETON_INVALIDE"


def test_valid_token_and_account_pass(api_client: Client, api_headers: dict[str, str]) -> None:
    body = assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)
    assert body["codeRetour"] == 0
    assert body["libelle"] == "TRA_MSG_00.000"


def test_login_is_case_insensitive(api_client: Client, api_headers: dict[str, str]) -> None:
    headers = {**api_headers, "HTTP_CPRO_ACCOUNT": cpro_account(TECH_LOGIN.upper(), PASSWORD)}
    assert_envelope(api_client.get(HEALTH_CHECK, **headers), 200)


def test_request_user_is_the_technical_account(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount, access_token: Any
) -> None:
    from rest_framework.request import Request

    from facturier.api.authentication import ChorusAuthentication

    request = Request(api_client.get(HEALTH_CHECK, **api_headers).wsgi_request)
    user, auth = ChorusAuthentication().authenticate(request)
    assert user == technical_account.user
    assert auth == access_token
    assert user.technical_account.structure == technical_account.structure


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(cpro_account(TECH_LOGIN, "wrong-password"), id="wrong-password"),
        pytest.param(cpro_account("nobody@example.test", PASSWORD), id="unknown-login"),
        pytest.param("not base64 !", id="not-base64"),
        pytest.param(cpro_account(TECH_LOGIN, ""), id="empty-password"),
        pytest.param("bG9naW4=", id="no-colon"),
        pytest.param("", id="empty"),
    ],
)
def test_wrong_cpro_account_is_a_401_with_the_piste_challenge(
    api_client: Client, api_headers: dict[str, str], header: str
) -> None:
    assert_account_refused(api_client.get(HEALTH_CHECK, **{**api_headers, "HTTP_CPRO_ACCOUNT": header}))


def test_missing_cpro_account(api_client: Client, api_headers: dict[str, str]) -> None:
    headers = {key: value for key, value in api_headers.items() if key != "HTTP_CPRO_ACCOUNT"}
    assert_account_refused(api_client.get(HEALTH_CHECK, **headers))


def test_inactive_technical_user(
    api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
) -> None:
    User.objects.filter(pk=technical_account.user_id).update(is_active=False)
    assert_account_refused(api_client.get(HEALTH_CHECK, **api_headers))


def test_person_account_is_not_a_technical_account(api_client: Client, api_headers: dict[str, str]) -> None:
    UserFactory(email="person@example.test")
    headers = {**api_headers, "HTTP_CPRO_ACCOUNT": cpro_account("person@example.test", PASSWORD)}
    assert_account_refused(api_client.get(HEALTH_CHECK, **headers))


def test_technical_user_without_technical_account_row(
    api_client: Client, api_headers: dict[str, str]
) -> None:
    TechnicalUserFactory(email="orphan@example.test")
    headers = {**api_headers, "HTTP_CPRO_ACCOUNT": cpro_account("orphan@example.test", PASSWORD)}
    assert_account_refused(api_client.get(HEALTH_CHECK, **headers))


def test_missing_bearer(api_client: Client, account_header: str) -> None:
    assert_token_refused(api_client.get(HEALTH_CHECK, HTTP_CPRO_ACCOUNT=account_header))


@pytest.mark.parametrize("authorization", ["Bearer unknown-token", "Bearer ", "Basic dXNlcjpwYXNz", "token"])
def test_invalid_bearer(api_client: Client, account_header: str, authorization: str) -> None:
    assert_token_refused(
        api_client.get(HEALTH_CHECK, HTTP_AUTHORIZATION=authorization, HTTP_CPRO_ACCOUNT=account_header)
    )


def test_expired_token(api_client: Client, api_headers: dict[str, str], access_token: Any) -> None:
    access_token.expires = timezone.now() - timedelta(seconds=1)
    access_token.save(update_fields=["expires"])
    assert_token_refused(api_client.get(HEALTH_CHECK, **api_headers))


def test_token_of_a_deactivated_application_is_refused(
    api_client: Client, api_headers: dict[str, str], application: Any
) -> None:
    application.is_active = False
    application.save(update_fields=["is_active"])
    body = assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 403)
    assert body["libelle"] == "API_MSG_ACCES_REFUSE"


def test_bearer_is_checked_before_the_account(api_client: Client) -> None:
    assert_token_refused(api_client.get(HEALTH_CHECK, HTTP_CPRO_ACCOUNT="garbage"))


class TestLenientBearer:
    """GO sends the token on its first call only (api.md §9.3)."""

    @pytest.fixture(autouse=True)
    def _lenient(self, settings: Any) -> None:
        settings.FACTURIER_API_LENIENT_BEARER = True

    def test_no_authorization_but_valid_account_passes(self, api_client: Client, account_header: str) -> None:
        body = assert_envelope(api_client.get(HEALTH_CHECK, HTTP_CPRO_ACCOUNT=account_header), 200)
        assert body["codeRetour"] == 0

    def test_the_account_is_still_required(
        self, api_client: Client, technical_account: TechnicalAccount
    ) -> None:
        assert_account_refused(
            api_client.get(HEALTH_CHECK, HTTP_CPRO_ACCOUNT=cpro_account(TECH_LOGIN, "wrong-password"))
        )
        assert_account_refused(api_client.get(HEALTH_CHECK))

    def test_a_presented_token_is_still_checked(self, api_client: Client, account_header: str) -> None:
        assert_token_refused(
            api_client.get(
                HEALTH_CHECK, HTTP_AUTHORIZATION="Bearer expired-or-unknown", HTTP_CPRO_ACCOUNT=account_header
            )
        )


class TestVerifiedCredentialsCache:
    def test_a_verified_password_is_not_hashed_again(
        self, api_client: Client, api_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls: list[str] = []
        original = User.check_password

        def counting(self: User, raw: str) -> bool:
            calls.append(raw)
            return original(self, raw)

        monkeypatch.setattr(User, "check_password", counting)
        for _ in range(3):
            assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)
        assert len(calls) == 1

    def test_a_password_change_invalidates_it_at_once(
        self, api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
    ) -> None:
        assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)
        user = technical_account.user
        user.set_password("a-brand-new-password")
        user.save(update_fields=["password"])
        assert_account_refused(api_client.get(HEALTH_CHECK, **api_headers))

    def test_a_wrong_password_is_never_remembered(
        self, api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
    ) -> None:
        wrong = {**api_headers, "HTTP_CPRO_ACCOUNT": cpro_account(TECH_LOGIN, "wrong-password")}
        assert_account_refused(api_client.get(HEALTH_CHECK, **wrong))
        assert_account_refused(api_client.get(HEALTH_CHECK, **wrong))

    def test_deactivation_takes_effect_despite_the_cache(
        self, api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount
    ) -> None:
        assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)
        user = technical_account.user
        user.is_active = False
        user.save(update_fields=["is_active"])
        assert_account_refused(api_client.get(HEALTH_CHECK, **api_headers))

    def test_it_can_be_switched_off(
        self, api_client: Client, api_headers: dict[str, str], settings: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        settings.FACTURIER_API_CREDENTIALS_CACHE_SECONDS = 0
        settings.FACTURIER_API_IDENTITY_CACHE_SECONDS = 0
        calls: list[str] = []
        original = User.check_password
        monkeypatch.setattr(
            User, "check_password", lambda self, raw: calls.append(raw) or original(self, raw)
        )
        for _ in range(2):
            assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)
        assert len(calls) == 2


def test_a_second_structure_account_is_independent(
    api_client: Client, api_headers: dict[str, str], application: Any
) -> None:
    other = TechnicalUserFactory(email="tech2@example.test")
    account = TechnicalAccount.objects.create(user=other, structure=StructureFactory())
    connect(application, account)  # each account needs its own active connection
    headers = {**api_headers, "HTTP_CPRO_ACCOUNT": cpro_account("tech2@example.test", PASSWORD)}
    assert_envelope(api_client.get(HEALTH_CHECK, **headers), 200)


def test_a_full_check_costs_three_queries(
    api_client: Client, api_headers: dict[str, str], django_assert_num_queries: Any, settings: Any
) -> None:
    settings.FACTURIER_API_IDENTITY_CACHE_SECONDS = 0  # not remembered (see TestIdentityMemory)
    assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)  # verifies the password once
    # The token (with its application), the user (with its account), the active connection.
    with django_assert_num_queries(3):
        assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)


def test_an_operation_without_authentication_class_is_still_closed(rf: Any) -> None:
    from facturier.api.transverses.views import HealthCheck

    class Forgetful(HealthCheck):
        authentication_classes: list[Any] = []

    response = Forgetful.as_view()(rf.get(HEALTH_CHECK))
    response.render()
    assert response.status_code == 403  # DRF: no authenticator at all means "denied", not "unauthenticated"
    assert response["Content-Type"] == CHORUS_CONTENT_TYPE


class TestIdentityMemory:
    """A successful authentication is remembered per process, tagged with the AuthGeneration value;
    any change through the ORM, in any process, makes every process check again."""

    def queries_of_a_call(self, api_client: Client, api_headers: dict[str, str]) -> list[str]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)
        return [q["sql"] for q in queries]

    def test_a_remembered_caller_costs_one_single_row_query_at_most(
        self, api_client: Client, api_headers: dict[str, str], settings: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from facturier.api import authentication

        settings.FACTURIER_API_GENERATION_RECHECK_SECONDS = 0.1  # the default outside the tests
        clock = [1000.0]
        monkeypatch.setattr(authentication.time, "monotonic", lambda: clock[0])
        first = self.queries_of_a_call(api_client, api_headers)
        assert self.queries_of_a_call(api_client, api_headers) == []  # the generation was read 0 s ago
        clock[0] += 0.11  # then it is read again, at most every 0.1 s
        again = self.queries_of_a_call(api_client, api_headers)
        assert len(first) == 4 and len(again) == 1 and "api_authgeneration" in again[0]
        settings.FACTURIER_API_IDENTITY_CACHE_SECONDS = 0  # switched off: the full check every time
        assert len(self.queries_of_a_call(api_client, api_headers)) == 3

    def test_a_change_committed_by_another_process_takes_effect_within_a_tenth_of_a_second(
        self, api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount,
        access_token: Any, monkeypatch: pytest.MonkeyPatch, settings: Any,
    ) -> None:
        from facturier.api import authentication
        from facturier.api.authentication import auth_generation_bump

        settings.FACTURIER_API_GENERATION_RECHECK_SECONDS = 0.1  # the default outside the tests
        clock = [1000.0]
        monkeypatch.setattr(authentication.time, "monotonic", lambda: clock[0])
        assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)
        # Another process revokes the token: its row goes, and its commit raises the generation
        # (here no signal reaches this process's memory).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {access_token._meta.db_table} WHERE id = %s", [access_token.pk])
        assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)  # not told yet
        auth_generation_bump()
        clock[0] += 0.05
        assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)  # read 0.05 s ago
        clock[0] += 0.06
        assert_token_refused(api_client.get(HEALTH_CHECK, **api_headers))

    def test_a_save_raises_the_generation_once_committed(
        self, technical_account: TechnicalAccount, django_capture_on_commit_callbacks: Any
    ) -> None:
        from facturier.api.authentication import auth_generation

        before = auth_generation()
        with django_capture_on_commit_callbacks(execute=True):
            technical_account.structure.save()
        assert auth_generation() == before + 1

    def test_a_change_behind_the_orm_is_seen_after_the_lifetime(
        self, api_client: Client, api_headers: dict[str, str], technical_account: TechnicalAccount,
        monkeypatch: pytest.MonkeyPatch, settings: Any,
    ) -> None:
        import time

        from facturier.api import authentication

        settings.FACTURIER_API_IDENTITY_CACHE_SECONDS = 5
        assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)
        User.objects.filter(pk=technical_account.user_id).update(is_active=False)  # no signal, no bump
        assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)
        later = time.monotonic() + 5.1
        monkeypatch.setattr(authentication.time, "monotonic", lambda: later)
        assert_account_refused(api_client.get(HEALTH_CHECK, **api_headers))

    def test_an_expired_token_is_refused_though_remembered(
        self, api_client: Client, api_headers: dict[str, str], access_token: Any
    ) -> None:
        assert_envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)
        type(access_token).objects.filter(pk=access_token.pk).update(expires=timezone.now() - timedelta(seconds=1))
        from facturier.api.authentication import api_identities

        [(_, (_, _, remembered))] = api_identities._entries.values()
        remembered.expires = timezone.now() - timedelta(seconds=1)  # what the clock does to the copy
        assert_token_refused(api_client.get(HEALTH_CHECK, **api_headers))

    def test_each_call_gets_its_own_copy(self, technical_account: TechnicalAccount, access_token: Any) -> None:
        from facturier.api.authentication import api_identities

        api_identities.add("Bearer x", "header", 7, technical_account.user, access_token)
        user, token = api_identities.get("Bearer x", "header", 7)
        user.first_name = "changed by a view"
        user.technical_account.structure.name = "changed too"
        again, _ = api_identities.get("Bearer x", "header", 7)
        assert again.first_name == technical_account.user.first_name
        assert again.technical_account.structure.name == "Au Diapason"
        assert api_identities.get("Bearer x", "header", 8) is None  # another generation: forgotten
        assert api_identities.get("Bearer x", "header", 7) is None
