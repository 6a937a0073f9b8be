"""The public directory of recipients (annuaire des destinataires) as files: CSV, and the
Chorus-style zip (a CSV inside) served by ``telecharger/annuaire/destinataire`` (api.md T25)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable

from django.db.models import Prefetch

from .models import Service, Structure
from .selectors import directory_search

CSV_NAME = "annuaire_destinataires.csv"
# Column names are those of the Chorus Pro directory export, kept in French (a file format).
HEADER = (
    "Identifiant",
    "Type identifiant",
    "Raison sociale",
    "Adresse",
    "Code postal",
    "Ville",
    "Pays",
    "Code service obligatoire",
    "Engagement obligatoire",
    "Engagement ou code service obligatoire",
    "Statut mise en paiement non remonte",
    "Service de l'Etat",
    "Code service",
    "Nom service",
    "Service engagement obligatoire",
)


def _yes(value: bool) -> str:
    return "OUI" if value else "NON"


def directory_structures() -> Iterable[Structure]:
    active_services = Service.objects.filter(is_active=True).order_by("code")
    return directory_search().prefetch_related(Prefetch("services", queryset=active_services))


def directory_rows(structures: Iterable[Structure]) -> Iterable[tuple[str, ...]]:
    """One row per (structure, active service), or one row for a structure without services."""
    for structure in structures:
        base = (
            structure.identifier,
            structure.identifier_type,
            structure.name,
            structure.address_line,
            structure.postal_code,
            structure.city,
            structure.country,
            _yes(structure.service_code_required),
            _yes(structure.commitment_required),
            _yes(structure.commitment_or_service_required),
            _yes(structure.payment_status_not_reported),
            _yes(structure.is_state_service),
        )
        services = list(structure.services.all())
        if not services:
            yield (*base, "", "", "")
        for service in services:
            yield (*base, service.code, service.name, _yes(service.commitment_required))


def directory_csv(structures: Iterable[Structure] | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(directory_rows(directory_structures() if structures is None else structures))
    return buffer.getvalue()


def directory_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # UTF-8 with a BOM, so spreadsheet programs read the accents right.
        archive.writestr(CSV_NAME, "\ufeff" + directory_csv())
    return buffer.getvalue()
