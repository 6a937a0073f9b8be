"""Routes of the « Utilisateurs » API, mounted at `/cpro/utilisateurs/v1/` by facturier/api/urls.py.

One `path("<operation path>", views.<Operation>.as_view(), name="<operationId>")` per operation;
facturier/api/views.py explains how to write the view.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "utilisateurs"

urlpatterns: list[URLPattern] = [
    path(
        "monCompte/recuperer/rattachements",
        views.RecupererRattachementsMonCompteUtilisateur.as_view(),
        name="recupererRattachementsMonCompteUtilisateur",
    ),
]
