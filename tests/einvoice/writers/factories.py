"""Small invoices built with :func:`facturier.einvoice.build.build_invoice` for the writer tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from facturier.einvoice.build import (
    AddressData,
    AllowanceChargeData,
    ContactData,
    IdentifierData,
    LineData,
    NoteData,
    PartyData,
    PaymentData,
    PrecedingInvoiceData,
    build_invoice,
)
from facturier.einvoice.model import Invoice

SELLER = PartyData(
    name="Atelier Dupont SARL",
    trading_name="Atelier Dupont",
    identifiers=[IdentifierData("35600000000048", "0009")],
    legal_id=IdentifierData("356000000", "0002"),
    vat_id="FR39356000000",
    legal_info="SARL au capital de 10 000 €",
    electronic_address=IdentifierData("35600000000048", "0009"),
    address=AddressData(line1="12 rue des Artisans", city="Nantes", postcode="44000", country="FR"),
    contact=ContactData(name="Claire Dupont", phone="+33 2 40 00 00 00", email="facturation@dupont.example"),
)
BUYER = PartyData(
    name="Commune de Saint-Exemple",
    identifiers=[IdentifierData("21440000000011", "0009")],
    legal_id=IdentifierData("214400000", "0002"),
    electronic_address=IdentifierData("21440000000011", "0009"),
    address=AddressData(line1="Place de la Mairie", city="Saint-Exemple", postcode="44100", country="FR"),
    # Department only: CII-SR-466 (Factur-X) forbids a person name next to a department.
    contact=ContactData(department="Service des finances", email="finances@saint-exemple.example"),
)


def simple_invoice(**overrides: Any) -> Invoice:
    """A domestic invoice: two VAT rates, a line allowance, a document allowance and charge,
    a prepaid amount, SEPA credit transfer, Chorus Pro service code and commitment number."""
    data: dict[str, Any] = dict(
        number="FA-2025-0042",
        issue_date=dt.date(2025, 3, 14),
        due_date=dt.date(2025, 4, 13),
        seller=SELLER,
        buyer=BUYER,
        buyer_reference="SCE-URBA-01",
        purchase_order_reference="EJ-2025-000123",
        contract_reference="MARCHE-2024-17",
        period_start=dt.date(2025, 2, 1),
        period_end=dt.date(2025, 2, 28),
        lines=[
            LineData(
                name="Réfection de la toiture",
                quantity="12.5",
                unit="HUR",
                net_price="48.00",
                description="Main d'œuvre",
            ),
            LineData(
                name="Tuiles",
                quantity=300,
                unit="H87",
                net_price="1.2345",
                seller_item_id="TUI-01",
                allowances=[AllowanceChargeData(percentage=5, reason="Remise quantité", reason_code="95")],
            ),
            LineData(name="Guide d'entretien", quantity=1, net_price="15.00", vat_rate="5.5"),
        ],
        allowances=[
            AllowanceChargeData(
                amount="20.00", reason="Remise fidélité", reason_code="95", vat_category="S", vat_rate=20
            )
        ],
        charges=[AllowanceChargeData(amount="35.00", reason="Déplacement", vat_category="S", vat_rate=20)],
        prepaid="100.00",
        payment=PaymentData(
            means_code="58",
            iban="FR7630001007941234567890185",
            bic="BDFEFRPPCCT",
            account_name="Atelier Dupont",
        ),
        remittance_info="FA-2025-0042",
        payment_terms="Paiement à 30 jours. Pénalités de retard : 3 fois le taux d'intérêt légal.",
        notes=[
            NoteData("Indemnité forfaitaire pour frais de recouvrement : 40 €.", "PMT"),
            "Merci de votre confiance.",
        ],
    )
    data.update(overrides)
    return build_invoice(**data)


def credit_note(**overrides: Any) -> Invoice:
    data: dict[str, Any] = dict(
        number="AV-2025-0003",
        type_code="381",
        issue_date=dt.date(2025, 3, 20),
        seller=SELLER,
        buyer=BUYER,
        buyer_reference="SCE-URBA-01",
        preceding_invoices=[PrecedingInvoiceData("FA-2025-0042", dt.date(2025, 3, 14))],
        lines=[LineData(name="Tuiles retournées", quantity=20, unit="H87", net_price="1.2345")],
        payment_terms="Remboursement par virement.",
    )
    data.update(overrides)
    return build_invoice(**data)


def exempt_invoice(**overrides: Any) -> Invoice:
    """Exempt supply (VAT category E): "TVA non applicable, art. 293 B du CGI"."""
    data: dict[str, Any] = dict(
        number="FA-2025-0100",
        issue_date=dt.date(2025, 5, 2),
        due_date=dt.date(2025, 6, 1),
        seller=SELLER,
        buyer=BUYER,
        lines=[
            LineData(name="Formation", quantity=2, unit="DAY", net_price="450", vat_category="E", vat_rate=0),
            LineData(name="Support de cours", quantity=3, net_price="12.30", vat_category="E", vat_rate=0),
        ],
        vat_exemption_reasons={"E": ("TVA non applicable, art. 293 B du CGI", None)},
        payment=PaymentData(means_code="30", iban="FR7630001007941234567890185"),
    )
    data.update(overrides)
    return build_invoice(**data)


def out_of_scope_invoice(**overrides: Any) -> Invoice:
    """Only services outside the scope of VAT (category O, no rate; BR-O-02: no VAT identifier)."""
    data: dict[str, Any] = dict(
        number="FA-2025-0101",
        issue_date=dt.date(2025, 5, 2),
        due_date=dt.date(2025, 6, 1),
        seller=dataclasses.replace(SELLER, vat_id=None),
        buyer=BUYER,
        lines=[LineData(name="Débours", quantity=1, net_price="12.30", vat_category="O", vat_rate=None)],
        payment=PaymentData(means_code="30", iban="FR7630001007941234567890185"),
    )
    data.update(overrides)
    return build_invoice(**data)
