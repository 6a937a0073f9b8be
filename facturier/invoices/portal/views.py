"""Entry pages of « Factures émises » (modification mode).

* Déposer une facture PDF: upload → ``pdf_prefill`` → a PDF draft whose form is pre-filled;
* Saisir une facture: the full form (``EntryForm`` + ``LineFormSet``); its buttons *Recalculer*
  (server totals, for pages without JavaScript), *Enregistrer le brouillon* and *Envoyer*;
* Mes brouillons: resume, delete;
* an invoice's outcome page (number, status) and its original (the Factur-X of an entry);
* two small JSON endpoints for the recipient autocomplete (directory.js).

A submission calls ``invoice_submit`` once: integrated → the outcome page; rejected → the same
form with each finding on the field it names. Every lookup is scoped to the user's structures in
the space (another user's draft or another structure's invoice answers 404).
"""

from __future__ import annotations

import shutil
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext
from django.views import View
from django.views.generic import FormView, TemplateView

from facturier.core.errors import DomainError
from facturier.invoices import entry
from facturier.invoices.errors import InvoiceRejected
from facturier.portal.access import SpaceViewMixin
from facturier.structures.models import Structure
from facturier.structures.selectors import bank_account_list_valid
from facturier.structures.spaces import Space

from . import adapter, selectors
from .forms import EntryForm, LineFormSet, PdfUploadForm
from .models import InvoiceDraft
from .services import draft_delete, draft_save

LINES_PREFIX = "lines"


def ocr_available() -> bool:
    """Debian's tesseract-ocr is what ``pdf_prefill`` uses for scanned PDFs."""
    return shutil.which("tesseract") is not None


class _EntrySpaceMixin(SpaceViewMixin):
    space = Space.FACTURES_EMISES
    requires_modification = True

    def structures(self) -> list[Structure]:
        return list(Structure.objects.filter(pk__in=self.space_structure_ids()).order_by("name"))

    def get_draft(self) -> InvoiceDraft | None:
        draft_id = self.kwargs.get("pk")
        if draft_id is None:
            return None
        draft = selectors.draft_get(owner=self.request.user, structure_ids=self.space_structure_ids(),
                                    draft_id=draft_id)
        if draft is None:
            raise Http404(gettext("Ce brouillon n'existe pas ou ne vous est pas accessible."))
        return draft


