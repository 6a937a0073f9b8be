"""« Factures émises »: the supplier's follow-up pages (issue 6 §3).

* Synthèse: the invoices waiting for the supplier (to recycle, complete, acknowledge, re-submit, a
  validator to correct), and the acknowledgements overdue (7 days) first;
* Tableau de bord: counts and amounts by status;
* Rechercher: number, recipient, dates, status;
* an invoice's page (rendering, files, history: the shared parts of ``detail.py``) with the
  supplier's actions on it: recycle (A_RECYCLER), complete (SUSPENDUE), acknowledge a rejection or
  suspension, re-submit after a State service's SE/EJ rejection;
* ``suivi/etats.json``: the status changes since a cursor, which ``issued.js`` polls every few
  seconds so that the lists and the invoice page follow the statuses without a reload (gunicorn's
  gthread workers serve the portal: short requests, no long-lived connection).

Queries go through ``facturier.invoices.selectors`` (scoped to the user's structures), changes
through ``facturier.invoices.lifecycle`` and ``facturier.invoices.resubmit``. Seeing needs the
space in any mode; acting needs it in modification mode for the invoice's supplier (403 otherwise;
another structure's invoice is a 404).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext, gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from facturier.core.errors import DomainError
from facturier.invoices import entry, lifecycle, selectors
from facturier.invoices.enums import InvoiceStatus
from facturier.invoices.errors import IllegalTransition, InvoiceRejected, RoutingRefused
from facturier.invoices.models import Invoice
from facturier.invoices.resubmit import invoice_resubmit
from facturier.portal.access import SpaceViewMixin, request_access
from facturier.portal.context_processors import Notice
from facturier.structures.spaces import Space

from . import selectors as portal_selectors
from .common import page_context, status_label
from .detail import invoice_detail_context
from .forms import EntryForm, MultipleFileField
from .validator_fix import CORRECTABLE

S = InvoiceStatus
A = selectors.SupplierAction
POLL_MS = 4000
LIVE_LIMIT = 50  # status changes per answer
# The cursor handed back lags this much behind "now": a status change committed a moment after a
# poll read the table is still seen by the next poll (the page ignores what it already shows).
POLL_OVERLAP = dt.timedelta(seconds=5)

ACTION_LABELS = {
    A.RECYCLE: _("Recycler"), A.COMPLETE: _("Compléter"), A.ACKNOWLEDGE: _("Acquitter"),
    A.RESUBMIT: _("Soumettre de nouveau"), A.CORRECT_VALIDATOR: _("Corriger le valideur"),
}
# The form fields the lifecycle's and the platform rules' refusals name.
FIELD_OF_REFUSAL = {"destinataire": "recipient", "service": "service_code", "engagement": "commitment_number",
                    "commentaire": "comment", "pieceJointeComplementaire": "attachments",
                    "BT-10": "service_code", "BT-13": "commitment_number", "BT-46": "recipient", "BT-47": "recipient"}


def _lang() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def refusal_message(error: DomainError) -> str:
    """An error as the portal says it; a move refused because the status changed meanwhile names
    the status the invoice has now."""
    if isinstance(error, IllegalTransition):
        return gettext("La facture est maintenant au statut « %(status)s » : cette action n'est plus possible.") % {
            "status": status_label(error.params.get("current", ""))}
    return str(error)


def put_errors(form: forms.Form, error: DomainError) -> None:
    """The refusal on the field it names: a platform rule ("FR-PLT-05 : …") or a finding of the
    corrected document (rule, terms, message), else on the form."""
    lang = _lang()
    if isinstance(error, InvoiceRejected):
        for item in error.findings:
            field = next((FIELD_OF_REFUSAL[t] for t in item.get("terms", ()) if t in FIELD_OF_REFUSAL), None)
            form.add_error(field if field in form.fields else None,
                           "%s : %s" % (item.get("rule", ""), item.get("message", {}).get(lang, "")))
        return
    if isinstance(error, RoutingRefused) and error.details:
        for name, items in error.details.items():
            field = FIELD_OF_REFUSAL.get(name)
            for item in items:
                text = "%s : %s" % (item["rule"], item[lang]) if isinstance(item, dict) else str(item)
                form.add_error(field if field in form.fields else None, text)
        return
    field = FIELD_OF_REFUSAL.get(str(error.params.get("field", ""))) if isinstance(error, RoutingRefused) else None
    form.add_error(field if field in form.fields else None, refusal_message(error))


# --- forms -----------------------------------------------------------------------------------------


def _service_choices(identifier: str) -> list[tuple[str, str]]:
    structure = portal_selectors.recipient_by_identifier(identifier=identifier)
    services = portal_selectors.recipient_services(structure=structure) if structure else []
    return [("", str(_("— Aucun service —")))] + [(s.code, f"{s.code} — {s.name}") for s in services]


class _RoutingForm(forms.Form):
    """Service code and commitment number; the recipient's services are offered in a list that
    ``directory.js`` refreshes when the recipient changes (the platform rules check the value)."""

    service_code = forms.CharField(label=_("Service destinataire"), required=False, max_length=100,
                                   widget=forms.Select(attrs={"data-services-url": ""}))
    commitment_number = forms.CharField(label=_("Numéro d'engagement"), max_length=50, required=False,
                                        help_text=_("Bon de commande ou engagement juridique (BT-13)."))

    def __init__(self, *args: Any, recipient: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and "recipient" in self.fields:
            recipient = "".join(str(self.data.get(self.add_prefix("recipient")) or "").split()) or recipient
        widget = self.fields["service_code"].widget
        widget.choices = _service_choices(recipient)
        widget.attrs["data-services-url"] = reverse("invoices_portal:directory_services")
        current = self["service_code"].value()
        if current and all(code != current for code, _label in widget.choices):
            widget.choices.append((current, current))  # a code the directory no longer lists: shown as is


class RecycleForm(_RoutingForm):
    recipient = copy.deepcopy(EntryForm.base_fields["recipient"])
    comment = forms.CharField(label=_("Commentaire"), required=False, max_length=255,
                              widget=forms.Textarea(attrs={"rows": 2, "maxlength": 255}))
    field_order = ("recipient", "service_code", "commitment_number", "comment")


class ResubmitForm(_RoutingForm):
    pass


class CompleteForm(forms.Form):
    attachments = MultipleFileField(label=_("Pièces jointes"), required=False,
                                    help_text=_("Les pièces demandées par le destinataire."))
    comment = forms.CharField(label=_("Commentaire"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("attachments") and not (data.get("comment") or "").strip():
            raise forms.ValidationError(_("Joignez au moins une pièce ou écrivez un commentaire."))
        return data


class SearchForm(forms.Form):
    number = forms.CharField(label=_("Numéro de facture"), required=False, max_length=100)
    recipient = forms.CharField(label=_("Destinataire (SIRET ou nom)"), required=False, max_length=200)
    deposited_from = forms.DateField(label=_("Déposée à partir du"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    deposited_to = forms.DateField(label=_("Déposée jusqu'au"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    issued_from = forms.DateField(label=_("Date de facture à partir du"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    issued_to = forms.DateField(label=_("Date de facture jusqu'au"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.MultipleChoiceField(label=_("Statut"), required=False, choices=S.choices,
                                         widget=forms.SelectMultiple(attrs={"size": 6}))

    def criteria(self) -> selectors.IssuedCriteria:
        data = self.cleaned_data
        return selectors.IssuedCriteria(
            number=data["number"], recipient=data["recipient"], deposited_from=data["deposited_from"],
            deposited_to=data["deposited_to"], issued_from=data["issued_from"], issued_to=data["issued_to"],
            statuses=tuple(data["status"]),
        )


# --- pages -----------------------------------------------------------------------------------------


class _IssuedMixin(SpaceViewMixin):
    space = Space.FACTURES_EMISES

    def get_invoice(self) -> Invoice:
        invoice = selectors.invoice_get_issued(actor=self.request.user, invoice_id=self.kwargs["pk"])
        if invoice is None:
            raise Http404(gettext("Cette facture n'existe pas ou ne vous est pas accessible."))
        return invoice

    def can_act(self, invoice: Invoice) -> bool:
        return invoice.supplier_id in self.space_structure_ids(modification=True)

    def live_context(self, invoices: list[Invoice] | None = None) -> dict[str, Any]:
        """What ``issued.js`` needs: the JSON URL, the first cursor, the poll interval."""
        return {"live": {
            "url": reverse("invoices_portal:issued_statuses"),
            "since": (timezone.now() - POLL_OVERLAP).isoformat(),
            "interval": POLL_MS,
            "ids": ",".join(str(i.pk) for i in invoices) if invoices is not None else "",
        }}


class SynthesisView(_IssuedMixin, TemplateView):
    """« Synthèse »: what waits for the supplier; overdue acknowledgements first."""

    template_name = "invoices/issued/synthesis.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = selectors.invoices_issued_to_act(actor=self.request.user)
        counts = {action: sum(1 for row in rows if action in row.actions) for action in ACTION_LABELS}
        context.update({
            "title": gettext("Synthèse des factures émises"),
            "rows": [{"row": row, "actions": [(a, ACTION_LABELS[a]) for a in row.actions]} for row in rows],
            "overdue": [row for row in rows if row.acknowledgement_overdue],
            "counts": [(ACTION_LABELS[a], n) for a, n in counts.items() if n],
            "modifiable": self.space_structure_ids(modification=True),
            "acknowledgement_days": lifecycle.acknowledgement_delay().days,
            **self.live_context(),
        })
        return context


class DashboardView(_IssuedMixin, TemplateView):
    template_name = "invoices/issued/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        by_status = selectors.status_counts(selectors.invoice_list_issued(actor=self.request.user))
        context.update({
            "title": gettext("Tableau de bord des factures émises"),
            "by_status": by_status,
            "total": sum(s.count for s in by_status),
            "to_act": len(selectors.invoices_issued_to_act(actor=self.request.user)),
            "largest": max((s.count for s in by_status), default=0),
        })
        return context


class SearchView(_IssuedMixin, TemplateView):
    template_name = "invoices/issued/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = SearchForm(self.request.GET or None)
        if form.is_bound and not form.is_valid():
            context.update(page_obj=None, invoices=[], query="")
        else:
            criteria = form.criteria() if form.is_bound else selectors.IssuedCriteria()
            context.update(page_context(
                self.request, selectors.invoice_search_issued(actor=self.request.user, criteria=criteria)))
        context.update({"title": gettext("Rechercher une facture émise"), "form": form,
                        **self.live_context(context["invoices"])})
        return context


class DetailView(_IssuedMixin, TemplateView):
    """An issued invoice: the shared parts, the links to the invoice it re-submits or that
    re-submits it, and the forms of the actions its status allows."""

    template_name = "invoices/issued/detail.html"

    def action_forms(self, invoice: Invoice) -> dict[str, Any]:
        if not self.can_act(invoice):
            return {}
        forms_: dict[str, Any] = {}
        current = {"recipient": invoice.recipient_identifier, "service_code": invoice.service_code,
                   "commitment_number": invoice.commitment_number}
        if invoice.status == S.A_RECYCLER:
            forms_["recycle_form"] = RecycleForm(initial=current, recipient=invoice.recipient_identifier)
        if invoice.status == S.SUSPENDUE:
            forms_["complete_form"] = CompleteForm()
        if lifecycle.resubmittable(invoice):
            forms_["resubmit_form"] = ResubmitForm(initial=current, recipient=invoice.recipient_identifier)
        if lifecycle.acknowledgement_pending(invoice):
            forms_["acknowledge"] = True
        if invoice.status in CORRECTABLE:  # the correction is a page of its own (validator_fix.py)
            forms_["correct_validator_url"] = reverse("invoices_portal:validator_fix", args=[invoice.pk])
        return forms_

    def render_detail(self, invoice: Invoice, status: int = 200, **overrides: Any) -> HttpResponse:
        context = self.get_context_data(invoice_obj=invoice, **overrides)
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        invoice = kwargs.pop("invoice_obj", None) or self.get_invoice()
        overrides = {key: kwargs.pop(key) for key in list(kwargs) if key.endswith("_form")}
        context = super().get_context_data(**kwargs)
        context.update(invoice_detail_context(invoice=invoice, actor=self.request.user,
                                              language=self.request.GET.get("rendu")))
        visible = selectors.invoice_list_issued(actor=self.request.user)
        context.update({
            "title": gettext("Facture %(number)s") % {"number": invoice.number},
            "previous_invoice": visible.filter(pk=invoice.previous_id).first() if invoice.previous_id else None,
            "next_invoices": list(visible.filter(previous=invoice).order_by("pk")),
            "can_act": self.can_act(invoice),
            "overdue": lifecycle.acknowledgement_overdue(invoice=invoice),
            "acknowledgement_days": lifecycle.acknowledgement_delay().days,
            **self.action_forms(invoice), **overrides, **self.live_context([invoice]),
        })
        return context


class _ActionView(DetailView):
    """An action posted from the invoice page: redirect to it when done, show it again with the
    errors (400) when refused."""

    http_method_names = ["post"]

    def get_invoice_to_act(self) -> Invoice:
        invoice = self.get_invoice()
        if not self.can_act(invoice):
            raise PermissionDenied
        return invoice

    def done(self, invoice: Invoice, message: str) -> HttpResponse:
        messages.success(self.request, message)
        return HttpResponseRedirect(reverse("invoices_portal:issued_detail", args=[invoice.pk]))


class RecycleView(_ActionView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = self.get_invoice_to_act()
        form = RecycleForm(request.POST, recipient=invoice.recipient_identifier)
        if form.is_valid():
            data = form.cleaned_data
            routing = lifecycle.Routing(recipient_identifier="".join(data["recipient"].split()),
                                        service_code=data["service_code"], commitment_number=data["commitment_number"])
            try:
                moved = lifecycle.invoice_recycle(actor=request.user, invoice=invoice, routing=routing,
                                                  comment=data["comment"])
            except DomainError as error:
                put_errors(form, error)
            else:
                return self.done(moved, gettext("Facture %(number)s recyclée : %(status)s.") % {
                    "number": moved.number, "status": moved.get_status_display()})
        return self.render_detail(invoice, status=400, recycle_form=form)


class CompleteView(_ActionView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = self.get_invoice_to_act()
        form = CompleteForm(request.POST, request.FILES)
        if form.is_valid() and invoice.status != S.SUSPENDUE:  # before any file is stored
            form.add_error(None, refusal_message(IllegalTransition(current=invoice.status, target=S.COMPLETEE)))
        if form.is_valid():
            try:
                pending = [entry.attachment_pending_add(actor=request.user, name=upload.name, data=upload.read(),
                                                        content_type=upload.content_type or "")
                           for upload in form.cleaned_data["attachments"]]
                moved = lifecycle.invoice_complete(actor=request.user, invoice=invoice, attachments=pending,
                                                   comment=form.cleaned_data["comment"])
            except DomainError as error:
                details = " ".join(str(m) for items in error.details.values() for m in items)
                form.add_error("attachments" if details else None, f"{refusal_message(error)} {details}".strip())
            else:
                return self.done(moved, gettext("Facture %(number)s complétée : %(status)s.") % {
                    "number": moved.number, "status": moved.get_status_display()})
        return self.render_detail(invoice, status=400, complete_form=form)


class ResubmitView(_ActionView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = self.get_invoice_to_act()
        form = ResubmitForm(request.POST, recipient=invoice.recipient_identifier)
        if form.is_valid():
            try:
                new = invoice_resubmit(actor=request.user, invoice=invoice, service_code=form.cleaned_data["service_code"],
                                       commitment_number=form.cleaned_data["commitment_number"])
            except DomainError as error:
                put_errors(form, error)
            else:
                return self.done(new, gettext(
                    "Facture %(number)s soumise de nouveau (identifiant %(id)s) : %(status)s.") % {
                    "number": new.number, "id": new.pk, "status": new.get_status_display()})
        return self.render_detail(invoice, status=400, resubmit_form=form)


class AcknowledgeView(_ActionView):
    """Acknowledge the current rejection or suspension; back to ``next`` (the synthesis) if given."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = self.get_invoice_to_act()
        try:
            lifecycle.invoice_acknowledge(actor=request.user, invoice=invoice)
        except DomainError as error:
            messages.error(request, refusal_message(error))
        else:
            text = gettext("Rejet de la facture %(number)s acquitté.") if invoice.status == S.REJETEE else gettext(
                "Suspension de la facture %(number)s acquittée.")
            messages.success(request, text % {"number": invoice.number})
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            target = reverse("invoices_portal:issued_detail", args=[invoice.pk])
        return HttpResponseRedirect(target)


