"""The tracking slip (bordereau de suivi) of an invoice: one PDF with its identity, its parties, its
frame and validators, and its whole history (issue 6 §5; docs/lifecycle.md "Tracking").

It is what a supplier keeps or forwards to prove where an invoice stands: the deposit certificate's
fingerprint, every status with its date, author and comment, the user actions (downloads,
acknowledgements, rejection handled) and the additional events (transfer, recycling, deadline…).
For A9/A10 it names the main contractor who validates (SIRET and company name) and the second-level
validator if any; for A12 the group's representative, who is informed only.

The history comes from :func:`facturier.invoices.selectors.invoice_history`, the same query as the
portal page and ``consulter/historique``. Labels are French source strings translated by gettext;
the fonts are the e-invoice rendering's embedded TrueType pair (accents, euro sign).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from facturier.einvoice.writers.pdf_render import fonts

from .enums import (
    DepositMode,
    InvoiceStatus,
    InvoiceType,
    LifecycleFrame,
    StateRejectionMotive,
    ValidatorRefusalMotive,
)
from .lifecycle import SYSTEM_WHO
from .models import Invoice, InvoiceEvent, InvoiceStatusChange
from .selectors import invoice_history
from .transitions import FrameGroup, frame_group

WIDTH = 180 * mm  # A4 less 15 mm margins
_GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
])
_FIELDS = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef1f5")),
])


def language_of(language: str | None) -> str:
    """``"en"`` for an English language code, else ``"fr"`` (the portal's two languages)."""
    return "en" if str(language or "").lower().startswith("en") else "fr"


def invoice_slip_pdf(*, invoice: Invoice, language: str) -> bytes:
    """The tracking slip of ``invoice`` as PDF bytes, in French or English (``language``). The
    caller has checked that the reader may see the invoice."""
    with translation.override(language_of(language)):
        return _Slip(invoice).build()


def slip_file_name(invoice: Invoice) -> str:
    """``bordereau-de-suivi-<number>.pdf`` (stable, whatever the language)."""
    return f"bordereau-de-suivi-{safe_name(invoice.number)}.pdf"


def safe_name(text: str, fallback: str = "facture") -> str:
    """A file-name part: letters, digits, ``.``, ``_`` and ``-`` only."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in text).strip("._")
    return cleaned[:80] or fallback


# --- formatting ------------------------------------------------------------------------------------


def _when(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def _day(value: Any) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _amount(value: Decimal | None, currency: str) -> str:
    if value is None:
        return ""
    return "%s %s" % (formats.number_format(value, 2, use_l10n=True, force_grouping=True), currency)


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _author(user: Any) -> str:
    if user is None:
        return _("%(platform)s (système)") % {"platform": SYSTEM_WHO}
    return user.get_full_name() or user.email


def _motive_labels(codes: Iterable[str]) -> list[str]:
    labels = []
    for code in codes:
        for choices in (StateRejectionMotive, ValidatorRefusalMotive):
            if code in choices.values:
                labels.append(str(choices(code).label))
                break
        else:
            labels.append(code)
    return labels


def status_comment(change: InvoiceStatusChange) -> str:
    """The comment of a status row, with its coded motives when the comment does not already
    carry them (a State rejection, a validator's refusal)."""
    comment = change.comment or ""
    missing = [label for label in _motive_labels(change.motives or []) if label not in comment]
    return " — ".join(part for part in (comment, " ; ".join(missing)) if part)


def _changed(before: dict[str, Any], after: dict[str, Any], labels: dict[str, str]) -> str:
    return " ; ".join(
        "%s : %s → %s" % (label, before.get(key) or "—", after.get(key) or "—")
        for key, label in labels.items() if before.get(key) != after.get(key)
    )


def _service(data: dict[str, Any] | None) -> str:
    data = data or {}
    return " — ".join(part for part in (data.get("code"), data.get("name")) if part) or "—"


def _party(data: dict[str, Any] | None) -> str:
    data = data or {}
    return "%s (%s)" % (data.get("name") or "—", data.get("identifier") or "—")


# What an additional event's data says, in words (lifecycle.event_record writes these shapes).
_DETAILS: dict[str, Callable[[dict[str, Any]], str]] = {
    InvoiceEvent.Code.TRANSFER: lambda d: _("Du service %(before)s vers le service %(after)s") % {
        "before": _service(d.get("from_service")), "after": _service(d.get("to_service"))},
    InvoiceEvent.Code.RECYCLED: lambda d: _changed(d.get("before") or {}, d.get("after") or {}, {
        "recipient": _("Destinataire"), "service": _("Service"), "commitment": _("Engagement")}),
    InvoiceEvent.Code.COMPLETED: lambda d: (_("Pièces jointes : %(names)s") % {
        "names": ", ".join(d["attachments"])}) if d.get("attachments") else "",
    InvoiceEvent.Code.VALIDATOR_CORRECTED: lambda d: _(
        "Valideur de niveau %(level)s : %(before)s → %(after)s") % {
        "level": d.get("level", 1), "before": _party(d.get("before")), "after": _party(d.get("after"))},
    InvoiceEvent.Code.RESUBMITTED: lambda d: _("Nouvelle facture n° %(number)s (identifiant %(id)s)") % {
        "number": d.get("number", ""), "id": d.get("next", "")},
    InvoiceEvent.Code.DEADLINE: lambda d: _("Niveau %(level)s : aucune décision en %(days)s jours") % {
        "level": d.get("level", 1), "days": d.get("days", "")},
    InvoiceEvent.Code.REPRESENTATIVE_INFORMED: lambda d: _("Mandataire : %(identifier)s") % {
        "identifier": d.get("representative", "")},
}


def event_detail(event: InvoiceEvent) -> str:
    """The comment of a user action or an additional event, with what its data records."""
    describe = _DETAILS.get(event.code)
    detail = describe(event.data or {}) if describe is not None else ""
    return " — ".join(part for part in (event.comment, detail) if part)


# --- the document ----------------------------------------------------------------------------------


class _Slip:
    def __init__(self, invoice: Invoice) -> None:
        self.invoice = invoice
        self.history = invoice_history(invoice=invoice)
        self.printed_at = timezone.now()
        f = fonts()
        self.font = f.regular
        self.text = ParagraphStyle("slip-text", fontName=f.regular, fontSize=8.5, leading=10.5)
        self.head = ParagraphStyle("slip-head", parent=self.text, fontName=f.bold)
        # A SHA-256 fingerprint (64 hex digits) must stay on one line: a wrap would put a space
        # inside it for whoever copies it from the PDF.
        self.fingerprint = ParagraphStyle("slip-fingerprint", parent=self.text, fontSize=7)
        self.title = ParagraphStyle("slip-title", fontName=f.bold, fontSize=16, leading=20, spaceAfter=2 * mm)
        self.h2 = ParagraphStyle("slip-h2", fontName=f.bold, fontSize=11, leading=14, spaceBefore=5 * mm,
                                 spaceAfter=2 * mm)

    def p(self, text: Any, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(escape(str(text)), style or self.text)

    def fields(self, rows: Sequence[tuple[str, Any]]) -> Table:
        cells = [[self.p(label, self.head), value if isinstance(value, Paragraph) else self.p(value)]
                 for label, value in rows if value not in (None, "")]
        table = Table(cells, colWidths=[55 * mm, WIDTH - 55 * mm])
        table.setStyle(_FIELDS)
        return table

    def grid(self, head: Sequence[str], rows: list[list[str]], widths: Sequence[float], empty: str) -> list[Any]:
        if not rows:
            return [self.p(empty)]
        table = Table([[self.p(h, self.head) for h in head], *[[self.p(c) for c in row] for row in rows]],
                      colWidths=list(widths), repeatRows=1)
        table.setStyle(_GRID)
        return [table]

    # -- sections --

    def identity(self) -> list[Any]:
        inv = self.invoice
        previous = inv.previous
        following = ", ".join("%s (%s)" % (n.number, n.pk) for n in inv.next_invoices.order_by("pk"))
        return [
            self.p(_("Identification"), self.h2),
            self.fields([
                (_("Numéro de facture"), inv.number),
                (_("Identifiant de la facture"), inv.pk),
                (_("Type"), _label(InvoiceType, inv.type)),
                (_("Cadre de facturation"), _label(LifecycleFrame, inv.billing_frame)),
                (_("Date de facture"), _day(inv.issue_date)),
                (_("Date de dépôt"), _when(inv.deposited_at)),
                (_("Mode de dépôt"), _label(DepositMode, inv.deposit_mode)),
                (_("Empreinte du certificat de dépôt"),
                 self.p(inv.certificate_fingerprint, self.fingerprint) if inv.certificate_fingerprint else ""),
                (_("Statut courant"), "%s — %s" % (_label(InvoiceStatus, inv.status),
                                                    _when(inv.status_changed_at))),
                (_("Montant HT"), _amount(inv.amount_ht, inv.currency)),
                (_("Montant de TVA"), _amount(inv.amount_vat, inv.currency)),
                (_("Montant TTC"), _amount(inv.amount_ttc, inv.currency)),
                (_("Montant à payer"), _amount(inv.amount_due, inv.currency)),
                (_("Numéro d'engagement"), inv.commitment_number),
                (_("Numéro de marché"), inv.contract_number),
                (_("Numéro de mandat"), inv.mandate_number),
                (_("Facture précédente (rejetée)"),
                 "%s (%s)" % (previous.number, previous.pk) if previous else ""),
                (_("Facture suivante (nouvelle soumission)"), following),
            ]),
        ]

    def parties(self) -> list[Any]:
        inv = self.invoice
        rows = [
            (_("Fournisseur"), "%s — %s %s" % (inv.supplier_name, inv.supplier_identifier_type,
                                                inv.supplier_identifier)),
            (_("Destinataire"), "%s — SIRET %s" % (inv.recipient_name, inv.recipient_identifier)),
            (_("Service destinataire"), " — ".join(p for p in (inv.service_code, inv.service_name) if p)),
        ]
        group = frame_group(inv.billing_frame)
        if group == FrameGroup.SUBCONTRACTING:
            rows += [
                (_("Valideur (titulaire du marché)"), self.validator(1)),
                (_("Valideur de niveau 2 (cotraitant)"), self.validator(2)),
            ]
        elif inv.validator1_identifier:
            rows.append((_("Mandataire du groupement (informé)"), self.validator(1)))
        return [self.p(_("Parties"), self.h2), self.fields(rows)]

    def validator(self, level: int) -> str:
        inv = self.invoice
        identifier = getattr(inv, f"validator{level}_identifier")
        if not identifier:
            return ""
        text = "%s — SIRET %s" % (getattr(inv, f"validator{level}_name"), identifier)
        validated = getattr(inv, f"validated{level}_on")
        if validated:
            text += " — " + _("validée le %(date)s") % {"date": _day(validated)}
        return text

    def statuses(self) -> list[Any]:
        rows = [[_when(c.at), _label(InvoiceStatus, c.status), _author(c.actor), status_comment(c)]
                for c in self.history.statuses]
        return [self.p(_("Historique des statuts"), self.h2),
                *self.grid([_("Date"), _("Statut"), _("Auteur"), _("Commentaire")], rows,
                           [28 * mm, 42 * mm, 45 * mm, WIDTH - 115 * mm], _("Aucun statut."))]

    def events(self, title: str, events: list[InvoiceEvent], empty: str) -> list[Any]:
        rows = [[_when(e.at), _label(InvoiceEvent.Code, e.code), e.who or _author(e.actor), event_detail(e)]
                for e in events]
        return [self.p(title, self.h2),
                *self.grid([_("Date"), _("Intitulé"), _("Auteur"), _("Commentaire")], rows,
                           [28 * mm, 42 * mm, 45 * mm, WIDTH - 115 * mm], empty)]

    def story(self) -> list[Any]:
        inv = self.invoice
        return [
            self.p(_("Bordereau de suivi"), self.title),
            self.p(_("Facture n° %(number)s de %(supplier)s à %(recipient)s") % {
                "number": inv.number, "supplier": inv.supplier_name, "recipient": inv.recipient_name}),
            Spacer(1, 2 * mm),
            *self.identity(),
            *self.parties(),
            *self.statuses(),
            *self.events(_("Actions des utilisateurs"), self.history.actions, _("Aucune action.")),
            *self.events(_("Évènements complémentaires"), self.history.events, _("Aucun évènement.")),
        ]

    def footer(self, canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(self.font, 7)
        canvas.setFillColor(colors.grey)
        text = _("Bordereau de suivi — facture %(number)s — édité le %(date)s — page %(page)s") % {
            "number": self.invoice.number, "date": _when(self.printed_at), "page": doc.page}
        canvas.drawString(15 * mm, 9 * mm, text)
        canvas.restoreState()

    def build(self) -> bytes:
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=16 * mm,
            title="%s %s" % (_("Bordereau de suivi"), self.invoice.number), author="facturier",
            lang="en-GB" if translation.get_language() == "en" else "fr-FR", initialFontName=self.font,
        )
        doc.build(self.story(), onFirstPage=self.footer, onLaterPages=self.footer)
        return out.getvalue()
