"""Forms of « Factures reçues »: the search (GET), the "Traiter" dialog for one invoice, the
processing of several invoices at once, and the transfer to another service.

The forms only parse what the user typed; the rules (allowed moves, mandatory reason, State
motives) are the lifecycle services', whose errors the views put on the fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from facturier.invoices.enums import BillingFrame, InvoiceStatus, StateRejectionMotive
from facturier.invoices.models import Invoice
from facturier.invoices.selectors import (
    TO_PROCESS,
    TO_PROCESS_IF_PAYMENT_REPORTED,
    ReceivedCriteria,
    received_order,
)
from facturier.invoices.transitions import REASON_MAX, REASON_REQUIRED, TRANSITIONS, Mover
from facturier.structures.models import Service, Structure

S = InvoiceStatus
RECIPIENT_TARGETS = frozenset(
    target for (_g, mover, _s), row in TRANSITIONS.items() if mover == Mover.RECIPIENT for target in row
)
# Every status a received invoice can have: what the search offers.
RECEIVED_STATUSES = (
    frozenset({S.MISE_A_DISPOSITION, S.MISE_EN_PAIEMENT}) | TO_PROCESS | TO_PROCESS_IF_PAYMENT_REPORTED
    | RECIPIENT_TARGETS
)


def status_choices(statuses: Iterable[str]) -> list[tuple[str, Any]]:
    """Choices in the order of the received invoice's path (``selectors.received_order``)."""
    return [(status, S(status).label) for status in received_order(statuses)]


COMMENT_HELP = _(
    "Transmis au fournisseur. Obligatoire pour Suspendue, Rejetée et À recycler ; %(max)s caractères au plus."
)


