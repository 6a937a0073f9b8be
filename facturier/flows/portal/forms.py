"""Forms of the flow pages: the deposit of structured files, and the filters of « Suivi des flux »."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from facturier.flows.models import FlowState, FlowSyntax
from facturier.structures.models import Structure

from .selectors import FlowFilters

# domain.md §4.4: the portal accepts .pdf .zip .xml .tar.gz; a batch must be a zip or a tar.gz.
EXTENSIONS = (".tar.gz", ".zip", ".xml", ".pdf")
# domain.md §4.4: XML batch deposit on the portal ≤ 30 MB.
DEFAULT_MAX_BYTES = 30 * 1024 * 1024


def portal_max_bytes() -> int:
    return int(getattr(settings, "FACTURIER_PORTAL_FLOW_MAX_BYTES", DEFAULT_MAX_BYTES))


def extension_of(name: str) -> str:
    lower = (name or "").lower()
    return next((ext for ext in EXTENSIONS if lower.endswith(ext)), "")


class DepositForm(forms.Form):
    """One structured file (UBL or CII XML, Factur-X PDF) or a batch (zip, tar.gz).

    The syntax is the user's declaration: the page may pre-select it from the file's extension
    (deposit.js), but the server passes on what was chosen and never guesses; processing rejects
    a flow whose content does not match it."""

    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("Une facture UBL ou CII (.xml), une facture Factur-X (.pdf), ou un lot (.zip, .tar.gz)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,.pdf,.zip,.tar.gz,.gz"}),
    )
    syntax = forms.ChoiceField(
        label=_("Syntaxe du flux"),
        choices=[("", _("— Choisir la syntaxe —")), *FlowSyntax.choices],
        help_text=_("Le format des factures du fichier : toutes les factures d'un lot ont la même syntaxe."),
        error_messages={"required": _("Choisissez la syntaxe du flux (UBL, CII ou Factur-X).")},
    )
    supplier = forms.ModelChoiceField(
        label=_("Structure émettrice"),
        queryset=Structure.objects.none(),
        empty_label=None,
        help_text=_("La structure pour laquelle vous déposez ces factures."),
    )

    def __init__(self, *args: Any, structure_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = portal_max_bytes()
        self.fields["file"].widget.attrs["data-max-bytes"] = str(limit)
        self.fields["file"].widget.attrs["data-too-large"] = str(
            _("Ce fichier dépasse la taille maximale du dépôt sur le portail (%(max)s).") % {"max": filesizeformat(limit)}
        )
        self.fields["syntax"].widget.attrs["data-syntax-by-extension"] = "pdf:%s" % FlowSyntax.E2_FACTURX
        self.structures = list(Structure.objects.filter(pk__in=structure_ids).order_by("name"))
        if len(self.structures) <= 1:
            # One structure: nothing to choose.
            del self.fields["supplier"]
        else:
            self.fields["supplier"].queryset = Structure.objects.filter(pk__in=structure_ids).order_by("name")

    def chosen_supplier(self) -> Structure | None:
        """The structure deposited for (call after validation)."""
        if "supplier" in self.fields:
            return self.cleaned_data["supplier"]
        return self.structures[0] if self.structures else None

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        ext = extension_of(upload.name)
        if not ext:
            raise forms.ValidationError(
                _("Le fichier « %(name)s » n'a pas une extension acceptée : utilisez .xml, .pdf, .zip ou .tar.gz."),
                code="extension",
                params={"name": upload.name},
            )
        limit = portal_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("Le fichier « %(name)s » fait %(size)s : le dépôt sur le portail est limité à %(max)s."),
                code="too_large",
                params={"name": upload.name, "size": filesizeformat(upload.size), "max": filesizeformat(limit)},
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Le fichier « %(name)s » est vide."), code="empty", params={"name": upload.name})
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload, syntax = cleaned.get("file"), cleaned.get("syntax")
        if upload is None or not syntax:
            return cleaned
        # Not a guess: a .pdf can only hold Factur-X and an .xml only UBL or CII, whatever is declared.
        ext = extension_of(upload.name)
        if ext == ".pdf" and syntax != FlowSyntax.E2_FACTURX:
            self.add_error("syntax", forms.ValidationError(
                _("Un fichier PDF ne peut être déposé qu'avec la syntaxe Factur-X (E2)."), code="syntax_pdf"))
        elif ext == ".xml" and syntax == FlowSyntax.E2_FACTURX:
            self.add_error("syntax", forms.ValidationError(
                _("Un fichier XML se dépose avec la syntaxe UBL ou CII (E1), pas Factur-X."), code="syntax_xml"))
        return cleaned


class FlowFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous les états")), *FlowState.choices])
    number = forms.CharField(label=_("Numéro de flux"), required=False, max_length=25)
    date_from = forms.DateField(label=_("Déposé depuis le"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Déposé jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> FlowFilters:
        if not self.is_valid():
            return FlowFilters()
        data = self.cleaned_data
        return FlowFilters(
            state=data["state"] or "", number=data["number"] or "", date_from=data["date_from"], date_to=data["date_to"]
        )
