"""Forms of the entry pages: the PDF upload, the invoice form (parties, references, payment) and
its lines (a formset whose empty rows are ignored, so the page works without JavaScript with a
fixed number of empty rows).

The forms only parse and check what the user typed; the invoice rules (EN 16931, the recipient's
requirements, duplicates) are the entry service's, and its findings come back onto these fields
(``adapter.apply_findings``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from facturier.invoices.entry_validator import validator_structure
from facturier.structures.models import Structure

from . import selectors

# The portal's upload cap (domain.md §4.4), the same setting as « Déposer des fichiers ».
DEFAULT_MAX_BYTES = 30 * 1024 * 1024
# Empty line rows offered without JavaScript (entry.js adds more).
EXTRA_LINES = 3

TYPE_CHOICES = [("FACTURE", _("Facture")), ("AVOIR", _("Avoir"))]
FRAME_CHOICES = [
    ("A1", _("A1 — Facture fournisseur")),
    ("A2", _("A2 — Facture fournisseur déjà payée")),
    ("A9", _("A9 — Facture de sous-traitant")),
    ("A12", _("A12 — Facture de cotraitant")),
]
# UNTDID 4461.
PAYMENT_MEANS_CHOICES = [
    ("30", _("Virement (30)")),
    ("58", _("Virement SEPA (58)")),
    ("49", _("Prélèvement (49)")),
    ("59", _("Prélèvement SEPA (59)")),
    ("20", _("Chèque (20)")),
    ("48", _("Carte bancaire (48)")),
    ("10", _("Espèces (10)")),
]
# UNTDID 5305, as EN 16931 restricts it.
VAT_CATEGORY_CHOICES = [
    ("S", _("S — Taux normal")),
    ("Z", _("Z — Taux zéro")),
    ("E", _("E — Exonéré")),
    ("AE", _("AE — Autoliquidation")),
    ("K", _("K — Livraison intracommunautaire")),
    ("G", _("G — Exportation hors UE")),
    ("O", _("O — Hors champ de la TVA")),
]
VAT_RATE_CHOICES = [("20", "20 %"), ("10", "10 %"), ("5.5", "5,5 %"), ("2.1", "2,1 %"), ("0", "0 %")]
# UN/ECE Recommendation 20 (the usual ones).
UNIT_CHOICES = [
    ("C62", _("unité")),
    ("H87", _("pièce")),
    ("HUR", _("heure")),
    ("DAY", _("jour")),
    ("MON", _("mois")),
    ("KGM", _("kilogramme")),
    ("MTR", _("mètre")),
    ("LTR", _("litre")),
    ("LS", _("forfait")),
]


def portal_max_bytes() -> int:
    return int(getattr(settings, "FACTURIER_PORTAL_FLOW_MAX_BYTES", DEFAULT_MAX_BYTES))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _supplier_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Fournisseur"),
        queryset=Structure.objects.none(),
        empty_label=None,
        help_text=_("La structure qui émet la facture."),
    )


class PdfUploadForm(forms.Form):
    """Step 1 of a PDF deposit: the supplier's PDF invoice (its data are then pre-filled)."""

    pdf = forms.FileField(
        label=_("Facture PDF"),
        help_text=_("Votre facture au format PDF : Factur-X, PDF avec texte, ou PDF numérisé."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )
    supplier = _supplier_field()

    def __init__(self, *args: Any, structure_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Structure.objects.filter(pk__in=structure_ids).order_by("name")

    def clean_pdf(self) -> Any:
        upload = self.cleaned_data["pdf"]
        limit = portal_max_bytes()
        if upload.size == 0:
            raise forms.ValidationError(_("Le fichier « %(name)s » est vide."), code="empty",
                                        params={"name": upload.name})
        if upload.size > limit:
            raise forms.ValidationError(
                _("Le fichier « %(name)s » fait %(size)s : le dépôt sur le portail est limité à %(max)s."),
                code="too_large",
                params={"name": upload.name, "size": filesizeformat(upload.size), "max": filesizeformat(limit)},
            )
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise forms.ValidationError(_("Le fichier « %(name)s » n'est pas un PDF."), code="not_pdf",
                                        params={"name": upload.name})
        return upload


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def validator_search_attrs(prefix: str) -> dict[str, Any]:
    """The directory autocomplete (directory.js) of a validator field: any active structure."""
    return {
        "autocomplete": "off", "data-directory-search": reverse_lazy("invoices_portal:validator_search"),
        "role": "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
        "aria-controls": f"{prefix}-suggestions", "data-info": f"{prefix}-info",
        "data-service-select": f"id_{prefix}_service_code",
    }


def validator_services_field(field: forms.Field, identifier: str) -> Structure | None:
    """Fill a validator's service select with the services of the structure ``identifier`` names
    (as the recipient's); the structure, or None."""
    structure = validator_structure(identifier)
    services = selectors.recipient_services(structure=structure) if structure is not None else []
    field.choices = [("", _("— Aucun service —"))] + [(s.code, f"{s.code} — {s.name}") for s in services]
    field.widget.attrs.update({
        "data-services-url": str(reverse_lazy("invoices_portal:validator_services")),
        "data-services-param": "structure",
    })
    return structure


class EntryForm(forms.Form):
    """The invoice's header: parties, references, dates, discount, payment, attachments."""

    supplier = _supplier_field()
    recipient = forms.CharField(
        label=_("Destinataire (SIRET)"),
        max_length=80,
        help_text=_("Tapez un SIRET ou un nom : l'annuaire propose les structures publiques actives."),
        widget=forms.TextInput(attrs={
            "autocomplete": "off", "data-recipient-search": reverse_lazy("invoices_portal:directory_search"),
            "role": "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
            "aria-controls": "recipient-suggestions",
        }),
    )
    service_code = forms.ChoiceField(
        label=_("Service destinataire"), required=False,
        help_text=_("Les services actifs du destinataire (code service, BT-10)."),
    )
    commitment_number = forms.CharField(label=_("Numéro d'engagement"), max_length=50, required=False,
                                        help_text=_("Bon de commande ou engagement juridique (BT-13)."))
    contract_number = forms.CharField(label=_("Numéro de marché"), max_length=50, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES, initial="FACTURE")
    frame = forms.ChoiceField(label=_("Cadre de facturation"), choices=FRAME_CHOICES, initial="A1")
    number = forms.CharField(label=_("Numéro de facture"), max_length=20)
    issue_date = forms.DateField(label=_("Date de facture"), widget=_date_input())
    due_date = forms.DateField(label=_("Date d'échéance"), required=False, widget=_date_input())
    currency = forms.CharField(label=_("Devise"), max_length=3, min_length=3, initial="EUR")
    preceding_invoice = forms.CharField(label=_("Facture d'origine (pour un avoir)"), max_length=20, required=False)
    global_discount = forms.DecimalField(label=_("Remise globale HT"), required=False, min_value=Decimal("0"),
                                         max_digits=15, decimal_places=2, localize=True,
                                         widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    global_discount_reason = forms.CharField(label=_("Motif de la remise"), max_length=100, required=False)
    payment_means = forms.ChoiceField(label=_("Moyen de paiement"), choices=PAYMENT_MEANS_CHOICES, initial="30")
    iban = forms.CharField(label=_("IBAN"), max_length=34, required=False)
    bic = forms.CharField(label=_("BIC"), max_length=11, required=False)
    payment_terms = forms.CharField(label=_("Conditions de paiement"), max_length=200, required=False)
    exemption_reason = forms.CharField(label=_("Motif d'exonération de TVA"), max_length=200, required=False,
                                       help_text=_("Obligatoire quand une ligne est exonérée (catégorie E)."))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    attachments = MultipleFileField(
        label=_("Pièces jointes"), required=False,
        help_text=_("Ajoutées à la facture au moment de l'envoi (elles ne sont pas gardées dans le brouillon)."),
    )
    # The validator (A9: the main contractor, required; A12: the group's representative, optional)
    # and an optional second level (A9 under a co-contractor). Checked by the entry service.
    validator_identifier = forms.CharField(
        label=_("Valideur (SIRET)"), max_length=80, required=False,
        help_text=_("Tapez un SIRET ou un nom : l'annuaire propose les structures actives."),
        widget=forms.TextInput(attrs=validator_search_attrs("validator")),
    )
    validator_service_code = forms.ChoiceField(label=_("Service du valideur"), required=False)
    validator2_identifier = forms.CharField(
        label=_("Valideur de niveau 2 (SIRET)"), max_length=80, required=False,
        help_text=_("Sous-traitant d'un cotraitant (A9) : le cotraitant valide d'abord (niveau 1), "
                    "puis cette structure (niveau 2). Laissez vide sinon."),
        widget=forms.TextInput(attrs=validator_search_attrs("validator2")),
    )
    validator2_service_code = forms.ChoiceField(label=_("Service du valideur de niveau 2"), required=False)

    # The fields whose raw value a draft keeps (attachments are files: not kept).
    DRAFT_FIELDS = (
        "supplier", "recipient", "service_code", "commitment_number", "contract_number", "type", "frame",
        "number", "issue_date", "due_date", "currency", "preceding_invoice", "global_discount",
        "global_discount_reason", "payment_means", "iban", "bic", "payment_terms", "exemption_reason", "note",
        "validator_identifier", "validator_service_code", "validator2_identifier", "validator2_service_code",
    )

    INVOICE_FIELDS = ("type", "frame", "number", "issue_date", "due_date", "currency", "preceding_invoice")
    PAYMENT_FIELDS = ("global_discount", "global_discount_reason", "payment_means", "iban", "bic", "payment_terms")
    EXTRA_FIELDS = ("exemption_reason", "note", "attachments")

    @property
    def invoice_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.INVOICE_FIELDS]

    @property
    def payment_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PAYMENT_FIELDS]

    @property
    def extra_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.EXTRA_FIELDS]

    def __init__(self, *args: Any, structure_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Structure.objects.filter(pk__in=structure_ids).order_by("name")
        self.recipient_structure = selectors.recipient_by_identifier(identifier=self._raw("recipient"))
        services = selectors.recipient_services(structure=self.recipient_structure) if self.recipient_structure else []
        self.fields["service_code"].choices = [("", _("— Aucun service —"))] + [
            (s.code, f"{s.code} — {s.name}") for s in services
        ]
        self.fields["service_code"].widget.attrs["data-services-url"] = str(
            reverse_lazy("invoices_portal:directory_services"))
        self.validator_structures = {
            prefix: validator_services_field(self.fields[f"{prefix}_service_code"], self._raw(f"{prefix}_identifier"))
            for prefix in ("validator", "validator2")
        }

    def _raw(self, name: str) -> str:
        if self.is_bound:
            return str(self.data.get(self.add_prefix(name)) or "")
        return str(self.initial.get(name) or "")

    def clean_recipient(self) -> str:
        value = self.cleaned_data["recipient"].strip()
        if self.recipient_structure is None:
            raise forms.ValidationError(
                _("Aucune structure publique active n'a l'identifiant « %(value)s » dans l'annuaire."),
                code="unknown_recipient", params={"value": value},
            )
        return self.recipient_structure.identifier

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].upper()

    def clean_iban(self) -> str:
        return "".join(self.cleaned_data["iban"].split()).upper()

    def clean_bic(self) -> str:
        return self.cleaned_data["bic"].strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        issue, due = cleaned.get("issue_date"), cleaned.get("due_date")
        if issue and due and due < issue:
            self.add_error("due_date", forms.ValidationError(
                _("La date d'échéance ne peut pas précéder la date de facture."), code="due_before_issue"))
        if cleaned.get("global_discount") and not cleaned.get("global_discount_reason"):
            self.add_error("global_discount_reason", forms.ValidationError(
                _("Indiquez le motif de la remise globale."), code="discount_reason"))
        return cleaned