class StatusesView(_IssuedMixin, View):
    """``suivi/etats.json?since=<ISO 8601>[&ids=1,2]``: the issued invoices whose status changed
    after ``since`` (among ``ids`` if given), and the cursor of the next poll."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        since = parse_datetime(request.GET.get("since", ""))
        try:
            ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.strip()][:200]
        except ValueError:
            ids = None
        if since is None or ids is None:
            return HttpResponseBadRequest("since=<ISO 8601 datetime>&ids=<id,id...>")
        if timezone.is_naive(since):
            since = timezone.make_aware(since, dt.UTC)
        now = timezone.now()
        changed = selectors.invoices_issued_changed(actor=request.user, since=since, invoice_ids=ids, limit=LIVE_LIMIT)
        # A full answer may have left changes out: the next poll goes on from the last one given.
        cursor = changed[-1].status_changed_at if len(changed) == LIVE_LIMIT else now - POLL_OVERLAP
        return JsonResponse({"cursor": cursor.isoformat(), "invoices": [{
            "id": invoice.pk, "number": invoice.number, "status": invoice.status,
            "label": invoice.get_status_display(), "changed_at": invoice.status_changed_at.isoformat(),
            "changed_text": gettext("depuis le %(at)s") % {"at": formats.date_format(
                timezone.localtime(invoice.status_changed_at), "SHORT_DATETIME_FORMAT")},
            "url": reverse("invoices_portal:issued_detail", args=[invoice.pk]),
            "message": gettext("Facture %(number)s : nouveau statut « %(status)s ».") % {
                "number": invoice.number, "status": invoice.get_status_display()},
        } for invoice in changed]}, headers={"Cache-Control": "no-store"})


# --- the acknowledgement notice on every portal page ------------------------------------------------


def acknowledgement_notices(request: HttpRequest) -> list[Notice]:
    """A notice while invoices of the user's structures (« Factures émises » in modification mode)
    wait more than the acknowledgement delay (7 days) for the acknowledgement of their rejection or suspension: one query,
    only for users of the space."""
    ids = request_access(request).structure_ids(Space.FACTURES_EMISES, modification=True)
    if not ids:
        return []
    count = selectors.invoices_acknowledgement_overdue(supplier_ids=ids).count()
    if not count:
        return []
    from django.utils.translation import ngettext

    text = ngettext(
        "%(count)s facture rejetée ou suspendue attend votre acquittement depuis plus de %(days)s jours.",
        "%(count)s factures rejetées ou suspendues attendent votre acquittement depuis plus de %(days)s jours.",
        count,
    ) % {"count": count, "days": lifecycle.acknowledgement_delay().days}
    return [Notice(text=text, url=reverse("invoices_portal:issued_synthesis") + "#acquittements",
                   link_label=gettext("Acquitter"))]
