"""« Transverses » reference lists (api.md §6, T4–T9, T12), from the e-invoice code lists where
they exist (currencies, countries, VAT exemption reasons) and from our enums otherwise."""

from __future__ import annotations

from typing import Any

import iso4217
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.request import Request

from facturier.api.serializers import ChorusResponseSerializer, FilterSerializer
from facturier.api.views import ChorusAPIView
from facturier.einvoice import codelists
from facturier.invoices.enums import DepositMode

from .serializers import TopLevelPaginationOutput
from .views import _all_on_one_page


class CodeLangueInput(FilterSerializer):
    codeLangue = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text="FR or EN.")


def currency_label(code: str) -> str | None:
    """The ISO 4217 name of a currency code, None when the code is not one."""
    try:
        return iso4217.Currency(code).currency_name
    except ValueError:
        return None


def _list_output(name: str, list_name: str, fields: dict[str, serializers.Field], paginated: bool = False) -> type:
    item = type(f"{name}Item", (serializers.Serializer,), fields)
    base = TopLevelPaginationOutput if paginated else ChorusResponseSerializer
    return type(f"{name}Output", (base,), {list_name: item(many=True)})


def _char() -> serializers.CharField:
    return serializers.CharField()


class RecupererDevises(ChorusAPIView):
    """Currencies (ISO 4217) accepted by EN 16931 (code list of BT-5)."""

    operation_id = "recupererDevises"
    input_serializer = CodeLangueInput
    output_serializer = _list_output("Devises", "listeDevises", {"codeDevise": _char(), "libelleDevise": _char()})

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        rows = []
        for code in sorted(codelists.currencies()):
            rows.append({"codeDevise": code, "libelleDevise": currency_label(code) or code})
        return {"listeDevises": rows}


class RecupererPays(ChorusAPIView):
    """Countries (ISO 3166-1 alpha-2) accepted by EN 16931 (code list of BT-40/BT-55)."""

    operation_id = "recupererPays"
    input_serializer = CodeLangueInput
    output_serializer = _list_output("Pays", "listePays", {"codePays": _char(), "libellePays": _char()})

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        names = {"FR": "France"}  # the same in French and English: codeLangue changes nothing yet
        return {
            "listePays": [
                {"codePays": code, "libellePays": names.get(code, code)}
                for code in sorted(codelists.countries())
            ]
        }


# French VAT rates (CGI art. 278 to 281 nonies; 8.5 % and 2.1 % in the overseas departments). The
# codes follow the samples of api.md §8.6 (TVA5, TVA20): the rate's integer part.
VAT_RATES = (
    ("TVA0", _("Taux zéro (0 %)"), 0.0),
    ("TVA2", _("Taux particulier (2,1 %)"), 2.1),
    ("TVA5", _("Taux réduit (5,5 %)"), 5.5),
    ("TVA8", _("Taux normal DOM (8,5 %)"), 8.5),
    ("TVA10", _("Taux intermédiaire (10 %)"), 10.0),
    ("TVA20", _("Taux normal (20 %)"), 20.0),
)


class RecupererTauxTva(ChorusAPIView):
    operation_id = "recupererTauxTva"
    input_serializer = CodeLangueInput
    output_serializer = _list_output(
        "TauxTva",
        "listeTauxTva",
        {"codeTauxTva": _char(), "libelleTauxTva": _char(), "valeurTauxTva": serializers.FloatField()},
    )

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "listeTauxTva": [
                {"codeTauxTva": code, "libelleTauxTva": str(label), "valeurTauxTva": value}
                for code, label, value in VAT_RATES
            ]
        }


EXEMPTION_LABELS = {
    "VATEX-EU-AE": _("Autoliquidation"),
    "VATEX-EU-IC": _("Livraison intracommunautaire exonérée"),
    "VATEX-EU-G": _("Exportation hors de l'Union européenne"),
    "VATEX-EU-O": _("Hors du champ d'application de la TVA"),
    "VATEX-EU-D": _("Régime particulier des agences de voyage"),
    "VATEX-EU-F": _("Régime particulier des biens d'occasion"),
    "VATEX-EU-I": _("Régime particulier des objets d'art"),
    "VATEX-EU-J": _("Régime particulier des objets de collection et d'antiquité"),
    "VATEX-FR-FRANCHISE": _("Franchise en base de TVA"),
}


class RecupererMotifsExonerationTva(ChorusAPIView):
    """VAT exemption reasons: the VATEX code list of EN 16931 (BT-121)."""

    operation_id = "recupererMotifsExonerationTva"
    input_serializer = CodeLangueInput
    output_serializer = _list_output(
        "MotifsExonerationTva",
        "listeMotifsExonerationTva",
        {"codeMotifExonerationTva": _char(), "libelleMotifExonerationTva": _char()},
        paginated=True,
    )

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        page = _all_on_one_page(sorted(codelists.vatex_codes()))
        return {
            "listeMotifsExonerationTva": [
                {"codeMotifExonerationTva": code, "libelleMotifExonerationTva": str(EXEMPTION_LABELS.get(code, code))}
                for code in page.items
            ],
            **page.response_fields(),
        }


class RecupererModesDepot(ChorusAPIView):
    operation_id = "recupererModesDepot"
    output_serializer = _list_output("ModesDepot", "listeModeDepot", {"modeDepot": _char()}, paginated=True)

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        page = _all_on_one_page(DepositMode.values)
        return {"listeModeDepot": [{"modeDepot": value} for value in page.items], **page.response_fields()}


PAYMENT_MODES = ("CHEQUE", "PRELEVEMENT", "VIREMENT", "ESPECE", "AUTRE", "REPORT")


class RecupererModesReglement(ChorusAPIView):
    operation_id = "recupererModesReglement"
    output_serializer = _list_output("ModesReglement", "listeModePaiement", {"modePaiement": _char()})

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        return {"listeModePaiement": [{"modePaiement": value} for value in PAYMENT_MODES]}


FLOW_FORMATS = ("IN_DP_E1_STRUCT", "IN_DP_E2_MIXTE", "IN_DP_E2_FACTURX")


class RecupererFormatFlux(ChorusAPIView):
    operation_id = "recupererFormatFlux"
    output_serializer = _list_output("FormatFlux", "listeFormatFlux", {"formatFlux": _char()}, paginated=True)

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        page = _all_on_one_page(FLOW_FORMATS)
        return {"listeFormatFlux": [{"formatFlux": value} for value in page.items], **page.response_fields()}
