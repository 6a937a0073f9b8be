"""Invoices and flow files for ``benchmarks.ingest`` (no Django needed).

Seller: the demo's Au Diapason (SIRET 89123456900012); buyer: the demo's Commune de Montclair
(21345000000012), service FINANCES, which requires a commitment number (BT-13 is set). Each
invoice has its own number, so none is a duplicate of another.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import io
import os
import tarfile
from collections.abc import Iterator
from pathlib import Path

from facturier.einvoice.build import AddressData, IdentifierData, LineData, PartyData, PaymentData, build_invoice
from facturier.einvoice.writers import write_cii, write_facturx, write_ubl

SUPPLIER_SIRET = "89123456900012"
COMMUNE_SIRET = "21345000000012"
WRITERS = {"cii": write_cii, "ubl": write_ubl, "facturx": write_facturx}
SYNTAXES = {"cii": "IN_DP_E1_CII_16B", "ubl": "IN_DP_E1_UBL_INVOICE", "facturx": "IN_DP_E2_CII_FACTURX"}
EXTENSIONS = {"cii": "xml", "ubl": "xml", "facturx": "pdf"}

SELLER = PartyData(
    name="Au Diapason",
    identifiers=[IdentifierData(SUPPLIER_SIRET, "0009")],
    legal_id=IdentifierData(SUPPLIER_SIRET, "0009"),
    vat_id="FR58891234569",
    address=AddressData(line1="12 rue des Musiciens", city="Lyon", postcode="69002", country="FR"),
)
BUYER = PartyData(
    name="Commune de Montclair",
    legal_id=IdentifierData(COMMUNE_SIRET, "0009"),
    address=AddressData(line1="1 place de la Mairie", city="Montclair", postcode="34500", country="FR"),
)


def invoice_bytes(fmt: str, number: str, index: int = 0) -> bytes:
    """One valid A1 invoice, Au Diapason → Commune de Montclair / FINANCES, with an EJ number."""
    invoice = build_invoice(
        number=number,
        issue_date=dt.date(2025, 3, 1) + dt.timedelta(days=index % 200),
        due_date=dt.date(2025, 10, 31),
        seller=SELLER,
        buyer=BUYER,
        buyer_reference="FINANCES",
        purchase_order_reference=f"EJ-2025-{index % 9000 + 1000:04d}",
        contract_reference="MARCHE-2024-07",
        lines=[
            LineData(name="Accord de piano", quantity=1 + index % 5, net_price="80.00"),
            LineData(name="Partitions", quantity=1 + index % 7, net_price="15.00", vat_rate="5.5"),
        ],
        payment=PaymentData(iban="FR7630006000011234567890189"),
    )
    return WRITERS[fmt](invoice)


def invoices(fmt: str, prefix: str, n: int) -> list[tuple[str, bytes]]:
    """``n`` distinct invoices as (file name, bytes)."""
    return [(f"{prefix}-{i:05d}.{EXTENSIONS[fmt]}", invoice_bytes(fmt, f"{prefix}-{i:05d}", i)) for i in range(n)]


def targz(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1740787200
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


# --- big flows (memory) ---------------------------------------------------------------------------

ATTACHMENT_RAW_BYTES = 6 * 1024 * 1024  # 8 MB of base64: under libxml2's 10 MB text-node cap
_CLOSE = b"</ram:ApplicableHeaderTradeAgreement>"


def _with_attachment(cii: bytes, blob_b64: bytes, tag: bytes) -> bytes:
    """A CII invoice carrying a supporting document (BG-24: BT-122, BT-125 binary object) — what
    makes real invoices big. ``tag`` varies the first bytes so no two entries are equal."""
    attachment = (
        b"<ram:AdditionalReferencedDocument><ram:IssuerAssignedID>PJ-" + tag + b"</ram:IssuerAssignedID>"
        b"<ram:TypeCode>916</ram:TypeCode><ram:Name>Annexe justificative</ram:Name>"
        b'<ram:AttachmentBinaryObject mimeCode="application/pdf" filename="annexe-' + tag + b'.pdf">'
        + blob_b64
        + b"</ram:AttachmentBinaryObject></ram:AdditionalReferencedDocument>"
    )
    assert cii.count(_CLOSE) == 1
    return cii.replace(_CLOSE, attachment + _CLOSE)


def big_invoices(prefix: str, total_bytes: int) -> Iterator[tuple[str, bytes]]:
    """CII invoices of ~8.4 MB each (a 6 MB incompressible attachment) until ``total_bytes`` of
    *compressed* flow is reached (base64 of random bytes gzips to ~76 %)."""
    blob = base64.b64encode(os.urandom(ATTACHMENT_RAW_BYTES))
    per_entry_compressed = len(blob) * 0.76
    count = max(1, round(total_bytes / per_entry_compressed))
    for i in range(count):
        tag = f"{prefix}-{i:05d}".encode()
        # A fresh random head per entry: gzip's 32 kB window cannot see the repeat anyway.
        data = _with_attachment(invoice_bytes("cii", tag.decode(), i), base64.b64encode(os.urandom(3)) + blob[4:], tag)
        yield f"{tag.decode()}.xml", data


def write_big_flow(path: Path, prefix: str, total_bytes: int) -> tuple[int, int, int]:
    """Stream a tar.gz flow of big invoices to ``path``; (entries, uncompressed bytes, file size)."""
    count = raw = 0
    with path.open("wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", compresslevel=1, mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w|") as tar:
            for name, data in big_invoices(prefix, total_bytes):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = 1740787200
                tar.addfile(info, io.BytesIO(data))
                count += 1
                raw += len(data)
    return count, raw, path.stat().st_size
