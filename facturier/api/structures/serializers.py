"""Serializers of the « Structures » operations (wire names exactly as in api.md §7, S1–S6)."""

from __future__ import annotations

from rest_framework import serializers

from facturier.api.pagination import pagination_serializer
from facturier.api.serializers import (
    ChorusResponseSerializer,
    ChorusSerializer,
    FilterSerializer,
    PaginationResultSerializer,
)
from facturier.structures.models import IdentifierType

STRUCTURE_SORTS = {
    "IdentifiantStructure": "identifier",
    "DesignationStructure": "name",
    "TypeIdentifiantStructure": "identifier_type",
    "Statut": "status",
}
SERVICE_SORTS = {
    "CodeService": "code",
    "LibelleService": "name",
    "DateDbtService": "valid_from",
    "DateFinService": "valid_until",
    "EstActif": "is_active",
}
ATTACHMENT_SORTS = {
    "CodeService": "codeService",
    "NomService": "nomService",
    "StatutRattachement": "statutRattachement",
}
SPACE_SORTS = {
    "CodeService": "codeService",
    "LibelleService": "libelleService",
    "idEspaceFo": "idEspaceFo",
    "CodeEspace": "codeEspace",
    "LibelleEspace": "libelleEspace",
    "etatCourant": "etatCourant",
    "TypeHabilitation": "typeHabilitation",
    "IdService": "idService",
}


def _text(**kwargs: object) -> serializers.CharField:
    return serializers.CharField(required=False, allow_null=True, allow_blank=True, **kwargs)  # type: ignore[arg-type]


# --- S1 rechercherStructure ----------------------------------------------------------------------


class RechercherStructureCriteria(FilterSerializer):
    false_is_absent = True  # estMOA: false from zero-valued clients means "no criterion"

    identifiantStructure = _text()
    typeIdentifiantStructure = serializers.ChoiceField(
        choices=IdentifierType.values, required=False, allow_null=True, allow_blank=True
    )
    raisonSocialeStructure = _text()
    libelleStructure = _text()
    nomStructure = _text()
    prenomStructure = _text()
    adresseCodePays = _text()
    adresseCodePostal = _text()
    adresseVille = _text()
    typeStructure = serializers.ChoiceField(
        choices=["PRIVEE", "PUBLIQUE"], required=False, allow_null=True, allow_blank=True
    )
    statutStructure = serializers.ChoiceField(
        choices=["ACTIF", "INACTIF"], required=False, allow_null=True, allow_blank=True
    )
    estMOA = serializers.BooleanField(required=False, allow_null=True)
    estMOAUniquement = serializers.BooleanField(required=False, allow_null=True)


class RechercherStructureInput(FilterSerializer):
    structure = RechercherStructureCriteria(required=False)
    restreindreStructuresPrivees = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Absent or true: public structures and the private ones you are attached to; false: all.",
    )
    parametres = pagination_serializer("PaginationRechercherStructure", columns=tuple(STRUCTURE_SORTS))(
        required=False
    )


class StructureAAfficher(serializers.Serializer):
    designationStructure = serializers.CharField()
    idStructureCPP = serializers.IntegerField()
    identifiantStructure = serializers.CharField()
    statut = serializers.CharField(help_text="ACTIVE or INACTIVE.")
    typeIdentifiantStructure = serializers.CharField()


class PaginatedOutput(ChorusResponseSerializer):
    parametresRetour = PaginationResultSerializer()
    nbResultatsParPage = serializers.IntegerField()
    pageCourante = serializers.IntegerField()
    pages = serializers.IntegerField()
    total = serializers.IntegerField()


class RechercherStructureOutput(PaginatedOutput):
    listeStructures = StructureAAfficher(many=True)


# --- S2 consulterStructure ----------------------------------------------------------------------


class ConsulterStructureInput(ChorusSerializer):
    absent_as_missing = "__all__"

    codeLangue = _text()
    idStructureCPP = serializers.IntegerField(required=False, allow_null=True)
    idStructure = serializers.IntegerField(required=False, allow_null=True, help_text="GO client's spelling.")


class AdressePostale(serializers.Serializer):
    adresse = _text()
    codePostal = _text()
    complementAdresse1 = _text()
    complementAdresse2 = _text()
    fax = _text()
    indicatifFax = _text()
    indicatifTelephone = _text()
    pays = _text()
    telephone = _text()
    ville = _text()


class StructureDupliquee(serializers.Serializer):
    structureDupliquee = serializers.IntegerField()


class InformationGenerales(serializers.Serializer):
    dateExpirationMotPasseCompteTech = serializers.DateTimeField(allow_null=True)
    emailStructure = _text()
    estValideurDeleguee = serializers.BooleanField()
    idStructureCPP = serializers.IntegerField()
    idStructureOrigine = serializers.IntegerField(allow_null=True)
    identifiantStructure = serializers.CharField()
    libelleStructure = _text()
    listeStructureDupliquees = StructureDupliquee(many=True)
    nomStructure = _text()
    numeroRcsStructure = _text()
    numeroTVA = _text()
    prenomStructure = _text()
    raisonSocialeStructure = serializers.CharField()
    structurePriveePublique = serializers.CharField(help_text="PRIVEE or PUBLIQUE.")
    typeIdentifiantStructure = serializers.CharField()