class EntryView(_EntrySpaceMixin, View):
    """« Saisir une facture » (no ``pk``) or a draft (``pk``): an entry, or a PDF deposit."""

    template_name = "invoices/entry.html"

    # --- building the forms ----------------------------------------------------------------

    def default_payload(self) -> dict[str, Any]:
        structures = self.structures()
        payload: dict[str, Any] = {}
        if structures:
            payload["supplier"] = str(structures[0].pk)
            account = bank_account_list_valid(actor=self.request.user, structure_id=structures[0].pk).first()
            if account is not None:
                payload.update(iban=account.iban, bic=account.bic)
        return payload

    def unbound_forms(self, payload: dict[str, Any]) -> tuple[EntryForm, Any]:
        header, lines = adapter.initial_of(payload)
        form = EntryForm(initial=header, structure_ids=self.space_structure_ids())
        formset = LineFormSet(prefix=LINES_PREFIX, initial=lines or None)
        return form, formset

    def bound_forms(self) -> tuple[EntryForm, Any]:
        form = EntryForm(self.request.POST, self.request.FILES, structure_ids=self.space_structure_ids())
        formset = LineFormSet(self.request.POST, prefix=LINES_PREFIX)
        return form, formset

    # --- rendering ---------------------------------------------------------------------------

    def render_page(self, form: EntryForm, formset: Any, draft: InvoiceDraft | None, *,
                    totals: dict[str, Any] | None = None, problems: list[str] | None = None,
                    status: int = 200) -> HttpResponse:
        prefill = (draft.payload.get("_prefill") if draft else None) or {}
        is_pdf = bool(draft and draft.kind == InvoiceDraft.Kind.DEPOT_PDF)
        context = {
            "title": gettext("Déposer une facture PDF") if is_pdf else gettext("Saisir une facture"),
            "space": self.space,
            "form": form,
            "formset": formset,
            "draft": draft,
            "is_pdf": is_pdf,
            "prefill": prefill,
            "prefill_source": adapter.prefill_source_label(prefill.get("source", "")),
            "ocr_available": prefill.get("ocr_available", ocr_available()) if prefill else ocr_available(),
            "totals": totals,
            "problems": problems or [],
            "recipient": form.recipient_structure,
            # entry.js writes its amounts with the page's decimal separator.
            "decimal_separator": formats.get_format("DECIMAL_SEPARATOR"),
        }
        return render(self.request, self.template_name, context, status=status)

    def server_totals(self, form: EntryForm, formset: Any) -> dict[str, Any] | None:
        structures = form.fields["supplier"].queryset
        chosen = str(form["supplier"].value() or "")
        supplier = (structures.filter(pk=int(chosen)).first() if chosen.isdigit() else None) or structures.first()
        if supplier is None:
            return None
        data = adapter.preview_data_of(form, formset, supplier=supplier)
        if data is None:
            return None
        try:
            return entry.entry_preview_totals(data=data)
        except (DomainError, ValueError, ArithmeticError):
            return None

    # --- handlers ----------------------------------------------------------------------------

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        draft = self.get_draft()
        payload = draft.payload if draft is not None else self.default_payload()
        if draft is not None and not payload.get("supplier"):
            payload = {**payload, "supplier": str(draft.supplier_id)}
        form, formset = self.unbound_forms(payload)
        return self.render_page(form, formset, draft)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        draft = self.get_draft()
        form, formset = self.bound_forms()
        action = request.POST.get("action", "submit")
        if action == "save":
            return self.save_draft(form, formset, draft)
        if action == "recalc":
            totals = self.server_totals(form, formset)
            payload = adapter.payload_of(form, formset)
            if draft is not None:
                payload["_prefill"] = draft.payload.get("_prefill")
            unbound_form, unbound_formset = self.unbound_forms(payload)
            return self.render_page(unbound_form, unbound_formset, draft, totals=totals)
        return self.submit(form, formset, draft)

    def save_draft(self, form: EntryForm, formset: Any, draft: InvoiceDraft | None) -> HttpResponse:
        try:
            supplier = form.fields["supplier"].clean(form["supplier"].value())
        except forms.ValidationError:  # the one field a draft needs
            form.add_error("supplier", gettext("Choisissez le fournisseur pour enregistrer le brouillon."))
            return self.render_page(form, formset, draft, status=400)
        payload = adapter.payload_of(form, formset)
        if draft is not None and draft.payload.get("_prefill"):
            payload["_prefill"] = draft.payload["_prefill"]
        draft = draft_save(actor=self.request.user, supplier=supplier, payload=payload, draft=draft)
        messages.success(self.request, gettext("Brouillon enregistré."))
        return HttpResponseRedirect(reverse("invoices_portal:draft", args=[draft.pk]))

    def submit(self, form: EntryForm, formset: Any, draft: InvoiceDraft | None) -> HttpResponse:
        forms_valid = form.is_valid() & formset.is_valid()  # both, so that every error shows
        if not forms_valid:
            return self.render_page(form, formset, draft, totals=self.server_totals(form, formset), status=400)
        data = adapter.entry_data_of(form, formset)
        is_pdf = bool(draft and draft.kind == InvoiceDraft.Kind.DEPOT_PDF)
        attachments = [(upload.name, upload.read()) for upload in form.cleaned_data.get("attachments") or []]
        try:
            invoice = entry.invoice_submit(
                actor=self.request.user, data=data,
                mode="DEPOT_PDF_PORTAIL" if is_pdf else "SAISIE_PORTAIL",
                original_pdf=draft.pdf_bytes() if is_pdf and draft is not None else None,
                attachments=attachments,
            )
        except InvoiceRejected as rejection:
            problems = adapter.apply_findings(form, formset, list(getattr(rejection, "findings", []) or []))
            if draft is not None:  # keep what was typed with the draft
                payload = adapter.payload_of(form, formset)
                payload["_prefill"] = draft.payload.get("_prefill")
                draft_save(actor=self.request.user, supplier=form.cleaned_data["supplier"], payload=payload,
                           draft=draft)
            messages.error(self.request, gettext(
                "La facture est rejetée : corrigez les champs signalés puis envoyez-la de nouveau."))
            return self.render_page(form, formset, draft, totals=self.server_totals(form, formset),
                                    problems=problems, status=400)
        except DomainError as error:
            form.add_error(None, str(error))
            return self.render_page(form, formset, draft, status=400)
        if draft is not None:
            draft_delete(actor=self.request.user, draft=draft)
        messages.success(self.request, gettext("Facture %(number)s intégrée : %(status)s.") % {
            "number": invoice.number, "status": invoice.get_status_display()})
        return HttpResponseRedirect(reverse("invoices_portal:outcome", args=[invoice.pk]))