class LineForm(forms.Form):
    """One invoice line (BG-25)."""

    name = forms.CharField(label=_("Désignation"), max_length=200)
    reference = forms.CharField(label=_("Référence"), max_length=50, required=False)
    quantity = forms.DecimalField(label=_("Quantité"), max_digits=15, decimal_places=4, localize=True,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal", "data-line": "quantity"}))
    unit = forms.ChoiceField(label=_("Unité"), choices=UNIT_CHOICES, initial="C62")
    unit_price = forms.DecimalField(label=_("Prix unitaire HT"), max_digits=15, decimal_places=4, localize=True,
                                    widget=forms.TextInput(attrs={"inputmode": "decimal", "data-line": "unit_price"}))
    discount = forms.DecimalField(label=_("Remise HT"), required=False, min_value=Decimal("0"), max_digits=15,
                                  decimal_places=2, localize=True,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal", "data-line": "discount"}))
    vat_category = forms.ChoiceField(label=_("Catégorie de TVA"), choices=VAT_CATEGORY_CHOICES, initial="S",
                                     widget=forms.Select(attrs={"data-line": "vat_category"}))
    vat_rate = forms.ChoiceField(label=_("Taux de TVA"), choices=VAT_RATE_CHOICES, initial="20",
                                 widget=forms.Select(attrs={"data-line": "vat_rate"}))

    # What makes a row "filled": the selects always hold a value, so they do not count.
    TYPED_FIELDS = ("name", "reference", "quantity", "unit_price", "discount")
    DRAFT_FIELDS = ("name", "reference", "quantity", "unit", "unit_price", "discount", "vat_category", "vat_rate")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A pre-filled or resumed line may carry a unit or a rate the lists do not offer: keep it.
        for name in ("unit", "vat_rate"):
            value = str(self[name].value() or "")
            field = self.fields[name]
            if value and value not in {str(key) for key, _label in field.choices}:
                field.choices = [*field.choices, (value, value)]

    def has_changed(self) -> bool:
        return any(str(self[name].value() or "").strip() for name in self.TYPED_FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        category, rate = cleaned.get("vat_category"), cleaned.get("vat_rate")
        if category and rate is not None:
            if category == "S" and Decimal(rate) == 0:
                self.add_error("vat_rate", forms.ValidationError(
                    _("Le taux normal (S) ne peut pas être 0 %."), code="rate_zero"))
            elif category != "S" and Decimal(rate) != 0:
                self.add_error("vat_rate", forms.ValidationError(
                    _("La catégorie %(category)s s'emploie avec un taux de 0 %%."), code="rate_not_zero",
                    params={"category": category}))
        return cleaned


class BaseLineFormSet(forms.BaseFormSet):
    """Every row may stay empty (``has_changed`` ignores the pre-selected unit and VAT); at least
    one filled row is required."""

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        kwargs["empty_permitted"] = True
        kwargs["use_required_attribute"] = False
        return super()._construct_form(i, **kwargs)

    def filled_forms(self) -> list[LineForm]:
        return [form for form in self.forms if form.has_changed()]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not self.filled_forms():
            raise forms.ValidationError(_("Saisissez au moins une ligne de facture."), code="no_line")


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=EXTRA_LINES, max_num=500,
                                    absolute_max=500, validate_max=True)
