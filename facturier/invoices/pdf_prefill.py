"""Best-effort pre-fill of the invoice entry from a PDF (portal PDF deposit, API ``deposer/pdf``).

Three sources, the first that gives something wins:

1. ``facturx``: the embedded Factur-X XML, read by the e-invoice core — exact values;
2. ``text``: the PDF's text layer (pypdf) with regexes for the usual French and English labels
   (invoice number, dates, SIRET, service code, commitment number, totals);
3. ``ocr``: for a scanned PDF, Debian's ``tesseract-ocr`` (French when its ``fra`` data is
   installed) on the first pages rasterised by ``pdftoppm``; only when ``tesseract`` is on PATH.

The result is a suggestion for a human (or a client) to check, never a deposit.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import tempfile
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from facturier.einvoice import EInvoiceError, Format, read
from facturier.einvoice.platform import is_valid_siret

logger = logging.getLogger(__name__)

MAX_PAGES = 3
MAX_TEXT = 200_000
OCR_TIMEOUT = 60


def ocr_available() -> bool:
    return shutil.which("tesseract") is not None


def pdf_prefill(*, pdf: bytes) -> dict[str, Any]:
    """Pre-fill from a PDF: the embedded Factur-X XML when present (exact values), else the text
    layer (pypdf) with regexes (invoice number, dates, SIRET, totals), else OCR with tesseract when
    installed. Returns ``{"source": "facturx"|"text"|"ocr"|"none", "ocr_available": bool,
    "fields": {...}}``.

    ``fields`` uses the names of ``EntryData`` (``number``, ``issue_date``, ``due_date``, ``type``,
    ``frame``, ``currency``, ``service_code``, ``commitment_number``, ``contract_number``,
    ``payment_means``, ``iban``, ``bic``, ``payment_terms``, ``note``, ``preceding_invoice``,
    ``global_discount``, ``lines`` as dicts with ``EntryLine`` names), with ``supplier`` and
    ``recipient`` as identifiers (SIRET) to look up, plus ``supplier_name``, ``recipient_name`` and
    the totals ``amount_ht``, ``amount_vat``, ``amount_ttc``, ``amount_due``. Dates are ``date``,
    amounts ``Decimal``; a field not found is absent.
    """
    available = ocr_available()
    fields = _from_facturx(pdf)
    if fields is not None:
        return {"source": "facturx", "ocr_available": available, "fields": fields}
    text = _text_layer(pdf)
    if len(text.strip()) >= 20:
        return {"source": "text", "ocr_available": available, "fields": fields_from_text(text)}
    if available:
        text = _ocr(pdf)
        if text.strip():
            return {"source": "ocr", "ocr_available": available, "fields": fields_from_text(text)}
    return {"source": "none", "ocr_available": available, "fields": {}}


# --- Factur-X -------------------------------------------------------------------------------------


def _t(value: Any) -> str | None:
    return None if value is None or value.is_blank else value.normalized


def _d(value: Any) -> Any:
    return getattr(value, "value", None) if value is not None else None


def _from_facturx(pdf: bytes) -> dict[str, Any] | None:
    try:
        doc = read(pdf)
    except EInvoiceError:
        return None
    except Exception:  # a reader bug on hostile input: fall back to the text
        logger.exception("reading the Factur-X of a PDF failed")
        return None
    if doc.format is not Format.FACTURX:
        return None
    inv = doc.invoice
    fields: dict[str, Any] = {}

    def put(name: str, value: Any) -> None:
        if value is not None and value != "":
            fields[name] = value

    put("number", _t(inv.number))
    put("issue_date", _d(inv.issue_date))
    put("due_date", _d(inv.due_date))
    code = _t(inv.type_code) or "380"
    put("type", "AVOIR" if inv.document == "CreditNote" or code in {"381", "261", "262", "296", "308", "532"} else "FACTURE")
    process = (_t(inv.business_process) or "").upper()
    if re.fullmatch(r"A\d{1,2}(_.*)?", process):
        put("frame", process.split("_", 1)[0])
    put("currency", _t(inv.currency))
    put("service_code", _t(inv.service_code) if hasattr(inv, "service_code") else _t(inv.buyer_reference))
    put("commitment_number", _t(inv.purchase_order_reference))
    put("contract_number", _t(inv.contract_reference))
    put("payment_terms", _t(inv.payment_terms))
    if inv.notes:
        put("note", "\n".join(t for t in (_t(n.text) for n in inv.notes) if t))
    if inv.preceding_invoices:
        put("preceding_invoice", _t(inv.preceding_invoices[0].reference))
    for role, party in (("supplier", inv.seller), ("recipient", inv.buyer)):
        if party is None:
            continue
        put(f"{role}_name", _t(party.name))
        for ident in [party.legal_id, *party.identifiers]:
            value = (_t(ident) or "").replace(" ", "") if ident is not None else ""
            if len(value) == 14 and value.isdigit():
                put(role, value)
                break
    if inv.payment_means:
        means = inv.payment_means[0]
        put("payment_means", _t(means.type_code))
        if means.credit_transfer is not None:
            put("iban", _t(means.credit_transfer.account_id))
            put("bic", _t(means.credit_transfer.provider_id))
    allowances = [_d(a.amount) for a in inv.allowances if a.amount is not None]
    if allowances and all(a is not None for a in allowances):
        put("global_discount", sum(allowances, Decimal(0)))
        put("global_discount_reason", _t(inv.allowances[0].reason))
    lines = []
    for line in inv.lines:
        discount = sum(
            (_d(ac.amount) or Decimal(0) for ac in line.allowance_charges if ac.is_charge is False), Decimal(0)
        )
        vat = line.vat
        lines.append({
            key: value for key, value in {
                "name": _t(line.item.name) if line.item else None,
                "quantity": _d(line.quantity),
                "unit_price": _d(line.price.net_price) if line.price else None,
                "vat_rate": (_d(vat.rate) if vat and vat.rate is not None else Decimal(0)),
                "vat_category": _t(vat.category) if vat else None,
                "unit": getattr(line.quantity, "unit", None) if line.quantity is not None else None,
                "reference": _t(line.item.seller_id) if line.item else None,
                "discount": discount or None,
            }.items() if value is not None
        })
    put("lines", lines)
    totals = inv.totals
    if totals is not None:
        put("amount_ht", _d(totals.tax_exclusive))
        put("amount_vat", _d(totals.tax_total))
        put("amount_ttc", _d(totals.tax_inclusive))
        put("amount_due", _d(totals.payable))
    return fields


# --- text layer and OCR ---------------------------------------------------------------------------


def _text_layer(pdf: bytes) -> str:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(pdf))
        parts = []
        for page in reader.pages[:MAX_PAGES]:
            parts.append(page.extract_text() or "")
            if sum(map(len, parts)) > MAX_TEXT:
                break
        return "\n".join(parts)[:MAX_TEXT]
    except Exception:  # not a PDF, encrypted, broken: no text
        logger.info("no text layer could be read from the PDF", exc_info=True)
        return ""


def _ocr(pdf: bytes) -> str:
    """Text of the first pages by tesseract (``fra`` when installed, else its default)."""
    tesseract = shutil.which("tesseract")
    pdftoppm = shutil.which("pdftoppm")
    if tesseract is None or pdftoppm is None:
        return ""
    try:
        langs = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=10).stdout.split()
        lang = ["-l", "fra"] if "fra" in langs else []
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "in.pdf"
            source.write_bytes(pdf)
            subprocess.run(
                [pdftoppm, "-r", "200", "-gray", "-png", "-f", "1", "-l", str(MAX_PAGES), str(source), str(Path(tmp) / "p")],
                check=True, capture_output=True, timeout=OCR_TIMEOUT,
            )
            texts = []
            for image in sorted(Path(tmp).glob("p*.png")):
                done = subprocess.run([tesseract, str(image), "stdout", *lang], capture_output=True, text=True,
                                      timeout=OCR_TIMEOUT)
                texts.append(done.stdout)
            return "\n".join(texts)[:MAX_TEXT]
    except (OSError, subprocess.SubprocessError):
        logger.warning("OCR of a PDF failed", exc_info=True)
        return ""


_AMOUNT = r"(-?\d{1,3}(?:[ \u00a0\u202f.']\d{3})+(?:[.,]\d{1,2})?|-?\d+(?:[.,]\d{1,2})?)"
_DATE = r"(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2})"
_SEP = r"[ \t]*(?:[:#]|n[°o º]\.?)?[ \t]*"
_PATTERNS: dict[str, re.Pattern[str]] = {
    "number": re.compile(
        r"(?:facture|invoice|avoir|credit note)[ \t]*(?:n[°o º]\.?|num[ée]ro|number|no\.?|#)[ \t]*:?[ \t]*"
        r"([A-Z0-9][A-Z0-9/_.-]{0,19})", re.I),
    "due_date": re.compile(r"(?:date d'[ée]ch[ée]ance|[ée]ch[ée]ance|date limite de paiement|due date|payable le)"
                           + _SEP + _DATE, re.I),
    "issue_date": re.compile(r"(?:date de (?:la )?facture|date d'[ée]mission|date de facturation|invoice date|"
                             r"date)" + _SEP + _DATE, re.I),
    "service_code": re.compile(r"code[ \t]+service" + _SEP + r"([A-Z0-9][A-Z0-9_./-]{0,99})", re.I),
    "commitment_number": re.compile(
        r"(?:num[ée]ro d'engagement|engagement juridique|bon de commande|n[°o] d'engagement|EJ|purchase order)"
        + _SEP + r"([A-Z0-9][A-Z0-9_./-]{0,49})", re.I),
    "contract_number": re.compile(r"(?:num[ée]ro de march[ée]|march[ée]|contrat|contract)" + _SEP
                                  + r"([A-Z0-9][A-Z0-9_./-]{0,49})", re.I),
    "amount_ht": re.compile(r"(?:total|montant)[ \t]*(?:net[ \t]*)?H\.?T\.?" + _SEP + _AMOUNT, re.I),
    "amount_vat": re.compile(r"(?:total|montant)[ \t]*(?:de[ \t]*la[ \t]*)?T\.?V\.?A\.?" + _SEP + _AMOUNT, re.I),
    "amount_ttc": re.compile(r"(?:total|montant)[ \t]*T\.?T\.?C\.?" + _SEP + _AMOUNT, re.I),
    "amount_due": re.compile(r"(?:net [àa] payer|montant [àa] payer|reste [àa] payer|amount due)" + _SEP + _AMOUNT,
                             re.I),
    "iban": re.compile(r"IBAN" + _SEP + r"([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{1,4}){3,8})", re.I),
}
_SIRET = re.compile(r"(?<!\d)(\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{5})(?!\d)")
_BUYER = re.compile(r"(?:destinataire|client|acheteur|factur[ée] [àa]|buyer|bill to)", re.I)


def _amount(text: str) -> Decimal | None:
    raw = re.sub(r"[ \u00a0\u202f']", "", text)
    if "," in raw and "." in raw:
        raw = raw.replace(".", "").replace(",", ".") if raw.rfind(",") > raw.rfind(".") else raw.replace(",", "")
    elif "," in raw:
        raw = raw.replace(",", ".")
    elif raw.count(".") > 1 or re.fullmatch(r"-?\d{1,3}\.\d{3}", raw):
        raw = raw.replace(".", "")
    try:
        return Decimal(raw).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _date(text: str) -> date | None:
    try:
        if "-" in text and len(text.split("-")[0]) == 4:
            return date.fromisoformat(text)
        day, month, year = re.split(r"[/.-]", text)
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def fields_from_text(text: str) -> dict[str, Any]:
    """The EntryData fields found by regex in a text (text layer or OCR)."""
    fields: dict[str, Any] = {}
    for name, pattern in _PATTERNS.items():
        match = pattern.search(text)
        if match is None:
            continue
        raw = match.group(1).strip()
        if name.endswith("_date"):
            value: Any = _date(raw)
        elif name.startswith("amount_"):
            value = _amount(raw)
        elif name == "iban":
            value = raw.replace(" ", "").upper()
        else:
            value = raw
        if value not in (None, ""):
            fields[name] = value
    if re.search(r"\bavoir\b|credit note", text, re.I):
        fields["type"] = "AVOIR"
    # SIRETs: the one after a buyer label is the recipient, the first other one the supplier.
    sirets: list[tuple[int, str]] = []
    for match in _SIRET.finditer(text):
        digits = re.sub(r"\D", "", match.group(1))
        if is_valid_siret(digits) and digits not in [s for _, s in sirets]:
            sirets.append((match.start(), digits))
    buyer_at = [m.start() for m in _BUYER.finditer(text)]
    recipient = next((s for at, s in sirets if any(0 <= at - b <= 300 for b in buyer_at)), None)
    others = [s for _, s in sirets if s != recipient]
    if others:
        fields["supplier"] = others[0]
    if recipient is None and len(others) > 1:
        recipient = others[1]
    if recipient is not None:
        fields["recipient"] = recipient
    return fields
