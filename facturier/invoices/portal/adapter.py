"""Between the entry forms and the entry service (``facturier.invoices.entry``):

* ``entry_data_of``: the validated forms → ``EntryData``;
* ``apply_findings``: a rejection's findings → errors on the fields they name (BT-10 → the
  service code, BT-13 → the commitment number, a line's BT-129 → that row's quantity…);
* ``payload_of`` / ``initial_of``: the forms' raw values ↔ a draft's JSON payload;
* ``prefill_payload``: what ``pdf_prefill`` found → a draft payload.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext

from facturier.flows.portal.selectors import localized
from facturier.invoices import entry, entry_validator

if TYPE_CHECKING:
    from facturier.structures.models import Structure

    from .forms import BaseLineFormSet, EntryForm

# EN 16931 business terms (and groups) → the header field that carries them.
FIELD_OF_TERM: dict[str, str] = {
    "BT-1": "number",
    "BT-2": "issue_date",
    "BT-3": "type",
    "BT-5": "currency",
    "BT-9": "due_date",
    "BT-10": "service_code",
    "BT-12": "contract_number",
    "BT-13": "commitment_number",
    "BT-20": "payment_terms",
    "BT-22": "note",
    "BG-1": "note",
    "BT-23": "frame",
    "BG-3": "preceding_invoice",
    "BT-25": "preceding_invoice",
    "BG-4": "supplier",
    "BT-27": "supplier",
    "BT-29": "supplier",
    "BT-30": "supplier",
    "BT-31": "supplier",
    "BG-7": "recipient",
    "BT-44": "recipient",
    "BT-46": "recipient",
    "BT-47": "recipient",
    "BT-48": "recipient",
    "BT-49": "recipient",
    "BG-16": "payment_means",
    "BT-81": "payment_means",
    "BG-17": "iban",
    "BT-84": "iban",
    "BT-86": "bic",
    "BG-20": "global_discount",
    "BT-92": "global_discount",
    "BT-97": "global_discount_reason",
    "BT-98": "global_discount_reason",
    "BT-120": "exemption_reason",
    "BT-121": "exemption_reason",
}
# Line terms → the line field.
LINE_FIELD_OF_TERM: dict[str, str] = {
    "BT-129": "quantity",
    "BT-130": "unit",
    "BT-131": "unit_price",
    "BT-136": "discount",
    "BT-146": "unit_price",
    "BT-148": "unit_price",
    "BT-151": "vat_category",
    "BT-152": "vat_rate",
    "BT-153": "name",
    "BT-155": "reference",
    "BG-25": "name",
    "BG-27": "discount",
    "BG-29": "unit_price",
    "BG-30": "vat_category",
    "BG-31": "name",
}
# Findings that name no business term but the EntryData field in their location (the validator).
LOCATED_FIELDS = frozenset(name for pair in entry_validator.FIELDS.values() for name in pair)
# The line of a finding, from its location (CII or UBL XPath: the n-th line element).
_LINE_IN_LOCATION = re.compile(r"(?:IncludedSupplyChainTradeLineItem|InvoiceLine|CreditNoteLine)\[(\d+)\]")


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def entry_lines_of(formset: BaseLineFormSet) -> tuple[entry.EntryLine, ...]:
    lines = []
    for form in formset.filled_forms():
        data = form.cleaned_data
        lines.append(entry.EntryLine(
            name=data["name"], quantity=data["quantity"], unit_price=data["unit_price"],
            vat_rate=Decimal(data["vat_rate"]), vat_category=data["vat_category"], unit=data["unit"],
            reference=data.get("reference") or "", discount=data.get("discount") or None,
        ))
    return tuple(lines)


def entry_data_of(form: EntryForm, formset: BaseLineFormSet) -> entry.EntryData:
    """The ``EntryData`` of valid forms."""
    data = form.cleaned_data
    return entry.EntryData(
        supplier=data["supplier"],
        recipient=form.recipient_structure,
        service_code=data.get("service_code") or "",
        number=data["number"].strip(),
        issue_date=data["issue_date"],
        type=data["type"],
        frame=data["frame"],
        currency=data["currency"],
        due_date=data.get("due_date"),
        commitment_number=data.get("commitment_number", "").strip(),
        contract_number=data.get("contract_number", "").strip(),
        lines=entry_lines_of(formset),
        global_discount=data.get("global_discount") or None,
        global_discount_reason=data.get("global_discount_reason", ""),
        payment_means=data["payment_means"],
        iban=data.get("iban", ""),
        bic=data.get("bic", ""),
        payment_terms=data.get("payment_terms", ""),
        note=data.get("note", ""),
        preceding_invoice=data.get("preceding_invoice", "").strip(),
        exemption_reason=data.get("exemption_reason", ""),
        validator_identifier=data.get("validator_identifier", "").strip(),
        validator_service_code=data.get("validator_service_code") or "",
        validator2_identifier=data.get("validator2_identifier", "").strip(),
        validator2_service_code=data.get("validator2_service_code") or "",
    )


def preview_data_of(form: EntryForm, formset: BaseLineFormSet, *, supplier: Structure) -> entry.EntryData | None:
    """An ``EntryData`` for the totals only, from a form that may be incomplete: the totals depend
    on the lines and the discount, so missing parties, number or date get stand-ins here. ``None``
    when no line is valid yet."""
    valid = [f for f in formset.filled_forms() if f.is_valid()]
    if not valid:
        return None
    lines = tuple(
        entry.EntryLine(
            name=f.cleaned_data["name"], quantity=f.cleaned_data["quantity"],
            unit_price=f.cleaned_data["unit_price"], vat_rate=Decimal(f.cleaned_data["vat_rate"]),
            vat_category=f.cleaned_data["vat_category"], unit=f.cleaned_data["unit"],
            discount=f.cleaned_data.get("discount") or None,
        )
        for f in valid
    )
    field = form.fields["global_discount"]
    try:
        discount = field.clean(form["global_discount"].value())
    except forms.ValidationError:
        discount = None
    return entry.EntryData(
        supplier=supplier, recipient=form.recipient_structure or supplier,
        number=str(form["number"].value() or "APERCU")[:20], issue_date=timezone.localdate(),
        currency=(str(form["currency"].value() or "EUR").upper()[:3]), lines=lines,
        global_discount=discount or None, global_discount_reason=str(form["global_discount_reason"].value() or ""),
    )


def _finding_text(finding: dict[str, Any]) -> str:
    rule = finding.get("rule") or ""
    terms = ", ".join(finding.get("terms") or [])
    message = localized(finding.get("message"))
    head = rule + (f" ({terms})" if terms else "")
    return f"{head} — {message}" if head else message


def _line_index(finding: dict[str, Any]) -> int | None:
    for key in ("line_index", "line_number"):
        if isinstance(finding.get(key), int):
            return int(finding[key]) - 1 if key == "line_number" else int(finding[key])
    match = _LINE_IN_LOCATION.search(str(finding.get("location") or ""))
    return int(match.group(1)) - 1 if match else None


def apply_findings(form: EntryForm, formset: BaseLineFormSet, findings: list[dict[str, Any]]) -> list[str]:
    """Put each finding on the field it names; returns those that name no field (shown above the
    form). Each message keeps its rule and terms, so the user knows what to fix and why."""
    unplaced: list[str] = []
    filled = formset.filled_forms()
    for finding in findings:
        text = _finding_text(finding)
        location = str(finding.get("location") or "")
        if location in LOCATED_FIELDS and location in form.fields:
            form.add_error(location, text)
            continue
        terms = list(finding.get("terms") or [])
        header = next((FIELD_OF_TERM[t] for t in terms if t in FIELD_OF_TERM and t in form.fields), None)
        header = header or next((FIELD_OF_TERM[t] for t in terms if t in FIELD_OF_TERM), None)
        line_field = next((LINE_FIELD_OF_TERM[t] for t in terms if t in LINE_FIELD_OF_TERM), None)
        index = _line_index(finding)
        if line_field and index is not None and 0 <= index < len(filled):
            filled[index].add_error(line_field, text)
        elif header and header in form.fields:
            form.add_error(header, text)
        elif line_field and len(filled) == 1:
            filled[0].add_error(line_field, text)
        else:
            unplaced.append(text)
    return unplaced


# --- drafts ------------------------------------------------------------------------------------


def payload_of(form: EntryForm, formset: BaseLineFormSet) -> dict[str, Any]:
    """The raw values of bound forms (JSON-safe strings), the filled lines only."""
    payload: dict[str, Any] = {name: str(form[name].value() or "") for name in form.DRAFT_FIELDS}
    if form.recipient_structure is not None:
        payload["recipient_name"] = form.recipient_structure.name
    payload["lines"] = [
        {name: str(line[name].value() or "") for name in line.DRAFT_FIELDS} for line in formset.filled_forms()
    ]
    return payload


def initial_of(payload: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    header = {k: v for k, v in payload.items() if k not in ("lines",) and not k.startswith("_") and v != ""}
    lines = [dict(line) for line in payload.get("lines") or [] if isinstance(line, dict)]
    return header, lines


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


_FRAME_SHORT = re.compile(r"^(A\d+)")


def prefill_payload(result: dict[str, Any]) -> dict[str, Any]:
    """A draft payload from ``pdf_prefill``'s result: its ``fields`` are ``EntryData`` names (the
    parties as structures or identifiers), kept as text; ``_prefill`` records where they came from."""
    fields = dict(result.get("fields") or {})
    payload: dict[str, Any] = {}
    recipient = fields.pop("recipient", None) or fields.pop("recipient_identifier", None) \
        or fields.pop("recipient_siret", None)
    if recipient is not None:
        payload["recipient"] = getattr(recipient, "identifier", None) or _text(recipient)
        name = getattr(recipient, "name", None) or fields.get("recipient_name")
        if name:
            payload["recipient_name"] = str(name)
    fields.pop("supplier", None)  # the supplier is the one the user deposits for
    for name in ("service_code", "commitment_number", "contract_number", "type", "number", "issue_date",
                 "due_date", "currency", "preceding_invoice", "global_discount", "global_discount_reason",
                 "payment_means", "iban", "bic", "payment_terms", "exemption_reason", "note"):
        if fields.get(name) not in (None, ""):
            payload[name] = _text(fields[name])
    frame = _FRAME_SHORT.match(_text(fields.get("frame")))
    if frame:
        payload["frame"] = frame.group(1)
    lines = []
    for line in fields.get("lines") or ():
        get = line.get if isinstance(line, dict) else (lambda key, default=None, _l=line: getattr(_l, key, default))
        lines.append({
            "name": _text(get("name")), "reference": _text(get("reference")),
            "quantity": _text(get("quantity")), "unit": _text(get("unit")) or "C62",
            "unit_price": _text(get("unit_price")), "discount": _text(get("discount")),
            "vat_category": _text(get("vat_category")) or "S", "vat_rate": _rate_text(get("vat_rate")),
        })
    if not lines and fields.get("amount_ht"):
        # The text of a PDF gives totals, not lines: one line of the whole amount, to check.
        lines.append(_whole_amount_line(fields))
    if lines:
        payload["lines"] = lines
    payload["_prefill"] = {
        "amounts": {k: _text(fields[k]) for k in ("amount_ht", "amount_vat", "amount_ttc") if fields.get(k)},
        "source": str(result.get("source") or "none"),
        "ocr_available": bool(result.get("ocr_available")),
        "found": sorted(k for k in payload if not k.startswith("_")),
    }
    return payload


def _whole_amount_line(fields: dict[str, Any]) -> dict[str, str]:
    ht = Decimal(str(fields["amount_ht"]))
    vat = Decimal(str(fields.get("amount_vat") or 0))
    rate = Decimal("20")
    if ht:
        exact = vat * 100 / ht
        rate = min((Decimal(r) for r in ("20", "10", "5.5", "2.1", "0")), key=lambda r: abs(r - exact))
    return {
        "name": gettext("Montant de la facture"), "reference": "", "quantity": "1", "unit": "C62",
        "unit_price": _text(ht), "discount": "", "vat_category": "S" if rate else "Z", "vat_rate": _rate_text(rate),
    }


def _rate_text(value: Any) -> str:
    """A VAT rate as the form's choices spell it (``5.5``, ``20``)."""
    if value in (None, ""):
        return "20"
    number = Decimal(str(value)).normalize()
    text = format(number, "f")
    return text


def prefill_source_label(source: str) -> str:
    return {
        "facturx": gettext("les données Factur-X intégrées au PDF (valeurs exactes)"),
        "text": gettext("le texte du PDF (à vérifier)"),
        "ocr": gettext("la reconnaissance de caractères (OCR) du PDF numérisé (à vérifier)"),
    }.get(source, "")
