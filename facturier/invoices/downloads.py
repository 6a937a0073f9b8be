"""Downloading invoices: one invoice or a group, as PDF, ZIP or PIVOT (api.md F12; issue 6 §5).

:func:`invoices_download` is the one service behind ``telecharger/groupe`` and the portal's
download links. Rules (api.md F12; docs/lifecycle.md "Downloads"):

* ``PDF`` and one invoice with one file (no attachment asked for, or none) → that PDF: the original
  when it is a PDF (Factur-X, PDF deposit), else the readable rendering of the structured invoice
  (the Factur-X writer's visual part, :func:`facturier.einvoice.writers.pdf_render.render_pdf`);
* otherwise (``PDF`` with several invoices or files, or ``ZIP``) → a ZIP with one folder per
  invoice: the original, its rendering when the original is XML, the tracking slip and, when asked,
  the attachments;
* ``PIVOT`` → one XML file in the shape of Chorus Pro's CPPFacturePivot V2_02 holding every invoice
  with its original and its attachments (base64).

Only invoices the actor sees are served (:func:`~facturier.invoices.selectors.invoices_visible_to`);
above ``FACTURIER_DOWNLOAD_MAX_BYTES`` the answer is :class:`DownloadTooLarge` (HTTP 413). Every
download is recorded as a user action (:func:`~facturier.invoices.lifecycle.invoices_record_download`).
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Prefetch
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from lxml import etree

from facturier.einvoice.model import Invoice as Document
from facturier.einvoice.writers.pdf_render import render_pdf

from .enums import DepositMode, InvoiceType
from .errors import DownloadRefused, DownloadTooLarge, InvoiceNotFound
from .lifecycle import invoices_record_download
from .models import Invoice, InvoiceAttachment, InvoiceEvent
from .selectors import invoice_document, invoices_visible_to
from .slip import invoice_slip_pdf, language_of, safe_name, slip_file_name

if TYPE_CHECKING:
    from facturier.accounts.models import User

PDF_TYPE, ZIP_TYPE, XML_TYPE = "application/pdf", "application/zip", "application/xml"


class DownloadFormat(StrEnum):
    PDF = "PDF"
    ZIP = "ZIP"
    PIVOT = "PIVOT"


@dataclass(frozen=True)
class Download:
    name: str
    content_type: str
    data: bytes


def download_max_bytes() -> int:
    return int(getattr(settings, "FACTURIER_DOWNLOAD_MAX_BYTES", 120 * 1024**2))


def _check_size(size: int) -> None:
    limit = download_max_bytes()
    if size > limit:
        raise DownloadTooLarge(max=max(1, limit // 1024**2), details={"taille": size, "maximum": limit})


def invoices_download(
    *,
    actor: User,
    invoices: Iterable[Invoice | int],
    format: str,  # noqa: A002 - the API's name (``format``)
    with_attachments: bool = False,
    language: str | None = None,
) -> Download:
    """The download of ``invoices`` (objects or ids, in the order given) for ``actor``.

    Raises :class:`DownloadRefused` (no invoice, unknown format), :class:`InvoiceNotFound` when one
    of them is not visible to the actor (``details["idFacture"]`` lists which), and
    :class:`DownloadTooLarge` above the limit. ``language`` (default: the active language) is the
    language of the renderings and slips."""
    try:
        fmt = DownloadFormat(str(format).upper())
    except ValueError:
        raise DownloadRefused(reason=gettext_lazy("format inconnu : PDF, ZIP ou PIVOT")) from None
    ids = list(dict.fromkeys(int(getattr(item, "pk", item)) for item in invoices))
    if not ids:
        raise DownloadRefused(reason=gettext_lazy("aucune facture"))
    visible = {
        invoice.pk: invoice
        for invoice in invoices_visible_to(actor=actor).filter(pk__in=ids)
        .select_related("recipient", "supplier", "validator1", "validator2", "previous")
        .prefetch_related(Prefetch("attachments", queryset=InvoiceAttachment.objects.order_by("pk")))
    }
    missing = [pk for pk in ids if pk not in visible]
    if missing:
        raise InvoiceNotFound(details={"idFacture": missing})
    rows = [visible[pk] for pk in ids]
    attachments = with_attachments or fmt == DownloadFormat.PIVOT  # PIVOT always carries them (F12)
    estimate = sum(inv.original_size + (sum(a.size for a in inv.attachments.all()) if attachments else 0)
                   for inv in rows)
    _check_size(estimate * 4 // 3 if fmt == DownloadFormat.PIVOT else estimate)  # base64 in the pivot
    lang = language_of(language or translation.get_language())
    if fmt == DownloadFormat.PIVOT:
        result = Download(_group_name(rows, "xml", "pivot"), XML_TYPE, pivot_xml(rows))
    else:
        single = None
        if fmt == DownloadFormat.PDF and len(rows) == 1 and not (with_attachments and rows[0].attachments.all()):
            single = invoice_pdf(rows[0], language=lang)
        result = single or Download(_group_name(rows, "zip", "factures"), ZIP_TYPE,
                                    _zip(rows, with_attachments=with_attachments, language=lang))
    _check_size(len(result.data))
    invoices_record_download(actor=actor, invoices=rows)
    return result


def _group_name(rows: Sequence[Invoice], extension: str, prefix: str) -> str:
    if len(rows) == 1:
        return f"{prefix}-{safe_name(rows[0].number)}.{extension}"
    return f"{prefix}-{timezone.localtime():%Y%m%d-%H%M%S}.{extension}"


def _read(field: FieldFile) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def _document(invoice: Invoice) -> Document | None:
    """The EN 16931 model of a stored original, or None (a plain PDF deposit; an unreadable file)."""
    parsed = invoice_document(invoice=invoice)
    return parsed.invoice if parsed is not None else None


def invoice_rendering(invoice: Invoice, data: bytes, *, language: str) -> bytes | None:
    """The readable PDF of an XML original (None for a PDF original, which is readable itself)."""
    if is_pdf(data):
        return None
    document = _document(invoice)
    return render_pdf(document, lang="en" if language == "en" else "fr") if document is not None else None


def invoice_pdf(invoice: Invoice, *, language: str) -> Download | None:
    """One invoice as one PDF: its original when it is a PDF, else its rendering (None when the
    original can be neither: the caller falls back to a ZIP with the original)."""
    data = _read(invoice.original_file)
    if is_pdf(data):
        name = invoice.original_name if invoice.original_name.lower().endswith(".pdf") else None
        return Download(name or f"{safe_name(invoice.number)}.pdf", PDF_TYPE, data)
    rendering = invoice_rendering(invoice, data, language=language)
    return Download(f"{safe_name(invoice.number)}.pdf", PDF_TYPE, rendering) if rendering else None


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, ext = name.rpartition(".")
    stem, ext = (stem, "." + ext) if dot else (name, "")
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}{ext}"
    taken.add(candidate)
    return candidate


def _zip(rows: Sequence[Invoice], *, with_attachments: bool, language: str) -> bytes:
    """One folder per invoice (``<number>_<id>/``): the original, its rendering (XML originals),
    ``bordereau-de-suivi-<number>.pdf`` and, when asked, ``pieces-jointes/<name>``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for invoice in rows:
            folder = f"{safe_name(invoice.number)}_{invoice.pk}/"
            taken: set[str] = set()
            data = _read(invoice.original_file)
            archive.writestr(folder + _unique(safe_name(invoice.original_name, "original"), taken), data)
            rendering = invoice_rendering(invoice, data, language=language)
            if rendering is not None:
                archive.writestr(folder + _unique(f"{safe_name(invoice.number)}.pdf", taken), rendering)
            archive.writestr(folder + _unique(slip_file_name(invoice), taken),
                             invoice_slip_pdf(invoice=invoice, language=language))
            if with_attachments:
                names: set[str] = set()
                for attachment in invoice.attachments.all():
                    name = _unique(safe_name(attachment.name, "piece-jointe"), names)
                    archive.writestr(f"{folder}pieces-jointes/{name}", _read(attachment.file))
    return out.getvalue()


