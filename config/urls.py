from django.urls import include, path

urlpatterns = [
    path("", include("facturier.api.urls")),
    path("", include("facturier.portal.urls")),
    path("", include("facturier.structures.urls")),
    path("", include("facturier.accounts.urls")),
    path("", include("facturier.flows.portal.urls")),
    path("", include("facturier.invoices.portal.urls")),
]

handler403 = "facturier.portal.views.errors.permission_denied"
handler404 = "facturier.portal.views.errors.page_not_found"
handler500 = "facturier.portal.views.errors.server_error"
