"""« Factures » operations for entered invoices: deposerPDFFacture (F2) and soumettreFacture (F3).

Both call ``facturier.invoices.entry`` (the service the portal uses too). F2 stores the PDF as a
pending attachment of the caller and answers the pre-filled data; F3 turns the JSON into an
``EntryData`` and submits it. Input errors answer ``erreurs`` keyed by wire field
(``destinataire.codeDestinataire``, ``lignePoste[1].lignePosteTauxTva``...); a rejected invoice
answers codeRetour 20013 with ``erreurs`` keyed the same way, plus ``findings`` (rule, terms,
location, message) as the e-invoice core gives them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response

from facturier.api.transverses.references import VAT_RATES
from facturier.api.views import ChorusAPIView
from facturier.core.errors import ValidationFailed
from facturier.einvoice import codelists
from facturier.flows.errors import FlowTooLarge
from facturier.flows.services import depositor_supplier
from facturier.invoices.entry import (
    EntryData,
    EntryLine,
    attachment_pending_add,
    attachment_pending_get,
    discount_ht_from_ttc,
    entry_preview_totals,
    PendingUse,
    invoice_submit,
    pdf_prefill,
)
from facturier.invoices.errors import InvoiceRejected
from facturier.invoices.models import InvoiceAttachment
from facturier.structures.models import IdentifierType, Structure
from facturier.structures.selectors import bank_account_for_invoice

from . import serializers as s
from .views import decode_base64

# --- wire ↔ entry vocabularies --------------------------------------------------------------------

VAT_CODES = {code: Decimal(str(value)) for code, _label, value in VAT_RATES}
PAYMENT_CODES = {"VIREMENT": "30", "CHEQUE": "20", "PRELEVEMENT": "49", "ESPECE": "10", "AUTRE": "1", "REPORT": "1"}
PAYMENT_NAMES = {"30": "VIREMENT", "58": "VIREMENT", "20": "CHEQUE", "49": "PRELEVEMENT", "59": "PRELEVEMENT", "10": "ESPECE"}
UNITS = {
    "": "C62", "U": "C62", "UN": "C62", "UNITE": "C62", "UNITÉ": "C62", "PIECE": "C62", "PIÈCE": "C62",
    "LOT": "LO", "KG": "KGM", "G": "GRM", "H": "HUR", "HEURE": "HUR", "HEURES": "HUR", "JOUR": "DAY",
    "JOURS": "DAY", "J": "DAY", "M": "MTR", "M2": "MTK", "M3": "MTQ", "L": "LTR", "LITRE": "LTR", "KM": "KMT",
    "FORFAIT": "C62", "MOIS": "MON",
}
# Business terms → the wire field that carries them in soumettreFacture (domain.md §4.6, §4.7).
TERM_FIELDS = {
    "BT-1": "numeroFactureSaisi", "BT-2": "dateFacture", "BT-9": "dateEcheancePaiement", "BT-20": "dateEcheancePaiement",
    "BT-3": "references.typeFacture", "BT-5": "references.deviseFacture", "BT-10": "destinataire.codeServiceExecutant",
    "BT-12": "references.numeroMarche", "BT-13": "references.numeroBonCommande",
    "BT-23": "cadreDeFacturation.codeCadreFacturation", "BT-25": "references.numeroFactureOrigine",
    "BT-44": "destinataire.codeDestinataire", "BT-46": "destinataire.codeDestinataire",
    "BT-47": "destinataire.codeDestinataire", "BT-27": "fournisseur.idFournisseur", "BT-29": "fournisseur.idFournisseur",
    "BT-30": "fournisseur.idFournisseur", "BT-31": "fournisseur.idFournisseur",
    "BT-81": "references.modePaiement", "BT-84": "fournisseur.codeCoordonneesBancairesFournisseur",
    "BT-120": "references.motifExonerationTva", "BT-121": "references.motifExonerationTva",
    "BT-92": "montantTotal.montantRemiseGlobaleTTC", "BT-97": "montantTotal.motifRemiseGlobaleTTC",
}
# Findings without a business term that name the EntryData field in ``location`` (the validator,
# facturier.invoices.entry_validator). The API names one validator level only (api.md F3): a second
# level is given in the portal.
LOCATION_FIELDS = {
    "validator_identifier": "cadreDeFacturation.codeStructureValideur",
    "validator_service_code": "cadreDeFacturation.codeServiceValideur",
}


def _money(value: Any) -> float | None:
    return float(value) if value is not None else None


def _lang() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def rejected_details(findings: list[dict[str, Any]]) -> dict[str, Any]:
    """``erreurs`` of a rejected invoice: messages keyed by wire field, and the findings."""
    lang = _lang()
    by_field: dict[str, list[str]] = {}
    for f in findings:
        terms = f.get("terms") or []
        field = LOCATION_FIELDS.get(f.get("location") or "") or next(
            (TERM_FIELDS[t] for t in terms if t in TERM_FIELDS), None)
        if field is None and any(t.startswith(("BG-25", "BT-12", "BT-13", "BT-14", "BT-15")) and t not in TERM_FIELDS
                                 for t in terms):
            field = "lignePoste"
        if field is None and any(t in ("BT-106", "BT-109", "BT-110", "BT-112", "BT-115") for t in terms):
            field = "montantTotal"
        by_field.setdefault(field or "facture", []).append(f"{f['rule']} : {f['message'][lang]}")
    return {**by_field, "findings": findings}


class DeposerPDFFacture(ChorusAPIView):
    """Upload an invoice PDF: stored as the caller's pending attachment (``pieceJointeId``, to use
    as ``pieceJointePrincipaleId`` in ``soumettreFacture`` with ``DEPOT_PDF_API``), answered with
    the data pre-filled from its Factur-X XML, its text layer, or OCR (null when not found)."""

    operation_id = "deposerPDFFacture"
    input_serializer = s.DeposerPdfInput
    output_serializer = s.DeposerPdfOutput

    def post(self, request: Request) -> Response:
        limit = settings.FACTURIER_ATTACHMENT_MAX_BYTES
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit * 4 // 3 + 64 * 1024:
            raise FlowTooLarge(max=limit)
        return super().post(request)

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        content = decode_base64(data["fichierFacture"], field="fichierFacture", limit=settings.FACTURIER_ATTACHMENT_MAX_BYTES)
        if b"%PDF-" not in content[:1024]:
            raise ValidationFailed(details={"fichierFacture": [_("Le fichier n'est pas un PDF.")]})
        name = data["nomFichier"].replace("\\", "/").rsplit("/", 1)[-1].strip()
        if not name.lower().endswith(".pdf"):
            raise ValidationFailed(details={"nomFichier": [_("Le nom du fichier doit finir par .pdf.")]})
        if len(name) > 50:  # attachment names are ≤ 50 characters (domain.md §4.4): keep the end
            name = name[:46].rstrip() + ".pdf"
        attachment = attachment_pending_add(
            actor=request.user, name=name, data=content, content_type="application/pdf",
            kind=InvoiceAttachment.Kind.MAIN,
        )
        prefill = pdf_prefill(pdf=content)
        fields = prefill["fields"]
        issue = fields.get("issue_date")
        payment = PAYMENT_NAMES.get(str(fields.get("payment_means") or ""))
        ttc = fields.get("amount_ttc")
        if ttc is not None and fields.get("global_discount"):
            ttc = None  # the TTC before the global discount is not known exactly
        return {
            "pieceJointeId": attachment.pk,
            "numeroFacture": fields.get("number"),
            "dateFacture": issue.isoformat() if isinstance(issue, date) else None,
            "codeDestinataire": fields.get("recipient"),
            "codeServiceExecutant": fields.get("service_code"),
            "codeFournisseur": fields.get("supplier"),
            "codeDeviseFacture": fields.get("currency"),
            "typeFacture": fields.get("type"),
            "typeTva": None,
            "numeroBonCommande": fields.get("commitment_number"),
            "montantTtcAvantRemiseGlobalTTC": _money(ttc),
            "montantAPayer": _money(fields.get("amount_due")),
            "montantHtTotal": _money(fields.get("amount_ht")),
            "montantTVA": _money(fields.get("amount_vat")),
            "sourcePreRemplissage": prefill["source"],
            "modePaiement": payment,
        }


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationFailed(details=self.by_field)


def _main_attachment_ids(value: Any, errors: _Errors) -> list[int]:
    """``pieceJointePrincipale``: an array (PHP-Z, PASTELL, PY-FE) or one object (GO)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    ids = []
    for i, item in enumerate(items):
        raw = item.get("pieceJointePrincipaleId") if isinstance(item, dict) else None
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            errors.add(f"pieceJointePrincipale[{i}].pieceJointePrincipaleId", _("Identifiant de pièce jointe attendu (entier)."))
    return ids


