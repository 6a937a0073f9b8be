"""Routes of the « Transverses » API, mounted at `/cpro/transverses/v1/` by facturier/api/urls.py.

One `path("<operation path>", views.<Operation>.as_view(), name="<operationId>")` per operation;
facturier/api/views.py explains how to write the view.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from . import attachments, flows, lifecycle, references, views

app_name = "transverses"

urlpatterns: list[URLPattern] = [
    path("health-check", views.HealthCheck.as_view(), name="healthCheck"),
    path(
        "recuperer/structures/actives/fournisseur",
        views.RecupererStructuresActivesPourFournisseur.as_view(),
        name="recupererStructuresActivesPourFournisseur",
    ),
    path(
        "recuperer/structures/actives/destinataire",
        views.RecupererStructuresActivesPourDestinataire.as_view(),
        name="recupererStructuresActivesPourDestinataire",
    ),
    path(
        "recuperer/structuresPourUtilisateur",
        views.RecupererStructuresPourUtilisateur.as_view(),
        name="recupererStructuresPourUtilisateur",
    ),
    path(
        "consulter/information/siret",
        views.ConsulterInformationSIRET.as_view(),
        name="consulterInformationSIRET",
    ),
    path(
        "telecharger/annuaire/destinataire",
        views.TelechargerAnnuaireDestinataire.as_view(),
        name="telechargerAnnuaireDestinataire",
    ),
    path("rechercher/destinataire", views.RechercherDestinataire.as_view(), name="rechercherDestinataire"),
    path(
        "rechercher/serviceexecutant",
        views.RechercherServiceExecutant.as_view(),
        name="rechercherServiceExecutant",
    ),
    path(
        "recuperer/coordbanc/valides",
        views.RecupererCoordonneesBancairesValides.as_view(),
        name="recupererCoordonneesBancairesValides",
    ),
    path(
        "recuperer/typeidentifiant/structure",
        views.RecupererTypeIdentifiantStructure.as_view(),
        name="recupererTypeIdentifiantStructure",
    ),
    path("ajouter/fichier", attachments.AjouterFichierDansSysteme.as_view(), name="ajouterFichierDansSysteme"),
    path("consulterCR", flows.ConsulterCR.as_view(), name="consulterCR"),
    path("consulterCRDetaille", flows.ConsulterCRDetaille.as_view(), name="consulterCRDetaille"),
    path("recuperer/devises", references.RecupererDevises.as_view(), name="recupererDevises"),
    path("recuperer/pays", references.RecupererPays.as_view(), name="recupererPays"),
    path("recuperer/tauxtva", references.RecupererTauxTva.as_view(), name="recupererTauxTva"),
    path(
        "recuperer/motifs/exonerationtva",
        references.RecupererMotifsExonerationTva.as_view(),
        name="recupererMotifsExonerationTva",
    ),
    path("recuperer/modedepot", references.RecupererModesDepot.as_view(), name="recupererModesDepot"),
    path("recuperer/modereglements", references.RecupererModesReglement.as_view(), name="recupererModesReglement"),
    path("recuperer/formatflux", references.RecupererFormatFlux.as_view(), name="recupererFormatFlux"),
    path(
        "recuperer/cadrefacturation", lifecycle.RecupererCadreFacturation.as_view(), name="recupererCadreFacturation"
    ),
    path(
        "recuperer/etat/typedp",
        lifecycle.RecupererEtatParTypeDemandePaiement.as_view(),
        name="recupererEtatParTypeDemandePaiement",
    ),
    path(
        "recuperer/etats/traitement",
        lifecycle.RecupererEtatsPossiblesPourTraitement.as_view(),
        name="recupererEtatsPossiblesPourTraitement",
    ),
    path("recuperer/typedp", lifecycle.RecupererTypeDemandePaiement.as_view(), name="recupererTypeDemandePaiement"),
    path(
        "recuperer/motifs/refus/Facture/AValider",
        lifecycle.RecupererMotifsRefusFactureAValider.as_view(),
        name="recupererMotifsRefusFactureAValider",
    ),
]
