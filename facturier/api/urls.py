"""Routes of the API: the token endpoint, the OpenAPI document and its browser, and ``/cpro/``.

``/cpro/<api>/v1/<operation>``: one module per Chorus API (api.md §1). Anything else under
``/cpro/`` reaches ``UnknownOperationView``, a 404 in the envelope, so no HTML error page is ever
served there.
"""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .oauth import TokenView
from .views import UnknownOperationView

app_name = "api"

urlpatterns = [
    # PISTE's token URL, exactly; some clients append a slash, accept it too.
    path("api/oauth/token", TokenView.as_view(), name="token"),
    path("api/oauth/token/", TokenView.as_view()),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path("cpro/transverses/v1/", include("facturier.api.transverses.urls")),
    path("cpro/structures/v1/", include("facturier.api.structures.urls")),
    path("cpro/factures/v1/", include("facturier.api.factures.urls")),
    path("cpro/utilisateurs/v1/", include("facturier.api.utilisateurs.urls")),
    re_path(r"^cpro(?:/.*)?$", UnknownOperationView.as_view(), name="unknown-operation"),
]
