"""Downloads (api.md F12): one PDF, a ZIP with one folder per invoice, one PIVOT XML; only what the
actor sees; above the limit a 413 error; every download a recorded user action. Then the portal's
download routes in the three invoice spaces."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from lxml import etree

from facturier.accounts.models import User
from facturier.invoices import lifecycle
from facturier.invoices.downloads import invoices_download
from facturier.invoices.entry import attachment_pending_add
from facturier.invoices.enums import InvoiceStatus as S
from facturier.invoices.errors import DownloadRefused, DownloadTooLarge, InvoiceNotFound
from facturier.invoices.models import Invoice, InvoiceEvent

from .world import EAUX, MAIN_CONTRACTOR, deposit_a9, deposit_flow, member, pdf_text, structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def xml_invoice(supplier_tech: User, django_capture_on_commit_callbacks) -> Invoice:
    return deposit_flow(supplier_tech, "DL-XML", capture=django_capture_on_commit_callbacks)


@pytest.fixture
def facturx_invoice(supplier_tech: User, django_capture_on_commit_callbacks) -> Invoice:
    return deposit_flow(supplier_tech, "DL-FX", fmt="facturx", capture=django_capture_on_commit_callbacks)


def _original(invoice: Invoice) -> bytes:
    with invoice.original_file.open("rb") as handle:
        return handle.read()


def _with_attachment(invoice: Invoice, name: str = "bon-de-livraison.pdf") -> bytes:
    """Suspend the invoice, then complete it with one attachment (the real path of a PJ)."""
    content = b"%PDF-1.4 bon de livraison " + name.encode()
    lifecycle.invoice_process(actor=member(invoice.recipient), invoice=invoice, to=S.SUSPENDUE, comment="BL ?")
    pending = attachment_pending_add(actor=member(invoice.supplier), name=name, data=content,
                                     content_type="application/pdf")
    lifecycle.invoice_complete(actor=member(invoice.supplier), invoice=invoice, comment="BL joint",
                               attachments=[pending])
    return content


def _downloads(invoice: Invoice) -> list[InvoiceEvent]:
    return list(invoice.events.filter(code=InvoiceEvent.Code.DOWNLOAD))


def test_one_xml_invoice_as_pdf_is_its_rendering_and_is_recorded(xml_invoice: Invoice) -> None:
    agent = member(xml_invoice.recipient)
    download = invoices_download(actor=agent, invoices=[xml_invoice], format="PDF")

    assert (download.name, download.content_type) == ("DL-XML.pdf", "application/pdf")
    text = pdf_text(download.data)
    assert "DL-XML" in text and "Au Diapason" in text and "Accord de piano" in text
    (event,) = _downloads(xml_invoice)
    assert event.actor == agent and event.kind == InvoiceEvent.Kind.ACTION
    xml_invoice.refresh_from_db()
    assert xml_invoice.downloaded_by_recipient


def test_the_rendering_follows_the_language(xml_invoice: Invoice) -> None:
    agent = member(xml_invoice.recipient)
    french = pdf_text(invoices_download(actor=agent, invoices=[xml_invoice], format="PDF", language="fr").data)
    english = pdf_text(invoices_download(actor=agent, invoices=[xml_invoice], format="PDF", language="en").data)
    assert "VENDEUR" in french and "SELLER" in english and "VENDEUR" not in english


def test_one_facturx_invoice_as_pdf_is_its_original(facturx_invoice: Invoice) -> None:
    supplier = member(facturx_invoice.supplier)
    download = invoices_download(actor=supplier, invoices=[facturx_invoice.pk], format="pdf")
    assert download.content_type == "application/pdf"
    assert hashlib.sha256(download.data).hexdigest() == facturx_invoice.original_sha256
    facturx_invoice.refresh_from_db()
    assert not facturx_invoice.downloaded_by_recipient  # the supplier's download is recorded, not flagged
    assert [e.actor for e in _downloads(facturx_invoice)] == [supplier]


def test_attachments_turn_one_pdf_into_a_zip(facturx_invoice: Invoice) -> None:
    content = _with_attachment(facturx_invoice)
    agent = member(facturx_invoice.recipient)
    assert invoices_download(actor=agent, invoices=[facturx_invoice], format="PDF").content_type == "application/pdf"
    download = invoices_download(actor=agent, invoices=[facturx_invoice], format="PDF", with_attachments=True)
    assert (download.name, download.content_type) == ("factures-DL-FX.zip", "application/zip")
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    folder = f"DL-FX_{facturx_invoice.pk}/"
    assert archive.read(folder + "pieces-jointes/bon-de-livraison.pdf") == content
    assert hashlib.sha256(archive.read(folder + "DL-FX.pdf")).hexdigest() == facturx_invoice.original_sha256


def test_a_zip_has_one_folder_per_invoice(xml_invoice: Invoice, facturx_invoice: Invoice) -> None:
    content = _with_attachment(xml_invoice, "releve.pdf")
    agent = member(xml_invoice.recipient)
    for with_attachments in (False, True):
        download = invoices_download(actor=agent, invoices=[facturx_invoice, xml_invoice], format="ZIP",
                                     with_attachments=with_attachments)
        assert download.name.startswith("factures-") and download.name.endswith(".zip")
        archive = zipfile.ZipFile(io.BytesIO(download.data))
        xml_folder, fx_folder = f"DL-XML_{xml_invoice.pk}/", f"DL-FX_{facturx_invoice.pk}/"
        expected = {
            xml_folder + "DL-XML.xml", xml_folder + "DL-XML.pdf", xml_folder + "bordereau-de-suivi-DL-XML.pdf",
            fx_folder + "DL-FX.pdf", fx_folder + "bordereau-de-suivi-DL-FX.pdf",
        }
        if with_attachments:
            expected.add(xml_folder + "pieces-jointes/releve.pdf")
        assert set(archive.namelist()) == expected
        assert archive.read(xml_folder + "DL-XML.xml") == _original(xml_invoice)
        assert "Accord de piano" in pdf_text(archive.read(xml_folder + "DL-XML.pdf"))  # the rendering
        slip = pdf_text(archive.read(xml_folder + "bordereau-de-suivi-DL-XML.pdf"))
        assert "Bordereau de suivi" in slip and "Complétée" in slip
    assert archive.read(xml_folder + "pieces-jointes/releve.pdf") == content
    assert len(_downloads(xml_invoice)) == len(_downloads(facturx_invoice)) == 2


def test_pivot_holds_every_invoice_with_its_files(xml_invoice: Invoice, facturx_invoice: Invoice) -> None:
    content = _with_attachment(xml_invoice, "releve.pdf")
    agent = member(xml_invoice.recipient)
    download = invoices_download(actor=agent, invoices=[xml_invoice, facturx_invoice], format="PIVOT")

    assert download.content_type == "application/xml" and download.name.endswith(".xml")
    root = etree.fromstring(download.data)
    assert root.tag == "CPPFacturePivot" and root.get("Version") == "V2_02"
    assert root.findtext("Enveloppe/EnveloppeUnitaire/Parametres/ParametreIndiv/Code") == "DtPrd"
    assert root.find("CPPFactures").get("Compteur") == "2"
    first, second = root.findall("CPPFactures/CPPFacturePivotUnitaire")
    assert [first.get("NumOrdre"), second.get("NumOrdre")] == ["1", "2"]
    assert first.findtext("Fournisseur/TypeIdentifiant") == "1"
    assert first.findtext("Fournisseur/Identifiant") == "89123456900012"
    assert first.findtext("Fournisseur/ModeEmission") == "flux"
    assert (first.findtext("Debiteur/Identifiant"), first.findtext("Debiteur/CodeService")) == (
        "21345000000012", "FINANCES")
    facts = first.find("DonneesFacture")
    assert [child.tag for child in facts] == [
        "Id", "IdCPRO", "Renvoi", "Type", "Cadre", "DateEmissionFacture", "ModePaiement", "DateReception",
        "Devise", "Montants", "TVAs", "Engagement", "Lignes"]  # the XSD's sequence
    assert (facts.findtext("Id"), facts.findtext("IdCPRO"), facts.findtext("Type"), facts.findtext("Cadre")) == (
        "DL-XML", str(xml_invoice.pk), "380", "A1")
    assert facts.findtext("Renvoi") == "Complétée"
    assert facts.findtext("ModePaiement/Code") == "30"  # BT-81 of the document: credit transfer
    assert (facts.findtext("Montants/MontantHT"), facts.findtext("Montants/MontantTTC"),
            facts.findtext("Montants/MontantNetAPayer")) == ("205.00", "239.48", "239.48")
    assert sorted(t.findtext("Taux") for t in facts.findall("TVAs/TVA")) == ["20.00", "5.50"]
    assert facts.findtext("Engagement/NumeroEngagement") == "EJ-2025-0042"
    assert [line.findtext("ReferenceProduit") for line in facts.findall("Lignes/Ligne")] == [
        "Accord de piano", "Partitions"]
    original, attachment = first.findall("PJ")
    assert (original.findtext("TypePJ"), original.findtext("MimeTypePJ")) == ("01", "application/xml")
    assert base64.b64decode(original.findtext("Contenu")) == _original(xml_invoice)
    assert (attachment.findtext("TypePJ"), attachment.findtext("NomPJ")) == ("02", "releve.pdf")
    assert base64.b64decode(attachment.findtext("Contenu")) == content
    assert second.findtext("DonneesFacture/Renvoi") == "Non"
    assert base64.b64decode(second.findtext("PJ/Contenu")) == _original(facturx_invoice)


def test_only_invoices_the_actor_sees(xml_invoice: Invoice) -> None:
    outsider = member(EAUX)
    with pytest.raises(InvoiceNotFound) as error:
        invoices_download(actor=outsider, invoices=[xml_invoice, 999999], format="ZIP")
    assert error.value.details == {"idFacture": [xml_invoice.pk, 999999]} and error.value.http_status == 404
    assert _downloads(xml_invoice) == []

    main = structure(MAIN_CONTRACTOR)
    a9 = deposit_a9("DL-A9", validator=main)
    validator = member(main)
    assert invoices_download(actor=validator, invoices=[a9], format="PDF").content_type == "application/pdf"
    with pytest.raises(InvoiceNotFound):  # the validator sees its A9, not Au Diapason's A1
        invoices_download(actor=validator, invoices=[a9, xml_invoice], format="ZIP")


def test_too_large_is_a_413_and_records_nothing(xml_invoice: Invoice, settings) -> None:  # type: ignore[no-untyped-def]
    agent = member(xml_invoice.recipient)
    settings.FACTURIER_DOWNLOAD_MAX_BYTES = xml_invoice.original_size - 1  # refused before building
    with pytest.raises(DownloadTooLarge) as error:
        invoices_download(actor=agent, invoices=[xml_invoice], format="ZIP")
    assert (error.value.http_status, error.value.chorus_code) == (413, 20003)
    settings.FACTURIER_DOWNLOAD_MAX_BYTES = xml_invoice.original_size + 10  # the ZIP's slip and rendering add more
    with pytest.raises(DownloadTooLarge) as error:
        invoices_download(actor=agent, invoices=[xml_invoice], format="ZIP")
    assert error.value.details["taille"] > settings.FACTURIER_DOWNLOAD_MAX_BYTES
    assert _downloads(xml_invoice) == []


def test_refusals(xml_invoice: Invoice) -> None:
    agent = member(xml_invoice.recipient)
    for invoices, fmt in (([], "ZIP"), ([xml_invoice], "TAR")):
        with pytest.raises(DownloadRefused):
            invoices_download(actor=agent, invoices=invoices, format=fmt)


# --- portal ----------------------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_portal_slip_and_pdf_in_the_recipients_space(xml_invoice: Invoice) -> None:
    agent = member(xml_invoice.recipient)
    client = _client(agent)
    slip_url = reverse("invoices_portal:slip", kwargs={"space": "factures-recues", "pk": xml_invoice.pk})
    response = client.get(slip_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bordereau-de-suivi-DL-XML.pdf"'
    assert "Bordereau de suivi" in pdf_text(response.content)
    assert _downloads(xml_invoice) == []  # the slip is not the invoice

    response = client.get(reverse("invoices_portal:invoice_pdf",
                                  kwargs={"space": "factures-recues", "pk": xml_invoice.pk}))
    assert response.status_code == 200 and "Accord de piano" in pdf_text(response.content)
    assert [e.actor for e in _downloads(xml_invoice)] == [agent]

    supplier = _client(member(xml_invoice.supplier))
    assert supplier.get(slip_url).status_code == 403  # Au Diapason has no « Factures reçues »
    assert supplier.get(reverse("invoices_portal:slip", kwargs={"space": "factures-emises", "pk": xml_invoice.pk})
                        ).status_code == 200
    assert _client(member(EAUX)).get(slip_url).status_code == 404  # another public structure


def test_portal_selection_download_and_its_refusals(xml_invoice: Invoice, facturx_invoice: Invoice,
                                                     settings) -> None:  # type: ignore[no-untyped-def]
    client = _client(member(xml_invoice.recipient))
    url = reverse("invoices_portal:download_selection", kwargs={"space": "factures-recues"})
    response = client.post(url, {"factures": [xml_invoice.pk, facturx_invoice.pk], "format": "ZIP"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == 5

    back = reverse("portal:space", kwargs={"space": "FACTURES_RECUES"})
    settings.FACTURIER_DOWNLOAD_MAX_BYTES = 100
    response = client.post(url, {"factures": [xml_invoice.pk], "next": back}, follow=True)
    assert response.redirect_chain[0] == (back, 302)
    assert "taille maximale" in response.content.decode()
    response = client.post(url, {"factures": [], "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == back  # never an outside address
    main = structure(MAIN_CONTRACTOR)
    a9 = deposit_a9("DL-A9-P", validator=main)
    assert client.post(url, {"factures": [a9.pk]}).status_code == 404  # not received by Montclair yet
