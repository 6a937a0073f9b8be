"""French and English labels and number/date formatting for the Factur-X PDF rendering.

The e-invoice core imports nothing from Django, so its user-facing strings are plain
``{"fr": ..., "en": ...}`` tables (as in :mod:`facturier.einvoice.errors`); templates use
``%(name)s`` placeholders, never f-strings.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Literal

from ..values import DateValue, Number, Value

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

NBSP = "\u00a0"

LABELS: dict[str, dict[str, str]] = {
    "seller": {"fr": "Vendeur", "en": "Seller"},
    "buyer": {"fr": "Acheteur", "en": "Buyer"},
    "payee": {"fr": "Bénéficiaire du paiement", "en": "Payee"},
    "tax_representative": {"fr": "Représentant fiscal du vendeur", "en": "Seller tax representative"},
    "number": {"fr": "N°", "en": "No."},
    "issue_date": {"fr": "Date d'émission", "en": "Issue date"},
    "due_date": {"fr": "Date d'échéance", "en": "Due date"},
    "type": {"fr": "Type de document", "en": "Document type"},
    "currency": {"fr": "Devise", "en": "Currency"},
    "tax_currency": {"fr": "Devise de comptabilisation de la TVA", "en": "VAT accounting currency"},
    "tax_point_date": {"fr": "Date d'exigibilité de la TVA", "en": "VAT point date"},
    "vat_id": {"fr": "N° TVA", "en": "VAT ID"},
    "tax_registration_id": {"fr": "Identifiant fiscal", "en": "Tax registration ID"},
    "legal_id": {"fr": "Immatriculation", "en": "Legal registration ID"},
    "identifier": {"fr": "Identifiant", "en": "Identifier"},
    "electronic_address": {"fr": "Adresse électronique", "en": "Electronic address"},
    "trading_name": {"fr": "Nom commercial", "en": "Trading name"},
    "legal_info": {"fr": "Informations juridiques", "en": "Legal information"},
    "contact": {"fr": "Contact", "en": "Contact"},
    "department": {"fr": "Service", "en": "Department"},
    "references": {"fr": "Références", "en": "References"},
    "buyer_reference": {"fr": "Code service (référence acheteur)", "en": "Service code (buyer reference)"},
    "purchase_order_reference": {
        "fr": "N° d'engagement (bon de commande)",
        "en": "Commitment number (purchase order)",
    },
    "sales_order_reference": {"fr": "Commande vendeur", "en": "Sales order"},
    "contract_reference": {"fr": "Contrat", "en": "Contract"},
    "project_reference": {"fr": "Projet", "en": "Project"},
    "tender_reference": {"fr": "Appel d'offres ou lot", "en": "Tender or lot"},
    "despatch_advice_reference": {"fr": "Avis d'expédition", "en": "Despatch advice"},
    "receiving_advice_reference": {"fr": "Avis de réception", "en": "Receiving advice"},
    "object_id": {"fr": "Objet facturé", "en": "Invoiced object"},
    "buyer_accounting_reference": {
        "fr": "Référence comptable de l'acheteur",
        "en": "Buyer accounting reference",
    },
    "preceding_invoice": {"fr": "Facture antérieure", "en": "Preceding invoice"},
    "period": {"fr": "Période de facturation", "en": "Invoicing period"},
    "delivery_date": {"fr": "Date de livraison", "en": "Delivery date"},
    "delivery_to": {"fr": "Livré à", "en": "Delivered to"},
    "dated": {"fr": "du %(date)s", "en": "of %(date)s"},
    "from_to": {"fr": "du %(start)s au %(end)s", "en": "from %(start)s to %(end)s"},
    "lines": {"fr": "Lignes de facture", "en": "Invoice lines"},
    "line_id": {"fr": "N°", "en": "#"},
    "item": {"fr": "Désignation", "en": "Item"},
    "quantity": {"fr": "Qté", "en": "Qty"},
    "unit": {"fr": "Unité", "en": "Unit"},
    "net_price": {"fr": "Prix unitaire HT", "en": "Net unit price"},
    "per_base": {"fr": "pour %(qty)s", "en": "per %(qty)s"},
    "gross_price_only": {"fr": "Prix brut %(price)s", "en": "Gross price %(price)s"},
    "gross_price": {
        "fr": "Prix brut %(price)s, remise %(discount)s",
        "en": "Gross price %(price)s, discount %(discount)s",
    },
    "vat": {"fr": "TVA", "en": "VAT"},
    "net_amount": {"fr": "Montant HT", "en": "Net amount"},
    "allowance": {"fr": "Remise", "en": "Allowance"},
    "charge": {"fr": "Frais", "en": "Charge"},
    "allowances_charges": {"fr": "Remises et frais sur le document", "en": "Document allowances and charges"},
    "reason": {"fr": "Motif", "en": "Reason"},
    "base": {"fr": "Base", "en": "Base"},
    "percentage": {"fr": "Taux", "en": "Rate"},
    "amount": {"fr": "Montant", "en": "Amount"},
    "vat_breakdown": {"fr": "Détail de la TVA", "en": "VAT breakdown"},
    "vat_category": {"fr": "Catégorie", "en": "Category"},
    "vat_rate": {"fr": "Taux", "en": "Rate"},
    "taxable_amount": {"fr": "Base HT", "en": "Taxable amount"},
    "tax_amount": {"fr": "Montant TVA", "en": "VAT amount"},
    "exemption": {"fr": "Motif d'exonération", "en": "Exemption reason"},
    "totals": {"fr": "Totaux", "en": "Totals"},
    "line_total": {"fr": "Total HT des lignes", "en": "Sum of line net amounts"},
    "allowance_total": {"fr": "Total des remises", "en": "Sum of allowances"},
    "charge_total": {"fr": "Total des frais", "en": "Sum of charges"},
    "tax_exclusive": {"fr": "Total HT", "en": "Total without VAT"},
    "tax_total": {"fr": "Total TVA", "en": "Total VAT"},
    "tax_total_in_tax_currency": {
        "fr": "Total TVA en devise de comptabilisation",
        "en": "Total VAT in accounting currency",
    },
    "tax_inclusive": {"fr": "Total TTC", "en": "Total with VAT"},
    "prepaid": {"fr": "Déjà payé", "en": "Paid amount"},
    "rounding": {"fr": "Arrondi", "en": "Rounding amount"},
    "payable": {"fr": "Net à payer", "en": "Amount due for payment"},
    "payment": {"fr": "Paiement", "en": "Payment"},
    "payment_means": {"fr": "Moyen de paiement", "en": "Payment means"},
    "iban": {"fr": "IBAN / compte", "en": "IBAN / account"},
    "account_name": {"fr": "Titulaire du compte", "en": "Account name"},
    "bic": {"fr": "BIC", "en": "BIC"},
    "card": {"fr": "Carte", "en": "Card"},
    "debited_account": {"fr": "Compte débité", "en": "Debited account"},
    "mandate_reference": {"fr": "Référence du mandat", "en": "Mandate reference"},
    "creditor_reference": {"fr": "Identifiant créancier SEPA", "en": "SEPA creditor identifier"},
    "remittance_info": {"fr": "Référence de paiement", "en": "Remittance information"},
    "payment_terms": {"fr": "Conditions de paiement", "en": "Payment terms"},
    "notes": {"fr": "Notes", "en": "Notes"},
    "page": {"fr": "Page %(page)s", "en": "Page %(page)s"},
    "footer": {
        "fr": "Facture électronique Factur-X (profil %(profile)s) : les données XML jointes font foi.",
        "en": "Factur-X e-invoice (profile %(profile)s): the attached XML data is authoritative.",
    },
    "subject": {
        "fr": "%(title)s %(number)s du %(date)s émise par %(seller)s",
        "en": "%(title)s %(number)s of %(date)s issued by %(seller)s",
    },
}

# UNTDID 1001 document types (the subset EN 16931 uses most).
DOCUMENT_TYPES: dict[str, dict[str, str]] = {
    "380": {"fr": "Facture", "en": "Invoice"},
    "381": {"fr": "Avoir", "en": "Credit note"},
    "383": {"fr": "Note de débit", "en": "Debit note"},
    "384": {"fr": "Facture rectificative", "en": "Corrected invoice"},
    "386": {"fr": "Facture d'acompte", "en": "Prepayment invoice"},
    "389": {"fr": "Autofacture", "en": "Self-billed invoice"},
    "393": {"fr": "Facture affacturée", "en": "Factored invoice"},
    "396": {"fr": "Avoir affacturé", "en": "Factored credit note"},
    "261": {"fr": "Autofacture d'avoir", "en": "Self-billed credit note"},
    "751": {"fr": "Facture (information comptable)", "en": "Invoice information for accounting purposes"},
}

# UNTDID 4461 payment means.
PAYMENT_MEANS: dict[str, dict[str, str]] = {
    "1": {"fr": "Non défini", "en": "Instrument not defined"},
    "10": {"fr": "Espèces", "en": "Cash"},
    "20": {"fr": "Chèque", "en": "Cheque"},
    "30": {"fr": "Virement", "en": "Credit transfer"},
    "31": {"fr": "Virement (débit)", "en": "Debit transfer"},
    "42": {"fr": "Paiement sur compte bancaire", "en": "Payment to bank account"},
    "48": {"fr": "Carte bancaire", "en": "Bank card"},
    "49": {"fr": "Prélèvement", "en": "Direct debit"},
    "57": {"fr": "Accord permanent", "en": "Standing agreement"},
    "58": {"fr": "Virement SEPA", "en": "SEPA credit transfer"},
    "59": {"fr": "Prélèvement SEPA", "en": "SEPA direct debit"},
    "97": {"fr": "Compensation", "en": "Clearing between partners"},
    "ZZZ": {"fr": "Défini d'un commun accord", "en": "Mutually defined"},
}

# UNTDID 5305 VAT categories as EN 16931 uses them.
VAT_CATEGORIES: dict[str, dict[str, str]] = {
    "S": {"fr": "Taux normal", "en": "Standard rate"},
    "Z": {"fr": "Taux zéro", "en": "Zero rated"},
    "E": {"fr": "Exonéré", "en": "Exempt"},
    "AE": {"fr": "Autoliquidation", "en": "Reverse charge"},
    "K": {"fr": "Livraison intracommunautaire", "en": "Intra-community supply"},
    "G": {"fr": "Exportation hors UE", "en": "Export outside the EU"},
    "O": {"fr": "Hors champ de la TVA", "en": "Outside the scope of VAT"},
    "L": {"fr": "IGIC (Canaries)", "en": "IGIC (Canary Islands)"},
    "M": {"fr": "IPSI (Ceuta et Melilla)", "en": "IPSI (Ceuta and Melilla)"},
}

# UN/ECE Recommendation 20/21 units frequent on invoices; other codes are shown as is.
UNITS: dict[str, dict[str, str]] = {
    "C62": {"fr": "unité", "en": "unit"},
    "H87": {"fr": "pièce", "en": "piece"},
    "EA": {"fr": "unité", "en": "each"},
    "XPP": {"fr": "pièce", "en": "piece"},
    "HUR": {"fr": "heure", "en": "hour"},
    "DAY": {"fr": "jour", "en": "day"},
    "WEE": {"fr": "semaine", "en": "week"},
    "MON": {"fr": "mois", "en": "month"},
    "ANN": {"fr": "an", "en": "year"},
    "MIN": {"fr": "minute", "en": "minute"},
    "KGM": {"fr": "kg", "en": "kg"},
    "GRM": {"fr": "g", "en": "g"},
    "TNE": {"fr": "t", "en": "t"},
    "MTR": {"fr": "m", "en": "m"},
    "KMT": {"fr": "km", "en": "km"},
    "MTK": {"fr": "m²", "en": "m²"},
    "MTQ": {"fr": "m³", "en": "m³"},
    "LTR": {"fr": "l", "en": "l"},
    "KWH": {"fr": "kWh", "en": "kWh"},
    "SET": {"fr": "lot", "en": "set"},
    "LS": {"fr": "forfait", "en": "lump sum"},
    "E48": {"fr": "service", "en": "service unit"},
    "P1": {"fr": "%", "en": "%"},
}


def label(key: str, lang: Lang, **params: str) -> str:
    text = LABELS[key][lang]
    return text % params if params else text


def coded(table: dict[str, dict[str, str]], code: Value | None, lang: Lang) -> str:
    """``"Label (code)"`` for a known code, the code alone otherwise."""
    if code is None:
        return ""
    c = code.normalized
    names = table.get(c)
    return "%s (%s)" % (names[lang], c) if names else c


def unit_name(code: str | None, lang: Lang) -> str:
    if not code:
        return ""
    names = UNITS.get(code.strip())
    return names[lang] if names else code


def decimal_text(d: Decimal, lang: Lang, *, min_places: int = 0, group: bool = False) -> str:
    """A decimal for display: at least ``min_places`` decimals (never fewer than written),
    French decimal comma and no-break-space grouping, English point and comma grouping."""
    exp = d.as_tuple().exponent
    places = max(min_places, -exp if isinstance(exp, int) and exp < 0 else 0)
    text = "{:,.{p}f}".format(d, p=places) if group else "{:.{p}f}".format(d, p=places)
    if lang == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def amount_text(v: Number | None, lang: Lang) -> str:
    """An amount with at least 2 decimals, grouped (``1 234,50`` / ``1,234.50``); the raw text
    when it is not a number."""
    if v is None:
        return ""
    if v.value is None:
        return v.raw
    return decimal_text(v.value, lang, min_places=2, group=True)


def number_text(v: Number | None, lang: Lang) -> str:
    """A quantity or a rate as written (``2,5`` / ``2.5``)."""
    if v is None:
        return ""
    if v.value is None:
        return v.raw
    return decimal_text(v.value.normalize() if v.value == v.value.to_integral() else v.value, lang)


def percent_text(v: Number | None, lang: Lang) -> str:
    if v is None:
        return ""
    n = number_text(v, lang)
    return n + (NBSP + "%" if lang == "fr" else "%")


def date_text(v: DateValue | None, lang: Lang) -> str:
    if v is None:
        return ""
    d = v.value
    if d is None:
        return v.raw
    return format_date(d, lang)


def format_date(d: _dt.date, lang: Lang) -> str:
    return d.strftime("%d/%m/%Y") if lang == "fr" else d.isoformat()
