"""The invoice page's parts, shared by « Factures reçues », « Factures émises » and « Factures à
valider »: one context builder, three includes, and the file downloads.

A space's invoice page finds the invoice with its own scoped selector (404 otherwise), then::

    context.update(invoice_detail_context(invoice=invoice, actor=request.user,
                                          language=request.GET.get("rendu")))

and its template includes ``invoices/_invoice_rendering.html`` (the structured invoice, in French
or English whatever the portal's language), ``invoices/_invoice_files.html`` (the original and the
attachments; every download goes through ``lifecycle.invoices_record_download``) and
``invoices/_invoice_history.html`` (statuses, user actions, additional events).

The rendering reads the original again with :func:`facturier.einvoice.read` for what the stored
``structured_data`` does not keep (lines, VAT breakdown, addresses). An original that is not a
structured invoice (a plain PDF deposit) is rendered from the invoice record alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy as _
from django.views import View

from facturier.invoices.enums import BillingFrame, InvoiceType, StateRejectionMotive, ValidatorRefusalMotive
from facturier.invoices.lifecycle import SYSTEM_WHO, invoices_record_download
from facturier.invoices.models import Invoice, InvoiceAttachment, InvoiceEvent
from facturier.invoices.selectors import invoice_document, invoice_history, invoices_visible_to
from facturier.portal.access import must_enrol_two_factor
from facturier.portal.spaces import SLUGS
from facturier.structures.spaces import Space

from .forms import PAYMENT_MEANS_CHOICES, UNIT_CHOICES, VAT_CATEGORY_CHOICES

if TYPE_CHECKING:
    from facturier.accounts.models import User
    from facturier.einvoice import model as m

# The two languages of the rendering (issue 6 §2: "in French and English").
RENDERING_LANGUAGES = ("fr", "en")

# UNTDID 1001, the document types an invoice of the platform carries (BT-3).
TYPE_CODES = {
    "380": _("Facture commerciale"),
    "381": _("Avoir"),
    "384": _("Facture rectificative"),
    "386": _("Facture d'acompte"),
    "389": _("Autofacture"),
    "751": _("Facture (information comptable)"),
}
VAT_CATEGORIES = dict(VAT_CATEGORY_CHOICES) | {
    "L": _("L — IGIC (Canaries)"), "M": _("M — IPSI (Ceuta et Melilla)"),
}
UNITS = dict(UNIT_CHOICES)
PAYMENT_MEANS = dict(PAYMENT_MEANS_CHOICES)


def _label(choices: Any, value: str) -> Promise | str:
    """The (lazy) label of a choice, so that it follows the rendering's language."""
    try:
        return choices(value).label
    except ValueError:
        return value


def _text(value: Any) -> str:
    """The normalized text of a located value ('' when absent or blank)."""
    if value is None or value.is_blank:
        return ""
    return str(value.normalized)


def _number(value: Any) -> Decimal | None:
    """A located number as a Decimal without trailing zeros (2.0000 → 2), for display."""
    number = getattr(value, "value", None) if value is not None else None
    if number is None:
        return None
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def _amount(value: Any) -> Decimal | None:
    return getattr(value, "value", None) if value is not None else None


@dataclass(frozen=True)
class PartyView:
    name: str
    identifiers: list[tuple[Promise | str, str]] = field(default_factory=list)
    address: list[str] = field(default_factory=list)
    contact: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LineView:
    id: str
    name: str
    description: str
    quantity: Decimal | None
    unit: str
    net_price: Decimal | None
    vat_category: str
    vat_rate: Decimal | None
    net_amount: Decimal | None


@dataclass(frozen=True)
class VatView:
    category: str
    label: Promise | str
    rate: Decimal | None
    taxable: Decimal | None
    tax: Decimal | None
    exemption: str


@dataclass(frozen=True)
class AllowanceView:
    is_charge: bool
    reason: str
    amount: Decimal | None
    vat_rate: Decimal | None


@dataclass(frozen=True)
class Rendering:
    """What ``_invoice_rendering.html`` shows. ``structured`` is False when the original could not
    be read as an e-invoice: then only the record's data (parties, amounts) are shown."""

    language: str
    structured: bool
    type_label: Promise | str
    currency: str
    references: list[tuple[Promise | str, Any]]
    seller: PartyView
    buyer: PartyView
    payee: PartyView | None = None
    notes: list[str] = field(default_factory=list)
    lines: list[LineView] = field(default_factory=list)
    allowances: list[AllowanceView] = field(default_factory=list)
    vat: list[VatView] = field(default_factory=list)
    totals: list[tuple[Promise | str, Decimal | None]] = field(default_factory=list)
    payment: list[tuple[Promise | str, str]] = field(default_factory=list)

    @property
    def parties(self) -> list[tuple[Promise, PartyView]]:
        rows = [(_("Vendeur"), self.seller), (_("Acheteur"), self.buyer)]
        if self.payee is not None:
            rows.append((_("Bénéficiaire du paiement"), self.payee))
        return rows


