"""A URLconf with throw-away POST operations that exercise the base class (validation, absent
values, pagination, domain errors, crashes), mounted next to the real API."""

from __future__ import annotations

from typing import Any

from django.urls import include, path
from rest_framework import serializers
from rest_framework.request import Request

from facturier.api.pagination import PageRequest, paginate, pagination_serializer
from facturier.api.serializers import ChorusResponseSerializer, ChorusSerializer, FilterSerializer
from facturier.api.views import ChorusAPIView
from facturier.core.errors import Conflict

COLUMNS = {"nom": "nom", "id": "id"}
ROWS = [{"id": i, "nom": f"Structure {i:02d}"} for i in range(1, 24)]


class EchoInput(FilterSerializer):
    idStructure = serializers.IntegerField(required=False)
    nomStructure = serializers.CharField(required=False)
    statuts = serializers.ListField(child=serializers.CharField(), required=False)
    parametres = pagination_serializer("PaginationEchoTest", columns=tuple(COLUMNS))(required=False)


class EchoOutput(ChorusResponseSerializer):
    recu = serializers.DictField()


class Echo(ChorusAPIView):
    operation_id = "echoTest"
    input_serializer = EchoInput
    output_serializer = EchoOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        page_request = PageRequest.from_params(
            data.pop("parametres", None), columns=COLUMNS, default_column="id"
        )
        page = paginate(ROWS, page_request, sort_fields=COLUMNS)
        return {
            "recu": data,
            "utilisateur": request.user.email,
            "lignes": page.items,
            **page.response_fields(),
        }


class AmountInput(ChorusSerializer):
    montant = serializers.DecimalField(max_digits=19, decimal_places=6)
    commentaire = serializers.CharField(required=False)
    remise = serializers.DecimalField(max_digits=19, decimal_places=6, required=False)
    absent_as_missing = ("commentaire",)


class Amount(ChorusAPIView):
    operation_id = "amountTest"
    input_serializer = AmountInput
    output_serializer = EchoOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        return {"recu": {key: str(value) for key, value in data.items()}}


class Clash(ChorusAPIView):
    operation_id = "clashTest"
    output_serializer = ChorusResponseSerializer

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        raise Conflict()


class Boom(ChorusAPIView):
    operation_id = "boomTest"
    output_serializer = ChorusResponseSerializer

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("kaboom")


test_patterns = [
    path("echo", Echo.as_view()),
    path("amount", Amount.as_view()),
    path("clash", Clash.as_view()),
    path("boom", Boom.as_view()),
]

urlpatterns = [
    path("cpro/tests/v1/", include(test_patterns)),
    path("", include("config.urls")),
]
