"""« Factures à valider »: the validator's pages (issue 6 §4; domain.md §2.2).

* À valider: the sub-contractors' invoices (A9/A10) waiting for one of the user's structures, at
  A_VALIDER_1 where it is validator 1 (the main contractor) or A_VALIDER_2 where it is validator 2,
  with the deadline (the status date + ``lifecycle.validation_delay()``: 15 days, after which the
  invoice moves on by itself), the days left and the overdue ones highlighted;
* Déjà traitées: the invoices that have left the user's level (validated, refused, wrong
  validator, or moved on after the delay);
* Pour information: co-contractors' invoices (A12) naming a structure of the user as the group's
  representative (informed only);
* an invoice's page (the shared parts of ``detail.py``) with the validator's decision: validate,
  refuse with a motive and a comment, or declare the wrong validator
  (``lifecycle.invoice_validate``, posting the status the user saw as ``expected``).

Seeing needs the space in any mode; deciding needs it in modification mode *for the validator
structure of the invoice's level*. Another structure's invoice answers 404.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from facturier.core.errors import DomainError
from facturier.invoices import lifecycle, selectors
from facturier.invoices.enums import InvoiceStatus, ValidatorAction, ValidatorRefusalMotive
from facturier.invoices.models import Invoice, InvoiceStatusChange
from facturier.invoices.transitions import REASON_MAX
from facturier.portal.access import SpaceViewMixin
from facturier.structures.spaces import Space

from .common import PAGE_SIZE, process_error_message
from .detail import invoice_detail_context

# "Mauvais valideur" is its own decision (ERREUR_VALIDEUR), not a refusal motive here: the supplier
# then names the right validator and the invoice comes back, while a refusal ends the circuit.
REFUSAL_MOTIVES = [(value, label) for value, label in ValidatorRefusalMotive.choices
                   if value != ValidatorRefusalMotive.MAUVAIS_VALIDEUR]
LEVEL_OF = {InvoiceStatus.A_VALIDER_1: 1, InvoiceStatus.A_VALIDER_2: 2}


@dataclass(frozen=True)
class Deadline:
    """When the validator's silence becomes tacit validation (domain.md §2.2)."""

    at: dt.datetime
    days_left: int  # days before ``at``, a day begun counting as one (15 right after the deposit)
    overdue: bool


def validation_deadline(invoice: Invoice, *, now: dt.datetime | None = None) -> Deadline | None:
    """The deadline of an invoice waiting at A_VALIDER_1/2; None at any other status. An overdue
    invoice is still shown as such until the periodic job moves it on."""
    if invoice.status not in LEVEL_OF:
        return None
    return _deadline(invoice, now or timezone.now())


def _deadline(invoice: Invoice, now: dt.datetime) -> Deadline:
    at = invoice.status_changed_at + lifecycle.validation_delay()
    left = (at - now).total_seconds()
    return Deadline(at, max(math.ceil(left / 86400), 0), left < 0)


@dataclass(frozen=True)
class PendingRow:
    invoice: Invoice
    level: int
    deadline: Deadline


@dataclass(frozen=True)
class HandledRow:
    invoice: Invoice
    outcome: InvoiceStatusChange | None  # the latest validation outcome (none for information)


class DecisionForm(forms.Form):
    """The validator's decision: one submit button per action; a refusal needs a motive and a
    comment (the supplier reads them in the history)."""

    action = forms.ChoiceField(choices=ValidatorAction.choices, widget=forms.HiddenInput)
    motive = forms.ChoiceField(label=_("Motif du refus"), required=False,
                               choices=[("", _("— Choisissez un motif —")), *REFUSAL_MOTIVES])
    comment = forms.CharField(
        label=_("Commentaire"), required=False, max_length=REASON_MAX,
        help_text=_("Obligatoire pour un refus (%(max)s caractères au plus) ; transmis au fournisseur.")
        % {"max": REASON_MAX},
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
    )
    expected = forms.CharField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("action") == ValidatorAction.REFUS:
            if not cleaned.get("motive"):
                self.add_error("motive", forms.ValidationError(
                    _("Choisissez le motif du refus."), code="motive_required"))
            if not (cleaned.get("comment") or "").strip():
                self.add_error("comment", forms.ValidationError(
                    _("Expliquez le refus au fournisseur."), code="comment_required"))
        return cleaned


