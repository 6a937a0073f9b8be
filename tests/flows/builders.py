"""Invoices and flow files built for the deposit tests (never copied from the corpus).

Seller: the demo's Au Diapason; buyer: the demo's Commune de Montclair, service FINANCES (which
requires a commitment number).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import tarfile
import zipfile
from typing import Any

from facturier.einvoice.build import AddressData, IdentifierData, LineData, PartyData, PaymentData, build_invoice
from facturier.einvoice.model import Invoice
from facturier.einvoice.writers import write_cii, write_facturx, write_ubl

SUPPLIER_SIRET = "89123456900012"
COMMUNE_SIRET = "21345000000012"

SELLER = PartyData(
    name="Au Diapason",
    identifiers=[IdentifierData(SUPPLIER_SIRET, "0009")],
    legal_id=IdentifierData(SUPPLIER_SIRET, "0009"),
    vat_id="FR58891234569",
    address=AddressData(line1="12 rue des Musiciens", city="Lyon", postcode="69002", country="FR"),
)


def buyer(siret: str = COMMUNE_SIRET, name: str = "Commune de Montclair") -> PartyData:
    return PartyData(
        name=name,
        legal_id=IdentifierData(siret, "0009"),
        address=AddressData(line1="1 place de la Mairie", city="Montclair", postcode="34500", country="FR"),
    )


def invoice(number: str = "AD-2025-0001", **overrides: Any) -> Invoice:
    data: dict[str, Any] = dict(
        number=number,
        issue_date=dt.date(2025, 3, 1),
        due_date=dt.date(2025, 3, 31),
        seller=SELLER,
        buyer=buyer(),
        buyer_reference="FINANCES",
        purchase_order_reference="EJ-2025-0042",
        contract_reference="MARCHE-2024-07",
        lines=[
            LineData(name="Accord de piano", quantity=2, net_price="80.00"),
            LineData(name="Partitions", quantity=3, net_price="15.00", vat_rate="5.5"),
        ],
        payment=PaymentData(iban="FR7630006000011234567890189"),
    )
    data.update(overrides)
    return build_invoice(**data)


WRITERS = {"ubl": write_ubl, "cii": write_cii, "facturx": write_facturx}
SYNTAXES = {"ubl": "IN_DP_E1_UBL_INVOICE", "cii": "IN_DP_E1_CII_16B", "facturx": "IN_DP_E2_CII_FACTURX"}
EXTENSIONS = {"ubl": "xml", "cii": "xml", "facturx": "pdf"}


def invoice_file(fmt: str, number: str = "AD-2025-0001", **overrides: Any) -> bytes:
    return WRITERS[fmt](invoice(number, **overrides))


def targz(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def zipped(entries: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def gz(data: bytes) -> bytes:
    return gzip.compress(data)
