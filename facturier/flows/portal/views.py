"""Flow pages of the portal.

* « Factures émises » → Déposer des fichiers (modification mode): upload, then the flow's page;
* a flow's page, in « Factures émises » and in « Suivi des flux »: its state, a progress bar fed by
  ``etat.json`` while it runs (flow.js), and the result of each file/invoice;
* « Suivi des flux »: the flows of the user's structures, filtered and paginated, with their
  reports (PDF and JSON).

Every lookup is made within ``space_structure_ids()``: another structure's flow answers 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from facturier.core.errors import DomainError
from facturier.flows.models import Channel, Flow
from facturier.flows.report import render_pdf, report_data
from facturier.flows.services import flow_receive
from facturier.portal.access import SpaceViewMixin
from facturier.structures.spaces import Space

from .forms import DepositForm, FlowFilterForm, portal_max_bytes
from .selectors import flow_items, flow_progress, localized, portal_flow_get, portal_flow_list

PAGE_SIZE = 20
# URL names of a flow's pages, per space they are shown in.
FLOW_URLS = {
    Space.FACTURES_EMISES: {"page": "flows:issued_flow", "status": "flows:issued_flow_status",
                            "results": "flows:issued_flow_results"},
    Space.SUIVI_FLUX: {"page": "flows:flow", "status": "flows:flow_status", "results": "flows:flow_results"},
}


class DepositView(SpaceViewMixin, FormView):
    """Upload one structured invoice or a batch; ``flow_receive`` numbers and queues it."""

    space = Space.FACTURES_EMISES
    requires_modification = True
    template_name = "flows/deposit.html"
    form_class = DepositForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["structure_ids"] = self.space_structure_ids()
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update({"title": gettext("Déposer des fichiers"), "max_bytes": portal_max_bytes()})
        return context

    def form_valid(self, form: DepositForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        try:
            flow = flow_receive(
                actor=self.request.user,
                file_name=upload.name,
                syntax=form.cleaned_data["syntax"],
                channel=Channel.PORTAIL,
                # Bytes, not ``fileobj=``: flow_receive leaves its spool file of a stream open
                # (reported to the flows engineer); the portal caps uploads at 30 MB anyway.
                data=upload.read(),
                supplier=form.chosen_supplier(),
                max_bytes=portal_max_bytes(),
            )
        except DomainError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Fichier « %(name)s » reçu : flux n° %(number)s.") % {"name": flow.file_name, "number": flow.number},
        )
        return HttpResponseRedirect(reverse("flows:issued_flow", args=[flow.number]))


class _FlowMixin(SpaceViewMixin):
    """A flow of the space's structures, by its number (``numero`` in the URL), or 404."""

    flow_space: Space = Space.SUIVI_FLUX  # set per URL: the same views serve both spaces

    def get_space(self) -> Space:
        return self.flow_space

    def get_flow(self) -> Flow:
        flow = portal_flow_get(
            actor=self.request.user, structure_ids=self.space_structure_ids(), number=self.kwargs["numero"]
        )
        if flow is None:
            raise Http404(gettext("Ce flux n'existe pas ou ne vous est pas accessible."))
        return flow

    def urls_for(self, flow: Flow) -> dict[str, str]:
        return {key: reverse(name, args=[flow.number]) for key, name in FLOW_URLS[self.flow_space].items()}


def _results_context(flow: Flow) -> dict[str, Any]:
    items = flow_items(flow=flow)
    rows = [
        {
            "item": item,
            "errors": [
                {
                    "rule": error.get("rule", ""),
                    "terms": ", ".join(error.get("terms") or []),
                    "location": error.get("location") or "",
                    "line": error.get("line"),
                    "message": localized(error.get("message")),
                }
                for error in item.errors
            ],
        }
        for item in items
    ]
    technical = [{"code": e.get("code", ""), "message": localized(e.get("message"))} for e in flow.technical_errors]
    return {"flow": flow, "rows": rows, "technical_errors": technical, "progress": flow_progress(flow=flow)}


# The progress line, with placeholders flow.js fills from etat.json.
TEXT_OF = gettext_lazy("%(done)s fichier(s) traité(s) sur %(total)s")
TEXT_DONE = gettext_lazy("%(done)s fichier(s) traité(s)")


class FlowDetailView(_FlowMixin, TemplateView):
    template_name = "flows/flow_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        flow = self.get_flow()
        context.update(_results_context(flow))
        context.update({
            "title": gettext("Flux %(number)s") % {"number": flow.number},
            "urls": self.urls_for(flow),
            "reports": self.flow_space == Space.SUIVI_FLUX,
            "text_of": str(TEXT_OF),
            "text_done": str(TEXT_DONE),
        })
        progress = context["progress"]
        if not flow.is_final:
            template = TEXT_OF if progress.total else TEXT_DONE
            context["progress_text"] = str(template) % {"done": progress.processed, "total": progress.total}
        return context


class FlowResultsView(_FlowMixin, TemplateView):
    """The results fragment alone: flow.js swaps it in when the flow ends."""

    template_name = "flows/_flow_results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(_results_context(self.get_flow()))
        return context


class FlowStatusView(_FlowMixin, View):
    """``etat.json``: the state and the progress of a flow, polled by flow.js."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        flow = self.get_flow()
        progress = flow_progress(flow=flow)
        response = JsonResponse({
            "numero": flow.number,
            "etat": flow.state,
            "libelle": str(flow.get_state_display()),
            "final": flow.is_final,
            "date_etat": date_format(timezone.localtime(flow.state_changed_at), "DATETIME_FORMAT"),
            **progress.as_dict(),
            "resultats": reverse(FLOW_URLS[self.flow_space]["results"], args=[flow.number]),
        })
        response["Cache-Control"] = "no-store"
        return response


class FlowListView(SpaceViewMixin, TemplateView):
    """« Suivi des flux »: the flows of the user's structures in this space."""

    space = Space.SUIVI_FLUX
    template_name = "flows/flow_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = FlowFilterForm(self.request.GET or None)
        flows = portal_flow_list(
            actor=self.request.user, structure_ids=self.space_structure_ids(), filters=form.filters()
        )
        page = Paginator(flows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update({
            "title": gettext("Suivi des flux"),
            "form": form,
            "page_obj": page,
            "flows": page.object_list,
            "query": query.urlencode(),
        })
        return context


class FlowReportView(_FlowMixin, View):
    """The integration report of a flow, as JSON or PDF (in the user's language)."""

    flow_space = Space.SUIVI_FLUX
    kind: str = "json"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        flow = self.get_flow()
        # A running flow has no stored report yet: it is built from what is processed so far.
        data = flow.report or report_data(flow, flow_items(flow=flow))
        if self.kind == "json":
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = f'attachment; filename="compte-rendu-{flow.number}.json"'
            return response
        lang = "en" if (translation.get_language() or "fr").startswith("en") else "fr"
        if lang == "fr" and flow.report and flow.report_pdf:
            with flow.report_pdf.open("rb") as handle:
                pdf = handle.read()
        else:
            pdf = render_pdf(data, lang=lang)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="compte-rendu-{flow.number}.pdf"'
        return response