def _vat(code: str | None, manual: Decimal | None, field: str, errors: _Errors) -> Decimal | None:
    code = (code or "").strip().upper()
    if code:
        if code in VAT_CODES:
            return VAT_CODES[code]
        errors.add(field, _("Taux de TVA « %(code)s » inconnu : %(known)s, ou le taux manuel.")
                   % {"code": code, "known": ", ".join(VAT_CODES)})
        return None
    return manual if manual is not None else None


def _unit(raw: str | None) -> str:
    text = (raw or "").strip()
    if text in codelists.unit_codes():
        return text
    return UNITS.get(text.upper(), "C62")


def _category(rate: Decimal, type_tva: str) -> str:
    if type_tva == "EXONERATION":
        return "E"
    if type_tva == "SANS_TVA":
        return "O"
    return "S" if rate > 0 else "Z"


class SoumettreFacture(ChorusAPIView):
    """Submit an invoice: ``SAISIE_API`` from lines (a Factur-X EN 16931 is generated as the
    original), ``DEPOT_PDF_API`` from a PDF uploaded with ``deposerPDFFacture`` or
    ``ajouterFichierDansSysteme``. Validated like any deposit; answered at once, integrated or
    rejected with every error named."""

    operation_id = "soumettreFacture"
    input_serializer = s.SoumettreFactureInput
    output_serializer = s.SoumettreFactureOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        actor = request.user
        errors = _Errors()
        mode = data["modeDepot"]
        pdf_mode = mode != "SAISIE_API"
        refs = data.get("references") or {}
        totals = data.get("montantTotal") or {}
        type_tva = (refs.get("typeTva") or "").strip().upper()

        recipient = Structure.objects.filter(
            identifier_type=IdentifierType.SIRET, identifier=(data["destinataire"]["codeDestinataire"] or "").strip()
        ).first()
        if recipient is None:
            errors.add("destinataire.codeDestinataire", _("Aucune structure destinataire n'a cet identifiant."))
        supplier_data = data.get("fournisseur") or {}
        supplier = (
            Structure.objects.filter(pk=supplier_data["idFournisseur"]).first()
            if supplier_data.get("idFournisseur") else depositor_supplier(actor)
        )
        if supplier is None:
            errors.add("fournisseur.idFournisseur", _("Fournisseur inconnu : donnez son idStructureCPP."))

        # The main PDF (DEPOT_PDF_API) and the additional attachments: the caller's pending uploads.
        main_ids = _main_attachment_ids(data.get("pieceJointePrincipale"), errors)
        main = None
        if pdf_mode:
            if not main_ids:
                errors.add("pieceJointePrincipale", _("Le dépôt PDF exige la pièce jointe principale (pieceJointeId)."))
            else:
                main = attachment_pending_get(actor=actor, attachment_id=main_ids[0])
                if main is None or main.extension != "PDF":
                    errors.add("pieceJointePrincipale[0].pieceJointePrincipaleId",
                               _("Pièce jointe %(id)s inconnue, déjà utilisée, ou qui n'est pas un PDF.") % {"id": main_ids[0]})
        extra = []
        for i, item in enumerate(data.get("pieceJointeComplementaire") or []):
            found = attachment_pending_get(actor=actor, attachment_id=item["pieceJointeComplementaireId"])
            if found is None:
                errors.add(f"pieceJointeComplementaire[{i}].pieceJointeComplementaireId",
                           _("Pièce jointe %(id)s inconnue ou déjà utilisée.") % {"id": item["pieceJointeComplementaireId"]})
            else:
                extra.append((found, item))
        original = None
        prefill: dict[str, Any] = {}
        if main is not None:
            with main.file.open("rb") as handle:
                original = handle.read()
            prefill = pdf_prefill(pdf=original)["fields"]

        lines = self._lines(data, totals, type_tva, prefill, errors)
        number = (data.get("numeroFactureSaisi") or prefill.get("number") or "").strip()
        if not number:
            errors.add("numeroFactureSaisi", _("Le numéro de facture est obligatoire."))
        iban = bic = ""
        bank_id = supplier_data.get("codeCoordonneesBancairesFournisseur")
        payment = PAYMENT_CODES.get((refs.get("modePaiement") or "VIREMENT").strip().upper())
        if payment is None:
            errors.add("references.modePaiement", _("Mode de paiement inconnu : %(known)s.") % {"known": ", ".join(PAYMENT_CODES)})
        if supplier is not None:
            bank = bank_account_for_invoice(actor=actor, structure_id=supplier.pk, bank_id=bank_id)
            if bank_id and bank is None:
                errors.add("fournisseur.codeCoordonneesBancairesFournisseur", _("Coordonnées bancaires inconnues ou inactives."))
            if bank is not None:
                iban, bic = bank.iban, bank.bic
            elif prefill.get("iban"):
                iban, bic = prefill["iban"], prefill.get("bic", "")
        errors.raise_any()
        assert supplier is not None and recipient is not None

        discount = None
        if totals.get("montantRemiseGlobaleTTC"):
            discount = discount_ht_from_ttc(lines=lines, discount_ttc=totals["montantRemiseGlobaleTTC"])
        cadre = data.get("cadreDeFacturation") or {}
        frame = cadre.get("codeCadreFacturation") or prefill.get("frame") or "A1"
        entry = EntryData(
            supplier=supplier,
            recipient=recipient,
            service_code=(data["destinataire"].get("codeServiceExecutant") or prefill.get("service_code") or "").strip(),
            number=number,
            issue_date=data.get("dateFacture") or prefill.get("issue_date") or timezone.localdate(),
            type=refs.get("typeFacture") or prefill.get("type") or "FACTURE",
            frame=frame,
            currency=(refs.get("deviseFacture") or prefill.get("currency") or "EUR").upper(),
            due_date=data.get("dateEcheancePaiement") or prefill.get("due_date"),
            commitment_number=(refs.get("numeroBonCommande") or prefill.get("commitment_number") or "").strip(),
            contract_number=(refs.get("numeroMarche") or prefill.get("contract_number") or "").strip(),
            lines=tuple(lines),
            global_discount=discount,
            global_discount_reason=totals.get("motifRemiseGlobaleTTC") or "",
            payment_means=payment or "30",
            iban=iban,
            bic=bic,
            note=data.get("commentaire") or "",
            preceding_invoice=refs.get("numeroFactureOrigine") or "",
            exemption_reason=refs.get("motifExonerationTva") or "",
            validator_identifier=(cadre.get("codeStructureValideur") or "").strip(),
            validator_service_code=(cadre.get("codeServiceValideur") or "").strip(),
        )
        self._check_declared(totals, entry)
        # The uploads become the invoice's (claimed by invoice_submit), so they cannot be used twice.
        pending = [PendingUse(main, InvoiceAttachment.Kind.MAIN)] if main is not None else []
        pending += [PendingUse(found, InvoiceAttachment.Kind.ADDITIONAL,
                               item.get("pieceJointeComplementaireDesignation") or "")
                    for found, item in extra]
        try:
            invoice = invoice_submit(actor=actor, data=entry, mode=mode, original_pdf=original, pending=pending)
        except InvoiceRejected as exc:
            raise InvoiceRejected(exc.findings, details=rejected_details(exc.findings)) from None
        return {
            "identifiantFactureCPP": invoice.pk,
            "numeroFacture": invoice.number,
            "identifiantStructure": invoice.supplier_identifier,
            "dateDepot": timezone.localdate(invoice.deposited_at).isoformat(),
            "statutFacture": invoice.status,
            "empreinteCertificatDepot": invoice.certificate_fingerprint,
        }

    def _lines(self, data: dict[str, Any], totals: dict[str, Any], type_tva: str, prefill: dict[str, Any],
               errors: _Errors) -> list[EntryLine]:
        """Lines from ``lignePoste``; for a PDF deposit without lines, from the PDF's Factur-X,
        else one line per ``ligneTva`` rate, else one line from ``montantTotal``."""
        lines: list[EntryLine] = []
        for i, item in enumerate(data.get("lignePoste") or []):
            where = f"lignePoste[{i}]"
            rate = _vat(item.get("lignePosteTauxTva"), item.get("lignePosteTauxTvaManuel"), f"{where}.lignePosteTauxTva", errors)
            if rate is None and not item.get("lignePosteTauxTva"):
                rate = Decimal(0) if type_tva in ("EXONERATION", "SANS_TVA") else None
                if rate is None:
                    errors.add(f"{where}.lignePosteTauxTva", _("Le taux de TVA de la ligne est obligatoire."))
            price = item.get("lignePosteMontantUnitaireHT")
            if price is None:
                errors.add(f"{where}.lignePosteMontantUnitaireHT", _("Le prix unitaire HT est obligatoire."))
            if rate is None or price is None:
                continue
            lines.append(EntryLine(
                name=item["lignePosteDenomination"],
                quantity=item.get("lignePosteQuantite") if item.get("lignePosteQuantite") is not None else Decimal(1),
                unit_price=price,
                vat_rate=rate,
                vat_category=_category(rate, type_tva),
                unit=_unit(item.get("lignePosteUnite")),
                reference=item.get("lignePosteReference") or "",
                discount=item.get("lignePosteMontantRemiseHT") or None,
            ))
        if lines or data.get("lignePoste"):
            return lines
        if data["modeDepot"] == "SAISIE_API":
            errors.add("lignePoste", _("La saisie API exige au moins une ligne de poste."))
            return []
        if prefill.get("lines"):
            return [EntryLine(**{k: v for k, v in line.items() if k in EntryLine.__dataclass_fields__})
                    for line in prefill["lines"]]
        for i, item in enumerate(data.get("ligneTva") or []):
            rate = _vat(item.get("ligneTvaTaux"), item.get("ligneTvaTauxManuel"), f"ligneTva[{i}].ligneTvaTaux", errors)
            base = item.get("ligneTvaMontantBaseHtParTaux")
            if base is None:
                errors.add(f"ligneTva[{i}].ligneTvaMontantBaseHtParTaux", _("La base HT du taux est obligatoire."))
            if rate is None or base is None:
                continue
            lines.append(EntryLine(name=_("Montant HT au taux de %(rate)s %%") % {"rate": rate}, quantity=Decimal(1),
                                   unit_price=base, vat_rate=rate, vat_category=_category(rate, type_tva)))
        if lines or data.get("ligneTva"):
            return lines
        ht, vat = totals.get("montantHtTotal"), totals.get("montantTVA")
        if ht is None:
            errors.add("montantTotal.montantHtTotal", _("Sans lignes, le montant HT total est obligatoire."))
            return []
        rate = self._rate_of(ht, vat or Decimal(0))
        if rate is None:
            errors.add("montantTotal.montantTVA", _("Le montant de TVA ne correspond à aucun taux : donnez ligneTva."))
            return []
        return [EntryLine(name=_("Facture (voir le PDF)"), quantity=Decimal(1), unit_price=ht, vat_rate=rate,
                          vat_category=_category(rate, type_tva))]

    @staticmethod
    def _rate_of(ht: Decimal, vat: Decimal) -> Decimal | None:
        for rate in sorted(set(VAT_CODES.values())):
            if abs((ht * rate / 100).quantize(Decimal("0.01")) - vat) <= Decimal("0.01"):
                return rate
        return None

    @staticmethod
    def _check_declared(totals: dict[str, Any], entry: EntryData) -> None:
        """The invoice is computed from its lines; declared totals (``montantTotal``) must agree
        with the computation to the cent, else each differing one is named."""
        computed = entry_preview_totals(data=entry)
        errors = _Errors()
        for wire, name in (("montantHtTotal", "total_ht"), ("montantTVA", "total_vat"),
                           ("montantTtcTotal", "total_ttc"), ("montantAPayer", "amount_due")):
            declared = totals.get(wire)
            if declared is not None and not computed["error"] and abs(declared - computed[name]) > Decimal("0.01"):
                errors.add(f"montantTotal.{wire}", _("Montant déclaré %(declared)s, montant calculé d'après les lignes "
                                                     "%(computed)s.") % {"declared": declared, "computed": computed[name]})
        errors.raise_any()
