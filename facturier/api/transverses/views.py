"""Operations of the « Transverses » API."""

from __future__ import annotations

import base64
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework.response import Response

from facturier.api.pagination import PageRequest, paginate
from facturier.api.structures.rows import structure_designation
from facturier.api.views import ChorusAPIView, require
from facturier.core.errors import PermissionDenied, ValidationFailed
from facturier.structures import validators
from facturier.structures.directory import directory_zip
from facturier.structures.errors import StructureNotFound
from facturier.structures.models import IdentifierType, Service, Structure
from facturier.structures.selectors import (
    actor_structure_ids,
    bank_account_list_valid,
    structure_get_attached,
    structure_list_visible,
)
from facturier.structures.services._common import checked
from facturier.structures.spaces import SPACES_BY_ID, Space

from . import serializers as s
from .serializers import HealthCheckOutput

HEALTH_CHECK_BODY = "facturier: API Chorus Pro disponible"


class HealthCheck(ChorusAPIView):
    """Is the API available? Answers like Chorus Pro's health check (a serialised Spring
    ``ResponseEntity``: ``body``, ``statusCode``, ``statusCodeValue``) inside the envelope.

    Like every operation it needs the Bearer token and the ``cpro-account`` header, so a success
    also proves the credentials (and the database behind them) work.
    """

    operation_id = "healthCheck"
    output_serializer = HealthCheckOutput
    http_method_names = ["get", "head"]

    def get(self, request: Request) -> Response:
        return self.respond(
            {"headers": {}, "body": HEALTH_CHECK_BODY, "statusCode": "OK", "statusCodeValue": 200}
        )


def _all_on_one_page(queryset: Any) -> Any:
    """Operations without a pagination container answer everything, as one page."""
    rows = list(queryset)
    return paginate(rows, PageRequest(page=1, per_page=max(len(rows), 1), descending=False))


class _StructuresActives(ChorusAPIView):
    space: Space
    output_serializer = s.StructuresActivesOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        ids = actor_structure_ids(actor=request.user, space=self.space)
        queryset = Structure.objects.filter(pk__in=ids, status=Structure.Status.ACTIVE).order_by("name", "pk")
        page = _all_on_one_page(queryset)
        return {
            "listeStructures": [
                {
                    "idStructureCPP": structure.pk,
                    "identifiant": structure.identifier,
                    "designationStructure": structure_designation(structure),
                }
                for structure in page.items
            ],
            **page.response_fields(),
        }


class RecupererStructuresActivesPourFournisseur(_StructuresActives):
    """The caller's active structures it may issue invoices for (« Factures émises »)."""

    operation_id = "recupererStructuresActivesPourFournisseur"
    space = Space.FACTURES_EMISES


class RecupererStructuresActivesPourDestinataire(_StructuresActives):
    """The caller's active structures it may receive invoices for (« Factures reçues »)."""

    operation_id = "recupererStructuresActivesPourDestinataire"
    space = Space.FACTURES_RECUES


class RecupererStructuresPourUtilisateur(ChorusAPIView):
    """The caller's structures, through one space (``espaceFo``) or all of them."""

    operation_id = "recupererStructuresPourUtilisateur"
    input_serializer = s.StructuresPourUtilisateurInput
    output_serializer = s.StructuresPourUtilisateurOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        space = None
        if data.get("espaceFo") is not None:
            space = SPACES_BY_ID.get(data["espaceFo"])
            if space is None:
                raise ValidationFailed(
                    _("Espace inconnu : %(value)s (valeurs possibles : 1 à 7)."),
                    value=data["espaceFo"],
                    details={"espaceFo": [str(_("Espace inconnu."))]},
                )
        ids = actor_structure_ids(actor=request.user, space=space)
        structures = Structure.objects.filter(pk__in=ids).order_by("name", "pk")
        return {
            "listeStructures": [
                {
                    "idStructure": structure.pk,
                    "identifiantStructure": structure.identifier,
                    "designationStructure": structure_designation(structure),
                    "typeIdentifiantStructure": structure.identifier_type,
                }
                for structure in structures
            ]
        }


class ConsulterInformationSIRET(ChorusAPIView):
    """Registry data of a SIRET, from facturier's own directory (no INSEE call)."""

    operation_id = "consulterInformationSIRET"
    input_serializer = s.InformationSiretInput
    output_serializer = s.InformationSiretOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        require(data, "siretStructure")
        siret = checked("siretStructure", validators.validate_siret, data["siretStructure"])
        structure = (
            structure_list_visible(actor=request.user)
            .filter(identifier_type=IdentifierType.SIRET, identifier=siret)
            .first()
        )
        if structure is None:
            raise StructureNotFound()
        address = (
            " ".join(part for part in (structure.address_line, structure.postal_code, structure.city) if part)
            or None
        )
        created = structure.created_at.date().isoformat()
        return {
            "adresse": address,
            "categorieEntreprise": None,
            "categorieJuridique": None,
            "civilite": None,
            "dateCreationEntreprise": created,
            "dateCreationEtablissement": created,
            "dateReactivationEtablissement": None,
            "estActif": structure.is_active,
            "localisationSiege": address,
            "nonDiffusibleInsee": False,
            "numeroInterneClassement": None,
            "raisonSociale": structure.name,
            "siege": True,
            "siren": siret[:9],
            "siret": siret,
            "siretPredecesseurSuccesseur": None,
        }


