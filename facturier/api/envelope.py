"""The Chorus Pro response envelope (api.md §3.1) and the one place errors are translated to it.

Every ``/cpro/`` answer, errors included, is a JSON object with ``codeRetour`` (int, 0 on success)
and ``libelle`` (``TRA_MSG_00.000`` on success), sent as ``application/json;charset=utf-8``
(PY-OCA crashes on an error without a JSON Content-Type, api.md §3.1). Error answers add a
human-readable ``message`` and, for invalid input, ``erreurs``; clients ignore unknown keys.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import set_rollback

from facturier.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed

from . import errors

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/json;charset=utf-8"
SUCCESS_CODE = 0
SUCCESS_LIBELLE = "TRA_MSG_00.000"


def success(data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Wrap an operation's output in the success envelope.

    An operation may still set its own ``codeRetour``/``libelle`` in ``data``: some functional
    outcomes travel with HTTP 200 and a non-zero code (PASTELL reads ``codeRetour`` 20000 as "no
    result" on the recipient search, api.md §3.1), and those values win.
    """
    return {"codeRetour": SUCCESS_CODE, "libelle": SUCCESS_LIBELLE, **(data or {})}


def error_body(error: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "codeRetour": int(error.chorus_code),
        "libelle": str(error.libelle),
        "message": str(error),
    }
    if error.details:
        body["erreurs"] = error.details
    return body


class ChorusJSONRenderer(JSONRenderer):
    """Compact UTF-8 JSON. The exact Content-Type header is set by the views (see CONTENT_TYPE):
    DRF would write ``application/json; charset=utf-8`` with a space."""

    media_type = "application/json"
    format = "json"
    charset = "utf-8"


class ChorusContentNegotiation(BaseContentNegotiation):
    """Always answer JSON, whatever ``Accept`` says (PHP clients send
    ``Accept: application/json;charset=utf-8``; nobody may get a 406), and parse a body without a
    Content-Type as JSON. Any other declared Content-Type is refused with a 415 envelope."""

    def select_renderer(
        self, request: Request, renderers: list[Any], format_suffix: str | None = None
    ) -> Any:
        renderer = renderers[0]
        return renderer, renderer.media_type

    def select_parser(self, request: Request, parsers: list[Any]) -> Any:
        declared = (request.content_type or "").split(";", 1)[0].strip().lower()
        for parser in parsers:
            if not declared or declared == parser.media_type or declared.endswith("+json"):
                return parser
        return None


def as_domain_error(exc: BaseException) -> DomainError | None:
    """Translate a framework exception to the error hierarchy; None for unexpected exceptions."""
    if isinstance(exc, DomainError):
        return exc
    if isinstance(exc, drf.ValidationError):
        return ValidationFailed(details=_plain(exc.detail))
    if isinstance(exc, drf.ParseError):
        return errors.MalformedRequest()
    if isinstance(exc, (drf.NotAuthenticated, drf.AuthenticationFailed)):
        return errors.InvalidToken()
    if isinstance(exc, (drf.PermissionDenied, DjangoPermissionDenied)):
        return PermissionDenied()
    if isinstance(exc, (drf.NotFound, Http404)):
        return NotFound()
    if isinstance(exc, drf.MethodNotAllowed):
        return errors.MethodNotAllowed()
    if isinstance(exc, (drf.UnsupportedMediaType, drf.NotAcceptable)):
        return errors.UnsupportedMediaType()
    if isinstance(exc, drf.Throttled):
        return errors.TooManyRequests()
    if isinstance(exc, drf.APIException):
        error = errors.ApiError(str(exc.detail))
        error.http_status = exc.status_code
        error.chorus_code = exc.status_code
        return error
    return None


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error becomes an envelope with the matching HTTP status.

    An unexpected exception in an API view (``chorus_envelope = True``) is logged with its
    traceback and answered as a 500 envelope; in any other DRF view it propagates as usual.
    """
    error = as_domain_error(exc)
    view = context.get("view")
    if error is None:
        if not getattr(view, "chorus_envelope", False):
            return None
        request = context.get("request")
        logger.exception(
            "Unhandled exception in API operation %s %s",
            getattr(request, "method", "?"),
            getattr(request, "path", "?"),
            exc_info=exc,
        )
        error = errors.InternalError()
    set_rollback()
    headers: dict[str, str] = {}
    www_authenticate = getattr(error, "www_authenticate", None)
    if www_authenticate:
        headers["WWW-Authenticate"] = www_authenticate
    return Response(error_body(error), status=error.http_status, headers=headers, content_type=CONTENT_TYPE)


def _plain(detail: Any) -> Any:
    """DRF ErrorDetail trees as plain JSON values (lists of messages keyed by field)."""
    if isinstance(detail, Mapping):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, (list, tuple)):
        return [_plain(item) for item in detail]
    return str(detail)