def _party(party: m.Party | None, fallback_name: str, fallback_id: str) -> PartyView:
    if party is None:
        return PartyView(fallback_name, [(_("SIRET"), fallback_id)] if fallback_id else [])
    identifiers: list[tuple[Promise | str, str]] = []
    if party.legal_id is not None and _text(party.legal_id):
        scheme = party.legal_id.scheme or ""
        label = _("SIRET") if scheme in ("0009", "") else _("Identifiant légal")
        identifiers.append((label, _text(party.legal_id)))
    for identifier in party.identifiers:
        if _text(identifier) and all(_text(identifier) != value for _label, value in identifiers):
            identifiers.append((_("Identifiant"), _text(identifier)))
    if party.vat_id is not None and _text(party.vat_id):
        identifiers.append((_("Numéro de TVA"), _text(party.vat_id)))
    address: list[str] = []
    if party.address is not None:
        a = party.address
        address = [t for t in (_text(a.line1), _text(a.line2), _text(a.line3)) if t]
        city = " ".join(t for t in (_text(a.postcode), _text(a.city)) if t)
        address += [t for t in (city, _text(a.subdivision), _text(a.country)) if t]
    contact: list[str] = []
    if party.contact is not None:
        c = party.contact
        contact = [t for t in (_text(c.name), _text(c.department), _text(c.phone), _text(c.email)) if t]
    return PartyView(_text(party.name) or fallback_name, identifiers, address, contact)


def _lines(document: m.Invoice) -> list[LineView]:
    lines = []
    for line in document.lines:
        item, price, vat = line.item, line.price, line.vat
        unit = line.quantity.unit if line.quantity is not None else None
        lines.append(LineView(
            id=_text(line.id),
            name=_text(item.name) if item else "",
            description=_text(item.description) if item else "",
            quantity=_number(line.quantity),
            unit=str(UNITS.get(unit or "", unit or "")),
            net_price=_amount(price.net_price) if price else None,
            vat_category=_text(vat.category) if vat else "",
            vat_rate=_number(vat.rate) if vat else None,
            net_amount=_amount(line.net_amount),
        ))
    return lines


def _structured(invoice: Invoice, document: m.Invoice, language: str) -> Rendering:
    type_code = _text(document.type_code)
    references: list[tuple[Promise | str, Any]] = [
        (_("Numéro de facture"), _text(document.number)),
        (_("Date de facture"), document.issue_date.value if document.issue_date else None),
        (_("Date d'échéance"), document.due_date.value if document.due_date else None),
        (_("Code service (BT-10)"), _text(document.service_code)),
        (_("Numéro d'engagement (BT-13)"), _text(document.purchase_order_reference)),
        (_("Numéro de marché (BT-12)"), _text(document.contract_reference)),
        (_("Référence de projet (BT-11)"), _text(document.project_reference)),
        (_("Cadre de facturation"), _label(BillingFrame, invoice.billing_frame)),
        (_("Facture précédente (BT-25)"), ", ".join(_text(p.reference) for p in document.preceding_invoices)),
        (_("Conditions de paiement"), _text(document.payment_terms)),
    ]
    totals = document.totals
    total_rows: list[tuple[Promise | str, Decimal | None]] = []
    if totals is not None:
        total_rows = [
            (_("Somme des lignes HT"), _amount(totals.line_total)),
            (_("Remises"), _amount(totals.allowance_total)),
            (_("Charges"), _amount(totals.charge_total)),
            (_("Total HT"), _amount(totals.tax_exclusive)),
            (_("Total TVA"), _amount(totals.tax_total)),
            (_("Total TTC"), _amount(totals.tax_inclusive)),
            (_("Déjà payé"), _amount(totals.prepaid)),
            (_("Arrondi"), _amount(totals.rounding)),
            (_("Montant à payer"), _amount(totals.payable)),
        ]
        total_rows = [row for row in total_rows if row[1] is not None]
    payment: list[tuple[Promise | str, str]] = []
    for means in document.payment_means:
        code = _text(means.type_code)
        payment.append((_("Moyen de paiement"), str(PAYMENT_MEANS.get(code, code))))
        transfer = means.credit_transfer
        if transfer is not None:
            payment += [(label, value) for label, value in (
                (_("IBAN"), _text(transfer.account_id)), (_("Titulaire du compte"), _text(transfer.account_name)),
                (_("BIC"), _text(transfer.provider_id))) if value]
    return Rendering(
        language=language,
        structured=True,
        type_label=TYPE_CODES.get(type_code, type_code or _label(InvoiceType, invoice.type)),
        currency=_text(document.currency) or invoice.currency,
        references=[(label, value) for label, value in references if value],
        seller=_party(document.seller, invoice.supplier_name, invoice.supplier_identifier),
        buyer=_party(document.buyer, invoice.recipient_name, invoice.recipient_identifier),
        payee=_party(document.payee, "", "") if document.payee is not None else None,
        notes=[_text(note.text) for note in document.notes if _text(note.text)],
        lines=_lines(document),
        allowances=[
            AllowanceView(bool(ac.is_charge), _text(ac.reason), _amount(ac.amount), _number(ac.vat_rate))
            for ac in document.allowance_charges
        ],
        vat=[
            VatView(_text(row.category), VAT_CATEGORIES.get(_text(row.category), _text(row.category)),
                    _number(row.rate), _amount(row.taxable_amount), _amount(row.tax_amount),
                    _text(row.exemption_reason))
            for row in document.vat_breakdown
        ],
        totals=total_rows,
        payment=payment,
    )


