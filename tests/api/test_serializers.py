"""Input helpers: null, "", 0, [] (and on request false) mean "absent" for optional filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rest_framework import serializers

from facturier.api.serializers import ChorusSerializer, FilterSerializer, clean_optional, is_absent


@pytest.mark.parametrize("value", [None, "", "   ", 0, 0.0, Decimal("0"), [], {}, ()])
def test_absent_values(value: Any) -> None:
    assert is_absent(value)
    assert clean_optional(value) is None


@pytest.mark.parametrize("value", [1, -1, "0", "x", [0], {"a": None}, True, Decimal("0.01")])
def test_present_values(value: Any) -> None:
    assert not is_absent(value)
    assert clean_optional(value) == value


def test_false_is_absent_only_when_asked() -> None:
    assert not is_absent(False)
    assert clean_optional(False) is False
    assert is_absent(False, false_is_absent=True)
    assert not is_absent(True, false_is_absent=True)


class Search(FilterSerializer):
    idStructure = serializers.IntegerField(required=False)
    estActif = serializers.BooleanField(required=False)
    codeLangue = serializers.CharField(required=False, default="fr")
    identifiant = serializers.CharField()


def test_filter_serializer_drops_absent_optional_fields_but_never_required_ones() -> None:
    serializer = Search(
        data={"idStructure": 0, "estActif": False, "codeLangue": None, "identifiant": "X", "extra": 1}
    )
    assert serializer.is_valid(), serializer.errors
    assert dict(serializer.validated_data) == {"estActif": False, "codeLangue": "fr", "identifiant": "X"}
    assert not Search(data={"identifiant": ""}).is_valid()


class BooleanFilters(FilterSerializer):
    false_is_absent = True
    restreindreStructuresPrivees = serializers.BooleanField(required=False)


def test_false_as_absent_for_boolean_filters() -> None:
    serializer = BooleanFilters(data={"restreindreStructuresPrivees": False})
    assert serializer.is_valid() and dict(serializer.validated_data) == {}
    serializer = BooleanFilters(data={"restreindreStructuresPrivees": True})
    assert serializer.is_valid() and dict(serializer.validated_data) == {"restreindreStructuresPrivees": True}


class Nested(FilterSerializer):
    structure = Search(required=False)


def test_absent_rules_apply_in_nested_containers() -> None:
    serializer = Nested(data={"structure": {"identifiant": "X", "idStructure": None}})
    assert serializer.is_valid(), serializer.errors
    assert dict(serializer.validated_data["structure"]) == {"identifiant": "X", "codeLangue": "fr"}
    assert Nested(data={"structure": None}).is_valid()


class Write(ChorusSerializer):
    absent_as_missing = ("commentaire",)
    montantTVA = serializers.DecimalField(max_digits=19, decimal_places=2, required=False)
    commentaire = serializers.CharField(required=False)


def test_chorus_serializer_touches_only_the_listed_fields() -> None:
    serializer = Write(data={"montantTVA": 0, "commentaire": ""})
    assert serializer.is_valid(), serializer.errors
    assert dict(serializer.validated_data) == {"montantTVA": Decimal("0.00")}