class _ValidatorMixin(SpaceViewMixin):
    space = Space.FACTURES_A_VALIDER

    def get_invoice(self) -> Invoice:
        """An invoice one of the user's structures validates (or, A12, represents): 404 otherwise."""
        invoice = (
            selectors.invoice_list_to_validate(actor=self.request.user)
            .select_related("validator1_service", "validator2_service")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if invoice is None:
            raise Http404(gettext("Cette facture n'existe pas ou ne vous est pas accessible."))
        return invoice

    def can_decide(self, invoice: Invoice) -> bool:
        """The invoice waits for a structure the user holds in modification mode."""
        return selectors.invoice_list_pending_validation(actor=self.request.user, modification=True).filter(
            pk=invoice.pk).exists()


class _ListView(_ValidatorMixin, TemplateView):
    """One tab of the space. Each subclass gives ``invoices()`` (the tab's queryset) and
    ``rows(invoices)`` (what the template shows for one page of them)."""

    template_name = "invoices/validation/list.html"
    tab: str = "pending"
    title: Any = ""
    invoices: Callable[[], QuerySet[Invoice]]
    rows: Callable[[list[Invoice]], list[Any]]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = Paginator(self.invoices(), PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update({
            "title": self.title, "tab": self.tab, "page_obj": page, "rows": self.rows(list(page.object_list)),
            "can_modify": bool(self.space_structure_ids(modification=True)),
            "delay_days": lifecycle.validation_delay().days,
        })
        return context


class PendingView(_ListView):
    """« À valider »: the nearest deadline first."""

    tab = "pending"
    title = _("Factures à valider")

    def invoices(self) -> QuerySet[Invoice]:
        return selectors.invoice_list_pending_validation(actor=self.request.user)

    def rows(self, invoices: list[Invoice]) -> list[PendingRow]:
        now = timezone.now()
        return [PendingRow(i, LEVEL_OF[i.status], _deadline(i, now)) for i in invoices]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Quick validation from the list, only where the user may decide.
        context["decidable"] = set(
            selectors.invoice_list_pending_validation(actor=self.request.user, modification=True)
            .filter(pk__in=[row.invoice.pk for row in context["rows"]]).values_list("pk", flat=True)
        )
        return context


class HandledView(_ListView):
    """« Déjà traitées »: the latest first, with the outcome at the validator's level."""

    tab = "handled"
    title = _("Factures déjà traitées")

    def invoices(self) -> QuerySet[Invoice]:
        outcomes = InvoiceStatusChange.objects.filter(
            status__in=[*selectors.VALIDATION_OUTCOMES[1], *selectors.VALIDATION_OUTCOMES[2]]
        ).select_related("actor").order_by("at", "pk")
        return selectors.invoice_list_validation_handled(actor=self.request.user).prefetch_related(
            Prefetch("status_changes", queryset=outcomes, to_attr="validation_outcomes"))

    def rows(self, invoices: list[Invoice]) -> list[HandledRow]:
        return [HandledRow(i, i.validation_outcomes[-1] if i.validation_outcomes else None) for i in invoices]


class InformationView(_ListView):
    """« Pour information »: co-contractors' invoices (A12) of which the user's structure is the
    group's representative."""

    tab = "information"
    title = _("Factures pour information")

    def invoices(self) -> QuerySet[Invoice]:
        return selectors.invoice_list_representative(actor=self.request.user)

    def rows(self, invoices: list[Invoice]) -> list[HandledRow]:
        return [HandledRow(i, None) for i in invoices]


class InvoiceView(_ValidatorMixin, TemplateView):
    """An invoice's page in « Factures à valider », with the decision form when it waits for the
    user's structure."""

    template_name = "invoices/validation/invoice.html"

    def page(self, invoice: Invoice, form: DecisionForm | None = None, status: int = 200) -> HttpResponse:
        context = self.get_context_data(invoice=invoice, form=form)
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        invoice = kwargs.pop("invoice", None) or self.get_invoice()
        form = kwargs.pop("form", None)
        context = super().get_context_data(**kwargs)
        context.update(invoice_detail_context(invoice=invoice, actor=self.request.user,
                                              language=self.request.GET.get("rendu")))
        can_decide = self.can_decide(invoice)
        waiting = can_decide or selectors.invoice_list_pending_validation(actor=self.request.user).filter(
            pk=invoice.pk).exists()
        if can_decide and form is None:
            form = DecisionForm(initial={"expected": invoice.status})
        context.update({
            "title": gettext("Facture %(number)s") % {"number": invoice.number},
            "invoice": invoice,
            "level": LEVEL_OF.get(invoice.status),
            "deadline": validation_deadline(invoice),
            "form": form if can_decide else None,
            "waiting_for_you": waiting,
            "delay_days": lifecycle.validation_delay().days,
        })
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """The decision (the buttons of the page, and « Valider » in the list)."""
        invoice = self.get_invoice()
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self.page(invoice, form, status=400)
        data = form.cleaned_data
        action, expected = ValidatorAction(data["action"]), data["expected"]
        # The validator of the level the user saw, in modification mode (a stale level is the
        # service's business: it answers that the status changed).
        deciding = invoice.validator2_id if LEVEL_OF.get(expected) == 2 else invoice.validator1_id
        if deciding not in self.space_structure_ids(modification=True):
            raise PermissionDenied
        motive = data.get("motive") or (
            ValidatorRefusalMotive.MAUVAIS_VALIDEUR if action == ValidatorAction.ERREUR_VALIDEUR else "")
        try:
            moved = lifecycle.invoice_validate(
                actor=request.user, invoice=invoice, action=action, comment=data.get("comment", ""),
                motive=motive, expected=expected,
            )
        except DomainError as error:
            messages.error(request, process_error_message(error, expected=expected))
            return HttpResponseRedirect(reverse("invoices_portal:validation_invoice", args=[invoice.pk]))
        messages.success(request, DONE_MESSAGES[action] % {
            "number": moved.number, "status": moved.get_status_display()})
        return HttpResponseRedirect(reverse("invoices_portal:validation_pending"))


DONE_MESSAGES = {
    ValidatorAction.VALIDATION: _("Facture %(number)s validée : elle est maintenant « %(status)s »."),
    ValidatorAction.REFUS: _("Facture %(number)s refusée : le fournisseur en est informé avec votre motif."),
    ValidatorAction.ERREUR_VALIDEUR: _(
        "Facture %(number)s renvoyée au fournisseur : il doit désigner le bon valideur."),
}