class TelechargerAnnuaireDestinataire(ChorusAPIView):
    """The public directory of recipients: a zip holding a CSV, in base64."""

    operation_id = "telechargerAnnuaireDestinataire"
    output_serializer = s.AnnuaireDestinataireOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        return {"fichierResultat": base64.b64encode(directory_zip()).decode("ascii")}


class RechercherDestinataire(ChorusAPIView):
    """Search invoice recipients by identifier, or name/city/postal code."""

    operation_id = "rechercherDestinataire"
    input_serializer = s.RechercherDestinataireInput
    output_serializer = s.RechercherDestinataireOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        queryset = structure_list_visible(actor=request.user).filter(status=Structure.Status.ACTIVE)
        queryset = queryset.filter(kind=data.get("typeStructure") or Structure.Kind.PUBLIC)
        if data.get("identifiant"):
            queryset = queryset.filter(identifier__startswith=validators.compact(data["identifiant"]))
        if data.get("nomVilleCodePostal"):
            value = data["nomVilleCodePostal"].strip()
            queryset = queryset.filter(
                Q(name__icontains=value) | Q(city__icontains=value) | Q(postal_code__startswith=value)
            )
        page_request = PageRequest.from_params(data.get("parametresRecherche"), columns=s.DESTINATAIRE_SORTS)
        page = paginate(queryset, page_request, sort_fields=s.DESTINATAIRE_SORTS)
        return {
            "listeDestinataires": [
                {
                    "idStructureCPP": structure.pk,
                    "siret": structure.identifier,
                    "nomDestinataire": structure_designation(structure),
                    "adresseCodePostal": structure.postal_code or None,
                    "adresseVille": structure.city or None,
                }
                for structure in page.items
            ],
            **page.response_fields(),
        }


class RechercherServiceExecutant(ChorusAPIView):
    """Search the services (services exécutants) of a recipient."""

    operation_id = "rechercherServiceExecutant"
    input_serializer = s.RechercherServiceExecutantInput
    output_serializer = s.RechercherServiceExecutantOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        require(data, "idDestinataireCPP")
        structure = structure_list_visible(actor=request.user).filter(pk=data["idDestinataireCPP"]).first()
        if structure is None:
            raise StructureNotFound()
        queryset = Service.objects.filter(structure=structure)
        if data.get("codeServiceExecutant"):
            queryset = queryset.filter(code__icontains=data["codeServiceExecutant"].strip())
        if data.get("nomServiceExecutant"):
            queryset = queryset.filter(name__icontains=data["nomServiceExecutant"].strip())
        if data.get("actif") is not None:
            queryset = queryset.filter(is_active=data["actif"])
        page_request = PageRequest.from_params(
            data.get("parametresRecherche"), columns=s.SERVICE_EXECUTANT_SORTS
        )
        page = paginate(queryset, page_request, sort_fields=s.SERVICE_EXECUTANT_SORTS)
        return {
            "listeServices": [
                {
                    "idServicesCPP": service.pk,
                    "codeServiceExecutant": service.code,
                    "nomServiceExecutant": service.name,
                }
                for service in page.items
            ],
            **page.response_fields(),
        }


class RecupererCoordonneesBancairesValides(ChorusAPIView):
    """A structure's valid bank details; only for the structure's own users (they are private)."""

    operation_id = "recupererCoordonneesBancairesValides"
    input_serializer = s.CoordonneesBancairesInput
    output_serializer = s.CoordonneesBancairesOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        require(data, "idStructure")
        structure = structure_get_attached(actor=request.user, structure_id=data["idStructure"])
        if structure is None:
            raise StructureNotFound()
        if structure.pk not in actor_structure_ids(actor=request.user, space=Space.FACTURES_EMISES):
            raise PermissionDenied(
                _(
                    "Les coordonnées bancaires de %(name)s se lisent dans l'espace « Factures émises » : "
                    "abonnez le compte à cet espace de la structure (ou demandez à son gestionnaire de l'ouvrir)."
                ),
                name=structure.name,
            )
        queryset = bank_account_list_valid(actor=request.user, structure_id=data["idStructure"]).order_by(
            "name", "pk"
        )
        page = _all_on_one_page(queryset)
        return {
            "listeCoordonneeBancaire": [
                {"idCoordonneeBancaire": account.pk, "nomCoordonneeBancaire": account.name}
                for account in page.items
            ],
            **page.response_fields(),
        }


class RecupererTypeIdentifiantStructure(ChorusAPIView):
    """The structure identifier types (api.md §8.3)."""

    operation_id = "recupererTypeIdentifiantStructure"
    output_serializer = s.TypeIdentifiantOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "listeTypeIdentifiant": [{"typeIdentifiantStructure": value} for value in IdentifierType.values]
        }