class _ProcessFields(forms.Form):
    """The dialog's fields: new status, complement information, mandate number, State motives."""

    comment = forms.CharField(
        # "traiter": the dialog's field, not the supplier's completion event of the same French name.
        label=pgettext_lazy("traiter", "Complément d'information"), required=False, max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_MAX}),
    )
    mandate_number = forms.CharField(
        label=_("Numéro de mandat"), required=False, max_length=50,
        help_text=_("Pour le statut Mandatée : le numéro de la demande de paiement mandatée."),
    )
    motives = forms.MultipleChoiceField(
        label=_("Motifs du rejet (service de l'État)"), required=False, choices=StateRejectionMotive.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Au moins un motif : le fournisseur pourra corriger le code service ou le numéro "
                    "d'engagement et soumettre de nouveau la même facture."),
    )

    def __init__(self, *args: Any, targets: Iterable[str], state_service: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        targets = received_order(targets)
        self.fields["to"] = forms.ChoiceField(
            label=_("Nouveau statut"), choices=status_choices(targets), widget=forms.RadioSelect,
        )
        self.order_fields(["to", "comment", "mandate_number", "motives"])
        self.fields["comment"].help_text = COMMENT_HELP % {"max": REASON_MAX}
        # State services reject with coded motives instead of recycling (issue 6 §2).
        self.state_service = state_service
        if not state_service or S.REJETEE not in targets:
            del self.fields["motives"]
        if S.MANDATEE not in targets:
            del self.fields["mandate_number"]
        # The targets whose motive is mandatory (received.js marks the field required for them).
        self.reason_required = [t for t in targets if t in REASON_REQUIRED]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("motives") and data.get("to") != S.REJETEE:
            data["motives"] = []
        if data.get("to") != S.MANDATEE:
            data["mandate_number"] = ""
        return data


class _IdsField(forms.MultipleChoiceField):
    """The invoices ticked in a list: any ids (the view keeps those the user may process)."""

    def valid_value(self, value: str) -> bool:
        return str(value).isdigit()

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        return [int(v) for v in super().to_python(value) if str(v).isdigit()]

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(_("Cochez au moins une facture."), code="required")


class ProcessForm(_ProcessFields):
    """"Traiter" for one invoice: exactly ``allowed_targets(mover=RECIPIENT, invoice=...)``, and the
    status the user saw (``expected``), so that a status changed meanwhile is a clear message."""

    expected = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, invoice: Invoice, targets: Iterable[str], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("expected", invoice.status)
        super().__init__(*args, targets=targets, state_service=invoice.recipient.is_state_service, **kwargs)
        self.invoice = invoice

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.state_service and data.get("to") == S.REJETEE and not data.get("motives"):
            # A State service's rejection names what was wrong, so that the supplier may re-submit
            # (issue 6 §2; lifecycle.invoice_process).
            self.add_error("motives", MOTIVE_REQUIRED)
        return data


MOTIVE_REQUIRED = _("Cochez au moins un motif du rejet.")


class BulkProcessForm(_ProcessFields):
    """Processing several invoices of the synthesis or the search at once: each is moved if its
    own current status allows the target, and the outcome is shown per invoice. ``state_service``:
    one of the user's structures is a State service (the motives are offered)."""

    invoices = _IdsField(label=_("Factures"))

    def __init__(self, *args: Any, targets: Iterable[str], state_service: bool, **kwargs: Any) -> None:
        super().__init__(*args, targets=targets, state_service=state_service, **kwargs)
        self.order_fields(["invoices", "to", "comment", "mandate_number", "motives"])

    def expected(self) -> dict[int, str]:
        """The status each ticked invoice had on the page (``expected-<id>``)."""
        statuses = {}
        for pk in self.cleaned_data.get("invoices", []):
            value = self.data.get(f"expected-{pk}", "")
            if value:
                statuses[pk] = value
        return statuses



class TransferForm(forms.Form):
    """Move the invoice to another (active) service of the recipient structure."""

    prefix = "transfer"  # its fields share the invoice page with the "Traiter" form's
    service = forms.ModelChoiceField(label=_("Nouveau service"), queryset=Service.objects.none())
    comment = forms.CharField(label=_("Commentaire"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, invoice: Invoice, services: Iterable[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [s.pk for s in services if s.pk != invoice.service_id]
        self.fields["service"].queryset = Service.objects.filter(pk__in=ids).order_by("code")
        self.fields["service"].label_from_instance = lambda s: f"{s.code} — {s.name}"


DOWNLOADED_CHOICES = [("", _("Indifférent")), ("oui", _("Téléchargées")), ("non", _("Non téléchargées"))]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SearchForm(forms.Form):
    """« Rechercher »: every criterion of ``ReceivedCriteria`` (GET, so a search is a link)."""

    supplier = forms.CharField(label=_("Fournisseur (nom ou SIRET)"), required=False, max_length=200)
    number = forms.CharField(label=_("Numéro de facture"), required=False, max_length=100)
    deposited_from = forms.DateField(label=_("Déposée du"), required=False, widget=_date_input())
    deposited_to = forms.DateField(label=_("Déposée au"), required=False, widget=_date_input())
    issued_from = forms.DateField(label=_("Date de facture du"), required=False, widget=_date_input())
    issued_to = forms.DateField(label=_("Date de facture au"), required=False, widget=_date_input())
    amount_min = forms.DecimalField(label=_("Montant TTC minimum"), required=False, max_digits=19,
                                    decimal_places=2, localize=True)
    amount_max = forms.DecimalField(label=_("Montant TTC maximum"), required=False, max_digits=19,
                                    decimal_places=2, localize=True)
    status = forms.MultipleChoiceField(label=_("Statut"), required=False, widget=forms.CheckboxSelectMultiple)
    structure = forms.TypedChoiceField(label=_("Structure destinataire"), required=False, coerce=int,
                                       empty_value=None)
    service = forms.TypedChoiceField(label=_("Service"), required=False, coerce=int, empty_value=None)
    frame = forms.ChoiceField(label=_("Cadre de facturation"), required=False,
                              choices=[("", _("Tous"))] + list(BillingFrame.choices))
    downloaded = forms.ChoiceField(label=_("Téléchargement"), required=False, choices=DOWNLOADED_CHOICES)

    def __init__(self, *args: Any, structures: list[Structure], services: list[Service],
                 payment_shown: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statuses = set(RECEIVED_STATUSES)
        if not payment_shown:
            statuses.discard(S.MISE_EN_PAIEMENT)
        self.fields["status"].choices = status_choices(statuses)
        several = len(structures) > 1
        self.fields["structure"].choices = [("", _("Toutes"))] + [(s.pk, s.name) for s in structures]
        if not several:
            del self.fields["structure"]
        names = {s.pk: s.name for s in structures}
        self.fields["service"].choices = [("", _("Tous"))] + [
            (s.pk, f"{s.code} — {s.name}" + (f" ({names.get(s.structure_id, '')})" if several else ""))
            for s in services
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", _("Le montant maximum est inférieur au minimum."))
        for start, end in (("deposited_from", "deposited_to"), ("issued_from", "issued_to")):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, _("La date de fin précède la date de début."))
        return data

    def criteria(self) -> ReceivedCriteria:
        """The criteria of a valid form (call ``is_valid()`` first)."""
        d = self.cleaned_data
        downloaded = {"oui": True, "non": False}.get(d.get("downloaded") or "")
        return ReceivedCriteria(
            supplier=d.get("supplier") or "", number=d.get("number") or "",
            deposited_from=d.get("deposited_from"), deposited_to=d.get("deposited_to"),
            issued_from=d.get("issued_from"), issued_to=d.get("issued_to"),
            amount_min=d.get("amount_min"), amount_max=d.get("amount_max"),
            statuses=tuple(d.get("status") or ()),
            structure_ids=(d["structure"],) if d.get("structure") else (),
            service_ids=(d["service"],) if d.get("service") else (),
            frames=(d["frame"],) if d.get("frame") else (),
            downloaded=downloaded,
        )
