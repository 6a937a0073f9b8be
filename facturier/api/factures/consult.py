"""Consultations: one invoice's full content for its supplier, recipient or validator (F8–F10), its
history (F11), and the download of a group of invoices (F12).

The invoice record gives the identity, parties, routing, frame, amounts and status; the lines, the
VAT breakdown and the payment data come from re-reading the deposited original
(``facturier.invoices.selectors.invoice_document``). ``codeLangue`` (FR, EN; default French)
chooses the language of the labels.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request

from facturier.api.pagination import MAX_PER_PAGE, Page, PageRequest, paginate
from facturier.api.structures.rows import minute
from facturier.api.transverses.references import EXEMPTION_LABELS, VAT_RATES, currency_label
from facturier.api.views import ChorusAPIView, language, require
from facturier.einvoice import ParsedDocument
from facturier.invoices.errors import InvoiceNotFound
from facturier.invoices.models import Invoice, InvoiceAttachment
from facturier.invoices.selectors import invoice_document, invoice_history
from facturier.structures.models import BankAccount, Structure

from . import consult_serializers as s
from .access import Role, invoice_visible, invoices_for
from .entry import PAYMENT_NAMES
from .rows import amount, day, validator_fields

# VAT rate → the rate code of recupererTauxTva (TVA20…), for lignePosteTauxTva / ligneTvaTauxRefCode.
RATE_CODES = {Decimal(str(value)): (code, label) for code, label, value in VAT_RATES}

# Usual UN/ECE Rec 20 units (BT-130) and their labels; any other code is its own label.
UNIT_LABELS = {
    "C62": _("Unité"), "H87": _("Pièce"), "HUR": _("Heure"), "DAY": _("Jour"), "MON": _("Mois"),
    "KGM": _("Kilogramme"), "GRM": _("Gramme"), "LTR": _("Litre"), "MTR": _("Mètre"),
    "MTK": _("Mètre carré"), "MTQ": _("Mètre cube"), "KMT": _("Kilomètre"), "LO": _("Lot"),
}
COUNTRY_NAMES = {"FR": _("France")}
ATTACHMENT_TYPES = {
    InvoiceAttachment.Kind.MAIN: ("FACTURE", InvoiceAttachment.Kind.MAIN.label),
    InvoiceAttachment.Kind.ADDITIONAL: ("PJ_COMPLEMENTAIRE", InvoiceAttachment.Kind.ADDITIONAL.label),
}
# Sub-list request containers: GO's names for the recipient/validator consultations and for the
# supplier's (api.md §3.3); every consultation reads all of them.
SUBLISTS = {
    "lines": ("rechercheLignePoste", "pLignesPoste"),
    "attachments": ("recherchePj", "pListePiecesJointes"),
    "vat": ("rechercheligneTvaRecap", "rechercheLigneTvaRecap", "pLigneRecapTva"),
}


def _value(term: Any) -> Any:
    return getattr(term, "value", None) if term is not None else None


def _text(term: Any) -> str | None:
    return None if term is None or term.is_blank else term.normalized


def _sublist(rows: Sequence[Any], data: Mapping[str, Any], name: str) -> Page:
    """A consultation sub-list is not cut unless the client asks for a page: a client that sends no
    container gets every line (facturier's choice, docs/api.md)."""
    params = next((data[key] for key in SUBLISTS[name] if isinstance(data.get(key), Mapping)), None)
    request = PageRequest.from_params(params, default_per_page=MAX_PER_PAGE)
    return paginate(list(rows), PageRequest(page=request.page, per_page=request.per_page, descending=False))


def line_rows(document: ParsedDocument | None) -> list[dict[str, Any]]:
    rows = []
    for index, line in enumerate(document.invoice.lines if document else [], start=1):
        net = _value(line.net_amount)
        rate = _value(line.vat.rate) if line.vat is not None else None
        price = _value(line.price.net_price) if line.price is not None else None
        discount = sum(
            (_value(charge.amount) or Decimal(0) for charge in line.allowance_charges if charge.is_charge is False),
            Decimal(0),
        )
        vat = (net * rate / 100).quantize(Decimal("0.01")) if net is not None and rate is not None else None
        unit = line.quantity.unit if line.quantity is not None else None
        number = _text(line.id)
        rows.append({
            "lignePosteNumero": int(number) if number and number.isdigit() else index,
            "lignePosteReference": _text(line.item.seller_id) if line.item is not None else None,
            "lignePosteDenomination": _text(line.item.name) if line.item is not None else None,
            "lignePosteQuantite": amount(_value(line.quantity)),
            "lignePosteUniteCode": unit,
            "lignePosteUniteLibelle": str(UNIT_LABELS.get(unit, unit)) if unit else None,
            "lignePosteMontantUnitaireHT": amount(price),
            "lignePosteMontantRemiseHT": amount(discount),
            "lignePosteMontantHtApresRemise": amount(net),
            "lignePosteTauxTva": RATE_CODES[rate][0] if rate in RATE_CODES else None,
            "lignePosteTauxTvaManuel": amount(rate),
            "lignePosteMontantTva": amount(vat),
            "lignePosteMontantTtcApresRemise": amount(net + vat) if vat is not None else None,
        })
    return rows


def vat_rows(document: ParsedDocument | None) -> list[dict[str, Any]]:
    rows = []
    for breakdown in document.invoice.vat_breakdown if document else []:
        rate = _value(breakdown.rate)
        code, label = RATE_CODES.get(rate, (None, None)) if rate is not None else (None, None)
        rows.append({
            "ligneTvaMontantBaseHtParTaux": amount(_value(breakdown.taxable_amount)),
            "ligneTvaMontantTvaParTaux": amount(_value(breakdown.tax_amount)),
            "ligneTvaTauxManuel": amount(rate),
            "ligneTvaTauxRefCode": code,
            "ligneTvaTauxRefId": None,
            "ligneTvaTauxRefLibelle": str(label) if label else None,
            "ligneTvaTauxRefValeur": amount(rate) if code else None,
            "ligneTvaCategorie": _text(breakdown.category),
        })
    return rows


def attachment_rows(attachments: Sequence[InvoiceAttachment]) -> list[dict[str, Any]]:
    rows = []
    for attachment in attachments:
        code, label = ATTACHMENT_TYPES.get(attachment.kind, (attachment.kind, attachment.kind))
        rows.append({
            "pieceJointeId": attachment.pk,
            "pieceJointeIdLiaison": attachment.pk,
            "pieceJointeDesignation": attachment.designation or attachment.name,
            "pieceJointeExtension": attachment.extension.upper(),
            "pieceJointeNumeroLigneFacture": None,
            "pieceJointeTypeCode": code,
            "pieceJointeTypeLibelle": str(label),
        })
    return rows


def _address(structure: Structure, prefix: str) -> dict[str, Any]:
    return {
        f"adresse{prefix}CodePays": structure.country or None,
        f"adresse{prefix}CodePostal": structure.postal_code or None,
        f"adresse{prefix}Complement1": structure.address_complement1 or None,
        f"adresse{prefix}Complement2": structure.address_complement2 or None,
        f"adresse{prefix}Detail": structure.address_line or None,
        f"adresse{prefix}Id": None,
        f"adresse{prefix}LibellePays": str(COUNTRY_NAMES.get(structure.country, structure.country or "")) or None,
        f"adresse{prefix}Ville": structure.city or None,
    }


def _vat_type(document: ParsedDocument | None) -> str | None:
    """``typeTva`` from the VAT categories (BT-118) and the VAT point date code (BT-8)."""
    if document is None:
        return None
    categories = {_text(b.category) for b in document.invoice.vat_breakdown if b.category is not None}
    if categories and categories <= {"E", "AE", "K", "G"}:
        return "EXONERATION"
    if categories == {"O"}:
        return "SANS_TVA"
    # BT-8: 432 (UBL, UNTDID 2005) / 72 (CII, UNTDID 2475) = VAT due on payment.
    return "TVA_SUR_ENCAISSEMENT" if _text(document.invoice.tax_point_date_code) in ("432", "72") else "TVA_SUR_DEBIT"


def _exemption(document: ParsedDocument | None) -> tuple[str | None, str | None]:
    for breakdown in document.invoice.vat_breakdown if document else []:
        code = _text(breakdown.exemption_reason_code)
        if code or breakdown.exemption_reason is not None:
            label = EXEMPTION_LABELS.get(code or "") or _text(breakdown.exemption_reason)
            return code, str(label) if label else None
    return None, None


def _bank(invoice: Invoice, document: ParsedDocument | None) -> dict[str, Any]:
    means = document.invoice.payment_means if document else []
    transfer = next((m.credit_transfer for m in means if m.credit_transfer is not None), None)
    iban = (transfer.account_id.value if transfer and transfer.account_id else "") or ""
    account = BankAccount.objects.filter(structure_id=invoice.supplier_id, iban=iban).first() if iban else None
    return {
        "coordBancairesFournisseurId": account.pk if account else None,
        "coordBancairesFournisseurLibelle": (account.name if account else _text(transfer.account_name) if transfer
                                             else None),
        "coordBancairesFournisseurType": "IBAN" if iban else None,
        "coordBancairesFournisseurCompteBancaire": iban or None,
        "coordBancairesFournisseurCodePays": iban[:2] or None,
        "coordBancairesFournisseurCleIban": iban[2:4] or None,
        "coordBancairesFournisseurCodeBanque": iban[4:9] if iban.startswith("FR") else None,
        "coordBancairesCodeGuichet": iban[9:14] if iban.startswith("FR") else None,
        "coordBancairesFournisseurCleRib": iban[-2:] if iban.startswith("FR") else None,
        "coordBancairesBicSwift": (transfer.provider_id.value if transfer and transfer.provider_id else None),
    }


def facture(invoice: Invoice, data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``facture`` object of F8–F10."""
    document = invoice_document(invoice=invoice)
    doc = document.invoice if document else None
    files = list(invoice.attachments.order_by("pk"))
    lines = _sublist(line_rows(document), data, "lines")
    attachments = _sublist(attachment_rows(files), data, "attachments")
    vat = _sublist(vat_rows(document), data, "vat")
    main = next((file for file in files if file.kind == InvoiceAttachment.Kind.MAIN), None)
    supplier, recipient = invoice.supplier, invoice.recipient
    allowances = [a for a in (doc.allowances if doc else []) if _value(a.amount) is not None]
    discount = sum((_value(a.amount) for a in allowances), Decimal(0)) if allowances else None
    exemption_code, exemption_label = _exemption(document)
    means = doc.payment_means if doc else []
    payment_code = _text(means[0].type_code) if means else None
    previous = invoice.previous
    following = invoice.next_invoices.order_by("pk").first()
    validators = validator_fields(invoice)
    return {
        "identifiantFactureCPP": invoice.pk,
        "numeroFacture": invoice.number,
        "statutFacture": invoice.status,
        "modeDepot": invoice.deposit_mode,
        "commentaire": "\n".join(t for t in (_text(n.text) for n in (doc.notes if doc else [])) if t) or None,
        "cadreDeFacturation": {
            "codeCadreFacturation": invoice.billing_frame,
            **validators,
            "designationValideur2": validators["raisonSocialeValideur2"],
            **{f"{field}{role}": None for role in ("Moa", "Moe")
               for field in ("codeService", "designation", "id", "idService", "identifiant", "nomService",
                             "raisonSociale", "typeIdentifiant")},
            "nomMoe": None, "prenomMoe": None,
        },
        "destinataire": {
            "idDestinataire": invoice.recipient_id,
            "codeDestinataire": invoice.recipient_identifier,
            "libelleDestinataire": invoice.recipient_name,
            "idServiceExecutant": invoice.service_id,
            "codeServiceExecutant": invoice.service_code or None,
            "libelleServiceExecutant": invoice.service_name or None,
            "destinataireEtat": "OUI" if recipient.is_state_service else "NON",
            "miseEnPaiementDestinataire": not recipient.payment_status_not_reported,
            **_address(recipient, "Destinataire"),
        },
        "fournisseur": {
            "idFournisseur": invoice.supplier_id,
            "codeFournisseur": invoice.supplier_identifier,
            "typeIdentifiantFournisseur": invoice.supplier_identifier_type,
            "designationFournisseur": invoice.supplier_name,
            "raisonSocialeFournisseur": invoice.supplier_name,
            "idServiceFournisseur": None, "codeServiceFournisseur": None, "libelleServiceFournisseur": None,
            "numeroRcsFournisseur": supplier.rcs_number or None,
            "affactureur": {"affactureurCode": None, "affactureurCodePays": None, "affactureurId": None,
                            "affactureurRaisonSociale": None, "affactureurTypeIdentifiant": None},
            **_address(supplier, "Fournisseur"),
            **_bank(invoice, document),
        },
        "lignesDePoste": {"lignePoste": lines.items, **lines.parametres_retour("LignesPoste")},
        "listeDesPiecesJointes": {"pieceJointe": attachments.items,
                                  **attachments.parametres_retour("ListePiecesJointe")},
        "recapitulatifDeTva": {"ligneTva": vat.items, **vat.parametres_retour("LignesRecapitulativesTVA")},
        "montantTotal": {
            "montantHtTotal": amount(invoice.amount_ht),
            "montantTVA": amount(invoice.amount_vat),
            "montantTtcTotal": amount(invoice.amount_ttc),
            "montantAPayer": amount(invoice.amount_due),
            # Document-level allowances (BT-92/BT-97), as soumettreFacture maps montantRemiseGlobaleTTC.
            "montantRemiseGlobaleTTC": amount(discount),
            "motifRemiseGlobaleTTC": _text(allowances[0].reason) if allowances else None,
            "montantTtcAvantRemiseGlobalTTC": amount(invoice.amount_ttc + discount)
            if invoice.amount_ttc is not None and discount is not None else amount(invoice.amount_ttc),
        },
        "pieceJointePrincipale": {
            "idPieceJointePrincipale": main.pk if main else None,
            "idLiaisonPieceJointePrincipale": main.pk if main else None,
        },
        "piecePrecedente": {
            "idPiecePrecedente": previous.pk if previous else None,
            "numeroPiecePrecedente": previous.number if previous else None,
            "cadreFacturationPiecePrecedente": previous.billing_frame if previous else None,
            "idDestinatairePiecePrecedente": previous.recipient_id if previous else None,
            "identifiantDestinatairePiecePrecedente": previous.recipient_identifier if previous else None,
            "raisonSocialeDestinatairePiecePrecedente": previous.recipient_name if previous else None,
            "idServiceExecutantPiecePrecedente": previous.service_id if previous else None,
            "codeServiceExecutantPiecePrecedente": (previous.service_code or None) if previous else None,
            "nomServiceExecutantPiecePrecedente": (previous.service_name or None) if previous else None,
        },
        "pieceSuivante": {
            "idPieceSuivante": following.pk if following else None,
            "numeroPieceSuivante": following.number if following else None,
            "cadreFacturationPieceSuivante": following.billing_frame if following else None,
        },
        "references": {
            "codeDeviseFacture": invoice.currency,
            "libelleDeviseFacture": currency_label(invoice.currency),
            "dateCreationFacture": minute(invoice.deposited_at),
            "dateDepot": day(invoice.deposited_at),
            "dateFacture": day(invoice.issue_date),
            "dateEcheancePaiement": day(invoice.due_date),
            "typeFacture": invoice.type,
            "typeFactureTravaux": None,
            "typeTva": _vat_type(document),
            "motifExonerationTva": exemption_code,
            "libelleMotifExonerationTva": exemption_label,
            "modePaiement": PAYMENT_NAMES.get(payment_code or "", "AUTRE" if payment_code else None),
            "numeroBonCommande": invoice.commitment_number or None,
            "numeroMarche": invoice.contract_number or None,
            "numeroDpMandat": invoice.mandate_number or None,
            "numeroFactureOrigine": _text(doc.preceding_invoices[0].reference)
            if doc and doc.preceding_invoices else None,
            "tailleTotalePiecesJointes": sum(file.size for file in files),
        },
    }


class _ConsulterFacture(ChorusAPIView):
    role: Role
    input_serializer = s.ConsulterFactureInput
    output_serializer = s.ConsulterFactureOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        require(data, "identifiantFactureCPP")
        invoice = invoice_visible(actor=request.user, invoice_id=data["identifiantFactureCPP"], role=self.role)
        with translation.override(language(data)):
            return {"facture": facture(invoice, data)}


class ConsulterFactureParFournisseur(_ConsulterFacture):
    """One issued invoice in full (« Factures émises »): lines and VAT breakdown re-read from the
    deposited file."""

    operation_id = "consulterFactureParFournisseur"
    role = Role.SUPPLIER


class ConsulterFactureParRecipiendaire(_ConsulterFacture):
    """One received invoice in full (« Factures reçues »)."""

    operation_id = "consulterFactureParRecipiendaire"
    role = Role.RECIPIENT


class ConsulterFactureParValideur(_ConsulterFacture):
    """One invoice to validate in full (« Factures à valider »)."""

    operation_id = "consulterFactureParValideur"
    role = Role.VALIDATOR


# --- F11 consulter/historique ---------------------------------------------------------------------

# Each part: its request container, the suffix of the container's keys, the suffix of its counters.
HISTORY_PARTS = {
    "statuses": ("paramRechercheHistoStatuts", "ListeHistoStatut", "HistoStatut"),
    "actions": ("paramRechercheHistoActionsUtilisateurs", "ListeHistoAction", "HistoAction"),
    "events": ("paramRechercheHistoEvenementsComplementaires", "ListeHistoEvenement", "Evenement"),
}


def _person(user: Any, prefix: str) -> dict[str, str]:
    if user is None:  # the platform itself (routing, timers)
        return {f"{prefix}Prenom": "", f"{prefix}Nom": "", f"{prefix}Email": "", f"{prefix}Telephone": ""}
    return {
        f"{prefix}Prenom": user.first_name,
        f"{prefix}Nom": user.last_name,
        f"{prefix}Email": user.contact_email or user.email,
        f"{prefix}Telephone": user.phone,
    }


def _history_page(rows: Sequence[Any], data: Mapping[str, Any], part: str) -> tuple[Page, dict[str, int]]:
    """One part of the history and its counters. Newest first by default (domain.md §4.7);
    ``triSens`` Ascendant gives oldest first. The default page size is 10 (§3.3), or
    ``nbResultatsMaximum`` when the client sends it (PASTELL sends 50)."""
    container, key_suffix, answer_suffix = HISTORY_PARTS[part]
    maximum = data.get("nbResultatsMaximum")
    default = min(maximum, MAX_PER_PAGE) if isinstance(maximum, int) and maximum > 0 else 10
    request = PageRequest.from_params(data.get(container), suffix=key_suffix, default_per_page=default)
    ordered = sorted(rows, key=lambda row: (row.at, row.pk), reverse=request.descending)
    page = paginate(ordered, request)
    return page, page.parametres_retour(answer_suffix)


class ConsulterHistoriqueFacture(ChorusAPIView):
    """The current status and the three-part history of an invoice the caller sees as supplier,
    recipient or validator: statuses (date, author, comment), user actions (download,
    acknowledgements, rejection handled), additional events (transfer, recycling...)."""

    operation_id = "consulterHistoriqueFacture"
    input_serializer = s.ConsulterHistoriqueInput
    output_serializer = s.ConsulterHistoriqueOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        require(data, "idFacture")
        invoice = invoice_visible(actor=request.user, invoice_id=data["idFacture"])
        history = invoice_history(invoice=invoice)
        statuses, status_counters = _history_page(history.statuses, data, "statuses")
        actions, action_counters = _history_page(history.actions, data, "actions")
        events, event_counters = _history_page(history.events, data, "events")
        last = max(history.actions, key=lambda row: (row.at, row.pk), default=None)
        with translation.override(language(data)):
            return {
                "idFacture": invoice.pk,
                "numeroFacture": invoice.number,
                "modeDepot": invoice.deposit_mode,
                "statutCourantCode": invoice.status,
                "derniereAction": {
                    "derniereActionCode": last.code if last else None,
                    "derniereActionId": last.pk if last else None,
                },
                "historiquesDesStatuts": {
                    "histoStatut": [
                        {
                            "histoStatutId": row.pk,
                            "histoStatutCode": row.status,
                            "histoStatutDatePassage": minute(row.at),
                            "histoStatutCommentaire": row.comment,
                            "histoStatutMotifs": list(row.motives),
                            **_person(row.actor, "histoStatutUtilisateur"),
                        }
                        for row in statuses.items
                    ],
                    **status_counters,
                },
                "historiquesDesActionsUtilisateurs": {
                    "histoAction": [
                        {
                            "histoActionId": row.pk,
                            "histoActionCode": row.code,
                            "histoActionDateHeure": minute(row.at),
                            **_person(row.actor, "histoActionUtilisateur"),
                        }
                        for row in actions.items
                    ],
                    **action_counters,
                },
                "historiquesDesEvenementsComplementaires": {
                    "evenement": [
                        {
                            "evenementId": row.pk,
                            "evenementCode": row.code,
                            "evenementLibelle": " : ".join(
                                part for part in (str(row.get_code_display()), row.comment) if part
                            ),
                            "evenementQui": row.who,
                            "evenementDateHeure": minute(row.at),
                        }
                        for row in events.items
                    ],
                    **event_counters,
                },
            }


# --- F12 telecharger/groupe -----------------------------------------------------------------------


class TelechargerGroupeFacture(ChorusAPIView):
    """Download invoices the caller sees (as supplier, recipient or validator): ``PDF`` gives the
    invoice's PDF when there is one invoice with one file, else a zip (one folder per invoice,
    with the attachments when ``avecPiecesJointesComplementaires`` is OUI, and the tracking slip);
    ``PIVOT`` one XML holding every invoice. Above the download limit: HTTP 413. The download is
    recorded as a user action (a recipient's sets ``factureTelechargeeParDestinataire``)."""

    operation_id = "telechargerGroupeFacture"
    input_serializer = s.TelechargerGroupeInput
    output_serializer = s.TelechargerGroupeOutput

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        from facturier.invoices.downloads import invoices_download

        ids = list(dict.fromkeys(item["idFacture"] for item in data["listeFacture"]))
        found = {invoice.pk: invoice for invoice in invoices_for(actor=request.user, role=None).filter(pk__in=ids)
                 .select_related("supplier", "recipient", "service", "validator1", "validator2")}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise InvoiceNotFound(details={"listeFacture": missing})
        download = invoices_download(
            actor=request.user,
            invoices=[found[pk] for pk in ids],
            format=data["format"],
            with_attachments=s.yes(data.get("avecPiecesJointesComplementaires")),
        )
        return {
            "fichierResultat": base64.b64encode(download.data).decode("ascii"),
            "nomFichier": download.name,
            "typeMime": download.content_type,
        }
