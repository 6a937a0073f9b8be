"""The OpenAPI document covers every /cpro/ operation of the URLconf (STYLE.md §13) and the docs
page works under the site's Content-Security-Policy."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from facturier.api.views import ChorusAPIView, UnknownOperationView

IGNORED_METHODS = {"head", "options", "trace"}


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        else:
            yield route, pattern


def cpro_routes(urlconf: str | None = None) -> list[tuple[str, type[ChorusAPIView]]]:
    """Every route under /cpro/ in the URLconf with its view class, catch-all excluded."""
    routes = []
    for route, pattern in walk(get_resolver(urlconf).url_patterns):
        path = "/" + route.lstrip("^").rstrip("$")
        if not path.startswith("/cpro"):
            continue
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is UnknownOperationView:
            continue
        assert view_class is not None and issubclass(view_class, ChorusAPIView), (
            f"{path}: every /cpro/ route must be a ChorusAPIView (envelope, authentication)"
        )
        assert not re.search(r"[<(\[\\]", path), f"{path}: Chorus operation paths have no parameters"
        routes.append((path, view_class))
    return routes


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    GENERATOR_STATS.reset()
    document = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors (see stderr)"
    return document


def test_the_urlconf_has_operations() -> None:
    paths = [path for path, _ in cpro_routes()]
    assert "/cpro/transverses/v1/health-check" in paths


def test_every_cpro_operation_is_in_the_schema(schema: dict[str, Any]) -> None:
    missing = []
    for path, view_class in cpro_routes():
        methods = set(view_class.http_method_names) - IGNORED_METHODS
        assert methods, f"{path} accepts no method"
        for method in methods:
            if method not in schema["paths"].get(path, {}):
                missing.append(f"{method.upper()} {path}")
    assert not missing, f"operations missing from the OpenAPI document: {missing}"


def test_every_operation_is_fully_described(schema: dict[str, Any]) -> None:
    operation_ids = []
    for path, view_class in cpro_routes():
        assert view_class.output_serializer is not None, f"{path} has no output_serializer"
        for method in set(view_class.http_method_names) - IGNORED_METHODS:
            operation = schema["paths"][path][method]
            operation_ids.append(operation["operationId"])
            assert operation["operationId"] == view_class.operation_id
            assert operation["tags"] == [path.split("/")[2]]
            assert operation["security"] == [{"pisteOAuth2": ["openid"], "cproAccount": []}]
            ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
            component = schema["components"]["schemas"][ok["$ref"].rsplit("/", 1)[1]]
            assert {"codeRetour", "libelle"} <= set(component["required"])
            assert {"400", "401", "403", "404", "415", "500"} <= set(operation["responses"])
    assert len(operation_ids) == len(set(operation_ids)), "operationIds must be unique"


def test_the_catch_all_is_not_an_operation(schema: dict[str, Any]) -> None:
    assert not [path for path in schema["paths"] if not path.startswith("/cpro/") or "{" in path]


def test_security_schemes(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert schemes["pisteOAuth2"]["type"] == "oauth2"
    assert schemes["pisteOAuth2"]["flows"]["clientCredentials"]["tokenUrl"] == "/api/oauth/token"
    assert schemes["cproAccount"] == {
        "type": "apiKey",
        "in": "header",
        "name": "cpro-account",
        "description": schemes["cproAccount"]["description"],
    }


def test_the_schema_is_valid_openapi(schema: dict[str, Any]) -> None:
    validate_schema(schema)


@pytest.mark.urls("tests.api.operations_for_tests")
def test_the_check_sees_operations_added_by_later_issues() -> None:
    # The test URLconf adds four POST operations: the walk finds them with no list to update.
    paths = {path for path, _ in cpro_routes("tests.api.operations_for_tests")}
    assert {"/cpro/tests/v1/echo", "/cpro/tests/v1/boom"} <= paths
    GENERATOR_STATS.reset()
    document = SchemaGenerator(urlconf="tests.api.operations_for_tests").get_schema(request=None, public=True)
    assert document["paths"]["/cpro/tests/v1/echo"]["post"]["requestBody"]


def test_schema_endpoint(client: Client) -> None:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/cpro/transverses/v1/health-check" in response.json()["paths"]


def test_docs_page_and_its_assets_are_self_hosted(client: Client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html and "<script>" not in html, "inline code would break the CSP"
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(src.startswith("/") for src in sources), sources
    for src in sources:
        if src.startswith(settings.STATIC_URL):
            continue  # served by whitenoise/collectstatic, checked below
        asset = client.get(src)
        assert asset.status_code == 200, src
        assert asset["Content-Type"].startswith("application/javascript")
    from django.contrib.staticfiles import finders

    for src in sources:
        if src.startswith(settings.STATIC_URL):
            assert finders.find(src.removeprefix(settings.STATIC_URL).split("?")[0]), src
