"""« Factures reçues »: the recipient's pages (issue 6 §2).

* Synthèse: the invoices to process, newest first, with counts by status;
* Tableau de bord: counts and amounts by status, age of the invoices to process, invoices past the
  legal payment delay;
* Rechercher: every criterion, paginated, and the same query as CSV;
* an invoice's page (rendering, files, history: the shared parts of ``detail.py``), its "Traiter"
  dialog (a page of its own without JavaScript) and the transfer to another service.

The synthesis and the search also process several ticked invoices at once. Every query goes
through ``facturier.invoices.selectors`` (scoped to the user's structures in this space); every
change through ``facturier.invoices.lifecycle``. Seeing needs the space in any mode; processing and
transferring need it in modification mode *for the invoice's recipient structure*.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from facturier.core.errors import DomainError
from facturier.invoices import lifecycle, selectors
from facturier.invoices.enums import InvoiceStatus
from facturier.invoices.errors import (
    IllegalTransition,
    InvoiceNotFound,
    ReasonRequired,
    ReasonTooLong,
    RoutingRefused,
)
from facturier.invoices.models import Invoice
from facturier.invoices.transitions import Mover, allowed_targets
from facturier.portal.access import SpaceViewMixin
from facturier.structures.models import Service, Structure
from facturier.structures.spaces import Space

from . import selectors as portal_selectors
from .common import PAGE_SIZE  # noqa: F401 (the page size of these lists, for the tests)
from .common import page_context, process_error_message, status_label
from .detail import invoice_detail_context
from .forms_received import (
    MOTIVE_REQUIRED,
    RECIPIENT_TARGETS,
    BulkProcessForm,
    ProcessForm,
    SearchForm,
    TransferForm,
)

S = InvoiceStatus


class _ReceivedMixin(SpaceViewMixin):
    space = Space.FACTURES_RECUES

    def get_invoice(self) -> Invoice:
        invoice = selectors.invoice_get_received(actor=self.request.user, invoice_id=self.kwargs["pk"])
        if invoice is None:
            raise Http404(gettext("Cette facture n'existe pas ou ne vous est pas accessible."))
        return invoice

    def get_invoice_to_process(self) -> Invoice:
        """The invoice, when the user holds the space in modification mode for its recipient:
        404 when they do not see it, 403 when they only consult it."""
        invoice = self.get_invoice()
        if not self.can_process(invoice):
            raise PermissionDenied
        return invoice

    def can_process(self, invoice: Invoice) -> bool:
        return invoice.recipient_id in self.space_structure_ids(modification=True)

    def recipient_structures(self) -> list[Structure]:
        return list(Structure.objects.filter(pk__in=self.space_structure_ids(modification=False)).order_by("name"))


# --- processing several invoices at once ---------------------------------------------------------


class _BulkProcessMixin(_ReceivedMixin):
    """The list pages (synthesis, search) post ticked invoices here: each is processed on its own,
    and the page shows what became of each."""

    def bulk_targets(self, invoices: list[Invoice] | None = None) -> list[str]:
        """The statuses offered: those allowed for at least one listed invoice (on a POST: any
        recipient move, each invoice is checked by the lifecycle)."""
        if invoices is None:
            return [str(t) for t in RECIPIENT_TARGETS]
        targets: set[str] = set()
        for invoice in invoices:
            targets |= allowed_targets(mover=Mover.RECIPIENT, invoice=invoice)
        return sorted(targets)

    def bulk_form(self, data: Any = None, invoices: list[Invoice] | None = None) -> BulkProcessForm | None:
        structures = Structure.objects.filter(pk__in=self.space_structure_ids(modification=True))
        if not structures.exists():
            return None
        targets = self.bulk_targets(invoices)
        if not targets:
            return None
        state_service = structures.filter(is_state_service=True).exists()
        return BulkProcessForm(data, targets=targets, state_service=state_service)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.bulk_form(request.POST)
        if form is None:
            raise PermissionDenied
        if not form.is_valid():
            return self.render_list(bulk_form=form, status=400)
        data = form.cleaned_data
        ids: list[int] = list(dict.fromkeys(data["invoices"]))
        to = data["to"]
        visible = dict(
            selectors.invoice_list_received(actor=request.user, modification=True)
            .filter(pk__in=ids).values_list("pk", "recipient__is_state_service")
        )
        state_ids = [pk for pk in ids if visible.get(pk)]
        other_ids = [pk for pk in ids if pk in visible and not visible[pk]]
        motives = data.get("motives") or []
        if to == S.REJETEE and state_ids and not motives:
            form.add_error("motives", MOTIVE_REQUIRED)
            return self.render_list(bulk_form=form, status=400)
        expected = form.expected()
        common = {"actor": request.user, "to": to, "comment": data.get("comment", ""), "expected": expected,
                  "mandate_number": data.get("mandate_number", "")}
        try:
            # Coded motives are a State service's; the others' invoices are processed without them.
            outcomes = lifecycle.invoices_process(invoice_ids=other_ids, **common) if other_ids else []
            if state_ids:
                outcomes += lifecycle.invoices_process(invoice_ids=state_ids, motives=motives, **common)
        except (ReasonRequired, ReasonTooLong) as error:
            form.add_error("comment", str(error))
            return self.render_list(bulk_form=form, status=400)
        by_id = {outcome.invoice_id: outcome for outcome in outcomes}
        rows = []
        for pk in ids:
            outcome = by_id.get(pk)
            if outcome is None:
                rows.append({"id": pk, "number": "", "ok": False, "message": str(InvoiceNotFound())})
            elif outcome.ok:
                rows.append({"id": pk, "number": outcome.number, "ok": True,
                             "message": status_label(outcome.status)})
            else:
                error = outcome.error
                message = process_error_message(error, expected=expected.get(pk)) if error else ""
                rows.append({"id": pk, "number": outcome.number, "ok": False, "message": message})
        done = sum(1 for row in rows if row["ok"])
        return render(request, "invoices/received/bulk_outcome.html", {
            "title": gettext("Traitement de plusieurs factures"), "rows": rows, "done": done,
            "refused": len(rows) - done, "target": status_label(to), "back": request.get_full_path(),
        })

    # Each list page defines ``render_list(*, bulk_form=None, status=200)``: the page again, with
    # the bulk form's errors.

    def list_context(self, invoices: list[Invoice], bulk_form: BulkProcessForm | None) -> dict[str, Any]:
        """What ``_invoice_table.html`` needs besides the page of invoices."""
        if bulk_form is None:
            bulk_form = self.bulk_form(invoices=invoices)
        return {
            "bulk_form": bulk_form,
            "ticked": set(bulk_form.data.getlist("invoices")) if bulk_form and bulk_form.is_bound else set(),
            "several_structures": len(self.space_structure_ids()) > 1,
        }


class SynthesisView(_BulkProcessMixin, TemplateView):
    """« Synthèse »: what waits for the recipient."""

    template_name = "invoices/received/synthesis.html"

    def render_list(self, *, bulk_form: BulkProcessForm | None = None, status: int = 200) -> HttpResponse:
        queryset = selectors.invoice_list_to_process(actor=self.request.user)
        context = self.get_context_data(**page_context(self.request, queryset))
        counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
        context.update({
            "title": gettext("Synthèse des factures reçues"),
            "counts": [(status, status_label(status), counts[status])
                       for status in selectors.received_order(counts)],
            "total": sum(counts.values()),
            **self.list_context(context["invoices"], bulk_form),
        })
        return self.render_to_response(context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_list()


class DashboardView(_ReceivedMixin, TemplateView):
    template_name = "invoices/received/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        dashboard = selectors.received_dashboard(actor=self.request.user)
        largest = max((s.count for s in dashboard.by_status), default=0)
        context.update({
            "title": gettext("Tableau de bord des factures reçues"), "dashboard": dashboard, "largest": largest,
            "largest_age": max((a.count for a in dashboard.ages), default=0),
            "structures": self.recipient_structures(),
        })
        return context


class _SearchMixin(_ReceivedMixin):
    def search_form(self) -> SearchForm:
        structures = self.recipient_structures()
        services = list(Service.objects.filter(structure__in=structures).order_by("structure__name", "code"))
        return SearchForm(self.request.GET or None, structures=structures, services=services,
                          payment_shown=selectors.structures_report_payment(actor=self.request.user))

    def search(self, form: SearchForm) -> Any:
        criteria = form.criteria() if form.is_bound and form.is_valid() else selectors.ReceivedCriteria()
        return selectors.invoice_search_received(actor=self.request.user, criteria=criteria)


class SearchView(_SearchMixin, _BulkProcessMixin, TemplateView):
    """« Rechercher » (GET criteria; an invalid form searches nothing more than the errors say)."""

    template_name = "invoices/received/search.html"

    def render_list(self, *, bulk_form: BulkProcessForm | None = None, status: int = 200) -> HttpResponse:
        form = self.search_form()
        if form.is_bound and not form.is_valid():
            context = self.get_context_data(page_obj=None, invoices=[], query="")
        else:
            context = self.get_context_data(**page_context(self.request, self.search(form)))
        context.update({
            "title": gettext("Rechercher une facture reçue"), "form": form,
            **self.list_context(context["invoices"], bulk_form),
        })
        return self.render_to_response(context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_list()


class _Echo:
    """A file-like object whose ``write`` returns the line: csv.writer → StreamingHttpResponse."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    """A spreadsheet reads a cell starting with = + - @ as a formula: quote it (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


CSV_COLUMNS = (
    ("idFacture", lambda i: i.pk),
    ("numeroFacture", lambda i: i.number),
    ("fournisseur", lambda i: i.supplier_name),
    ("siretFournisseur", lambda i: i.supplier_identifier),
    ("destinataire", lambda i: i.recipient_name),
    ("siretDestinataire", lambda i: i.recipient_identifier),
    ("codeService", lambda i: i.service_code),
    ("numeroEngagement", lambda i: i.commitment_number),
    ("cadreFacturation", lambda i: i.billing_frame),
    ("typeFacture", lambda i: i.type),
    ("dateFacture", lambda i: i.issue_date.isoformat() if i.issue_date else ""),
    ("dateDepot", lambda i: timezone.localtime(i.deposited_at).strftime("%Y-%m-%d %H:%M")),
    ("statut", lambda i: i.status),
    ("libelleStatut", lambda i: i.get_status_display()),
    ("dateStatut", lambda i: timezone.localtime(i.status_changed_at).strftime("%Y-%m-%d %H:%M")),
    ("montantHT", lambda i: i.amount_ht),
    ("montantTVA", lambda i: i.amount_vat),
    ("montantTTC", lambda i: i.amount_ttc),
    ("montantAPayer", lambda i: i.amount_due),
    ("devise", lambda i: i.currency),
    ("telechargee", lambda i: "oui" if i.downloaded_by_recipient else "non"),
)


def _amount_text(value: Any) -> Any:
    return f"{value:.2f}" if value is not None and not isinstance(value, (str, int)) else value


class ExportView(_SearchMixin, View):
    """The search's results as CSV (``;``, UTF-8 with a BOM, amounts with a dot and two decimals,
    codes as the API gives them), streamed: the whole result, not one page."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.search_form()
        if form.is_bound and not form.is_valid():
            messages.error(request, gettext("Corrigez les critères de recherche avant l'export."))
            search = reverse("invoices_portal:received_search")
            return HttpResponseRedirect(f"{search}?{request.GET.urlencode()}")
        invoices = self.search(form)

        def rows() -> Iterator[str]:
            writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
            yield "\ufeff" + writer.writerow([name for name, _get in CSV_COLUMNS])
            for invoice in invoices.iterator(chunk_size=500):
                yield writer.writerow([_cell(_amount_text(get(invoice))) for _name, get in CSV_COLUMNS])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="factures-recues-{stamp}.csv"'
        return response


# --- one invoice ---------------------------------------------------------------------------------


def transfer_services(invoice: Invoice) -> list[Service]:
    """The recipient's services an invoice may be transferred to today (not its own)."""
    services = portal_selectors.recipient_services(structure=invoice.recipient)
    return [s for s in services if s.pk != invoice.service_id]


class DetailView(_ReceivedMixin, TemplateView):
    template_name = "invoices/received/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        invoice = self.get_invoice()
        context.update(invoice_detail_context(invoice=invoice, actor=self.request.user,
                                              language=self.request.GET.get("rendu"), space=self.space))
        can_process = self.can_process(invoice)
        targets = allowed_targets(mover=Mover.RECIPIENT, invoice=invoice) if can_process else frozenset()
        services = transfer_services(invoice) if can_process and invoice.status in lifecycle.TRANSFERABLE else []
        context.update({
            "title": gettext("Facture %(number)s") % {"number": invoice.number},
            "can_process": can_process,
            "process_form": ProcessForm(invoice=invoice, targets=targets) if targets else None,
            "transfer_form": TransferForm(invoice=invoice, services=services) if services else None,
            "next_invoices": list(invoice.next_invoices.filter(recipient_id__in=self.space_structure_ids())),
        })
        return context


class ProcessView(_ReceivedMixin, View):
    """"Traiter": the dialog's form as a page (without JavaScript), and its submission."""

    template_name = "invoices/received/process.html"

    def render_form(self, invoice: Invoice, form: ProcessForm, status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, {
            "title": gettext("Traiter la facture %(number)s") % {"number": invoice.number},
            "invoice": invoice, "process_form": form, "space": self.space,
        }, status=status)

    def targets(self, invoice: Invoice) -> frozenset[str]:
        return allowed_targets(mover=Mover.RECIPIENT, invoice=invoice)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = self.get_invoice_to_process()
        targets = self.targets(invoice)
        if not targets:
            messages.info(request, gettext("Aucun traitement n'est possible au statut « %(status)s ».") % {
                "status": invoice.get_status_display()})
            return HttpResponseRedirect(reverse("invoices_portal:received_detail", args=[invoice.pk]))
        return self.render_form(invoice, ProcessForm(invoice=invoice, targets=targets))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = self.get_invoice_to_process()
        detail = reverse("invoices_portal:received_detail", args=[invoice.pk])
        expected = request.POST.get("expected", "")
        if expected and expected != invoice.status:
            # Checked before the form: the choices offered then no longer match the current status.
            refused = IllegalTransition(current=invoice.status, target=request.POST.get("to", ""))
            messages.error(request, process_error_message(refused, expected=expected))
            return HttpResponseRedirect(detail)
        form = ProcessForm(request.POST, invoice=invoice, targets=self.targets(invoice))
        if not form.is_valid():
            return self.render_form(invoice, form, status=400)
        data = form.cleaned_data
        try:
            moved = lifecycle.invoice_process(
                actor=request.user, invoice=invoice, to=data["to"], comment=data.get("comment", ""),
                expected=data["expected"], mandate_number=data.get("mandate_number", ""),
                motives=data.get("motives") or (),
            )
        except (ReasonRequired, ReasonTooLong) as error:
            form.add_error("comment", str(error))
            return self.render_form(invoice, form, status=400)
        except RoutingRefused as error:
            form.add_error("motives" if "motives" in form.fields else None, str(error))
            return self.render_form(invoice, form, status=400)
        except DomainError as error:
            messages.error(request, process_error_message(error, expected=data["expected"]))
            return HttpResponseRedirect(detail)
        messages.success(request, gettext("Facture %(number)s : statut « %(status)s ».") % {
            "number": moved.number, "status": moved.get_status_display()})
        return HttpResponseRedirect(detail)


class TransferView(_ReceivedMixin, View):
    """Transfer to another service of the recipient structure (an additional event of the
    history; the status does not change and the supplier has nothing to do)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = self.get_invoice_to_process()
        detail = reverse("invoices_portal:received_detail", args=[invoice.pk])
        form = TransferForm(request.POST, invoice=invoice, services=transfer_services(invoice))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(detail)
        service = form.cleaned_data["service"]
        try:
            lifecycle.invoice_transfer(actor=request.user, invoice=invoice, service=service,
                                       comment=form.cleaned_data.get("comment", ""))
        except IllegalTransition as error:
            messages.error(request, gettext(
                "Une facture au statut « %(status)s » ne peut plus être transférée."
            ) % {"status": status_label(str(error.params.get("current", "")))})
            return HttpResponseRedirect(detail)
        except DomainError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(detail)
        messages.success(request, gettext("Facture %(number)s transférée au service %(service)s.") % {
            "number": invoice.number, "service": f"{service.code} — {service.name}"})
        return HttpResponseRedirect(detail)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(reverse("invoices_portal:received_detail", args=[self.kwargs["pk"]]))
