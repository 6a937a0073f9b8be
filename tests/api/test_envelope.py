"""Every /cpro/ answer is a Chorus envelope in JSON, errors included (api.md §3.1, §10.4)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from tests.api.conftest import CHORUS_CONTENT_TYPE, HEALTH_CHECK

pytestmark = pytest.mark.django_db

ECHO = "/cpro/tests/v1/echo"


def envelope(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == CHORUS_CONTENT_TYPE
    body = response.json()
    assert isinstance(body["codeRetour"], int) and not isinstance(body["codeRetour"], bool)
    assert isinstance(body["libelle"], str) and body["libelle"]
    if status != 200:
        assert body["codeRetour"] != 0
        assert body["message"]
    return body


def post(client: Client, url: str, body: str | bytes, headers: dict[str, str], **extra: Any) -> Any:
    extra.setdefault("content_type", "application/json")
    return client.generic("POST", url, body, **headers, **extra)


def test_health_check_answers_per_t3(api_client: Client, api_headers: dict[str, str]) -> None:
    body = envelope(api_client.get(HEALTH_CHECK, **api_headers), 200)
    assert body["codeRetour"] == 0
    assert body["libelle"] == "TRA_MSG_00.000"
    assert body["headers"] == {}
    assert isinstance(body["body"], str) and body["body"]
    assert body["statusCode"] == "OK"
    assert body["statusCodeValue"] == 200


def test_health_check_ignores_accept_and_content_type(
    api_client: Client, api_headers: dict[str, str]
) -> None:
    response = api_client.get(
        HEALTH_CHECK, HTTP_ACCEPT="application/xml", CONTENT_TYPE="application/json", **api_headers
    )
    envelope(response, 200)


@pytest.mark.parametrize(
    "url", ["/cpro/transverses/v1/nope", "/cpro/inconnue/v1/x", "/cpro", "/cpro/", HEALTH_CHECK + "/"]
)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_unknown_operation_is_a_404_envelope(api_client: Client, url: str, method: str) -> None:
    body = envelope(api_client.generic(method, url, b"{}", content_type="application/json"), 404)
    assert body["libelle"] == "API_MSG_API_NON_TROUVEE"


def test_wrong_method_is_a_405_envelope(api_client: Client, api_headers: dict[str, str]) -> None:
    response = post(api_client, HEALTH_CHECK, "{}", api_headers)
    body = envelope(response, 405)
    assert body["libelle"] == "API_MSG_METHODE_NON_AUTORISEE"
    assert "GET" in response["Allow"]


@pytest.mark.urls("tests.api.operations_for_tests")
class TestPostOperations:
    def test_success_envelope_and_user(self, api_client: Client, api_headers: dict[str, str]) -> None:
        body = envelope(post(api_client, ECHO, '{"idStructure": 12}', api_headers), 200)
        assert body["codeRetour"] == 0 and body["libelle"] == "TRA_MSG_00.000"
        assert body["recu"] == {"idStructure": 12}
        assert body["utilisateur"] == "tech@au-diapason.test"

    @pytest.mark.parametrize(
        "content_type",
        ["application/json", "application/json;charset=utf-8", "application/json; charset=UTF-8"],
    )
    def test_json_content_types_of_real_clients(
        self, api_client: Client, api_headers: dict[str, str], content_type: str
    ) -> None:
        body = envelope(
            post(api_client, ECHO, '{"idStructure": 3}', api_headers, content_type=content_type), 200
        )
        assert body["recu"] == {"idStructure": 3}

    def test_body_without_content_type_is_read_as_json(
        self, api_client: Client, api_headers: dict[str, str]
    ) -> None:
        response = api_client.generic("POST", ECHO, b'{"idStructure": 4}', content_type="", **api_headers)
        assert envelope(response, 200)["recu"] == {"idStructure": 4}

    def test_empty_body_is_an_empty_object(self, api_client: Client, api_headers: dict[str, str]) -> None:
        assert envelope(post(api_client, ECHO, "", api_headers), 200)["recu"] == {}

    def test_unknown_keys_are_ignored(self, api_client: Client, api_headers: dict[str, str]) -> None:
        body = envelope(
            post(api_client, ECHO, '{"idStructure": 5, "fournisseur": {"iban": "x"}, "z": 1}', api_headers),
            200,
        )
        assert body["recu"] == {"idStructure": 5}

    def test_null_empty_zero_and_empty_list_filters_are_absent(
        self, api_client: Client, api_headers: dict[str, str]
    ) -> None:
        payload = '{"idStructure": 0, "nomStructure": "", "statuts": [], "parametres": null}'
        assert envelope(post(api_client, ECHO, payload, api_headers), 200)["recu"] == {}
        payload = '{"idStructure": null, "nomStructure": "  ", "statuts": null, "parametres": {}}'
        assert envelope(post(api_client, ECHO, payload, api_headers), 200)["recu"] == {}

    def test_zero_stays_a_value_where_it_is_not_a_filter(
        self, api_client: Client, api_headers: dict[str, str]
    ) -> None:
        url = "/cpro/tests/v1/amount"
        body = envelope(
            post(api_client, url, '{"montant": 0, "remise": 0, "commentaire": null}', api_headers), 200
        )
        assert body["recu"] == {"montant": "0.000000", "remise": "0.000000"}
        body = envelope(post(api_client, url, '{"montant": 10, "commentaire": ""}', api_headers), 200)
        assert body["recu"] == {"montant": "10.000000"}

    def test_invalid_input_is_a_400_envelope_with_the_errors(
        self, api_client: Client, api_headers: dict[str, str]
    ) -> None:
        body = envelope(
            post(api_client, "/cpro/tests/v1/amount", '{"montant": "beaucoup"}', api_headers), 400
        )
        assert body["codeRetour"] == 20000
        assert "montant" in body["erreurs"]
        body = envelope(post(api_client, ECHO, '{"idStructure": "douze"}', api_headers), 400)
        assert "idStructure" in body["erreurs"]

    def test_missing_required_field(self, api_client: Client, api_headers: dict[str, str]) -> None:
        body = envelope(post(api_client, "/cpro/tests/v1/amount", "{}", api_headers), 400)
        assert "montant" in body["erreurs"]

    @pytest.mark.parametrize("payload", ['{"idStructure": ', "{'a': 1}", "not json", '{"a": 1}}'])
    def test_malformed_json_is_a_400_envelope(
        self, api_client: Client, api_headers: dict[str, str], payload: str
    ) -> None:
        body = envelope(post(api_client, ECHO, payload, api_headers), 400)
        assert body["libelle"] == "API_MSG_REQUETE_MAL_FORMULEE"

    def test_a_json_array_is_a_400_envelope(self, api_client: Client, api_headers: dict[str, str]) -> None:
        envelope(post(api_client, ECHO, "[1, 2]", api_headers), 400)

    @pytest.mark.parametrize(
        "content_type", ["application/xml", "text/plain", "multipart/form-data; boundary=x"]
    )
    def test_other_content_types_are_a_415_envelope(
        self, api_client: Client, api_headers: dict[str, str], content_type: str
    ) -> None:
        body = envelope(post(api_client, ECHO, "<a/>", api_headers, content_type=content_type), 415)
        assert body["libelle"] == "API_MSG_FORMAT_NON_SUPPORTE"

    def test_get_on_a_post_operation_is_a_405_envelope(
        self, api_client: Client, api_headers: dict[str, str]
    ) -> None:
        envelope(api_client.get(ECHO, **api_headers), 405)
        envelope(api_client.options(ECHO, **api_headers), 405)

    def test_authentication_comes_first(self, api_client: Client) -> None:
        envelope(post(api_client, ECHO, "not json", {}), 401)

    def test_domain_error_keeps_its_status_and_codes(
        self, api_client: Client, api_headers: dict[str, str]
    ) -> None:
        body = envelope(post(api_client, "/cpro/tests/v1/clash", "{}", api_headers), 409)
        assert body["codeRetour"] == 20002
        assert body["libelle"] == "TRA_MSG_00.001"

    def test_crash_is_a_logged_500_envelope(
        self, api_client: Client, api_headers: dict[str, str], caplog: pytest.LogCaptureFixture
    ) -> None:
        with caplog.at_level(logging.ERROR, logger="facturier.api.envelope"):
            body = envelope(post(api_client, "/cpro/tests/v1/boom", "{}", api_headers), 500)
        assert body["libelle"] == "API_MSG_ERREUR_INTERNE"
        assert "kaboom" not in body["message"]
        [record] = [r for r in caplog.records if r.name == "facturier.api.envelope"]
        assert record.exc_info and "kaboom" in str(record.exc_info[1])

    def test_pagination_in_the_answer(self, api_client: Client, api_headers: dict[str, str]) -> None:
        parametres = {
            "pageResultatDemandee": 2,
            "nbResultatsParPage": 5,
            "triSens": "Ascendant",
            "triColonne": "id",
        }
        body = envelope(post(api_client, ECHO, json.dumps({"parametres": parametres}), api_headers), 200)
        assert [row["id"] for row in body["lignes"]] == [6, 7, 8, 9, 10]
        expected = {"nbResultatsParPage": 5, "pageCourante": 2, "pages": 5, "total": 23}
        assert body["parametresRetour"] == expected
        assert {key: body[key] for key in expected} == expected
