"""Portal routes of invoice entry (included from config/urls.py)."""

from __future__ import annotations

from django.urls import path, re_path

from . import detail, issued, received, validation, validator_fix, views
from . import downloads as download_views
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
    # « Factures émises »: the supplier's follow-up and actions (issued.py).
    path("factures-emises/suivi/", issued.SynthesisView.as_view(), name="issued_synthesis"),
    path("factures-emises/suivi/tableau-de-bord/", issued.DashboardView.as_view(), name="issued_dashboard"),
    path("factures-emises/suivi/recherche/", issued.SearchView.as_view(), name="issued_search"),
    path("factures-emises/suivi/etats.json", issued.StatusesView.as_view(), name="issued_statuses"),
    path("factures-emises/factures/<int:pk>/", issued.DetailView.as_view(), name="issued_detail"),
    path("factures-emises/factures/<int:pk>/recycler/", issued.RecycleView.as_view(), name="issued_recycle"),
    path("factures-emises/factures/<int:pk>/completer/", issued.CompleteView.as_view(), name="issued_complete"),
    path("factures-emises/factures/<int:pk>/acquitter/", issued.AcknowledgeView.as_view(), name="issued_acknowledge"),
    path("factures-emises/factures/<int:pk>/soumettre-de-nouveau/", issued.ResubmitView.as_view(),
         name="issued_resubmit"),
    # The validator: named at entry (autocomplete), corrected by the supplier (validator_fix.py), and
    # « Factures à valider » (validation.py).
    path("factures-emises/annuaire/valideurs.json", validator_fix.ValidatorSearchView.as_view(),
         name="validator_search"),
    path("factures-emises/annuaire/services-valideur.json", validator_fix.ValidatorServicesView.as_view(),
         name="validator_services"),
    path("factures-emises/factures/<int:pk>/valideur/", validator_fix.ValidatorFixView.as_view(), name="validator_fix"),
    path("factures-a-valider/", validation.PendingView.as_view(), name="validation_pending"),
    path("factures-a-valider/traitees/", validation.HandledView.as_view(), name="validation_handled"),
    path("factures-a-valider/pour-information/", validation.InformationView.as_view(), name="validation_information"),
    path("factures-a-valider/factures/<int:pk>/", validation.InvoiceView.as_view(), name="validation_invoice"),
    # « Factures reçues » (received.py) and the invoice files every space links to (detail.py).
    path("factures-recues/", received.SynthesisView.as_view(), name="received_synthesis"),
    path("factures-recues/tableau-de-bord/", received.DashboardView.as_view(), name="received_dashboard"),
    path("factures-recues/recherche/", received.SearchView.as_view(), name="received_search"),
    path("factures-recues/recherche/export.csv", received.ExportView.as_view(), name="received_export"),
    path("factures-recues/factures/<int:pk>/", received.DetailView.as_view(), name="received_detail"),
    path("factures-recues/factures/<int:pk>/traiter/", received.ProcessView.as_view(), name="received_process"),
    path("factures-recues/factures/<int:pk>/transferer/", received.TransferView.as_view(), name="received_transfer"),
    path("factures/<int:pk>/fichier/", detail.InvoiceOriginalFileView.as_view(), name="invoice_file_original"),
    path("factures/<int:pk>/pieces-jointes/<int:attachment>/", detail.InvoiceAttachmentFileView.as_view(),
         name="invoice_file_attachment"),
    # Downloads in the three invoice spaces (downloads.py): tracking slip, one invoice, a selection.
    re_path(rf"^{download_views.SPACE_PATTERN}/factures/(?P<pk>[0-9]+)/bordereau-de-suivi\.pdf$",
            download_views.SlipView.as_view(), name="slip"),
    re_path(rf"^{download_views.SPACE_PATTERN}/factures/(?P<pk>[0-9]+)/telecharger\.pdf$",
            download_views.InvoicePdfView.as_view(), name="invoice_pdf"),
    re_path(rf"^{download_views.SPACE_PATTERN}/factures/telecharger/$",
            download_views.SelectionDownloadView.as_view(), name="download_selection"),
]
