"""Helpers of the invoice-entry API tests (F2, F3, T28): a supplier ready to invoice (VAT number,
bank details) and the commune as recipient."""

from __future__ import annotations

import base64
from io import BytesIO

from facturier.structures.models import BankAccount, Structure, TechnicalAccount

IBAN = "FR7630006000011234567890189"


def ready_supplier(account: TechnicalAccount, *, bank: bool = True) -> Structure:
    structure = account.structure
    Structure.objects.filter(pk=structure.pk).update(vat_number="FR00" + structure.identifier[:9],
                                                     address_line="12 rue des Musiciens", city="Lyon",
                                                     postal_code="69002")
    if bank:
        BankAccount.objects.create(structure=structure, name="Compte courant", iban=IBAN, bic="AGRIFRPP",
                                   created_by=account.user)
    structure.refresh_from_db()
    return structure


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def text_pdf(lines: list[str]) -> bytes:
    from reportlab.pdfgen import canvas

    out = BytesIO()
    page = canvas.Canvas(out)
    y = 800
    for line in lines:
        page.drawString(50, y, line)
        y -= 20
    page.save()
    return out.getvalue()
