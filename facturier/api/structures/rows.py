"""Shared wire formats for structures and services (api.md §3.4, S1–S6, T20–T27, U1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from facturier.structures.models import Attachment, Service, Structure

# Wire values of attachment statuses (api.md S5).
ATTACHMENT_STATUS = {
    Attachment.Status.PENDING: "EN_COURS_DE_VALIDATION",
    Attachment.Status.VALIDATED: "VALIDEE",
    Attachment.Status.REFUSED: "REFUSEE",
    Attachment.Status.INACTIVE: "DESACTIVEE",
}


def minute(value: date | datetime | None) -> str | None:
    """``"YYYY-MM-DD HH:MM"``, the services' date format (PY-OCA sample, GO ``Datetime``)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return f"{value.isoformat()} 00:00"


def iso(value: datetime | None) -> str | None:
    """RFC 3339 with milliseconds and offset, as in the official examples."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="milliseconds")


def structure_status(structure: Structure) -> str:
    return "ACTIVE" if structure.is_active else "INACTIVE"


def structure_designation(structure: Structure) -> str:
    return structure.label or structure.name


def service_row(service: Service) -> dict[str, Any]:
    return {
        "idService": service.pk,
        "codeService": service.code,
        "libelleService": service.name,
        "estActif": service.is_active,
        "statutService": service.status_code,
        "dateDbtService": minute(service.valid_from or service.created_at),
        "dateFinService": minute(service.valid_until),
    }


def address_block(structure: Structure) -> dict[str, Any]:
    return {
        "adresse": structure.address_line or None,
        "codePostal": structure.postal_code or None,
        "complementAdresse1": structure.address_complement1 or None,
        "complementAdresse2": structure.address_complement2 or None,
        "fax": None,
        "indicatifFax": None,
        "indicatifTelephone": None,
        "pays": structure.country or None,
        "telephone": structure.phone or None,
        "ville": structure.city or None,
    }
