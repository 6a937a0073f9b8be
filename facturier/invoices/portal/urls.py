"""Portal routes of invoice entry (included from config/urls.py)."""

from __future__ import annotations

from django.urls import path

from . import views
from .pages import register_pages

app_name = "invoices_portal"

register_pages()

urlpatterns = [
    path("factures-emises/deposer-pdf/", views.PdfDepositView.as_view(), name="pdf_deposit"),
    path("factures-emises/saisir/", views.EntryView.as_view(), name="entry"),
    path("factures-emises/brouillons/", views.DraftListView.as_view(), name="drafts"),
    path("factures-emises/brouillons/<int:pk>/", views.EntryView.as_view(), name="draft"),
    path("factures-emises/brouillons/<int:pk>/pdf/", views.DraftPdfView.as_view(), name="draft_pdf"),
    path("factures-emises/brouillons/<int:pk>/supprimer/", views.DraftDeleteView.as_view(), name="draft_delete"),
    path("factures-emises/factures/<int:pk>/depot/", views.OutcomeView.as_view(), name="outcome"),
    path("factures-emises/factures/<int:pk>/original/", views.OriginalView.as_view(), name="original"),
    path("factures-emises/annuaire/recherche.json", views.DirectorySearchView.as_view(), name="directory_search"),
    path("factures-emises/annuaire/services.json", views.DirectoryServicesView.as_view(), name="directory_services"),
]
