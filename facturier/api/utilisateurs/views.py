"""Operations of the « Utilisateurs » API (api.md §7.7)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from facturier.api.pagination import PageRequest, paginate
from facturier.api.structures.rows import ATTACHMENT_STATUS, service_row, structure_designation
from facturier.api.views import ChorusAPIView
from facturier.structures.models import Attachment
from facturier.structures.selectors import attachment_list_for_user

from . import serializers as s


class RecupererRattachementsMonCompteUtilisateur(ChorusAPIView):
    """The caller's own attachments (structures and services), whatever their status."""

    operation_id = "recupererRattachementsMonCompteUtilisateur"
    input_serializer = s.RecupererRattachementsInput
    output_serializer = s.RecupererRattachementsOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        user = request.user
        user_status = "ACTIF" if user.is_active else "INACTIF"
        through = Attachment.services.through
        links = {
            (row.attachment_id, row.service_id): row.pk
            for row in through.objects.filter(attachment__user=user)
        }
        rows = []
        for attachment in attachment_list_for_user(user=user):
            status = ATTACHMENT_STATUS[Attachment.Status(attachment.status)]
            services = []
            for service in attachment.services.all():
                row = service_row(service)
                services.append(
                    {
                        "codeService": row["codeService"],
                        "dateDbtService": row["dateDbtService"],
                        "dateFinService": row["dateFinService"],
                        "estActif": row["estActif"],
                        "idRattachementService": links[(attachment.pk, service.pk)],
                        "idService": row["idService"],
                        "libelleService": row["libelleService"],
                        "statutRattachementService": status,
                        "statutService": row["statutService"],
                    }
                )
            rows.append(
                {
                    "designationStructure": structure_designation(attachment.structure),
                    "idRattachementStructure": attachment.pk,
                    "idStructure": attachment.structure_id,
                    "identifiantStructure": attachment.structure.identifier,
                    "listeServicesRattache": services,
                    "roleUtilisateur": attachment.role,
                    "statutRattachementStructure": status,
                    "statutUtilisateur": user_status,
                    "typeIdentifiantStructure": attachment.structure.identifier_type,
                }
            )
        page_request = PageRequest.from_params(
            data.get("parametresRecherche"),
            columns=s.RATTACHEMENT_SORTS,
            default_column="DesignationStructure",
        )
        page = paginate(rows, page_request, sort_fields=s.RATTACHEMENT_SORTS)
        return {"listeStructureRattachement": page.items, **page.response_fields()}
