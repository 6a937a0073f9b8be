"""Structure files: attachments (pièces jointes) and the generated billing mandate (PDF)."""

from __future__ import annotations

import io
import os
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from facturier.accounts.models import User
from facturier.audit.services import audit_log
from facturier.core.errors import ValidationFailed

from ..models import Structure, StructureDocument
from ._common import require_manager

# Chorus Pro's limits for attachments (api.md T28): ≤ 10 MB, file name ≤ 50 characters.
MAX_SIZE = 10 * 1024 * 1024
MAX_NAME = 50
ALLOWED_EXTENSIONS = frozenset(
    "bmp gif fax odt ppt tiff xls bz2 gz jpeg p7s rtf txt xml csv gzip jpg pdf svg xhtml xlsx doc htm odp "
    "png tgz xlc zip docx html ods pps tif xlm pptx".split()
)


def structure_add_document(
    *, actor: User, structure: Structure, designation: str, file: UploadedFile
) -> StructureDocument:
    """Attach a file to a structure (managers only), within Chorus Pro's limits."""
    name = os.path.basename(file.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationFailed(
            _(
                "Le type de fichier « .%(extension)s » n'est pas accepté. Formats acceptés : PDF, images, "
                "documents bureautiques, XML, CSV, archives ZIP."
            ),
            extension=extension or "?",
        )
    if len(name) > MAX_NAME:
        raise ValidationFailed(
            _(
                "Le nom du fichier compte %(count)d caractères ; raccourcissez-le à 50 caractères au plus, "
                "extension comprise."
            ),
            count=len(name),
        )
    if file.size is not None and file.size > MAX_SIZE:
        raise ValidationFailed(_("Le fichier dépasse 10 Mo : réduisez sa taille ou scindez-le."))
    with transaction.atomic():
        require_manager(actor=actor, structure=structure)
        document = StructureDocument(
            structure=structure,
            kind=StructureDocument.Kind.ATTACHMENT,
            designation=(designation or name).strip()[:200],
            content_type=getattr(file, "content_type", "") or "",
            size=file.size or 0,
            created_by=actor,
        )
        document.file.save(get_valid_filename(name), file, save=False)
        document.save()
        audit_log(
            actor=actor,
            action="structure.document.added",
            obj=structure,
            data={"document": document.pk, "name": name, "size": document.size},
        )
    return document


def structure_generate_mandate(
    *,
    actor: User,
    structure: Structure,
    mandatary_name: str,
    mandatary_identifier: str,
    valid_from: date,
    valid_until: date | None = None,
) -> StructureDocument:
    """Generate the billing mandate (mandat de facturation) as a PDF: the structure (mandant)
    entrusts the mandatary with issuing its invoices in its name and on its behalf."""
    if not mandatary_name.strip() or not mandatary_identifier.strip():
        raise ValidationFailed(_("Indiquez le nom et l'identifiant (SIRET) du mandataire."))
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed(_("La date de fin du mandat précède sa date de début."))
    with transaction.atomic():
        require_manager(actor=actor, structure=structure)
        pdf = _mandate_pdf(
            structure=structure,
            mandatary_name=mandatary_name.strip(),
            mandatary_identifier=mandatary_identifier.strip(),
            valid_from=valid_from,
            valid_until=valid_until,
            signatory=actor,
        )
        document = StructureDocument(
            structure=structure,
            kind=StructureDocument.Kind.MANDATE,
            designation=str(_("Mandat de facturation — %(name)s") % {"name": mandatary_name.strip()})[:200],
            content_type="application/pdf",
            size=len(pdf),
            created_by=actor,
        )
        document.file.save(
            f"mandat-{structure.identifier}-{timezone.now():%Y%m%d%H%M%S}.pdf", ContentFile(pdf), save=False
        )
        document.save()
        audit_log(
            actor=actor,
            action="structure.mandate.generated",
            obj=structure,
            data={
                "document": document.pk,
                "mandatary": mandatary_identifier.strip(),
                "valid_from": valid_from,
                "valid_until": valid_until,
            },
        )
    return document


def _mandate_pdf(
    *,
    structure: Structure,
    mandatary_name: str,
    mandatary_identifier: str,
    valid_from: date,
    valid_until: date | None,
    signatory: User,
) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=gettext("Mandat de facturation"),
        author="facturier",
    )
    styles = getSampleStyleSheet()
    until = valid_until.isoformat() if valid_until else gettext("sans date de fin")
    address = ", ".join(
        part for part in (structure.address_line, structure.postal_code, structure.city) if part
    )
    paragraphs = [
        Paragraph(gettext("Mandat de facturation"), styles["Title"]),
        Paragraph(gettext("Article 289, I-2 du code général des impôts"), styles["Italic"]),
        Spacer(1, 0.6 * cm),
        Paragraph(
            gettext("Le mandant : %(name)s, %(type)s %(identifier)s, %(address)s.")
            % {
                "name": structure.name,
                "type": structure.identifier_type,
                "identifier": structure.identifier,
                "address": address or "—",
            },
            styles["Normal"],
        ),
        Spacer(1, 0.3 * cm),
        Paragraph(
            gettext("Le mandataire : %(name)s, identifiant %(identifier)s.")
            % {"name": mandatary_name, "identifier": mandatary_identifier},
            styles["Normal"],
        ),
        Spacer(1, 0.5 * cm),
        Paragraph(
            gettext(
                "Le mandant confie au mandataire l'établissement et l'émission, en son nom et pour son compte, "
                "de ses factures et de ses avoirs. Le mandant reste seul redevable de la TVA et s'engage à "
                "contester sans délai toute facture émise en son nom qu'il n'aurait pas acceptée."
            ),
            styles["Normal"],
        ),
        Spacer(1, 0.5 * cm),
        Paragraph(
            gettext("Durée : du %(start)s au %(end)s.") % {"start": valid_from.isoformat(), "end": until},
            styles["Normal"],
        ),
        Spacer(1, 1 * cm),
        Paragraph(
            gettext("Fait le %(date)s pour le mandant par %(who)s.")
            % {"date": timezone.localdate().isoformat(), "who": signatory.get_full_name() or signatory.email},
            styles["Normal"],
        ),
    ]
    document.build(paragraphs)
    return buffer.getvalue()
