"""Portal routes of flows (included from config/urls.py)."""

from __future__ import annotations

from django.urls import path

from facturier.structures.spaces import Space

from . import views
from .pages import register_pages

app_name = "flows"

register_pages()


def _flow_routes(prefix: str, space: Space, names: dict[str, str]) -> list:
    return [
        path(f"{prefix}flux/<str:numero>/", views.FlowDetailView.as_view(flow_space=space), name=names["page"]),
        path(f"{prefix}flux/<str:numero>/etat.json", views.FlowStatusView.as_view(flow_space=space), name=names["status"]),
        path(f"{prefix}flux/<str:numero>/resultats/", views.FlowResultsView.as_view(flow_space=space),
             name=names["results"]),
    ]


urlpatterns = [
    path("factures-emises/deposer/", views.DepositView.as_view(), name="deposit"),
    *_flow_routes("factures-emises/", Space.FACTURES_EMISES,
                  {"page": "issued_flow", "status": "issued_flow_status", "results": "issued_flow_results"}),
    path("suivi-des-flux/", views.FlowListView.as_view(), name="list"),
    *_flow_routes("suivi-des-flux/", Space.SUIVI_FLUX, {"page": "flow", "status": "flow_status", "results": "flow_results"}),
    path("suivi-des-flux/flux/<str:numero>/compte-rendu.json", views.FlowReportView.as_view(kind="json"),
         name="report_json"),
    path("suivi-des-flux/flux/<str:numero>/compte-rendu.pdf", views.FlowReportView.as_view(kind="pdf"),
         name="report_pdf"),
]
