"""OpenAPI description of the Chorus-compatible API (drf-spectacular).

Each ``ChorusAPIView`` documents itself: ``operation_id`` names the operation, the input and
output serializers give the bodies, the Chorus API (``/cpro/<api>/v1/…``) gives the tag, and every
operation lists the error answers, all in the envelope. The two security schemes are required
together (AND): the OAuth2 client-credentials token and the ``cpro-account`` header.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from .serializers import ChorusErrorSerializer

OAUTH2_SCHEME = "pisteOAuth2"
ACCOUNT_SCHEME = "cproAccount"
TOKEN_URL = "/api/oauth/token"

ERROR_RESPONSES = {
    400: "Requête mal formulée (JSON invalide) ou paramètres invalides.",
    401: "Problème d'authentification : jeton absent/expiré, ou cpro-account absent/incorrect "
    '(alors avec `WWW-Authenticate: Bearer realm="PISTE",error="Unauthorized",'
    'error_description="login or password incorrects"`).',
    403: "Accès refusé.",
    404: "Objet demandé inexistant.",
    405: "Méthode HTTP non autorisée.",
    415: "Format de la requête non supporté (envoyer application/json).",
    500: "Erreur interne.",
}

_API_OF_PATH = re.compile(r"^/cpro/([^/]+)/")


def _is_operation(view: Any) -> bool:
    from .views import ChorusAPIView

    return isinstance(view, ChorusAPIView)


class ChorusAutoSchema(AutoSchema):
    def get_operation_id(self) -> str:
        if _is_operation(self.view):
            return str(self.view.operation_id)
        return super().get_operation_id()

    def get_tags(self) -> list[str]:
        match = _API_OF_PATH.match(self.path)
        if _is_operation(self.view) and match:
            return [match.group(1)]
        return super().get_tags()

    def get_request_serializer(self) -> Any:
        if _is_operation(self.view):
            return self.view.input_serializer
        return super().get_request_serializer()

    def get_response_serializers(self) -> Any:
        if not _is_operation(self.view):
            return super().get_response_serializers()
        responses: dict[int, Any] = {200: self.view.output_serializer}
        for status, description in ERROR_RESPONSES.items():
            responses[status] = OpenApiResponse(ChorusErrorSerializer, description=description)
        return responses


class ChorusAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "facturier.api.authentication.ChorusAuthentication"
    name = [OAUTH2_SCHEME, ACCOUNT_SCHEME]

    def get_security_requirement(self, auto_schema: AutoSchema) -> dict[str, list[str]]:
        return {OAUTH2_SCHEME: ["openid"], ACCOUNT_SCHEME: []}

    def get_security_definition(self, auto_schema: AutoSchema) -> list[dict[str, Any]]:
        lenient = (
            " This server accepts a call without Authorization when cpro-account is valid "
            "(FACTURIER_API_LENIENT_BEARER)."
            if settings.FACTURIER_API_LENIENT_BEARER
            else ""
        )
        return [
            {
                "type": "oauth2",
                "description": (
                    "PISTE-style OAuth2 client-credentials token: POST the form "
                    "`grant_type=client_credentials&client_id=…&client_secret=…[&scope=openid]` to "
                    f"`{TOKEN_URL}`, then send `Authorization: Bearer <access_token>`.{lenient}"
                ),
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": TOKEN_URL,
                        "scopes": dict(settings.OAUTH2_PROVIDER.get("SCOPES", {"openid": "API access"})),
                    }
                },
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": "cpro-account",
                "description": (
                    "Chorus Pro technical account: base64 of `login:password`, e.g. `bG9naW46cGFzc3dvcmQ=`."
                ),
            },
        ]