class ParametresStructure(serializers.Serializer):
    codeServiceDoitEtreRenseigne = serializers.BooleanField()
    connexionEDI = serializers.BooleanField()
    estMoaUniquement = serializers.BooleanField()
    estValideurDelegue = serializers.BooleanField()
    gestionNumeroEJOuCodeService = serializers.BooleanField()
    getaMoa = serializers.BooleanField()
    aMoa = serializers.BooleanField(help_text="Same as getaMoa: the chorus-api client reads this name.")
    nonDiffusibleInsee = serializers.BooleanField()
    numeroEJDoitEtreRenseigne = serializers.BooleanField()
    recevoirDonneesViaEDI = serializers.BooleanField()
    statutMiseEnPaiementNestPasRemonte = serializers.BooleanField()


class ConsulterStructureOutput(ChorusResponseSerializer):
    adressePostaleDuSiege = AdressePostale()
    informationGenerales = InformationGenerales()
    parametres = ParametresStructure()


# --- S3 rechercherServicesStructure -------------------------------------------------------------


class RechercherServicesInput(FilterSerializer):
    idStructure = serializers.IntegerField(required=False, allow_null=True)
    parametresRechercherServicesStructure = pagination_serializer(
        "PaginationRechercherServicesStructure", columns=tuple(SERVICE_SORTS)
    )(required=False)


class ServiceExpose(serializers.Serializer):
    codeService = serializers.CharField()
    estActif = serializers.BooleanField()
    idService = serializers.IntegerField()
    libelleService = serializers.CharField()
    statutService = serializers.CharField(help_text="ACTIF, INACTIF or SUPPRIME.")
    dateDbtService = serializers.CharField(allow_null=True, help_text='"YYYY-MM-DD HH:MM".')
    dateFinService = serializers.CharField(allow_null=True, help_text='"YYYY-MM-DD HH:MM".')


class RechercherServicesOutput(PaginatedOutput):
    listeServices = ServiceExpose(many=True)


# --- S4 consulterServiceStructure ---------------------------------------------------------------


class ConsulterServiceInput(ChorusSerializer):
    absent_as_missing = "__all__"

    codeLangue = _text()
    idService = serializers.IntegerField(required=False, allow_null=True)
    idStructure = serializers.IntegerField(required=False, allow_null=True)


class InformationsGeneralesService(serializers.Serializer):
    codeService = serializers.CharField()
    descriptionService = _text()
    nomService = serializers.CharField()


class ParametresService(serializers.Serializer):
    dateCreation = serializers.CharField(allow_null=True)
    dateDebutValidite = serializers.CharField(allow_null=True)
    dateFinValidite = serializers.CharField(allow_null=True)
    dateModification = serializers.CharField(allow_null=True)
    miseEnPaiement = serializers.BooleanField()
    numeroEngagement = serializers.BooleanField()


class ConsulterServiceOutput(ChorusResponseSerializer):
    adressePostale = AdressePostale()
    informationsGenerales = InformationsGeneralesService()
    parametres = ParametresService()
    nbResultatsParPage = serializers.IntegerField()
    pageCourante = serializers.IntegerField()
    pages = serializers.IntegerField()
    total = serializers.IntegerField()


# --- S5 listerRattachementsStructureUtilisateur -------------------------------------------------


class ListerRattachementsInput(FilterSerializer):
    adresseEmailConnexionUtilisateur = _text()
    idStructure = serializers.IntegerField(required=False, allow_null=True)
    idUtilisateur = serializers.IntegerField(required=False, allow_null=True)
    identifiantStructure = _text()
    typeIdentifiantStructure = _text()
    parametresListerRattachementsStructureUtilisateur = pagination_serializer(
        "PaginationListerRattachements", columns=tuple(ATTACHMENT_SORTS)
    )(required=False)


class RattachementService(serializers.Serializer):
    codeService = _text()
    commentaire = _text()
    dateDebut = serializers.CharField(allow_null=True)
    dateFin = serializers.CharField(allow_null=True)
    idRattachement = serializers.IntegerField()
    idService = serializers.IntegerField(allow_null=True)
    nomService = _text()
    statutRattachement = serializers.CharField(
        help_text="EN_COURS_DE_VALIDATION, REFUSEE, VALIDEE, DESACTIVEE or SUPPRIMEE."
    )


class ListerRattachementsOutput(PaginatedOutput):
    designationStructure = serializers.CharField()
    idStructure = serializers.IntegerField()
    identifiantStructure = serializers.CharField()
    premierService = serializers.BooleanField()
    listeServices = RattachementService(many=True)


# --- S6 rechercherEspaces ----------------------------------------------------------------------


class EspaceStructureCriteria(FilterSerializer):
    idStructure = serializers.IntegerField(required=False, allow_null=True)
    identifiantStructure = _text()
    typeIdentifiantStructure = _text()


class RechercherEspacesInput(FilterSerializer):
    idService = serializers.IntegerField(required=False, allow_null=True)
    structure = EspaceStructureCriteria(required=False)
    parametresRechercherEspaces = pagination_serializer(
        "PaginationRechercherEspaces", columns=tuple(SPACE_SORTS)
    )(required=False)


class Espace(serializers.Serializer):
    codeEspace = serializers.IntegerField()
    codeService = _text()
    etatCourant = serializers.CharField(help_text="ACTIVE or SUPPRIME.")
    idEspaceFo = serializers.IntegerField()
    idService = serializers.IntegerField(allow_null=True)
    libelleEspace = serializers.CharField()
    libelleService = _text()
    typeHabilitation = serializers.CharField(help_text="CONSULTATION_UNIQUEMENT or MODIFICATION.")
    idStructure = serializers.IntegerField()


class RechercherEspacesOutput(PaginatedOutput):
    listeEspace = Espace(many=True)