class PdfDepositView(_EntrySpaceMixin, FormView):
    """Step 1 of « Déposer une facture PDF »: the PDF, read by ``pdf_prefill``, becomes a draft
    whose form is pre-filled (step 2 is ``EntryView`` on that draft)."""

    template_name = "invoices/pdf_upload.html"
    form_class = PdfUploadForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["structure_ids"] = self.space_structure_ids()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update({"title": gettext("Déposer une facture PDF"), "ocr_available": ocr_available()})
        return context

    def form_valid(self, form: PdfUploadForm) -> HttpResponse:
        upload = form.cleaned_data["pdf"]
        pdf = upload.read()
        supplier = form.cleaned_data["supplier"]
        try:
            result = entry.pdf_prefill(pdf=pdf)
        except DomainError as error:
            form.add_error("pdf", str(error))
            return self.form_invalid(form)
        payload = adapter.prefill_payload(result)
        payload["supplier"] = str(supplier.pk)
        if not payload.get("iban"):
            account = bank_account_list_valid(actor=self.request.user, structure_id=supplier.pk).first()
            if account is not None:
                payload.update(iban=account.iban, bic=account.bic)
        draft = draft_save(actor=self.request.user, supplier=supplier, payload=payload,
                           kind=InvoiceDraft.Kind.DEPOT_PDF, pdf=pdf, pdf_name=upload.name)
        return HttpResponseRedirect(reverse("invoices_portal:draft", args=[draft.pk]))


class DraftListView(_EntrySpaceMixin, TemplateView):
    template_name = "invoices/drafts.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        drafts = selectors.draft_list(owner=self.request.user, structure_ids=self.space_structure_ids())
        page = Paginator(drafts, 20).get_page(self.request.GET.get("page"))
        context.update({"title": gettext("Mes brouillons"), "page_obj": page, "drafts": page.object_list})
        return context


class DraftDeleteView(_EntrySpaceMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        draft = self.get_draft()
        assert draft is not None
        title = draft.title
        draft_delete(actor=request.user, draft=draft)
        messages.success(request, gettext("Brouillon « %(title)s » supprimé.") % {"title": title})
        return HttpResponseRedirect(reverse("invoices_portal:drafts"))


class DraftPdfView(_EntrySpaceMixin, View):
    """The PDF of a PDF draft, to read while completing its data."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        draft = self.get_draft()
        if draft is None or not draft.pdf:
            raise Http404
        return FileResponse(draft.pdf.open("rb"), content_type="application/pdf",
                            filename=draft.pdf_name or "facture.pdf")


class _InvoiceMixin(SpaceViewMixin):
    """An invoice issued by one of the user's structures in « Factures émises » (any mode)."""

    space = Space.FACTURES_EMISES

    def get_invoice(self) -> Any:
        invoice = selectors.issued_invoice_get(structure_ids=self.space_structure_ids(), invoice_id=self.kwargs["pk"])
        if invoice is None:
            raise Http404(gettext("Cette facture n'existe pas ou ne vous est pas accessible."))
        return invoice


class OutcomeView(_InvoiceMixin, TemplateView):
    """The outcome of a deposit: the invoice integrated, its number and status."""

    template_name = "invoices/outcome.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        invoice = self.get_invoice()
        context.update({"title": gettext("Facture %(number)s") % {"number": invoice.number}, "invoice": invoice})
        return context


class OriginalView(_InvoiceMixin, View):
    """The invoice's original file (for an entry: the generated Factur-X)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        invoice = self.get_invoice()
        return FileResponse(invoice.original_file.open("rb"), as_attachment=True,
                            filename=invoice.original_name or f"{invoice.number}.pdf")


class DirectorySearchView(_EntrySpaceMixin, View):
    """``annuaire/recherche.json?q=``: active public structures by SIRET (prefix) or name."""

    def search(self, query: str) -> list[Structure]:
        return selectors.recipient_search(query=query)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        structures = self.search(request.GET.get("q", ""))
        return JsonResponse({"results": [
            {"identifier": s.identifier, "name": s.name, "city": s.city, "postal_code": s.postal_code}
            for s in structures
        ]})


class DirectoryServicesView(_EntrySpaceMixin, View):
    """``annuaire/services.json?destinataire=<SIRET>``: the recipient's active services and what
    it requires (service code, commitment number)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        structure = selectors.recipient_by_identifier(identifier=request.GET.get("destinataire", ""))
        if structure is None:
            return JsonResponse({"recipient": None, "services": []}, status=404)
        services = selectors.recipient_services(structure=structure)
        return JsonResponse({
            "recipient": {
                "identifier": structure.identifier, "name": structure.name, "city": structure.city,
                "service_code_required": structure.service_code_required,
                "commitment_required": structure.commitment_required,
            },
            "services": [
                {"code": s.code, "name": s.name, "commitment_required": s.commitment_required} for s in services
            ],
        })
