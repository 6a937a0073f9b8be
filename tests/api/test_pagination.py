"""The pagination helper (api.md §3.3): lenient reading of the request, integer counters out."""

from __future__ import annotations

from typing import Any

import pytest

from facturier.accounts.models import User
from facturier.api.pagination import MAX_PER_PAGE, PageRequest, paginate, pagination_serializer
from tests.factories import UserFactory

COLUMNS = {"nom": "nom", "id": "id"}
ROWS = [{"id": i, "nom": f"S{i:02d}"} for i in range(1, 24)]


def test_defaults_are_page_1_of_10_descending() -> None:
    for params in (
        None,
        {},
        {"pageResultatDemandee": 0, "nbResultatsParPage": None, "triSens": "", "triColonne": ""},
    ):
        assert PageRequest.from_params(params) == PageRequest(
            page=1, per_page=10, descending=True, column=None
        )


@pytest.mark.parametrize(
    ("value", "descending"),
    [
        ("Ascendant", False),
        ("ascendant", False),
        ("Ascendant ", False),
        ("Descendant", True),
        ("n'importe", True),
    ],
)
def test_sort_direction_is_read_leniently(value: str, descending: bool) -> None:
    assert PageRequest.from_params({"triSens": value}).descending is descending


def test_go_misspelt_trisense_key() -> None:
    assert PageRequest.from_params({"triSense": "Ascendant "}).descending is False


def test_strings_numbers_and_out_of_range_values() -> None:
    request = PageRequest.from_params({"pageResultatDemandee": "3", "nbResultatsParPage": "25"})
    assert (request.page, request.per_page, request.offset) == (3, 25, 50)
    assert PageRequest.from_params({"pageResultatDemandee": -2}).page == 1
    assert PageRequest.from_params({"nbResultatsParPage": "abc"}).per_page == 10
    assert PageRequest.from_params({"nbResultatsParPage": 999999}).per_page == MAX_PER_PAGE
    assert PageRequest.from_params({"nbResultatsParPage": 500}, max_per_page=100).per_page == 100
    assert PageRequest.from_params({}, default_per_page=50).per_page == 50


def test_unknown_column_falls_back_to_the_default() -> None:
    assert (
        PageRequest.from_params({"triColonne": "nom"}, columns=COLUMNS, default_column="id").column == "nom"
    )
    assert (
        PageRequest.from_params({"triColonne": "hack"}, columns=COLUMNS, default_column="id").column == "id"
    )
    assert PageRequest.from_params({}, columns=COLUMNS, default_column="id").column == "id"


def test_suffixed_keys_of_consulter_historique() -> None:
    params = {
        "pageResultatDemandeeListeHistoStatut": 2,
        "nbResultatsParPageListeHistoStatut": 3,
        "pageResultatDemandee": 9,
    }
    request = PageRequest.from_params(params, suffix="ListeHistoStatut")
    assert (request.page, request.per_page) == (2, 3)


def test_paginating_a_list() -> None:
    page = paginate(
        ROWS, PageRequest(page=3, per_page=10, descending=False, column="id"), sort_fields=COLUMNS
    )
    assert [row["id"] for row in page.items] == [21, 22, 23]
    assert page.parametres_retour() == {"nbResultatsParPage": 10, "pageCourante": 3, "pages": 3, "total": 23}
    page = paginate(ROWS, PageRequest(page=1, per_page=2, descending=True, column="nom"), sort_fields=COLUMNS)
    assert [row["nom"] for row in page.items] == ["S23", "S22"]


def test_page_past_the_end_is_empty_with_integer_counters() -> None:
    page = paginate(ROWS, PageRequest(page=9, per_page=10))
    assert page.items == []
    counters = page.parametres_retour()
    assert counters == {"nbResultatsParPage": 10, "pageCourante": 9, "pages": 3, "total": 23}
    assert all(type(value) is int for value in counters.values())


def test_no_result_still_has_one_page() -> None:
    assert paginate([], PageRequest()).parametres_retour() == {
        "nbResultatsParPage": 10,
        "pageCourante": 1,
        "pages": 1,
        "total": 0,
    }


def test_none_values_sort_last_in_lists() -> None:
    rows = [{"nom": None}, {"nom": "b"}, {"nom": "a"}]
    for descending in (True, False):
        page = paginate(rows, PageRequest(descending=descending, column="nom"), sort_fields=COLUMNS)
        assert page.items[-1] == {"nom": None}


def test_response_fields_top_level_and_parametres_retour() -> None:
    page = paginate(ROWS, PageRequest(per_page=5))
    fields = page.response_fields()
    assert fields["parametresRetour"] == {"nbResultatsParPage": 5, "pageCourante": 1, "pages": 5, "total": 23}
    assert fields["pages"] == 5 and fields["total"] == 23
    assert set(page.response_fields(top_level=False)) == {"parametresRetour"}
    assert page.parametres_retour(suffix="HistoStatut")["totalHistoStatut"] == 23


@pytest.mark.django_db
def test_paginating_a_queryset_is_stable_and_counts_in_two_queries(django_assert_num_queries: Any) -> None:
    for i in range(7):
        UserFactory(email=f"p{i}@example.test", last_name="Même nom")
    queryset = User.objects.filter(email__startswith="p")
    request = PageRequest(page=2, per_page=3, descending=False, column="nom")
    with django_assert_num_queries(2):
        page = paginate(queryset, request, sort_fields={"nom": "last_name"})
    # Equal sort keys: the primary key breaks the tie, so pages never overlap or skip.
    all_ids = [u.pk for u in queryset.order_by("pk")]
    assert [u.pk for u in page.items] == all_ids[3:6]
    assert page.parametres_retour() == {"nbResultatsParPage": 3, "pageCourante": 2, "pages": 3, "total": 7}
    descending = paginate(queryset, PageRequest(page=1, per_page=3), sort_fields={"nom": "last_name"})
    assert [u.pk for u in descending.items] == sorted(all_ids, reverse=True)[:3]


def test_request_container_serializer_validates_and_documents() -> None:
    serializer_class = pagination_serializer("PaginationTest", columns=("nom", "id"))
    assert serializer_class is pagination_serializer("PaginationTest", columns=("nom", "id"))
    serializer = serializer_class(
        data={"pageResultatDemandee": 0, "nbResultatsParPage": 20, "triSens": None, "x": 1}
    )
    assert serializer.is_valid(), serializer.errors
    assert dict(serializer.validated_data) == {"nbResultatsParPage": 20}
    assert not serializer_class(data={"nbResultatsParPage": "beaucoup"}).is_valid()
    suffixed = pagination_serializer(suffix="ListeHistoStatut")()
    assert "pageResultatDemandeeListeHistoStatut" in suffixed.fields
