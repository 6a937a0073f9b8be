"""Serializers of the « Utilisateurs » operations (api.md §7.7, U1)."""

from __future__ import annotations

from rest_framework import serializers

from facturier.api.pagination import pagination_serializer
from facturier.api.serializers import ChorusResponseSerializer, FilterSerializer, PaginationResultSerializer

RATTACHEMENT_SORTS = {
    "DesignationStructure": "designationStructure",
    "IdentifiantStructure": "identifiantStructure",
    "StatutRattachementStructure": "statutRattachementStructure",
}


class RecupererRattachementsInput(FilterSerializer):
    parametresRecherche = pagination_serializer(
        "PaginationRecupererRattachements", columns=tuple(RATTACHEMENT_SORTS)
    )(required=False)


class ServiceRattache(serializers.Serializer):
    codeService = serializers.CharField()
    dateDbtService = serializers.CharField(allow_null=True)
    dateFinService = serializers.CharField(allow_null=True)
    estActif = serializers.BooleanField()
    idRattachementService = serializers.IntegerField()
    idService = serializers.IntegerField()
    libelleService = serializers.CharField()
    statutRattachementService = serializers.CharField()
    statutService = serializers.CharField()


class StructureRattachement(serializers.Serializer):
    designationStructure = serializers.CharField()
    idRattachementStructure = serializers.IntegerField()
    idStructure = serializers.IntegerField()
    identifiantStructure = serializers.CharField()
    listeServicesRattache = ServiceRattache(many=True)
    roleUtilisateur = serializers.CharField()
    statutRattachementStructure = serializers.CharField()
    statutUtilisateur = serializers.CharField()
    typeIdentifiantStructure = serializers.CharField()


class RecupererRattachementsOutput(ChorusResponseSerializer):
    listeStructureRattachement = StructureRattachement(many=True)
    parametresRetour = PaginationResultSerializer()
    nbResultatsParPage = serializers.IntegerField()
    pageCourante = serializers.IntegerField()
    pages = serializers.IntegerField()
    total = serializers.IntegerField()
