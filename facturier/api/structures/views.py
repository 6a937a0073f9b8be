"""Operations of the « Structures » API (api.md §7, S1–S6).

Scoping (facturier.structures.selectors): a structure's directory data are visible when it is
public or when the technical account's user is attached to it (a technical account is attached
to its own structure); anything else answers "not found", never "forbidden", so that the
existence of a private structure does not leak.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from rest_framework.request import Request

from facturier.accounts.models import User
from facturier.api.pagination import Page, PageRequest, paginate
from facturier.api.views import REQUIRED, ChorusAPIView, require
from facturier.core.errors import ValidationFailed
from facturier.structures.errors import ServiceNotFound, StructureNotFound
from facturier.structures.models import (
    Attachment,
    Service,
    SpaceSubscription,
    Structure,
    StructureSpace,
    TechnicalAccount,
)
from facturier.structures.selectors import (
    actor_structure_ids,
    managed_structure_ids,
    structure_get_visible,
    structure_list_visible,
    technical_account_of,
)
from facturier.structures.spaces import SPACE_IDS, Space, SpaceMode
from facturier.structures.validators import compact

from . import serializers as s
from .rows import (
    ATTACHMENT_STATUS,
    address_block,
    iso,
    minute,
    service_row,
    structure_designation,
    structure_status,
)


def structure_by_reference(
    *,
    actor: User,
    structure_id: int | None,
    identifier: str | None,
    identifier_type: str | None,
    attached_only: bool = False,
) -> Structure:
    """The structure named by its id or by its identifier (+ type, SIRET by default), if visible."""
    if attached_only:
        queryset = Structure.objects.filter(pk__in=actor_structure_ids(actor=actor))
    else:
        queryset = structure_list_visible(actor=actor)
    if structure_id:
        structure = queryset.filter(pk=structure_id).first()
    elif identifier:
        structure = queryset.filter(
            identifier=compact(identifier), identifier_type=identifier_type or "SIRET"
        ).first()
    else:
        raise ValidationFailed(details={"idStructure": [str(REQUIRED)]})
    if structure is None:
        raise StructureNotFound()
    return structure


class RechercherStructure(ChorusAPIView):
    """Search structures by identifier, name, address, type or status."""

    operation_id = "rechercherStructure"
    input_serializer = s.RechercherStructureInput
    output_serializer = s.RechercherStructureOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        restrict = data.get("restreindreStructuresPrivees")
        queryset = structure_list_visible(actor=request.user, restrict_private=restrict is not False)
        queryset = _filter_structures(queryset, data.get("structure") or {})
        page_request = PageRequest.from_params(data.get("parametres"), columns=s.STRUCTURE_SORTS)
        page = paginate(queryset, page_request, sort_fields=s.STRUCTURE_SORTS)
        return {
            "listeStructures": [
                {
                    "designationStructure": structure_designation(structure),
                    "idStructureCPP": structure.pk,
                    "identifiantStructure": structure.identifier,
                    "statut": structure_status(structure),
                    "typeIdentifiantStructure": structure.identifier_type,
                }
                for structure in page.items
            ],
            **page.response_fields(),
        }


def _filter_structures(queryset: QuerySet[Structure], criteria: dict[str, Any]) -> QuerySet[Structure]:
    if criteria.get("identifiantStructure"):
        queryset = queryset.filter(identifier=compact(criteria["identifiantStructure"]))
    if criteria.get("typeIdentifiantStructure"):
        queryset = queryset.filter(identifier_type=criteria["typeIdentifiantStructure"])
    for key in ("raisonSocialeStructure", "libelleStructure", "nomStructure", "prenomStructure"):
        if criteria.get(key):
            value = criteria[key].strip()
            queryset = queryset.filter(Q(name__icontains=value) | Q(label__icontains=value))
    if criteria.get("adresseCodePays"):
        queryset = queryset.filter(country__iexact=criteria["adresseCodePays"].strip())
    if criteria.get("adresseCodePostal"):
        queryset = queryset.filter(postal_code__startswith=criteria["adresseCodePostal"].strip())
    if criteria.get("adresseVille"):
        queryset = queryset.filter(city__icontains=criteria["adresseVille"].strip())
    if criteria.get("typeStructure"):
        queryset = queryset.filter(kind=criteria["typeStructure"])
    if criteria.get("statutStructure"):
        queryset = queryset.filter(status=criteria["statutStructure"])
    return queryset


class ConsulterStructure(ChorusAPIView):
    """A structure's identity, head-office address and parameters (which invoice data it requires)."""

    operation_id = "consulterStructure"
    input_serializer = s.ConsulterStructureInput
    output_serializer = s.ConsulterStructureOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        structure_id = data.get("idStructureCPP") or data.get("idStructure")
        if not structure_id:
            raise ValidationFailed(details={"idStructureCPP": [str(REQUIRED)]})
        structure = structure_get_visible(actor=request.user, structure_id=structure_id)
        if structure is None:
            raise StructureNotFound()
        return {
            "adressePostaleDuSiege": address_block(structure),
            "informationGenerales": {
                "dateExpirationMotPasseCompteTech": iso(_password_expiry(request.user, structure)),
                "emailStructure": structure.email or None,
                "estValideurDeleguee": False,
                "idStructureCPP": structure.pk,
                "idStructureOrigine": None,
                "identifiantStructure": structure.identifier,
                "libelleStructure": structure.label or structure.name,
                "listeStructureDupliquees": [],
                "nomStructure": None,
                "numeroRcsStructure": structure.rcs_number or None,
                "numeroTVA": structure.vat_number or None,
                "prenomStructure": None,
                "raisonSocialeStructure": structure.name,
                "structurePriveePublique": structure.kind,
                "typeIdentifiantStructure": structure.identifier_type,
            },
            "parametres": {
                "codeServiceDoitEtreRenseigne": structure.service_code_required,
                "connexionEDI": structure.edi_connected,
                "estMoaUniquement": False,
                "estValideurDelegue": False,
                "gestionNumeroEJOuCodeService": structure.commitment_or_service_required,
                "getaMoa": False,
                "aMoa": False,
                "nonDiffusibleInsee": False,
                "numeroEJDoitEtreRenseigne": structure.commitment_required,
                "recevoirDonneesViaEDI": structure.receives_by_edi,
                "statutMiseEnPaiementNestPasRemonte": structure.payment_status_not_reported,
            },
        }