def _from_record(invoice: Invoice, language: str) -> Rendering:
    """The rendering of an invoice whose original is not a structured invoice."""
    references: list[tuple[Promise | str, Any]] = [
        (_("Numéro de facture"), invoice.number),
        (_("Date de facture"), invoice.issue_date),
        (_("Date d'échéance"), invoice.due_date),
        (_("Code service (BT-10)"), invoice.service_code),
        (_("Numéro d'engagement (BT-13)"), invoice.commitment_number),
        (_("Numéro de marché (BT-12)"), invoice.contract_number),
        (_("Cadre de facturation"), _label(BillingFrame, invoice.billing_frame)),
    ]
    totals = [(_("Total HT"), invoice.amount_ht), (_("Total TVA"), invoice.amount_vat),
              (_("Total TTC"), invoice.amount_ttc), (_("Montant à payer"), invoice.amount_due)]
    return Rendering(
        language=language, structured=False, type_label=_label(InvoiceType, invoice.type),
        currency=invoice.currency,
        references=[(label, value) for label, value in references if value],
        seller=PartyView(invoice.supplier_name, [(_("SIRET"), invoice.supplier_identifier)]),
        buyer=PartyView(invoice.recipient_name, [(_("SIRET"), invoice.recipient_identifier)]),
        totals=[(label, value) for label, value in totals if value is not None],
    )


def invoice_rendering(*, invoice: Invoice, language: str = "fr") -> Rendering:
    """The readable rendering of ``invoice``: its original read again, else its record."""
    parsed = invoice_document(invoice=invoice)
    if parsed is None:
        return _from_record(invoice, language)
    return _structured(invoice, parsed.invoice, language)


# --- files ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileView:
    name: str
    size: int
    url: str
    kind: Promise | str = ""
    designation: str = ""


def invoice_files(*, invoice: Invoice) -> tuple[FileView, list[FileView]]:
    original = FileView(
        invoice.original_name or invoice.number, invoice.original_size,
        reverse("invoices_portal:invoice_file_original", args=[invoice.pk]),
    )
    attachments = [
        FileView(a.name, a.size, reverse("invoices_portal:invoice_file_attachment", args=[invoice.pk, a.pk]),
                 a.get_kind_display(), a.designation)
        for a in invoice.attachments.order_by("kind", "uploaded_at", "pk")
    ]
    return original, attachments


# --- history -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    at: Any
    label: Promise | str
    who: str
    comment: str = ""
    details: list[str] = field(default_factory=list)


MOTIVES = dict(StateRejectionMotive.choices) | dict(ValidatorRefusalMotive.choices)


def _person(user: User | None) -> str:
    if user is None:
        return SYSTEM_WHO
    return user.get_full_name() or user.email


def _service(data: dict[str, Any]) -> str:
    code, name = data.get("code", ""), data.get("name", "")
    return f"{code} ({name})" if name else code


