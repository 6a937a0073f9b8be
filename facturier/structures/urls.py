"""Portal routes of the structures app (included from config/urls.py)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "structures"

urlpatterns = [
    path("annuaire/", views.DirectoryView.as_view(), name="directory"),
    path("annuaire/annuaire_destinataires.csv", views.DirectoryCsvView.as_view(), name="directory_csv"),
    path("annuaire/annuaire_destinataires.zip", views.DirectoryZipView.as_view(), name="directory_zip"),
    path(
        "raccordement/comptes-techniques/",
        views.TechnicalAccountListView.as_view(),
        name="technical_accounts",
    ),
    path(
        "raccordement/comptes-techniques/creer/",
        views.TechnicalAccountCreateView.as_view(),
        name="technical_account_create",
    ),
    path(
        "raccordement/comptes-techniques/<int:pk>/mot-de-passe/",
        views.TechnicalAccountResetView.as_view(),
        name="technical_account_reset",
    ),
    path("raccordement/raccordements/", views.ConnectionListView.as_view(), name="connections"),
    path(
        "raccordement/raccordements/declarer/",
        views.ConnectionDeclareView.as_view(),
        name="connection_declare",
    ),
    path(
        "raccordement/raccordements/<int:pk>/<str:decision>/",
        views.ConnectionDecisionView.as_view(),
        name="connection_decision",
    ),
    path("raccordement/developpeur/", views.ApplicationListView.as_view(), name="applications"),
    path("gestionnaire/structures/", views.ManagedStructureListView.as_view(), name="manage_list"),
    path("gestionnaire/structures/<int:pk>/", views.ManagedStructureView.as_view(), name="manage_detail"),
    path(
        "gestionnaire/structures/<int:pk>/services/<int:service_pk>/",
        views.ServiceEditView.as_view(),
        name="service_edit",
    ),
    path("gestionnaire/documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document_download"),
]
