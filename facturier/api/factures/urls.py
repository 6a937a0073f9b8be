"""Routes of the « Factures » API, mounted at `/cpro/factures/v1/` by facturier/api/urls.py.

Add one `path("<operation path>", views.<Operation>.as_view(), name="<operationId>")` per
operation; facturier/api/views.py explains how to write the view.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from . import entry, views

app_name = "factures"

urlpatterns: list[URLPattern] = [
    path("deposer/flux", views.DeposerFluxFacture.as_view(), name="deposerFluxFacture"),
    path("deposer/pdf", entry.DeposerPDFFacture.as_view(), name="deposerPDFFacture"),
    path("soumettre", entry.SoumettreFacture.as_view(), name="soumettreFacture"),
    path(
        "rechercher/fournisseur",
        views.RechercherFactureParFournisseur.as_view(),
        name="rechercherFactureParFournisseur",
    ),
]
