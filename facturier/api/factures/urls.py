"""Routes of the « Factures » API, mounted at `/cpro/factures/v1/` by facturier/api/urls.py.

Add one `path("<operation path>", views.<Operation>.as_view(), name="<operationId>")` per
operation; facturier/api/views.py explains how to write the view.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from . import consult, entry, processing, search, views

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
    path(
        "rechercher/recipiendaire",
        search.RechercherFactureParRecipiendaire.as_view(),
        name="rechercherFactureParRecipiendaire",
    ),
    path("rechercher/valideur", search.RechercherFactureParValideur.as_view(), name="rechercherFactureParValideur"),
    path("rechercher/demandePaiement", search.RechercherDemandePaiement.as_view(), name="rechercherDemandePaiement"),
    path(
        "consulter/fournisseur",
        consult.ConsulterFactureParFournisseur.as_view(),
        name="consulterFactureParFournisseur",
    ),
    path(
        "consulter/recipiendaire",
        consult.ConsulterFactureParRecipiendaire.as_view(),
        name="consulterFactureParRecipiendaire",
    ),
    path("consulter/valideur", consult.ConsulterFactureParValideur.as_view(), name="consulterFactureParValideur"),
    path("consulter/historique", consult.ConsulterHistoriqueFacture.as_view(), name="consulterHistoriqueFacture"),
    path("telecharger/groupe", consult.TelechargerGroupeFacture.as_view(), name="telechargerGroupeFacture"),
    path("traiter/recue", processing.TraiterFactureRecue.as_view(), name="traiterFactureRecue"),
    path("traiter/factureAValider", processing.TraiterFactureAValider.as_view(), name="traiterFactureAValider"),
    path("recycler", processing.RecyclerFacture.as_view(), name="recyclerFacture"),
    path("completer", processing.CompleterFacture.as_view(), name="completerFacture"),
    path(
        "corriger/valideur/facture",
        processing.CorrigerValideurFacture.as_view(),
        name="corrigerValideurFacture",
    ),
    path("traiterRejet", processing.TraiterFacturesRejetees.as_view(), name="traiterFacturesRejetees"),
    path(
        "recuperer/statutsFactureVisibles/valideur",
        processing.RecupererStatutsFactureVisiblesParValideur.as_view(),
        name="recupererStatutsFactureVisiblesParValideur",
    ),
]