# --- PIVOT -------------------------------------------------------------------------------------------

PIVOT_VERSION = "V2_02"
# Supplier identifier types → the pivot's numeric TypeIdentifiant (domain.md §3.1).
PIVOT_IDENTIFIER_TYPES = {"SIRET": "1", "UE_HORS_FRANCE": "2", "HORS_UE": "3", "RIDET": "4", "TAHITI": "5",
                          "AUTRE": "6", "PARTICULIER": "7"}
# BT-81 (UNTDID 4461) → the pivot's ModePaiement codes; SEPA codes fold into their generic code.
PIVOT_PAYMENT_CODES = {"10": "10", "20": "20", "30": "30", "31": "31", "42": "42", "48": "48", "49": "49",
                       "97": "97", "58": "30", "59": "49", "54": "48", "55": "48"}
DEFAULT_PAYMENT_CODE = "30"  # credit transfer: what a public payer uses when the invoice says nothing else
PIVOT_EMISSION = {DepositMode.SAISIE_PORTAIL: "saisie", DepositMode.SAISIE_API: "saisie",
                  DepositMode.SAISIE_WEB: "saisie", DepositMode.DEPOT_PDF_PORTAIL: "PDF",
                  DepositMode.DEPOT_PDF_API: "PDF", DepositMode.PORTAIL_PDF: "PDF",
                  DepositMode.DEPOT_PDF_SIGNE_PORTAIL: "PDF", DepositMode.DEPOT_PDF_SIGNE_API: "PDF",
                  DepositMode.EDI_NUMERISATION: "numérisation"}


