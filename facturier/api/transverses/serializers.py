"""Serializers of the « Transverses » operations (wire names as in api.md §6)."""

from __future__ import annotations

from rest_framework import serializers

from facturier.api.pagination import pagination_serializer
from facturier.api.serializers import ChorusResponseSerializer, FilterSerializer, PaginationResultSerializer


class HealthCheckOutput(ChorusResponseSerializer):
    """A serialised Spring ``ResponseEntity`` (api.md T3): PY-CA reads ``body``,
    ``statusCodeValue`` and ``statusCode``; GO decodes ``body`` as a string and
    ``statusCodeValue`` as an int."""

    headers = serializers.DictField(child=serializers.CharField(), help_text="Always {}.")
    body = serializers.CharField()
    statusCode = serializers.CharField(help_text='"OK".')
    statusCodeValue = serializers.IntegerField(help_text="200.")


# --- structures and directory (api.md §6, T11, T17, T20–T27) -------------------------------------


DESTINATAIRE_SORTS = {"NomDestinataire": "name", "Siret": "identifier", "AdresseVille": "city"}
SERVICE_EXECUTANT_SORTS = {"CodeServiceExecutant": "code", "NomServiceExecutant": "name"}


def _text() -> serializers.CharField:
    return serializers.CharField(required=False, allow_null=True, allow_blank=True)


class TopLevelPaginationOutput(ChorusResponseSerializer):
    parametresRetour = PaginationResultSerializer()
    nbResultatsParPage = serializers.IntegerField()
    pageCourante = serializers.IntegerField()
    pages = serializers.IntegerField()
    total = serializers.IntegerField()


class StructureActive(serializers.Serializer):
    idStructureCPP = serializers.IntegerField()
    identifiant = serializers.CharField()
    designationStructure = serializers.CharField()


class StructuresActivesOutput(TopLevelPaginationOutput):
    listeStructures = StructureActive(many=True)


class StructuresPourUtilisateurInput(FilterSerializer):
    espaceFo = serializers.IntegerField(
        required=False, allow_null=True, help_text="Numeric space id (1 to 7)."
    )


class StructurePourUtilisateur(serializers.Serializer):
    idStructure = serializers.IntegerField()
    identifiantStructure = serializers.CharField()
    designationStructure = serializers.CharField()
    typeIdentifiantStructure = serializers.CharField()


class StructuresPourUtilisateurOutput(ChorusResponseSerializer):
    listeStructures = StructurePourUtilisateur(many=True)


class InformationSiretInput(FilterSerializer):
    siretStructure = _text()


class InformationSiretOutput(ChorusResponseSerializer):
    adresse = serializers.CharField(allow_null=True)
    categorieEntreprise = serializers.CharField(allow_null=True)
    categorieJuridique = serializers.CharField(allow_null=True)
    civilite = serializers.CharField(allow_null=True)
    dateCreationEntreprise = serializers.CharField(allow_null=True)
    dateCreationEtablissement = serializers.CharField(allow_null=True)
    dateReactivationEtablissement = serializers.CharField(allow_null=True)
    estActif = serializers.BooleanField()
    localisationSiege = serializers.CharField(allow_null=True)
    nonDiffusibleInsee = serializers.BooleanField()
    numeroInterneClassement = serializers.CharField(allow_null=True)
    raisonSociale = serializers.CharField()
    siege = serializers.BooleanField()
    siren = serializers.CharField()
    siret = serializers.CharField()
    siretPredecesseurSuccesseur = serializers.CharField(allow_null=True)


class AnnuaireDestinataireOutput(ChorusResponseSerializer):
    fichierResultat = serializers.CharField(help_text="Base64 of a zip holding the directory as CSV.")


class RechercherDestinataireInput(FilterSerializer):
    identifiant = _text()
    nomVilleCodePostal = _text()
    typeStructure = serializers.ChoiceField(
        choices=["PRIVEE", "PUBLIQUE"], required=False, allow_null=True, allow_blank=True
    )
    parametresRecherche = pagination_serializer(
        "PaginationRechercherDestinataire", columns=tuple(DESTINATAIRE_SORTS)
    )(required=False)


class Destinataire(serializers.Serializer):
    idStructureCPP = serializers.IntegerField()
    siret = serializers.CharField()
    nomDestinataire = serializers.CharField()
    adresseCodePostal = serializers.CharField(allow_null=True)
    adresseVille = serializers.CharField(allow_null=True)


class RechercherDestinataireOutput(TopLevelPaginationOutput):
    listeDestinataires = Destinataire(many=True)


class RechercherServiceExecutantInput(FilterSerializer):
    false_is_absent = True  # "actif": false from zero-valued clients means "no criterion"

    idDestinataireCPP = serializers.IntegerField(required=False, allow_null=True)
    codeServiceExecutant = _text()
    nomServiceExecutant = _text()
    actif = serializers.BooleanField(required=False, allow_null=True)
    parametresRecherche = pagination_serializer(
        "PaginationRechercherServiceExecutant", columns=tuple(SERVICE_EXECUTANT_SORTS)
    )(required=False)


class ServiceExecutant(serializers.Serializer):
    idServicesCPP = serializers.IntegerField()
    codeServiceExecutant = serializers.CharField()
    nomServiceExecutant = serializers.CharField()


class RechercherServiceExecutantOutput(TopLevelPaginationOutput):
    listeServices = ServiceExecutant(many=True)


class CoordonneesBancairesInput(FilterSerializer):
    idStructure = serializers.IntegerField(required=False, allow_null=True)


class CoordonneeBancaire(serializers.Serializer):
    idCoordonneeBancaire = serializers.IntegerField()
    nomCoordonneeBancaire = serializers.CharField()


class CoordonneesBancairesOutput(TopLevelPaginationOutput):
    listeCoordonneeBancaire = CoordonneeBancaire(many=True)


class TypeIdentifiant(serializers.Serializer):
    typeIdentifiantStructure = serializers.CharField()


class TypeIdentifiantOutput(ChorusResponseSerializer):
    listeTypeIdentifiant = TypeIdentifiant(many=True)