def _password_expiry(actor: User, structure: Structure) -> Any:
    """The earliest technical-password expiry of the structure, for its own users only."""
    if structure.pk not in actor_structure_ids(actor=actor):
        return None
    accounts = TechnicalAccount.objects.filter(structure=structure, user__is_active=True).select_related(
        "user"
    )
    expiries = [account.password_expires_at for account in accounts]
    return min(expiries) if expiries else None


class RechercherServicesStructure(ChorusAPIView):
    """The services of a structure (public, or one the caller is attached to)."""

    operation_id = "rechercherServicesStructure"
    input_serializer = s.RechercherServicesInput
    output_serializer = s.RechercherServicesOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        structure = structure_by_reference(
            actor=request.user, structure_id=data.get("idStructure"), identifier=None, identifier_type=None
        )
        page_request = PageRequest.from_params(
            data.get("parametresRechercherServicesStructure"), columns=s.SERVICE_SORTS
        )
        page = paginate(structure.services.all(), page_request, sort_fields=s.SERVICE_SORTS)
        return {"listeServices": [service_row(service) for service in page.items], **page.response_fields()}


class ConsulterServiceStructure(ChorusAPIView):
    """A service's parameters: whether it requires a commitment number, whether it reports payment."""

    operation_id = "consulterServiceStructure"
    input_serializer = s.ConsulterServiceInput
    output_serializer = s.ConsulterServiceOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        require(data, "idService")
        services = Service.objects.filter(structure__in=structure_list_visible(actor=request.user))
        if data.get("idStructure"):
            services = services.filter(structure_id=data["idStructure"])
        service = services.select_related("structure").filter(pk=data["idService"]).first()
        if service is None:
            raise ServiceNotFound()
        return {
            "adressePostale": address_block(service.structure),
            "informationsGenerales": {
                "codeService": service.code,
                "descriptionService": service.description or None,
                "nomService": service.name,
            },
            "parametres": {
                "dateCreation": minute(service.created_at),
                "dateDebutValidite": minute(service.valid_from),
                "dateFinValidite": minute(service.valid_until),
                "dateModification": minute(service.updated_at),
                "miseEnPaiement": service.payment_status_reported,
                "numeroEngagement": service.commitment_required,
            },
            # Not a search, but SW-STR gives it top-level counters: one result.
            "nbResultatsParPage": 1,
            "pageCourante": 1,
            "pages": 1,
            "total": 1,
        }


