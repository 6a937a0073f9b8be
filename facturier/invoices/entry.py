"""Invoice entry ("saisie") and PDF deposit: structured data typed by a supplier become an invoice.

One service for the portal (« Factures émises »: enter an invoice, deposit a PDF) and the API
(``soumettreFacture`` F3, ``deposerPDFFacture`` F2, ``ajouterFichierDansSysteme`` T28)::

    data = EntryData(supplier=s, recipient=r, number="F-1", issue_date=date(2025, 3, 1),
                     lines=(EntryLine(name="Conseil", quantity=Decimal(2), unit_price=Decimal("80"),
                                      vat_rate=Decimal("20")),))
    entry_preview_totals(data=data)            # live totals of the form
    invoice = invoice_submit(actor=user, data=data, mode=DepositMode.SAISIE_PORTAIL)

``invoice_submit`` validates exactly as a flow invoice is validated (``facturier.flows.services``):
the e-invoice core's EN 16931 rules and the platform rules with the same directory
(``facturier.flows.directory.ModelDirectory``), then integrates and routes the invoice with
``facturier.invoices.services.invoice_deposit`` under the same supplier lock and duplicate re-check.

* ``SAISIE_*``: a Factur-X PDF (EN 16931 profile, ``write_facturx``) is generated from the data and
  becomes the original; the Factur-X itself is what is validated.
* ``DEPOT_PDF_*``: the supplier's PDF is the original; the entered data (written as CII) is what
  is validated, and becomes the structured data.

When anything is wrong, ``InvoiceRejected`` carries every finding (rule, terms, location, line,
message{fr,en}) and nothing is stored. Drafts (BROUILLON) are the portal's business, not this
module's: an invoice exists here only once it is valid.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from facturier.einvoice import EInvoiceError, read
from facturier.einvoice.build import (
    AddressData,
    AllowanceChargeData,
    IdentifierData,
    LineData,
    NoteData,
    PartyData,
    PaymentData,
    PrecedingInvoiceData,
    build_invoice,
    round_amount,
)
from facturier.einvoice.platform import KEY_PARTS, PlatformContext, Subject, SupplierKind
from facturier.einvoice.validate import ReportError, validate
from facturier.einvoice.writers import write_cii, write_facturx
from facturier.flows.directory import ModelDirectory, duplicate_of
from facturier.flows.services import MAX_ERRORS_PER_INVOICE, finding, message_in, reader_error, refusals_of
from facturier.structures.errors import ServiceNotUsable, StructureInactive
from facturier.structures.models import IdentifierType, Service, Structure
from facturier.structures.selectors import actor_structure_ids
from facturier.structures.services.structures import service_usable_for
from facturier.structures.spaces import Space

from .entry_validator import validators_check
from .enums import ATTACHMENT_EXTENSIONS, ATTACHMENT_NAME_MAX, FRAMES_BY_SHORT_CODE, DepositMode, InvoiceType
from .errors import AttachmentRefused, AttachmentTooLarge, InvoiceRejected
from .models import Invoice, InvoiceAttachment
from .pdf_prefill import pdf_prefill
from .services import invoice_deposit

if TYPE_CHECKING:
    from facturier.accounts.models import User
    from facturier.einvoice.model import Invoice as DocumentInvoice

__all__ = [
    "ENTRY_MODES",
    "PDF_MODES",
    "EntryData",
    "EntryLine",
    "attachment_check",
    "attachment_pending_add",
    "attachment_pending_get",
    "entry_build",
    "entry_preview_totals",
    "invoice_submit",
    "pdf_prefill",
]

ENTRY_MODES = frozenset({DepositMode.SAISIE_API, DepositMode.SAISIE_PORTAIL, DepositMode.SAISIE_WEB})
PDF_MODES = frozenset({
    DepositMode.DEPOT_PDF_API, DepositMode.DEPOT_PDF_PORTAIL,
    DepositMode.DEPOT_PDF_SIGNE_API, DepositMode.DEPOT_PDF_SIGNE_PORTAIL,
})
NUMBER_MAX = 20  # domain.md §4.4
TOTAL_MAX_BYTES = 120 * 1024 * 1024  # invoice + attachments (domain.md §4.4)
CREDIT_TRANSFER_CODES = frozenset({"30", "58"})
BLOCKING_RULES = frozenset({"BR-16", "FR-SAI-03", "FR-SAI-06"})  # no invoice can be built or checked
TYPE_CODES = {InvoiceType.FACTURE.value: "380", InvoiceType.AVOIR.value: "381"}
NO_RATE_CATEGORIES = frozenset({"O"})
LINE_DISCOUNT_REASON = "Remise"
GLOBAL_DISCOUNT_REASON = "Remise globale"


@dataclass(frozen=True, kw_only=True)
class EntryLine:
    name: str                      # BT-153
    quantity: Decimal              # BT-129
    unit_price: Decimal            # BT-146 net unit price (HT)
    vat_rate: Decimal              # BT-152, e.g. Decimal("20")
    vat_category: str = "S"        # BT-151 (S, Z, E, AE, K, G, O…)
    unit: str = "C62"              # BT-130 (UN/ECE rec 20)
    reference: str = ""            # BT-155 seller item id
    discount: Decimal | None = None  # line allowance amount (HT)


@dataclass(frozen=True, kw_only=True)
class EntryData:
    supplier: Structure            # must be one the actor may deposit for ("Factures émises", modification)
    recipient: Structure           # public, active
    service_code: str = ""         # BT-10
    number: str                    # BT-1 (≤ 20 chars)
    issue_date: date               # BT-2
    type: str = "FACTURE"          # FACTURE | AVOIR  (380 / 381)
    frame: str = "A1"              # cadre de facturation
    currency: str = "EUR"
    due_date: date | None = None
    commitment_number: str = ""    # BT-13
    contract_number: str = ""      # BT-12
    lines: tuple[EntryLine, ...] = ()
    global_discount: Decimal | None = None     # document allowance HT (BG-20), reason below
    global_discount_reason: str = ""
    payment_means: str = "30"      # UNTDID 4461 (30 transfer, 58 SEPA transfer, 49 direct debit, 20 cheque…)
    iban: str = ""                 # BT-84 (the supplier's bank account)
    bic: str = ""
    payment_terms: str = ""        # BT-20
    note: str = ""                 # BG-1
    preceding_invoice: str = ""    # BT-25 for a credit note
    exemption_reason: str = ""     # BT-120 when a line is exempt
    # The validator (no EN 16931 term: platform data, like cadreDeFacturation.codeStructureValideur):
    # A9 the main contractor, level 1, required; A12 the group's representative, optional; a second
    # level (A9 under a co-contractor) is optional. Identifier (SIRET) and optional service code.
    validator_identifier: str = ""
    validator_service_code: str = ""
    validator2_identifier: str = ""
    validator2_service_code: str = ""


# --- building -------------------------------------------------------------------------------------


def _frame(code: str) -> str | None:
    """The BillingFrame value for ``A1`` or ``A1_FACTURE_FOURNISSEUR``; None when not an invoice frame."""
    short = (code or "A1").strip().upper().split("_", 1)[0]
    frame = FRAMES_BY_SHORT_CODE.get(short)
    return frame.value if frame is not None else None


def _party(structure: Structure) -> PartyData:
    siret = structure.identifier_type == IdentifierType.SIRET
    ident = IdentifierData(structure.identifier, "0009" if siret else None)
    return PartyData(
        name=structure.name,
        identifiers=[ident],
        legal_id=ident if siret else None,
        vat_id=(structure.vat_number or "").replace(" ", "") or None,
        address=AddressData(
            country=(structure.country or "FR").upper(),
            line1=structure.address_line or None,
            line2=structure.address_complement1 or None,
            line3=structure.address_complement2 or None,
            city=structure.city or None,
            postcode=structure.postal_code or None,
        ),
    )


def _line_net(line: EntryLine) -> Decimal:
    return round_amount(Decimal(line.quantity) * Decimal(line.unit_price)) - round_amount(Decimal(line.discount or 0))


def _rate(line: EntryLine) -> Decimal | None:
    return None if line.vat_category.upper() in NO_RATE_CATEGORIES else Decimal(line.vat_rate)


def discount_ht_from_ttc(*, lines: Sequence[EntryLine], discount_ttc: Decimal) -> Decimal | None:
    """A global discount entered all taxes included (Chorus' ``montantRemiseGlobaleTTC``) as the
    HT allowance the invoice carries (BG-20), in the lines' HT/TTC proportion; None without
    taxable amount to spread it on."""
    ht = sum((_line_net(line) for line in lines), Decimal(0))
    ttc = sum((_line_net(line) * (1 + (_rate(line) or 0) / 100) for line in lines), Decimal(0))
    return (Decimal(discount_ttc) * ht / ttc).quantize(Decimal("0.01")) if ttc else None


def _global_allowances(data: EntryData) -> list[AllowanceChargeData]:
    """The global discount (HT) as document allowances (BG-20), split over the VAT (category,
    rate) groups in proportion to their net amounts (the remainder of the rounding on the last),
    so each VAT breakdown is reduced by its share (BR-S-08 and siblings)."""
    if not data.global_discount:
        return []
    total = round_amount(Decimal(data.global_discount))
    groups: dict[tuple[str, Decimal | None], Decimal] = {}
    for line in data.lines:
        rate = _rate(line)
        key = (line.vat_category.upper(), rate.normalize() if rate is not None else None)
        groups[key] = groups.get(key, Decimal(0)) + _line_net(line)
    base = sum(groups.values(), Decimal(0))
    reason = data.global_discount_reason.strip() or GLOBAL_DISCOUNT_REASON
    out: list[AllowanceChargeData] = []
    left = total
    items = list(groups.items())
    for i, ((category, rate), net) in enumerate(items):
        share = left if i == len(items) - 1 else (round_amount(total * net / base) if base else Decimal(0))
        left -= share
        out.append(AllowanceChargeData(amount=share, reason=reason, vat_category=category, vat_rate=rate))
    return out


def _exemption_reasons(data: EntryData) -> dict[str, tuple[str | None, str | None]]:
    reason = data.exemption_reason.strip()
    if not reason:
        return {}
    pair = (None, reason.upper()) if reason.upper().startswith("VATEX-") else (reason, None)
    return {line.vat_category.upper(): pair for line in data.lines if line.vat_category.upper() in {"E", "AE", "K", "G", "O"}}


def entry_build(*, data: EntryData) -> DocumentInvoice:
    """The EN 16931 invoice for the data (build_invoice), totals computed (2 decimals, half up).

    Raises ``InvoiceRejected`` when the data cannot make an invoice at all (a number that is not
    one, an exempt line without a reason); everything else is for the validator to report.
    """
    try:
        return _build(data)
    except (ValueError, ArithmeticError) as exc:
        raise InvoiceRejected([_build_error(data, exc)]) from None


def _build(data: EntryData) -> DocumentInvoice:
    payment = None
    if data.payment_means:
        payment = PaymentData(
            means_code=data.payment_means, iban=data.iban.replace(" ", "") or None, bic=data.bic.strip() or None
        )
    frame = _frame(data.frame)
    return build_invoice(
        number=data.number.strip(),
        issue_date=data.issue_date,
        type_code=TYPE_CODES.get(data.type, "380"),
        currency=data.currency.strip().upper() or "EUR",
        due_date=data.due_date,
        seller=_party(data.supplier),
        buyer=_party(data.recipient),
        buyer_reference=data.service_code.strip() or None,
        purchase_order_reference=data.commitment_number.strip() or None,
        contract_reference=data.contract_number.strip() or None,
        payment_terms=data.payment_terms.strip() or None,
        notes=[NoteData(data.note.strip())] if data.note.strip() else [],
        preceding_invoices=[PrecedingInvoiceData(data.preceding_invoice.strip())] if data.preceding_invoice.strip() else [],
        business_process=frame.split("_", 1)[0] if frame else None,
        payment=payment,
        allowances=_global_allowances(data),
        vat_exemption_reasons=_exemption_reasons(data),
        lines=[
            LineData(
                name=line.name.strip(),
                quantity=Decimal(line.quantity),
                net_price=Decimal(line.unit_price),
                unit=(line.unit or "C62").strip(),
                vat_category=line.vat_category.strip().upper() or "S",
                vat_rate=_rate(line),
                seller_item_id=line.reference.strip() or None,
                allowances=[AllowanceChargeData(amount=Decimal(line.discount), reason=LINE_DISCOUNT_REASON)]
                if line.discount
                else [],
            )
            for line in data.lines
        ],
    )


def _build_error(data: EntryData, exc: BaseException) -> dict[str, Any]:
    text = str(exc)
    if "exemption reason" in text:
        return finding(
            "BR-E-10", ("BT-120", "BT-121"),
            "Une ligne exonérée de TVA (catégorie E) exige le motif d'exonération (BT-120) ou son code (BT-121).",
            "A VAT-exempt line (category E) needs the exemption reason (BT-120) or its code (BT-121).",
        )
    return finding(
        "FR-SAI-08", (), "Les données ne permettent pas de construire la facture : %s" % text,
        "The data cannot make an invoice: %s" % text,
    )


def entry_preview_totals(*, data: EntryData) -> dict[str, Any]:
    """Live totals for the entry form: each line's net amount, the VAT breakdown, HT, TVA, TTC and
    the amount due (Decimals, 2 decimals half up), computed exactly as the submitted invoice will
    be. Never raises: ``error`` says why the totals could not be computed (then they are zero)."""
    zero = Decimal("0.00")
    empty: dict[str, Any] = {
        "lines": [], "vat": [], "line_total": zero, "global_discount": zero, "total_ht": zero,
        "total_vat": zero, "total_ttc": zero, "amount_due": zero, "currency": data.currency or "EUR", "error": "",
    }
    if not data.lines:
        return empty
    try:
        lenient = data
        if any(line.vat_category.upper() == "E" for line in data.lines) and not data.exemption_reason.strip():
            from dataclasses import replace

            lenient = replace(data, exemption_reason="VATEX-EU-79-C")  # only for the preview
        document = _build(lenient)
    except (ValueError, ArithmeticError) as exc:
        return {**empty, "error": str(exc)}

    def dec(amount: Any) -> Decimal:
        return amount.value if amount is not None and amount.value is not None else zero

    totals = document.totals
    assert totals is not None
    return {
        "lines": [dec(line.net_amount) for line in document.lines],
        "vat": [
            {
                "category": b.category.normalized if b.category else "",
                "rate": b.rate.value if b.rate is not None else None,
                "base": dec(b.taxable_amount),
                "amount": dec(b.tax_amount),
            }
            for b in document.vat_breakdown
        ],
        "line_total": dec(totals.line_total),
        "global_discount": dec(totals.allowance_total),
        "total_ht": dec(totals.tax_exclusive),
        "total_vat": dec(totals.tax_total),
        "total_ttc": dec(totals.tax_inclusive),
        "amount_due": dec(totals.payable),
        "currency": data.currency or "EUR",
        "error": "",
    }


# --- attachments ----------------------------------------------------------------------------------

_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,8})$")


def attachment_check(*, name: str, data: bytes) -> tuple[str, str]:
    """The checked (name, EXTENSION) of an attachment (domain.md §4.4): name ≤ 50 characters with
    an allowed extension, not empty, ≤ FACTURIER_ATTACHMENT_MAX_BYTES. Raises AttachmentRefused /
    AttachmentTooLarge."""
    clean = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    match = _EXTENSION.search(clean)
    if not clean or any(ord(c) < 32 for c in clean) or match is None:
        raise AttachmentRefused(details={"nom": [_msg("Le nom de la pièce jointe doit avoir une extension.",
                                                      "The attachment name needs an extension.")]})
    if len(clean) > ATTACHMENT_NAME_MAX:
        raise AttachmentRefused(details={"nom": [_msg(
            "Le nom de la pièce jointe fait au plus %d caractères, extension comprise." % ATTACHMENT_NAME_MAX,
            "The attachment name has at most %d characters, extension included." % ATTACHMENT_NAME_MAX)]})
    extension = match.group(1).upper()
    if extension not in ATTACHMENT_EXTENSIONS:
        raise AttachmentRefused(details={"extension": [_msg(
            "L'extension .%s n'est pas acceptée. Extensions acceptées : %s." % (extension, ", ".join(sorted(ATTACHMENT_EXTENSIONS))),
            "The extension .%s is not accepted. Accepted: %s." % (extension, ", ".join(sorted(ATTACHMENT_EXTENSIONS))))]})
    limit = settings.FACTURIER_ATTACHMENT_MAX_BYTES
    if len(data) > limit:
        raise AttachmentTooLarge(max=limit // (1024 * 1024))
    if not data:
        raise AttachmentRefused(details={"fichier": [_msg("Le fichier est vide.", "The file is empty.")]})
    return clean, extension


def _msg(fr: str, en: str) -> str:
    from django.utils.translation import get_language

    return en if (get_language() or "fr").startswith("en") else fr


def attachment_pending_add(
    *, actor: User, name: str, data: bytes, content_type: str = "", kind: str = InvoiceAttachment.Kind.ADDITIONAL
) -> InvoiceAttachment:
    """Store a file uploaded ahead of an invoice (``ajouter/fichier``, ``deposer/pdf``): an
    attachment without invoice, owned by ``actor``, until a submission uses it."""
    clean, extension = attachment_check(name=name, data=data)
    attachment = InvoiceAttachment(
        invoice=None, kind=kind, name=clean, designation=clean[:100], extension=extension,
        content_type=(content_type or "")[:100], sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        uploaded_by=actor,
    )
    attachment.file.save(clean, ContentFile(data), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def attachment_pending_get(*, actor: User, attachment_id: int) -> InvoiceAttachment | None:
    """The actor's pending (not yet used) attachment with this id, or None."""
    return InvoiceAttachment.objects.filter(pk=attachment_id, uploaded_by=actor, invoice__isnull=True).first()


# --- submitting -----------------------------------------------------------------------------------


def _allowed(actor: User, supplier: Structure) -> bool:
    return supplier.pk in actor_structure_ids(actor=actor, space=Space.FACTURES_EMISES, modification=True)


def _prechecks(actor: User, data: EntryData, mode: str, original_pdf: bytes | None,
               attachments: Sequence[tuple[str, bytes]]) -> list[dict[str, Any]]:
    """What the e-invoice rules cannot see: who deposits, which frame, the entry's own limits."""
    errors: list[dict[str, Any]] = []
    number = data.number.strip()
    if not number or len(number) > NUMBER_MAX:
        errors.append(finding(
            "FR-SAI-01", ("BT-1",),
            "Le numéro de facture est obligatoire et fait au plus %d caractères." % NUMBER_MAX,
            "The invoice number is required and has at most %d characters." % NUMBER_MAX,
        ))
    if not _allowed(actor, data.supplier):
        errors.append(finding(
            "FR-DEP-01", ("BT-29", "BT-30", "BT-31"),
            "Le fournisseur %s n'est pas une structure pour laquelle vous pouvez déposer des factures "
            "(espace « Factures émises » en modification)." % data.supplier.identifier,
            "The supplier %s is not a structure you may deposit invoices for (space 'Factures émises' "
            "in modification mode)." % data.supplier.identifier,
        ))
    if not data.recipient.is_public:
        errors.append(finding(
            "FR-SAI-02", ("BT-46", "BT-47"),
            "Le destinataire %s n'est pas une structure publique : il ne reçoit pas de factures sur la plateforme."
            % data.recipient.identifier,
            "The recipient %s is not a public structure: it receives no invoices on the platform."
            % data.recipient.identifier,
        ))
    if _frame(data.frame) is None:
        errors.append(finding(
            "FR-DEP-03", ("BT-23",),
            "Le cadre de facturation « %s » n'est pas accepté pour une facture : utilisez A1, A2, A9 ou A12." % data.frame,
            "The billing frame '%s' is not accepted for an invoice: use A1, A2, A9 or A12." % data.frame,
        ))
    if data.type not in TYPE_CODES:
        errors.append(finding(
            "FR-SAI-03", ("BT-3",),
            "Le type de facture « %s » est inconnu : FACTURE ou AVOIR." % data.type,
            "The invoice type '%s' is unknown: FACTURE or AVOIR." % data.type,
        ))
    if not data.lines:
        errors.append(finding(
            "BR-16", ("BG-25",), "La facture doit comporter au moins une ligne.",
            "The invoice must have at least one line.",
        ))
    if data.payment_means.strip() in CREDIT_TRANSFER_CODES and not data.iban.strip():
        errors.append(finding(
            "BR-61", ("BT-81", "BT-84"),
            "Un paiement par virement exige l'IBAN du fournisseur (BT-84).",
            "A payment by credit transfer needs the supplier's IBAN (BT-84).",
        ))
    if mode in PDF_MODES and (not original_pdf or b"%PDF-" not in original_pdf[:1024]):
        errors.append(finding(
            "FR-SAI-06", (), "Le dépôt PDF exige le fichier PDF de la facture.",
            "A PDF deposit needs the invoice's PDF file.",
        ))
    total = len(original_pdf or b"")
    for name, content in attachments:
        total += len(content)
        try:
            attachment_check(name=name, data=content)
        except (AttachmentRefused, AttachmentTooLarge) as exc:
            errors.append(finding(
                "FR-SAI-07", (), "Pièce jointe « %s » : %s %s" % (name, message_in("fr", exc), _details(exc)),
                "Attachment '%s': %s %s" % (name, message_in("en", exc), _details(exc)),
            ))
    if total > TOTAL_MAX_BYTES:
        errors.append(finding(
            "FR-SAI-07", (), "La facture et ses pièces jointes dépassent 120 Mo.",
            "The invoice and its attachments exceed 120 MB.",
        ))
    return errors


def _details(exc: Any) -> str:
    return " ".join(str(m) for messages in (getattr(exc, "details", None) or {}).values() for m in messages)


def _file_name(number: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", number).strip("._") or "facture"
    return f"facture-{safe}.pdf"


@dataclass(frozen=True)
class PendingUse:
    """A pending upload an invoice takes: as its main PDF or as an additional attachment."""

    attachment: InvoiceAttachment
    kind: str = InvoiceAttachment.Kind.ADDITIONAL
    designation: str = ""


def invoice_submit(
    *,
    actor: User,
    data: EntryData,
    mode: str,
    original_pdf: bytes | None = None,
    attachments: Sequence[tuple[str, bytes]] = (),
    pending: Sequence[PendingUse] = (),
) -> Invoice:
    """Validate (EN 16931 + platform rules via the same Directory as flows) and integrate one invoice.

    ``attachments`` are new files stored with the invoice; ``pending`` are the actor's uploads made
    ahead (``ajouter/fichier``, ``deposer/pdf``), claimed by the invoice in the same transaction, so
    an upload serves one invoice only (:class:`AttachmentRefused` if it was used meanwhile).

    mode: DepositMode value — SAISIE_API / SAISIE_PORTAIL: a Factur-X PDF (EN 16931) is generated
    with write_facturx and becomes the original; DEPOT_PDF_API / DEPOT_PDF_PORTAIL: ``original_pdf``
    (the supplier's PDF) is the original and the structured data is the entered data.
    The validators named for A9/A12 are checked by ``entry_validator.validators_check`` and stored
    on the invoice, which A9 routes to A_VALIDER_1.
    Raises InvoiceRejected carrying ``findings`` when invalid — nothing stored then.
    """
    mode = DepositMode(mode).value
    if mode not in ENTRY_MODES and mode not in PDF_MODES:
        raise ValueError(f"invoice_submit does not take mode {mode}")
    errors = _prechecks(actor, data, mode, original_pdf, attachments)
    validators, validator_errors = validators_check(data=data)
    errors.extend(validator_errors)
    if any(e["rule"] in BLOCKING_RULES for e in errors):
        raise InvoiceRejected(errors)
    try:
        document = _build(data)
    except (ValueError, ArithmeticError) as exc:
        raise InvoiceRejected([*errors, _build_error(data, exc)]) from None
    file_name = _file_name(data.number.strip())

    if mode in ENTRY_MODES:
        try:
            checked = original = write_facturx(document)
        except EInvoiceError as exc:
            raise InvoiceRejected([*errors, reader_error(ReportError.from_exception(exc))]) from None
        syntax = "facturx"
    else:
        checked, original, syntax = write_cii(document), bytes(original_pdf or b""), "pdf"

    supplier, recipient = data.supplier, data.recipient
    context = deposit_context(supplier)
    errors += refusals_of(validate(checked, file=file_name, platform=context))
    if errors:
        raise InvoiceRejected(errors[:MAX_ERRORS_PER_INVOICE])

    parsed = read(checked)
    subject = Subject(parsed, context)
    code = data.service_code.strip()
    service = Service.objects.filter(structure=recipient, code=code).first() if code else None
    stored: list[InvoiceAttachment] = []
    try:
        with transaction.atomic():
            # Same serialisation as a flow's integration: one supplier's deposits one at a time,
            # so the duplicate re-check below is exact.
            Structure.objects.select_for_update().filter(pk=supplier.pk).exists()
            deposit_recheck(subject=subject, number=data.number.strip(), supplier=supplier, service=service)
            invoice = invoice_deposit(
                actor=actor,
                document=parsed.invoice,
                data=original,
                file_name=file_name,
                supplier=supplier,
                recipient=recipient,
                service=service,
                deposit_mode=mode,
                syntax=syntax,
                billing_frame=_frame(data.frame) or "",
                **validators.deposit_kwargs(),
            )
            for name, content in attachments:
                clean, extension = attachment_check(name=name, data=content)
                attachment = InvoiceAttachment(
                    invoice=invoice, kind=InvoiceAttachment.Kind.ADDITIONAL, name=clean, designation=clean[:100],
                    extension=extension, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                    uploaded_by=actor,
                )
                attachment.file.save(clean, ContentFile(content), save=False)
                stored.append(attachment)
                attachment.save()
            for use in pending:
                claimed = InvoiceAttachment.objects.filter(
                    pk=use.attachment.pk, uploaded_by=actor, invoice__isnull=True
                ).update(invoice=invoice, kind=use.kind,
                         designation=(use.designation or use.attachment.designation)[:100])
                if not claimed:
                    raise AttachmentRefused(details={"pieceJointeId": [use.attachment.pk]})
    except BaseException:
        _forget(stored)
        raise
    return invoice


def _forget(stored: list[InvoiceAttachment]) -> None:
    for attachment in stored:  # files of rows rolled back
        attachment.file.delete(save=False)


# --- shared with re-submission (facturier.invoices.resubmit) ---------------------------------------


def deposit_context(supplier: Structure) -> PlatformContext:
    """The platform rules' context of one deposit by ``supplier`` outside a flow (an entry, a
    re-submission): today's directory, the configured uniqueness key."""
    return PlatformContext(
        directory=ModelDirectory(on=timezone.localdate()),
        supplier_siret=supplier.identifier,
        supplier_kind=SupplierKind.PUBLIC if supplier.is_public else SupplierKind.PRIVATE,
        duplicate_key=tuple(settings.FACTURIER_DUPLICATE_KEY),
    )



def deposit_recheck(*, subject: Subject, number: str, supplier: Structure, service: Service | None) -> None:
    """Under the supplier's lock, just before the deposit: the uniqueness rule once more (exact
    now that the supplier's deposits are serialised) and the service's usability by the supplier.
    Raises :class:`InvoiceRejected` with the FR-PLT-09 or FR-PLT-06 finding."""
    key = tuple((part, KEY_PARTS[part](subject)) for part in subject.context.duplicate_key)
    if all(value is not None for _, value in key):
        first = duplicate_of(key)  # type: ignore[arg-type]
        if first is not None:
            raise InvoiceRejected([_duplicate(number, first)])
    if service is not None:
        try:
            service_usable_for(service=service, supplier=supplier, on=timezone.localdate())
        except (ServiceNotUsable, StructureInactive) as exc:
            raise InvoiceRejected(
                [finding("FR-PLT-06", ("BT-10",), message_in("fr", exc), message_in("en", exc))]
            ) from None


def _duplicate(number: str, first: Invoice) -> dict[str, Any]:
    flow_fr = ", flux %s" % first.flow.number if first.flow_id else ""
    return finding(
        "FR-PLT-09", ("BT-1",),
        "Le numéro de facture « %s » a déjà été utilisé (identifiantFactureCPP %s%s)." % (number, first.pk, flow_fr),
        "The invoice number '%s' has already been used (identifiantFactureCPP %s%s)." % (number, first.pk, flow_fr.replace("flux", "flow")),
    )
