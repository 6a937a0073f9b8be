"""« Transverses » ajouterFichierDansSysteme (T28): upload a file ahead of an invoice.

The file becomes a pending attachment of the technical account's user (``InvoiceAttachment``
without invoice); ``soumettreFacture`` uses it by its ``pieceJointeId`` as the main PDF
(``pieceJointePrincipale``) or an additional attachment (``pieceJointeComplementaire``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from facturier.api.factures.views import decode_base64
from facturier.api.serializers import Base64Field, ChorusResponseSerializer, ChorusSerializer
from facturier.api.views import ChorusAPIView
from facturier.invoices.entry import attachment_pending_add
from facturier.invoices.errors import AttachmentTooLarge


class AjouterFichierInput(ChorusSerializer):
    absent_as_missing = ("idUtilisateurCourant", "pieceJointeTypeMime", "pieceJointeExtension")

    idUtilisateurCourant = serializers.IntegerField(required=False, allow_null=True, help_text="Ignored.")
    pieceJointeFichier = Base64Field(help_text="The file in base64 (≤ 10 MB).")
    pieceJointeNom = serializers.CharField(max_length=200, help_text="≤ 50 characters with the extension.")
    pieceJointeTypeMime = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=100)
    pieceJointeExtension = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=8,
        help_text="PDF, XML, PNG... (added to the name when the name has none).",
    )


class AjouterFichierOutput(ChorusResponseSerializer):
    pieceJointeId = serializers.IntegerField()


class AjouterFichierDansSysteme(ChorusAPIView):
    """Upload an attachment; answers its ``pieceJointeId``. Over 10 MB: codeRetour 20003."""

    operation_id = "ajouterFichierDansSysteme"
    input_serializer = AjouterFichierInput
    output_serializer = AjouterFichierOutput

    def post(self, request: Request) -> Response:
        limit = settings.FACTURIER_ATTACHMENT_MAX_BYTES
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit * 4 // 3 + 64 * 1024:
            raise AttachmentTooLarge(max=limit // (1024 * 1024))
        return super().post(request)

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        limit = settings.FACTURIER_ATTACHMENT_MAX_BYTES
        try:
            content = decode_base64(data["pieceJointeFichier"], field="pieceJointeFichier", limit=limit)
        except Exception as exc:
            if getattr(exc, "http_status", None) == 413:
                raise AttachmentTooLarge(max=limit // (1024 * 1024)) from None
            raise
        name = data["pieceJointeNom"].strip()
        extension = (data.get("pieceJointeExtension") or "").strip().lstrip(".")
        if extension and not name.lower().endswith("." + extension.lower()):
            name = f"{name}.{extension.lower()}"
        attachment = attachment_pending_add(
            actor=request.user, name=name, data=content, content_type=data.get("pieceJointeTypeMime") or ""
        )
        return {"pieceJointeId": attachment.pk}