class ListerRattachementsStructureUtilisateur(ChorusAPIView):
    """A user's attachment to one structure, service by service.

    The caller sees its own attachments; another user's only as a manager of the structure or
    as the structure's technical account (which acts for the structure)."""

    operation_id = "listerRattachementsStructureUtilisateur"
    input_serializer = s.ListerRattachementsInput
    output_serializer = s.ListerRattachementsOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        actor = request.user
        structure = structure_by_reference(
            actor=actor,
            structure_id=data.get("idStructure"),
            identifier=data.get("identifiantStructure"),
            identifier_type=data.get("typeIdentifiantStructure"),
            attached_only=True,
        )
        user = _target_user(actor, structure, data)
        attachment = (
            Attachment.objects.filter(user=user, structure=structure).prefetch_related("services").first()
            if user is not None
            else None
        )
        rows: list[dict[str, Any]] = []
        if attachment is not None:
            base = {
                "commentaire": attachment.comment or None,
                "dateDebut": minute(attachment.decided_at or attachment.requested_at),
                "dateFin": None,
                "idRattachement": attachment.pk,
                "statutRattachement": ATTACHMENT_STATUS[Attachment.Status(attachment.status)],
            }
            services = list(attachment.services.all())
            for service in services:
                rows.append(
                    {**base, "codeService": service.code, "idService": service.pk, "nomService": service.name}
                )
            if not services:  # attached to the whole structure
                rows.append({**base, "codeService": None, "idService": None, "nomService": None})
        page_request = PageRequest.from_params(
            data.get("parametresListerRattachementsStructureUtilisateur"), columns=s.ATTACHMENT_SORTS
        )
        page = paginate(rows, page_request, sort_fields=s.ATTACHMENT_SORTS)
        return {
            "designationStructure": structure_designation(structure),
            "idStructure": structure.pk,
            "identifiantStructure": structure.identifier,
            "premierService": False,
            "listeServices": page.items,
            **page.response_fields(),
        }


def _target_user(actor: User, structure: Structure, data: dict[str, Any]) -> User | None:
    email = (data.get("adresseEmailConnexionUtilisateur") or "").strip().lower()
    user_id = data.get("idUtilisateur")
    if not email and not user_id:
        return actor
    if (email and email == actor.email) or user_id == actor.pk:
        return actor
    account = technical_account_of(user=actor)
    acts_for_structure = structure.pk in managed_structure_ids(actor=actor) or (
        account is not None and account.structure_id == structure.pk)
    if not acts_for_structure:
        raise StructureNotFound()
    users = User.objects.filter(attachments__structure=structure)
    users = users.filter(email=email) if email else users.filter(pk=user_id)
    return users.first()


MODE_WIRE = {SpaceMode.CONSULTATION: "CONSULTATION_UNIQUEMENT", SpaceMode.MODIFICATION: "MODIFICATION"}


class RechercherEspaces(ChorusAPIView):
    """The spaces the caller holds, per structure, with their mode (typeHabilitation)."""

    operation_id = "rechercherEspaces"
    input_serializer = s.RechercherEspacesInput
    output_serializer = s.RechercherEspacesOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        actor = request.user
        criteria = data.get("structure") or {}
        if criteria:
            structure_ids = {
                structure_by_reference(
                    actor=actor,
                    structure_id=criteria.get("idStructure"),
                    identifier=criteria.get("identifiantStructure"),
                    identifier_type=criteria.get("typeIdentifiantStructure"),
                    attached_only=True,
                ).pk
            }
        else:
            structure_ids = actor_structure_ids(actor=actor)
        rows = _space_rows(actor, structure_ids)
        page_request = PageRequest.from_params(data.get("parametresRechercherEspaces"), columns=s.SPACE_SORTS)
        page: Page = paginate(rows, page_request, sort_fields=s.SPACE_SORTS)
        return {"listeEspace": page.items, **page.response_fields()}


def _space_rows(actor: User, structure_ids: set[int]) -> list[dict[str, Any]]:
    closed = set(
        StructureSpace.objects.filter(structure_id__in=structure_ids, is_open=False).values_list(
            "structure_id", "space"
        )
    )
    holdings: dict[tuple[int, str], str] = {}
    for sub in SpaceSubscription.objects.filter(
        user=actor, structure_id__in=structure_ids, status=SpaceSubscription.Status.ACTIVE
    ):
        holdings[(sub.structure_id, sub.space)] = sub.mode
    account = technical_account_of(user=actor)
    own = [account.structure_id] if account is not None and account.structure_id in structure_ids else []
    for structure_id in own:  # a technical account acts for its structure in every open space
        for row in StructureSpace.objects.filter(structure_id=structure_id, is_open=True):
            holdings.setdefault((structure_id, row.space), SpaceMode.MODIFICATION)
    rows = []
    for (structure_id, space_value), mode in sorted(holdings.items()):
        space = Space(space_value)
        rows.append(
            {
                "codeEspace": SPACE_IDS[space],
                "codeService": None,
                "etatCourant": "SUPPRIME" if (structure_id, space_value) in closed else "ACTIVE",
                "idEspaceFo": SPACE_IDS[space],
                "idService": None,
                "libelleEspace": str(space.label),
                "libelleService": None,
                "typeHabilitation": MODE_WIRE[SpaceMode(mode)],
                "idStructure": structure_id,
            }
        )
    return rows