def _event_details(event: InvoiceEvent) -> list[str]:
    """The additional event's data, as sentences (``evenementLibelle`` details)."""
    data, code = event.data or {}, InvoiceEvent.Code
    if event.code == code.TRANSFER:
        return [gettext("Du service %(before)s au service %(after)s.") % {
            "before": _service(data.get("from_service", {})) or "—",
            "after": _service(data.get("to_service", {}))}]
    if event.code == code.RECYCLED:
        before, after = data.get("before", {}), data.get("after", {})
        labels = {"recipient": gettext("Destinataire"), "service": gettext("Code service"),
                  "commitment": gettext("Numéro d'engagement")}
        return [f"{labels[key]} : {before.get(key) or '—'} → {after.get(key) or '—'}"
                for key in labels if before.get(key) != after.get(key)]
    if event.code == code.VALIDATOR_CORRECTED:
        before, after = data.get("before", {}), data.get("after", {})
        return [gettext("Valideur %(level)s : %(before)s → %(after)s") % {
            "level": data.get("level", 1), "before": before.get("name") or "—",
            "after": f"{after.get('name', '')} ({after.get('identifier', '')})"}]
    if event.code == code.COMPLETED and data.get("attachments"):
        return [gettext("Pièces jointes : %(names)s") % {"names": ", ".join(data["attachments"])}]
    if event.code == code.DEADLINE:
        return [gettext("Niveau %(level)s, sans réponse du valideur en %(days)s jours.") % {
            "level": data.get("level", 1), "days": data.get("days", "")}]
    if event.code == code.REPRESENTATIVE_INFORMED and data.get("representative"):
        return [gettext("Mandataire : %(id)s") % {"id": data["representative"]}]
    return []


@dataclass(frozen=True)
class HistoryView:
    statuses: list[HistoryRow]
    actions: list[HistoryRow]
    events: list[HistoryRow]


def history_view(*, invoice: Invoice) -> HistoryView:
    """The three parts of :func:`facturier.invoices.selectors.invoice_history`, newest first, as
    rows to show."""
    history = invoice_history(invoice=invoice)
    return HistoryView(
        statuses=[
            HistoryRow(change.at, change.get_status_display(), _person(change.actor), change.comment,
                       [str(MOTIVES.get(m, m)) for m in change.motives])
            for change in reversed(history.statuses)
        ],
        actions=[HistoryRow(e.at, e.get_code_display(), e.who or _person(e.actor), e.comment)
                 for e in reversed(history.actions)],
        events=[HistoryRow(e.at, e.get_code_display(), e.who or _person(e.actor), e.comment, _event_details(e))
                for e in reversed(history.events)],
    )


def invoice_detail_context(
    *, invoice: Invoice, actor: User, language: str | None = None, space: Space | None = None
) -> dict[str, Any]:
    """The context of the three includes for ``invoice``, which the caller has found through its
    space's scoped selector. ``language`` picks the rendering's language (``fr`` or ``en``); by
    default the portal's. With ``space``, the files part also links the invoice as PDF and its
    tracking slip through that space (downloads.py)."""
    from django.utils.translation import get_language

    if language not in RENDERING_LANGUAGES:
        language = (get_language() or "fr")[:2]
    original, attachments = invoice_files(invoice=invoice)
    space_downloads = {}
    if space is not None:
        kwargs = {"space": SLUGS[Space(space)], "pk": invoice.pk}
        space_downloads = {"pdf_url": reverse("invoices_portal:invoice_pdf", kwargs=kwargs),
                           "slip_url": reverse("invoices_portal:slip", kwargs=kwargs)}
    return {
        "invoice_downloads": space_downloads,
        "invoice": invoice,
        "rendering": invoice_rendering(
            invoice=invoice, language=language if language in RENDERING_LANGUAGES else "fr"),
        "rendering_languages": RENDERING_LANGUAGES,
        "original_file": original,
        "attachment_files": attachments,
        "history": history_view(invoice=invoice),
    }


# --- downloads (every space) ---------------------------------------------------------------------


class _InvoiceFileView(LoginRequiredMixin, View):
    """A file of an invoice the user sees in any of the three invoice spaces (404 otherwise). The
    download is recorded (TELECHARGEMENT_FACTURE; by the recipient: ``downloaded_by_recipient``)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and must_enrol_two_factor(request):
            return HttpResponseRedirect(reverse("accounts:two_factor"))
        return super().dispatch(request, *args, **kwargs)

    def get_invoice(self) -> Invoice:
        invoice = invoices_visible_to(actor=self.request.user).filter(pk=self.kwargs["pk"]).first()
        if invoice is None:
            raise Http404(gettext("Cette facture n'existe pas ou ne vous est pas accessible."))
        return invoice


class InvoiceOriginalFileView(_InvoiceFileView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        invoice = self.get_invoice()
        invoices_record_download(actor=request.user, invoices=[invoice])
        return FileResponse(invoice.original_file.open("rb"), as_attachment=True,
                            filename=invoice.original_name or f"{invoice.number}.pdf")


class InvoiceAttachmentFileView(_InvoiceFileView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        invoice = self.get_invoice()
        attachment = InvoiceAttachment.objects.filter(invoice=invoice, pk=self.kwargs["attachment"]).first()
        if attachment is None:
            raise Http404(gettext("Cette pièce jointe n'existe pas."))
        invoices_record_download(actor=request.user, invoices=[invoice])
        name = attachment.name if "." in attachment.name else f"{attachment.name}.{attachment.extension.lower()}"
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name,
                            content_type=attachment.content_type or None)
