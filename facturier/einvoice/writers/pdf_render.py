"""A readable PDF rendering of an :class:`~facturier.einvoice.model.Invoice` (reportlab).

The rendering shows what a person needs to check the invoice: parties, references (the Chorus Pro
service code and commitment number included), lines, allowances and charges, VAT breakdown,
totals, payment details and notes, in French or English. It is the human-readable half of a
Factur-X; the embedded XML is authoritative.

Fonts: PDF/A requires embedded fonts. DejaVu Sans (Debian ``fonts-dejavu-core``) is used when
installed, else Bitstream Vera, which reportlab ships in its own package (same metrics family,
Latin-1 coverage plus the euro sign), so a TrueType font is always embedded. Helvetica, a
non-embedded standard font, is the last resort only if neither file can be loaded.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from ..model import Address, AllowanceCharge, Contact, Invoice, Line, Party
from ..values import Identifier, Value
from .pdf_labels import (
    DOCUMENT_TYPES,
    PAYMENT_MEANS,
    VAT_CATEGORIES,
    Lang,
    amount_text,
    coded,
    date_text,
    label,
    number_text,
    percent_text,
    unit_name,
)

__all__ = ["FONT_CANDIDATES", "Fonts", "document_title", "fonts", "render_pdf"]

# (regular, bold) TrueType files, in order of preference.
_RL_FONTS = Path(reportlab.__file__ or "reportlab").parent / "fonts"
FONT_CANDIDATES: tuple[tuple[Path, Path], ...] = (
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
    (_RL_FONTS / "Vera.ttf", _RL_FONTS / "VeraBd.ttf"),
)


@dataclass(frozen=True, slots=True)
class Fonts:
    regular: str
    bold: str
    embedded: bool
    source: str


@functools.cache
def fonts() -> Fonts:
    """Register the first loadable TrueType pair once per process (reportlab's registry is
    global); fall back to Helvetica, which is not embedded."""
    for regular, bold in FONT_CANDIDATES:
        if regular.is_file() and bold.is_file():
            try:
                pdfmetrics.registerFont(TTFont("FacturierSans", str(regular)))
                pdfmetrics.registerFont(TTFont("FacturierSans-Bold", str(bold)))
            except Exception:  # noqa: BLE001 - a broken font file: try the next candidate
                continue
            return Fonts("FacturierSans", "FacturierSans-Bold", True, str(regular))
    return Fonts("Helvetica", "Helvetica-Bold", False, "Helvetica")


def document_title(invoice: Invoice, lang: Lang) -> str:
    code = invoice.type_code.normalized if invoice.type_code is not None else "380"
    names = DOCUMENT_TYPES.get(code)
    if names is not None:
        return names[lang]
    return DOCUMENT_TYPES["381" if invoice.is_credit_note else "380"][lang]


_GREY = colors.Color(0.35, 0.35, 0.35)
_RULE = colors.Color(0.75, 0.75, 0.75)
_HEAD_BG = colors.Color(0.92, 0.93, 0.95)


class _Styles:
    def __init__(self, f: Fonts) -> None:
        self.body = ParagraphStyle("body", fontName=f.regular, fontSize=8.5, leading=10.5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=9, textColor=_GREY)
        self.bold = ParagraphStyle("bold", parent=self.body, fontName=f.bold)
        self.right = ParagraphStyle("right", parent=self.body, alignment=TA_RIGHT)
        self.head = ParagraphStyle("head", parent=self.body, fontName=f.bold, fontSize=8)
        self.head_right = ParagraphStyle("head_right", parent=self.head, alignment=TA_RIGHT)
        self.h1 = ParagraphStyle("h1", parent=self.body, fontName=f.bold, fontSize=17, leading=21)
        self.h2 = ParagraphStyle(
            "h2",
            parent=self.body,
            fontName=f.bold,
            fontSize=10.5,
            leading=13,
            spaceBefore=7,
            spaceAfter=3,
            keepWithNext=1,  # never a heading alone at the bottom of a page
        )
        self.party_name = ParagraphStyle(
            "party_name", parent=self.body, fontName=f.bold, fontSize=10, leading=12.5
        )


def _e(text: str) -> str:
    return escape(text)


def _v(v: Value | None) -> str:
    return v.normalized if v is not None else ""


def _ident(v: Identifier | None) -> str:
    if v is None:
        return ""
    return "%s (%s)" % (v.normalized, v.scheme) if v.scheme else v.normalized


class _Renderer:
    def __init__(self, invoice: Invoice, lang: Lang, profile_label: str) -> None:
        self.inv = invoice
        self.lang = lang
        self.profile_label = profile_label
        self.f = fonts()
        self.s = _Styles(self.f)
        # Tables set their cells' default font (Helvetica) even around Paragraphs: name ours.
        self.font_cmd = ("FONTNAME", (0, 0), (-1, -1), self.f.regular)
        self.currency = _v(invoice.currency)

    def L(self, key: str, **params: str) -> str:  # noqa: N802 - short on purpose, used everywhere
        return label(key, self.lang, **params)

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(text, style or self.s.body)

    # -- building blocks -------------------------------------------------------------------------

    def fields(self, rows: Iterable[tuple[str, str]]) -> list[list[Paragraph]]:
        return [[self.p(_e(k), self.s.small), self.p(_e(v))] for k, v in rows if v]

    def field_table(self, rows: list[list[Paragraph]], widths: tuple[float, float]) -> Table:
        t = Table(rows, colWidths=list(widths), hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    self.font_cmd,
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        return t

    def grid(
        self, rows: list[list[Flowable | str]], widths: list[float], right_cols: Iterable[int] = ()
    ) -> Table:
        t = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = [
            ("FONTNAME", (0, 0), (-1, -1), self.f.regular),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("BACKGROUND", (0, 0), (-1, 0), _HEAD_BG),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, _RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        for c in right_cols:
            style.append(("ALIGN", (c, 0), (c, -1), "RIGHT"))
        t.setStyle(TableStyle(style))
        return t

    def address_lines(self, a: Address | None) -> list[str]:
        if a is None:
            return []
        out = [x for x in (_v(a.line1), _v(a.line2), _v(a.line3)) if x]
        city = " ".join(x for x in (_v(a.postcode), _v(a.city)) if x)
        if city:
            out.append(city)
        tail = ", ".join(x for x in (_v(a.subdivision), _v(a.country)) if x)
        if tail:
            out.append(tail)
        return out

    def contact_text(self, c: Contact | None) -> str:
        if c is None:
            return ""
        parts = [_v(c.name), _v(c.department), _v(c.phone), _v(c.email)]
        return " · ".join(x for x in parts if x)

    def party_block(self, title: str, party: Party | None) -> list[Flowable]:
        out: list[Flowable] = [self.p(_e(title.upper()), self.s.small)]
        if party is None:
            return out
        out.append(self.p(_e(_v(party.name)), self.s.party_name))
        if party.trading_name is not None:
            out.append(self.p(_e(_v(party.trading_name))))
        for line in self.address_lines(party.address):
            out.append(self.p(_e(line)))
        rows = [(self.L("identifier"), _ident(i)) for i in party.identifiers]
        rows += [
            (self.L("legal_id"), _ident(party.legal_id)),
            (self.L("vat_id"), ", ".join(_v(v) for v in party.all("vat_id"))),
            (self.L("tax_registration_id"), _ident(party.tax_registration_id)),
            (self.L("electronic_address"), _ident(party.electronic_address)),
            (self.L("legal_info"), _v(party.legal_info)),
            (self.L("contact"), self.contact_text(party.contact)),
        ]
        table = self.fields(rows)
        if table:
            out.append(Spacer(1, 2))
            out.append(self.field_table(table, (30 * mm, 57 * mm)))
        return out

    # -- sections --------------------------------------------------------------------------------

    def header(self) -> list[Flowable]:
        inv = self.inv
        title = document_title(inv, self.lang)
        rows = [
            (self.L("number"), _v(inv.number)),
            (self.L("issue_date"), date_text(inv.issue_date, self.lang)),
            (self.L("due_date"), ", ".join(date_text(d, self.lang) for d in inv.all("due_date"))),
            (self.L("type"), _v(inv.type_code)),
            (self.L("currency"), self.currency),
            (self.L("tax_currency"), _v(inv.tax_currency)),
            (self.L("tax_point_date"), date_text(inv.tax_point_date, self.lang)),
        ]
        left = [
            self.p(_e(title.upper()), self.s.h1),
            self.p(_e("%s %s" % (self.L("number"), _v(inv.number))), self.s.bold),
        ]
        right = self.field_table(self.fields(rows), (35 * mm, 50 * mm))
        t = Table([[left, right]], colWidths=[95 * mm, 85 * mm])
        t.setStyle(
            TableStyle(
                [self.font_cmd, ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
            )
        )
        return [t, Spacer(1, 4 * mm)]

    def parties(self) -> list[Flowable]:
        inv = self.inv
        t = Table(
            [[self.party_block(self.L("seller"), inv.seller), self.party_block(self.L("buyer"), inv.buyer)]],
            colWidths=[90 * mm, 90 * mm],
        )
        t.setStyle(
            TableStyle(
                [
                    self.font_cmd,
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOX", (0, 0), (0, 0), 0.4, _RULE),
                    ("BOX", (1, 0), (1, 0), 0.4, _RULE),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        out: list[Flowable] = [t]
        extra = [(self.L("payee"), inv.payee), (self.L("tax_representative"), inv.tax_representative)]
        blocks = [self.party_block(title, party) for title, party in extra if party is not None]
        if blocks:
            if len(blocks) == 1:
                blocks.append([])
            t2 = Table([blocks], colWidths=[90 * mm, 90 * mm])
            t2.setStyle(
                TableStyle(
                    [self.font_cmd, ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 5)]
                )
            )
            out += [Spacer(1, 2 * mm), t2]
        return out

    def references(self) -> list[Flowable]:
        inv = self.inv
        lang = self.lang

        def join(name: str) -> str:
            return ", ".join(_v(v) for v in inv.all(name))

        rows: list[tuple[str, str]] = [
            (self.L("buyer_reference"), join("buyer_reference")),
            (self.L("purchase_order_reference"), join("purchase_order_reference")),
            (self.L("sales_order_reference"), join("sales_order_reference")),
            (self.L("contract_reference"), join("contract_reference")),
            (self.L("project_reference"), join("project_reference")),
            (self.L("tender_reference"), join("tender_reference")),
            (self.L("despatch_advice_reference"), join("despatch_advice_reference")),
            (self.L("receiving_advice_reference"), join("receiving_advice_reference")),
            (self.L("object_id"), ", ".join(_ident(v) for v in inv.all("object_id"))),
            (self.L("buyer_accounting_reference"), join("buyer_accounting_reference")),
        ]
        for pi in inv.preceding_invoices:
            text = _v(pi.reference)
            if pi.issue_date is not None:
                text += " " + self.L("dated", date=date_text(pi.issue_date, lang))
            rows.append((self.L("preceding_invoice"), text))
        if inv.period is not None:
            rows.append(
                (
                    self.L("period"),
                    self.L(
                        "from_to",
                        start=date_text(inv.period.start, lang) or "…",
                        end=date_text(inv.period.end, lang) or "…",
                    ),
                )
            )
        d = inv.delivery
        if d is not None:
            rows.append((self.L("delivery_date"), date_text(d.actual_date, lang)))
            place = ", ".join(
                x for x in [_v(d.party_name), _ident(d.location_id), *self.address_lines(d.address)] if x
            )
            rows.append((self.L("delivery_to"), place))
        table = self.fields(rows)
        if not table:
            return []
        return [self.p(_e(self.L("references")), self.s.h2), self.field_table(table, (62 * mm, 118 * mm))]

    def _ac_text(self, ac: AllowanceCharge) -> str:
        """``Remise « motif » : −4,00 (10 % × 39,98)`` / ``Allowance "reason": −4.00 (10% × 39.98)``."""
        fr = self.lang == "fr"
        text = self.L("charge") if ac.is_charge else self.L("allowance")
        reason = " ".join(
            x for x in (_v(ac.reason), "(%s)" % _v(ac.reason_code) if ac.reason_code else "") if x
        )
        if reason:
            text += " « %s »" % reason if fr else ' "%s"' % reason
        text += " : " if fr else ": "
        text += ("+" if ac.is_charge else "−") + amount_text(ac.amount, self.lang)
        if ac.percentage is not None and ac.base_amount is not None:
            text += " (%s × %s)" % (
                percent_text(ac.percentage, self.lang),
                amount_text(ac.base_amount, self.lang),
            )
        return text

    def line_cell(self, line: Line) -> list[Flowable]:
        lang = self.lang
        item = line.item
        out: list[Flowable] = [self.p(_e(_v(item.name) if item is not None else ""), self.s.bold)]
        small: list[str] = []
        if item is not None:
            if item.description is not None:
                small.append(_v(item.description))
            ids = [x for x in (_v(item.seller_id), _v(item.buyer_id), _ident(item.standard_id)) if x]
            if ids:
                small.append(" / ".join(ids))
            for attr in item.attributes:
                small.append(
                    "%s : %s" % (_v(attr.name), _v(attr.value))
                    if lang == "fr"
                    else "%s: %s" % (_v(attr.name), _v(attr.value))
                )
        if line.period is not None:
            small.append(
                self.L(
                    "from_to",
                    start=date_text(line.period.start, lang) or "…",
                    end=date_text(line.period.end, lang) or "…",
                )
            )
        price = line.price
        if price is not None and price.gross_price is not None:
            gross = amount_text(price.gross_price, lang)
            if price.discount is None:
                small.append(self.L("gross_price_only", price=gross))
            else:
                small.append(self.L("gross_price", price=gross, discount=amount_text(price.discount, lang)))
        for ac in line.allowance_charges:
            small.append(self._ac_text(ac))
        if line.note is not None:
            small.append(_v(line.note))
        if line.order_line_reference is not None:
            small.append("%s %s" % (self.L("purchase_order_reference"), _v(line.order_line_reference)))
        out += [self.p(_e(x), self.s.small) for x in small]
        return out

    def lines(self) -> list[Flowable]:
        lang = self.lang
        s = self.s
        head = [self.L(k) for k in ("line_id", "item", "quantity", "unit", "net_price", "vat", "net_amount")]
        rows: list[list[Flowable | str]] = [
            [self.p(_e(h), s.head_right if i in (2, 4, 5, 6) else s.head) for i, h in enumerate(head)]
        ]
        for line in self.inv.lines:
            price = line.price
            unit_price = amount_text(price.net_price, lang) if price is not None else ""
            base = price.base_quantity if price is not None else None
            if base is not None and base.value != 1:
                unit_price += " " + self.L("per_base", qty=number_text(base, lang))
            vat = line.vat
            vat_text = ""
            if vat is not None:
                vat_text = " ".join(x for x in (_v(vat.category), percent_text(vat.rate, lang)) if x)
            q = line.quantity
            rows.append(
                [
                    self.p(_e(_v(line.id))),
                    self.line_cell(line),
                    self.p(_e(number_text(q, lang)), s.right),
                    self.p(_e(unit_name(q.unit if q is not None else None, lang))),
                    self.p(_e(unit_price), s.right),
                    self.p(_e(vat_text), s.right),
                    self.p(_e(amount_text(line.net_amount, lang)), s.right),
                ]
            )
        widths = [10 * mm, 68 * mm, 18 * mm, 16 * mm, 26 * mm, 17 * mm, 25 * mm]
        return [self.p(_e(self.L("lines")), s.h2), self.grid(rows, widths)]

    def allowances_charges(self) -> list[Flowable]:
        acs = self.inv.allowance_charges
        if not acs:
            return []
        lang = self.lang
        s = self.s
        head = ["", self.L("reason"), self.L("base"), self.L("percentage"), self.L("vat"), self.L("amount")]
        rows: list[list[Flowable | str]] = [[self.p(_e(h), s.head) for h in head]]
        for ac in acs:
            reason = " ".join(
                x for x in (_v(ac.reason), "(%s)" % _v(ac.reason_code) if ac.reason_code else "") if x
            )
            vat = " ".join(x for x in (_v(ac.vat_category), percent_text(ac.vat_rate, lang)) if x)
            rows.append(
                [
                    self.p(_e(self.L("charge") if ac.is_charge else self.L("allowance"))),
                    self.p(_e(reason)),
                    self.p(_e(amount_text(ac.base_amount, lang)), s.right),
                    self.p(_e(percent_text(ac.percentage, lang)), s.right),
                    self.p(_e(vat), s.right),
                    self.p(_e(amount_text(ac.amount, lang)), s.right),
                ]
            )
        widths = [22 * mm, 68 * mm, 25 * mm, 20 * mm, 20 * mm, 25 * mm]
        return [self.p(_e(self.L("allowances_charges")), s.h2), self.grid(rows, widths)]

    def vat_breakdown(self) -> list[Flowable]:
        lang = self.lang
        s = self.s
        head = [self.L(k) for k in ("vat_category", "vat_rate", "taxable_amount", "tax_amount", "exemption")]
        rows: list[list[Flowable | str]] = [
            [self.p(_e(h), s.head_right if i in (1, 2, 3) else s.head) for i, h in enumerate(head)]
        ]
        for vb in self.inv.vat_breakdown:
            exemption = " ".join(
                x
                for x in (
                    _v(vb.exemption_reason),
                    "(%s)" % _v(vb.exemption_reason_code) if vb.exemption_reason_code else "",
                )
                if x
            )
            rows.append(
                [
                    self.p(_e(coded(VAT_CATEGORIES, vb.category, lang))),
                    self.p(_e(percent_text(vb.rate, lang)), s.right),
                    self.p(_e(amount_text(vb.taxable_amount, lang)), s.right),
                    self.p(_e(amount_text(vb.tax_amount, lang)), s.right),
                    self.p(_e(exemption)),
                ]
            )
        widths = [45 * mm, 18 * mm, 30 * mm, 30 * mm, 57 * mm]
        return [self.p(_e(self.L("vat_breakdown")), s.h2), self.grid(rows, widths)]

    def totals(self) -> list[Flowable]:
        t = self.inv.totals
        if t is None:
            return []
        lang = self.lang
        s = self.s
        cur = self.currency
        rows: list[list[Flowable | str]] = []
        for key in (
            "line_total",
            "allowance_total",
            "charge_total",
            "tax_exclusive",
            "tax_total",
            "tax_total_in_tax_currency",
            "tax_inclusive",
            "prepaid",
            "rounding",
            "payable",
        ):
            v = getattr(t, key)
            if v is None:
                continue
            currency = v.currency or (
                _v(self.inv.tax_currency) if key == "tax_total_in_tax_currency" else cur
            )
            strong = key in ("tax_inclusive", "payable")
            rows.append(
                [
                    self.p(_e(self.L(key)), s.bold if strong else s.body),
                    self.p(
                        _e("%s %s" % (amount_text(v, lang), currency)).strip(),
                        ParagraphStyle("tot", parent=s.bold if strong else s.body, alignment=TA_RIGHT),
                    ),
                ]
            )
        table = Table(rows, colWidths=[55 * mm, 40 * mm], hAlign="RIGHT")
        style = [
            self.font_cmd,
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, _RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if rows:
            style.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), _HEAD_BG))
        table.setStyle(TableStyle(style))
        return [Spacer(1, 3 * mm), KeepTogether([self.p(_e(self.L("totals")), s.h2), table])]

    def payment(self) -> list[Flowable]:
        inv = self.inv
        lang = self.lang
        rows: list[tuple[str, str]] = []
        for pm in inv.payment_means:
            means = coded(PAYMENT_MEANS, pm.type_code, lang)
            if pm.type_text is not None:
                means = "%s – %s" % (means, _v(pm.type_text)) if means else _v(pm.type_text)
            rows.append((self.L("payment_means"), means))
            ct = pm.credit_transfer
            if ct is not None:
                rows += [
                    (self.L("iban"), ", ".join(_v(v) for v in ct.all("account_id"))),
                    (self.L("account_name"), _v(ct.account_name)),
                    (self.L("bic"), _v(ct.provider_id)),
                ]
            if pm.card is not None:
                rows.append(
                    (
                        self.L("card"),
                        " ".join(x for x in (_v(pm.card.account_number), _v(pm.card.holder_name)) if x),
                    )
                )
            rows.append((self.L("debited_account"), _v(pm.debited_account)))
        rows += [
            (self.L("due_date"), ", ".join(date_text(d, lang) for d in inv.all("due_date"))),
            (self.L("payment_terms"), " ".join(_v(v) for v in inv.all("payment_terms"))),
            (self.L("remittance_info"), ", ".join(dict.fromkeys(_v(v) for v in inv.all("remittance_info")))),
            (self.L("mandate_reference"), _v(inv.mandate_reference)),
            (self.L("creditor_reference"), _v(inv.creditor_reference)),
        ]
        table = self.fields(rows)
        if not table:
            return []
        return [
            KeepTogether(
                [self.p(_e(self.L("payment")), self.s.h2), self.field_table(table, (45 * mm, 135 * mm))]
            )
        ]

    def notes(self) -> list[Flowable]:
        notes = [n for n in self.inv.notes if n.text is not None]
        if not notes:
            return []
        out: list[Flowable] = [self.p(_e(self.L("notes")), self.s.h2)]
        for n in notes:
            prefix = "[%s] " % _v(n.subject_code) if n.subject_code is not None else ""
            # Notes may hold line breaks: keep them readable.
            text = n.text.raw.strip() if n.text is not None else ""
            out.append(self.p(_e(prefix + text).replace("\n", "<br/>")))
        return out

    # -- document --------------------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        return [
            *self.header(),
            *self.parties(),
            *self.references(),
            *self.lines(),
            *self.allowances_charges(),
            *self.vat_breakdown(),
            *self.totals(),
            *self.payment(),
            *self.notes(),
        ]

    def footer(self, canvas: object, doc: SimpleDocTemplate) -> None:
        c = canvas
        c.saveState()  # type: ignore[attr-defined]
        c.setFont(self.f.regular, 7)  # type: ignore[attr-defined]
        c.setFillColor(_GREY)  # type: ignore[attr-defined]
        text = "%s · %s · %s" % (
            _v(self.inv.number),
            self.L("footer", profile=self.profile_label),
            self.L("page", page=str(doc.page)),
        )
        c.drawString(15 * mm, 9 * mm, text)  # type: ignore[attr-defined]
        c.restoreState()  # type: ignore[attr-defined]


def render_pdf(invoice: Invoice, *, lang: Lang = "fr", profile_label: str = "EN 16931") -> bytes:
    """The invoice rendered as a (plain) PDF, A4, in ``lang``."""
    r = _Renderer(invoice, lang, profile_label)
    buf = io.BytesIO()
    title = "%s %s" % (document_title(invoice, lang), _v(invoice.number))
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=title,
        author=_v(invoice.seller.name) if invoice.seller is not None else "",
        lang="fr-FR" if lang == "fr" else "en-GB",
        # The canvas starts every page with this font: left to its default (Helvetica, not
        # embedded), it would appear in the resources and break PDF/A.
        initialFontName=r.f.regular,
    )
    doc.build(r.story(), onFirstPage=r.footer, onLaterPages=r.footer)
    return buf.getvalue()
