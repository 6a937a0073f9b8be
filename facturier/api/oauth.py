"""The PISTE-style token endpoint, ``POST /api/oauth/token`` (api.md §2.2), on django-oauth-toolkit.

Only the ``client_credentials`` grant, with the client credentials in the form body (every client
does this; HTTP Basic works too since oauthlib accepts it). ``scope`` is optional (GO never sends
it) and defaults to ``openid``. The body goes through Django's form parser, so the non-URL-encoded
body chorus-api builds by string concatenation, under a lower-case ``content-type`` header, reads
like any other.

Answers are always JSON: ``{"access_token", "token_type": "Bearer", "expires_in": 3600,
"scope": "openid"}``, or ``{"error", "error_description"}`` with 400/401. PY-OCA calls
``r.json()`` before looking at the status and oauthlib's 401 has no Content-Type, hence the
normalisation below.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.models import get_access_token_model
from oauth2_provider.signals import app_authorized
from oauth2_provider.views.mixins import OAuthLibMixin

from .envelope import CONTENT_TYPE

GRANT_TYPE = "client_credentials"

ERROR_DESCRIPTIONS = {
    "invalid_client": "Client authentication failed: unknown client_id or wrong client_secret.",
    "invalid_request": "The token request is missing a required parameter or is malformed.",
    "invalid_scope": "The requested scope is not available; send scope=openid or no scope.",
    "unauthorized_client": "This client may not use the client_credentials grant.",
    "unsupported_grant_type": "Only grant_type=client_credentials is supported.",
    "invalid_grant": "The grant is invalid.",
}
DEFAULT_ERROR_DESCRIPTION = "The token request was refused."


def token_error(error: str, status: int, description: str | None = None) -> JsonResponse:
    return _json(
        {"error": error, "error_description": description or ERROR_DESCRIPTIONS.get(error, "")}, status
    )


def _json(payload: dict[str, Any], status: int) -> JsonResponse:
    response = JsonResponse(payload, status=status, content_type=CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


@method_decorator(csrf_exempt, name="dispatch")
class TokenView(OAuthLibMixin, View):
    http_method_names = ["post"]

    @method_decorator(sensitive_post_parameters("client_secret"))
    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("grant_type") != GRANT_TYPE:
            return token_error("unsupported_grant_type", 400)
        _uri, headers, body, status = self.create_token_response(request)
        try:
            payload = json.loads(body or "{}")
        except ValueError:
            payload = {}
        if status == 200:
            self._signal_authorized(request, payload.get("access_token"))
        else:
            error = str(payload.get("error") or "invalid_request")
            payload = {
                **payload,
                "error": error,
                "error_description": payload.get("error_description")
                or ERROR_DESCRIPTIONS.get(error, DEFAULT_ERROR_DESCRIPTION),
            }
        response = _json(payload, status)
        for name, value in headers.items():
            if name.lower() != "content-type":
                response[name] = value
        return response

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = token_error("invalid_request", 405, "The token endpoint only accepts POST.")
        response["Allow"] = "POST"
        return response

    def _signal_authorized(self, request: HttpRequest, access_token: str | None) -> None:
        # DOT's own TokenView sends this signal; keep it for anything listening (audit, metrics).
        if not access_token:
            return
        checksum = hashlib.sha256(access_token.encode("utf-8")).hexdigest()
        token = get_access_token_model().objects.filter(token_checksum=checksum).first()
        if token is not None:
            app_authorized.send(sender=self, request=request, token=token)
