"""Routes of the « Transverses » API, mounted at `/cpro/transverses/v1/` by facturier/api/urls.py.

One `path("<operation path>", views.<Operation>.as_view(), name="<operationId>")` per operation;
facturier/api/views.py explains how to write the view.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "transverses"

urlpatterns: list[URLPattern] = [
    path("health-check", views.HealthCheck.as_view(), name="healthCheck"),
]
