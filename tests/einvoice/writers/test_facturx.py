"""Factur-X writer: a readable PDF (French or English) carrying the CII, read back as Factur-X."""

from __future__ import annotations

import functools
import io
import os
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from facturier.einvoice import Format, Profile, read
from facturier.einvoice.model import Invoice
from facturier.einvoice.writers import pdf_render, write_cii
from facturier.einvoice.writers.facturx import FacturXWriteError, facturx_level, write_facturx
from facturier.einvoice.writers.pdf_labels import Lang, amount_text, date_text
from facturier.einvoice.xsd import xsd_validate
from tests.einvoice.writers.canon import canonical, diff
from tests.einvoice.writers.factories import credit_note, simple_invoice

REPO = Path(__file__).resolve().parents[3]
CORPUS = Path(os.environ.get("FACTURIER_CORPUS") or REPO.parent / "shared" / "corpus")


@functools.cache
def _pdf(lang: str) -> bytes:
    return write_facturx(simple_invoice(), lang=lang)  # type: ignore[arg-type]


def _text(pdf: bytes) -> str:
    # pypdf gives the no-break space of French number grouping back as a plain space.
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\xa0", " ")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_reads_back_as_facturx_with_the_same_terms(lang: str) -> None:
    inv = simple_invoice()
    doc = read(_pdf(lang))
    assert doc.format is Format.FACTURX and doc.syntax is Format.CII
    assert doc.profile is Profile.EN16931
    assert doc.pdf is not None
    assert doc.pdf.attachment_name == "factur-x.xml"
    assert doc.pdf.af_relationship == "/Data"
    assert doc.pdf.xmp_conformance_level == "EN 16931"
    assert doc.pdf.xmp_profile is Profile.EN16931
    assert doc.xml == write_cii(inv)  # the embedded XML is exactly the CII writer's
    assert xsd_validate(doc.xml).valid
    assert diff(canonical(inv), canonical(doc.invoice)) == []


LABELS = {
    "fr": [
        "FACTURE",
        "Acheteur".upper(),
        "Code service",
        "N° d'engagement",
        "Total HT",
        "Total TVA",
        "Total TTC",
        "Déjà payé",
        "Net à payer",
        "Virement SEPA",
        "Détail de la TVA",
        "Date d'échéance",
    ],
    "en": [
        "INVOICE",
        "BUYER",
        "Service code",
        "Commitment number",
        "Total without VAT",
        "Total VAT",
        "Total with VAT",
        "Paid amount",
        "Amount due for payment",
        "SEPA credit transfer",
        "VAT breakdown",
        "Due date",
    ],
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_rendered_text(lang: Lang) -> None:
    inv = simple_invoice()
    text = _text(_pdf(lang))
    for label in LABELS[lang]:
        assert label in text, label
    t = inv.totals
    assert t is not None
    values = [
        "FA-2025-0042",
        "Commune de Saint-Exemple",
        "Atelier Dupont SARL",
        "SCE-URBA-01",
        "EJ-2025-000123",
        "FR39356000000",
        "35600000000048",
        "FR7630001007941234567890185",
        "BDFEFRPPCCT",
        "Réfection de la toiture",
        "Remise fidélité",
        "Déplacement",
        "Indemnité forfaitaire",
        date_text(inv.issue_date, lang),
        date_text(inv.due_date, lang),
    ]
    values += [
        amount_text(getattr(t, k), lang)
        for k in ("tax_exclusive", "tax_total", "tax_inclusive", "prepaid", "payable")
    ]
    for value in values:
        assert value.replace("\xa0", " ") in text, value
    # Totals are formatted per language: 1 176,03 / 1,176.03.
    assert ("1 176,03 EUR" if lang == "fr" else "1,176.03 EUR") in text


def test_pdf_a_parts() -> None:
    reader = PdfReader(io.BytesIO(_pdf("fr")))
    root: Any = reader.trailer["/Root"]
    intents = root["/OutputIntents"]
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"
    assert root["/Lang"] == "fr-FR"
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and b"EN 16931" in xmp
    fonts: set[str] = set()
    # Every font is an embedded TrueType subset (no standard, non-embedded font).
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for f in resources["/Font"].values():
            font = f.get_object()
            fonts.add(font["/BaseFont"])
            descendant = font.get("/DescendantFonts")
            desc = (descendant[0].get_object() if descendant else font).get("/FontDescriptor")
            assert desc is not None and "/FontFile2" in desc.get_object(), font["/BaseFont"]
    assert fonts


def test_credit_note_title_and_alternative_relationship() -> None:
    pdf = write_facturx(credit_note(), lang="en", afrelationship="alternative")
    doc = read(pdf)
    assert doc.pdf is not None and doc.pdf.af_relationship == "/Alternative"
    text = _text(pdf)
    assert "CREDIT NOTE" in text and "AV-2025-0003" in text and "FA-2025-0042" in text


def test_fallback_font_when_dejavu_is_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without fonts-dejavu-core, reportlab's own Vera is embedded and the text still extracts."""
    vera = pdf_render.FONT_CANDIDATES[-1]
    monkeypatch.setattr(pdf_render, "FONT_CANDIDATES", (vera,))
    pdf_render.fonts.cache_clear()
    try:
        assert pdf_render.fonts().source.endswith("Vera.ttf")
        pdf = write_facturx(simple_invoice(), lang="fr")
        assert "Commune de Saint-Exemple" in _text(pdf)
        assert read(pdf).format is Format.FACTURX
        monkeypatch.setattr(pdf_render, "FONT_CANDIDATES", ())
        pdf_render.fonts.cache_clear()
        assert not pdf_render.fonts().embedded  # Helvetica: readable, not PDF/A
        assert "Commune de Saint-Exemple" in _text(write_facturx(simple_invoice(), lang="en"))
    finally:
        monkeypatch.undo()
        pdf_render.fonts.cache_clear()


def test_level_follows_bt24_and_refuses_schema_invalid_cii() -> None:
    inv = simple_invoice()
    assert facturx_level(inv) is Profile.EN16931
    assert facturx_level(inv, "extended") is Profile.EXTENDED
    xrechnung = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
    inv.specification_id.raw = xrechnung  # type: ignore[union-attr]
    assert facturx_level(inv) is Profile.EN16931
    broken: Invoice = simple_invoice()
    broken.number = None  # BT-1 is mandatory: the CII's ram:ID is written empty and fails the XSD
    with pytest.raises(FacturXWriteError) as exc:
        write_facturx(broken, profile="minimum")
    assert exc.value.message["fr"].startswith("Impossible d'écrire un Factur-X MINIMUM")
    with pytest.raises(ValueError, match="lang"):
        write_facturx(inv, lang="de")  # type: ignore[arg-type]


CORPUS_SAMPLES = [
    "en16931-artefacts/ubl/examples/ubl-tc434-example1.xml",
    "en16931-artefacts/cii/examples/CII_example1.xml",
    "facturx-akretion/tests/fixtures/pdf/invoice_EN16931.pdf",
]


@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS_SAMPLES)
def test_corpus_document_to_facturx(corpus: Path, path: str) -> None:
    """A UBL, a CII and a Factur-X of the corpus, rewritten as Factur-X, carry the CII's terms."""
    source = read((corpus / path).read_bytes())
    pdf = write_facturx(source.invoice, lang="en")
    doc = read(pdf)
    assert doc.format is Format.FACTURX
    expected = read(write_cii(source.invoice))
    assert diff(canonical(expected.invoice), canonical(doc.invoice)) == []
    number = source.invoice.number
    assert number is not None and number.normalized in _text(pdf)