def _sub(parent: etree._Element, tag: str, text: Any = None, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = str(text)
    return element


def _decimal(value: Any) -> str:
    """An ``xs:decimal`` with at least two decimals (``80.00``, ``0.125``); ``0.00`` when absent."""
    number = Decimal(0) if value is None else Decimal(value)
    exponent = number.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return format(number.quantize(Decimal(1).scaleb(-places)), "f")


def _number(value: Any) -> Any:
    return getattr(value, "value", None) if value is not None else None


def _resent(invoice: Invoice) -> str:
    """``Renvoi``: is this a new making-available after a completion or a recycling?"""
    codes = {e.code for e in invoice.events.all()}
    if InvoiceEvent.Code.RECYCLED in codes:
        return "Recyclée"
    if InvoiceEvent.Code.COMPLETED in codes:
        return "Complétée"
    return "Non"


def _pj(parent: etree._Element, order: int, *, name: str, kind: str, mime: str, data: bytes,
        original_name: str = "") -> None:
    pj = _sub(parent, "PJ", NumOrdre=str(order))
    _sub(pj, "Contenu", base64.b64encode(data).decode("ascii"))
    _sub(pj, "NomPJ", name[:50])
    if original_name:
        _sub(pj, "NomPJOrigine", original_name[:50])
    _sub(pj, "TypePJ", kind)
    _sub(pj, "MimeTypePJ", mime or "application/octet-stream")


def _pivot_invoice(parent: etree._Element, order: int, invoice: Invoice) -> None:
    data = _read(invoice.original_file)
    document = _document(invoice)  # None for a plain PDF deposit: no VAT breakdown nor lines then
    unit = _sub(parent, "CPPFacturePivotUnitaire", NumOrdre=str(order))
    supplier = _sub(unit, "Fournisseur")
    _sub(supplier, "TypeIdentifiant", PIVOT_IDENTIFIER_TYPES.get(invoice.supplier_identifier_type, "1"))
    _sub(supplier, "Identifiant", invoice.supplier_identifier)
    _sub(supplier, "RaisonSociale", invoice.supplier_name)
    _sub(supplier, "CodePays", invoice.supplier.country or "FR")
    _sub(supplier, "ModeEmission", PIVOT_EMISSION.get(invoice.deposit_mode, "flux"))
    debtor = _sub(unit, "Debiteur")
    _sub(debtor, "TypeIdentifiant", "1")
    _sub(debtor, "Identifiant", invoice.recipient_identifier)
    _sub(debtor, "Nom", invoice.recipient_name)
    if invoice.service_code:
        _sub(debtor, "CodeService", invoice.service_code)
        _sub(debtor, "NomService", invoice.service_name)
    facts = _sub(unit, "DonneesFacture")
    _sub(facts, "Id", invoice.number)
    _sub(facts, "IdCPRO", invoice.pk)
    _sub(facts, "Renvoi", _resent(invoice))
    _sub(facts, "Type", "381" if invoice.type == InvoiceType.AVOIR else "380")
    _sub(facts, "Cadre", invoice.billing_frame.split("_", 1)[0])
    issued = invoice.issue_date or timezone.localdate(invoice.deposited_at)
    _sub(facts, "DateEmissionFacture", issued.isoformat())
    payment = _sub(facts, "ModePaiement")
    means = document.payment_means[0] if document is not None and document.payment_means else None
    code = means.type_code.normalized if means is not None and means.type_code is not None else ""
    _sub(payment, "Code", PIVOT_PAYMENT_CODES.get(code, DEFAULT_PAYMENT_CODE))
    _sub(facts, "DateReception", timezone.localdate(invoice.deposited_at).isoformat())
    _sub(facts, "Devise", invoice.currency or "EUR")
    amounts = _sub(facts, "Montants")
    _sub(amounts, "MontantHT", _decimal(invoice.amount_ht))
    _sub(amounts, "MontantTTC", _decimal(invoice.amount_ttc))
    _sub(amounts, "MontantNetAPayer", _decimal(invoice.amount_due))
    if document is not None and document.vat_breakdown:
        vats = _sub(facts, "TVAs")
        for row in document.vat_breakdown:
            vat = _sub(vats, "TVA")
            _sub(vat, "Taux", _decimal(_number(row.rate) or 0))
            _sub(vat, "BaseHt", _decimal(_number(row.taxable_amount)))
            _sub(vat, "MontantTVA", _decimal(_number(row.tax_amount)))
    if invoice.contract_number or invoice.commitment_number:
        commitment = _sub(facts, "Engagement")
        if invoice.contract_number:
            _sub(commitment, "NumeroMarche", invoice.contract_number)
        if invoice.commitment_number:
            _sub(commitment, "NumeroEngagement", invoice.commitment_number)
    if document is not None and document.lines:
        lines = _sub(facts, "Lignes")
        for index, line in enumerate(document.lines, start=1):
            row = _sub(lines, "Ligne", NumOrdre=str(index))
            item = line.item
            reference = item.name.normalized if item is not None and item.name is not None else ""
            if reference:
                _sub(row, "ReferenceProduit", reference)
            price = line.price.net_price if line.price is not None else None
            _sub(row, "PrixUnitaire", _decimal(_number(price)))
            _sub(row, "Quantite", _decimal(_number(line.quantity)))
            _sub(row, "MontantHT", _decimal(_number(line.net_amount)))
            rate = line.vat.rate if line.vat is not None else None
            if _number(rate) is not None:
                _sub(row, "TauxTVA", _decimal(_number(rate)))
    _pj(unit, 1, name=safe_name(invoice.original_name, "facture"), kind="01",
        mime=PDF_TYPE if is_pdf(data) else XML_TYPE, data=data)
    for order, attachment in enumerate(invoice.attachments.all(), start=2):
        _pj(unit, order, name=attachment.name, kind="02", mime=attachment.content_type,
            data=_read(attachment.file), original_name=attachment.designation)


def pivot_xml(rows: Sequence[Invoice]) -> bytes:
    """Every invoice of ``rows`` in one CPPFacturePivot document (docs/lifecycle.md "Downloads")."""
    root = etree.Element("CPPFacturePivot", Version=PIVOT_VERSION)
    unit = _sub(_sub(root, "Enveloppe"), "EnveloppeUnitaire", NumOrdre="1")
    parameters = _sub(unit, "Parametres")
    for order, (code, value) in enumerate((("DtPrd", timezone.localdate().isoformat()),
                                           ("IdFlx", f"TELECH-{timezone.now():%Y%m%d%H%M%S%f}")), start=1):
        parameter = _sub(parameters, "ParametreIndiv", NumOrdre=f"{order:04d}")
        _sub(parameter, "Code", code)
        _sub(parameter, "Valeurparametre", value)
    partners = _sub(unit, "Partenaires")
    _sub(_sub(partners, "Recepteur"), "Id", "TELECH")
    emitter = _sub(partners, "Emetteur")
    _sub(emitter, "Id", "FACTUR")
    _sub(emitter, "Libelle", "facturier")
    invoices = _sub(root, "CPPFactures", Compteur=str(len(rows)))
    for order, invoice in enumerate(rows, start=1):
        _pivot_invoice(invoices, order, invoice)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
