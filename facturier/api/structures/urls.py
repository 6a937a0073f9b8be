"""Routes of the « Structures » API, mounted at `/cpro/structures/v1/` by facturier/api/urls.py.

One `path("<operation path>", views.<Operation>.as_view(), name="<operationId>")` per operation;
facturier/api/views.py explains how to write the view.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "structures"

urlpatterns: list[URLPattern] = [
    path("rechercher", views.RechercherStructure.as_view(), name="rechercherStructure"),
    path("consulter", views.ConsulterStructure.as_view(), name="consulterStructure"),
    path(
        "rechercher/services", views.RechercherServicesStructure.as_view(), name="rechercherServicesStructure"
    ),
    path("consulter/service", views.ConsulterServiceStructure.as_view(), name="consulterServiceStructure"),
    path(
        "lister/rattachementsutilisateur",
        views.ListerRattachementsStructureUtilisateur.as_view(),
        name="listerRattachementsStructureUtilisateur",
    ),
    path("rechercher/espaces", views.RechercherEspaces.as_view(), name="rechercherEspaces"),
]
