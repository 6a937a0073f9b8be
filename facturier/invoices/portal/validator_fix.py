"""The supplier's side of the validator (« Factures émises », modification mode):

* correcting a wrong validator: after the validator declared the invoice addressed to the wrong
  validator (ERREUR_FOURNISSEUR_SUR_VALIDEUR, level 1; ERREUR_COTRAITANT_SUR_VALIDEUR, level 2),
  the supplier names the right one (SIRET and optional service, with the directory autocomplete)
  and the invoice goes back to A_VALIDER_1/2 with a fresh deadline
  (``lifecycle.invoice_correct_validator``);
* the validator autocomplete of the entry form and of this page: ``annuaire/valideurs.json?q=``
  (active structures, public or private) and ``annuaire/services-valideur.json?structure=<SIRET>``.

The supplier's invoice page (``issued.py``) links to the correction and is where it comes back.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from facturier.core.errors import DomainError
from facturier.flows.portal.selectors import localized
from facturier.invoices import lifecycle
from facturier.invoices.entry_validator import validator_resolve, validator_structure
from facturier.invoices.enums import InvoiceStatus
from facturier.invoices.models import Invoice
from facturier.invoices.transitions import WRONG_VALIDATOR_LEVEL
from facturier.portal.access import SpaceViewMixin
from facturier.structures.models import Structure
from facturier.structures.spaces import Space

from . import selectors as portal_selectors
from .forms import validator_search_attrs, validator_services_field
from .views import DirectorySearchView

# The statuses a supplier corrects, and the level each one concerns.
CORRECTABLE = WRONG_VALIDATOR_LEVEL  # the statuses « Corriger le valideur » applies to, by level


class ValidatorFixForm(forms.Form):
    validator_identifier = forms.CharField(
        label=_("Nouveau valideur (SIRET)"), max_length=80,
        help_text=_("Tapez un SIRET ou un nom : l'annuaire propose les structures actives."),
        widget=forms.TextInput(attrs=validator_search_attrs("validator")),
    )
    validator_service_code = forms.ChoiceField(label=_("Service du valideur"), required=False)
    expected = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        raw = self.data.get(self.add_prefix("validator_identifier")) if self.is_bound else ""
        self.validator_structure = validator_services_field(self.fields["validator_service_code"], str(raw or ""))


class _IssuedMixin(SpaceViewMixin):
    space = Space.FACTURES_EMISES
    requires_modification = True


class ValidatorFixView(_IssuedMixin, View):
    """« Corriger le valideur » of one issued invoice."""

    template_name = "invoices/validation/validator_fix.html"

    def get_invoice(self) -> Invoice:
        invoice = portal_selectors.issued_invoice_get(structure_ids=self.space_structure_ids(),
                                                      invoice_id=self.kwargs["pk"])
        if invoice is None:
            raise Http404(gettext("Cette facture n'existe pas ou ne vous est pas accessible."))
        return invoice

    def render_page(self, invoice: Invoice, form: ValidatorFixForm | None, status: int = 200) -> HttpResponse:
        level = CORRECTABLE.get(invoice.status)
        declared = invoice.status_changes.filter(status=invoice.status).order_by("-at", "-pk").first() \
            if level else None
        return render(self.request, self.template_name, {
            "title": gettext("Corriger le valideur de la facture %(number)s") % {"number": invoice.number},
            "space": self.space, "invoice": invoice, "level": level, "declared": declared,
            "current_name": getattr(invoice, f"validator{level}_name", "") if level else "",
            "current_identifier": getattr(invoice, f"validator{level}_identifier", "") if level else "",
            "form": form if level else None,
        }, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = self.get_invoice()
        return self.render_page(invoice, ValidatorFixForm(initial={"expected": invoice.status}))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = self.get_invoice()
        form = ValidatorFixForm(request.POST)
        if not form.is_valid():
            return self.render_page(invoice, form, status=400)
        if form.cleaned_data["expected"] != invoice.status:
            form.add_error(None, gettext(
                "Le statut de la facture a changé entre-temps : elle est maintenant « %(current)s ». "
                "Rien n'a été modifié.") % {"current": invoice.get_status_display()})
            return self.render_page(invoice, form, status=409)
        level = CORRECTABLE.get(invoice.status, 1)
        validator, service, findings = validator_resolve(
            identifier=form.cleaned_data["validator_identifier"],
            service_code=form.cleaned_data.get("validator_service_code") or "",
            excluded=(invoice.supplier_id, invoice.recipient_id), supplier_id=invoice.supplier_id, level=level,
        )
        for finding in findings:
            field = "validator_service_code" if finding["location"].endswith("service_code") else "validator_identifier"
            form.add_error(field, f"{finding['rule']} — {localized(finding['message'])}")
        if validator is None or findings:
            return self.render_page(invoice, form, status=400)
        try:
            moved = lifecycle.invoice_correct_validator(
                actor=request.user, invoice=invoice, validator=validator, validator_service=service)
        except DomainError as error:
            form.add_error(None, str(error))
            return self.render_page(invoice, form, status=error.http_status)
        messages.success(request, gettext(
            "Valideur corrigé : la facture %(number)s est de nouveau « %(status)s » chez %(name)s, "
            "qui a %(days)s jours pour la valider.") % {
            "number": moved.number, "status": moved.get_status_display(), "name": validator.name,
            "days": lifecycle.validation_delay().days})
        return HttpResponseRedirect(reverse("invoices_portal:issued_detail", args=[invoice.pk]))


class ValidatorSearchView(DirectorySearchView):
    """``annuaire/valideurs.json?q=``: active structures, public or private, by SIRET (prefix)
    or name."""

    def search(self, query: str) -> list[Structure]:
        return portal_selectors.validator_search(query=query)


class ValidatorServicesView(_IssuedMixin, View):
    """``annuaire/services-valideur.json?structure=<SIRET>``: the structure's active services."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        structure = validator_structure(request.GET.get("structure", ""))
        if structure is None or not structure.is_active:
            return JsonResponse({"structure": None, "services": []}, status=404)
        services = portal_selectors.recipient_services(structure=structure)
        return JsonResponse({
            "structure": {"identifier": structure.identifier, "name": structure.name, "city": structure.city},
            "services": [{"code": s.code, "name": s.name} for s in services],
        })
