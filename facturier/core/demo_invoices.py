"""Demo invoices: a few invoices in the states each space shows (docs/lifecycle.md), so that
``make run`` opens on spaces with something to process. Each one is built with the e-invoice
writers, deposited through ``invoice_deposit`` (the same record, certificate, history and audit
entries as a real deposit) and moved on with the lifecycle services, as its actors would.
Idempotent: an invoice number already deposited by its supplier is left alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from facturier.accounts.models import User
from facturier.einvoice import read
from facturier.einvoice.build import AddressData, IdentifierData, LineData, PartyData, PaymentData, build_invoice
from facturier.einvoice.writers import write_cii
from facturier.invoices import lifecycle
from facturier.invoices.enums import BillingFrame, DepositMode
from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.models import Invoice
from facturier.invoices.services import invoice_deposit
from facturier.structures.models import Service, Structure

MONTCLAIR, DIAPASON, MAIN_CONTRACTOR, SUBCONTRACTOR = (
    "21345000000012", "89123456900012", "52345678800018", "53456789600012")


@dataclass(frozen=True)
class DemoInvoice:
    number: str
    supplier: str
    service: str
    commitment: str
    lines: tuple[tuple[str, int, str], ...]
    frame: str = BillingFrame.A1.value
    validator: str = ""
    # (status, mover, comment): the moves made after the deposit, by the recipient or the supplier.
    moves: tuple[tuple[str, str, str], ...] = field(default=())


INVOICES = (
    DemoInvoice("AD-2026-0101", DIAPASON, "FINANCES", "EJ-2026-0007",
                (("Accord de piano — salle des fêtes", 2, "80.00"), ("Partitions", 3, "15.00"))),
    DemoInvoice("AD-2026-0102", DIAPASON, "SCOLAIRE", "",
                (("Atelier musical, école Jules-Ferry", 4, "120.00"),),
                moves=((S.SUSPENDUE, "recipient", "Bon de livraison manquant : merci de le joindre."),)),
    DemoInvoice("AD-2026-0103", DIAPASON, "TECHNIQUE", "",
                (("Sonorisation fête de la musique", 1, "650.00"),),
                moves=((S.SERVICE_FAIT, "recipient", ""), (S.MANDATEE, "recipient", ""),
                       (S.MISE_EN_PAIEMENT, "recipient", ""))),
    DemoInvoice("AD-2026-0104", DIAPASON, "FINANCES", "EJ-2026-0099",
                (("Location de pupitres", 10, "12.00"),),
                moves=((S.A_RECYCLER, "recipient", "Ce marché relève des Services techniques (TECHNIQUE)."),)),
    DemoInvoice("STS-2026-0042", SUBCONTRACTOR, "TECHNIQUE", "",
                (("Pose de cloisons acoustiques (sous-traitance)", 1, "4200.00"),),
                frame=BillingFrame.A9.value, validator=MAIN_CONTRACTOR),
)


def _party(structure: Structure) -> PartyData:
    return PartyData(
        name=structure.name,
        identifiers=[IdentifierData(structure.identifier, "0009")],
        legal_id=IdentifierData(structure.identifier, "0009"),
        vat_id=structure.vat_number or None,
        address=AddressData(line1=structure.address_line or "-", city=structure.city or "-",
                            postcode=structure.postal_code or "00000", country="FR"),
    )


def _member(structure: Structure) -> User:
    return User.objects.filter(attachments__structure=structure, kind=User.Kind.PERSON).order_by("pk").first()


def load_demo_invoices() -> int:
    """Deposit the demo invoices not deposited yet; returns how many were created."""
    created = 0
    recipient = Structure.objects.get(identifier=MONTCLAIR)
    for spec in INVOICES:
        if Invoice.objects.filter(supplier_identifier=spec.supplier, number=spec.number).exists():
            continue
        supplier = Structure.objects.get(identifier=spec.supplier)
        service = Service.objects.get(structure=recipient, code=spec.service)
        today = timezone.localdate()
        document = build_invoice(
            number=spec.number, issue_date=today - dt.timedelta(days=3), due_date=today + dt.timedelta(days=27),
            seller=_party(supplier), buyer=_party(recipient), buyer_reference=spec.service,
            purchase_order_reference=spec.commitment or None, business_process=spec.frame.split("_", 1)[0],
            lines=[LineData(name=name, quantity=qty, net_price=price) for name, qty, price in spec.lines],
            payment=PaymentData(iban=supplier.bank_accounts.values_list("iban", flat=True).first()
                                or "FR7630006000011234567890189"),
        )
        data = write_cii(document)
        parsed = read(data)
        actor = _member(supplier)
        validator = Structure.objects.get(identifier=spec.validator) if spec.validator else None
        with transaction.atomic():
            invoice = invoice_deposit(
                actor=actor, document=parsed.invoice, data=data, file_name=f"{spec.number}.xml", supplier=supplier,
                recipient=recipient, service=service, deposit_mode=DepositMode.SAISIE_API, syntax="cii",
                billing_frame=spec.frame, validator=validator,
            )
            agent = _member(recipient)
            for status, mover, comment in spec.moves:
                if mover == "recipient":
                    invoice = lifecycle.invoice_process(actor=agent, invoice=invoice, to=status, comment=comment)
        created += 1
    return created
