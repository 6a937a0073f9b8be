"""The base class of every Chorus-compatible operation, and the catch-all for unknown ones.

One class per operation (HackSoft style): the subclass declares its input serializer, its output
serializer (for the OpenAPI document) and ``perform()``, which calls one service or selector and
returns a plain dict with the wire names. The base class authenticates the call, validates the
input, adds the envelope and renders JSON with the exact Chorus Content-Type::

    class RechercherStructure(ChorusAPIView):
        operation_id = "rechercherStructure"
        input_serializer = RechercherStructureInput
        output_serializer = RechercherStructureOutput

        def perform(self, request, data):
            page = paginate(structure_search(actor=request.user, **filters), page_request, ...)
            return {"listeStructures": [...], **page.response_fields()}

Errors: raise a ``facturier.core.errors.DomainError`` subclass (from the service, usually); the
exception handler (``facturier.api.envelope``) turns it into the envelope with its HTTP status,
``codeRetour`` and ``libelle``. A field the operation cannot do without: ``require(data, "idFacture")``;
``codeLangue``: ``language(data)`` (``"fr"`` or ``"en"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from facturier.core.errors import ValidationFailed

from .authentication import ChorusAuthentication, IsTechnicalAccount
from .envelope import CONTENT_TYPE, ChorusContentNegotiation, ChorusJSONRenderer, success
from .errors import UnknownOperation
from .serializers import EmptyInputSerializer

REQUIRED = gettext_lazy("Ce champ est obligatoire.")


def require(data: Mapping[str, Any], *names: str) -> None:
    """Chorus input serializers accept every field as optional (clients omit or null them); an
    operation names the ones it cannot do without, all missing ones at once."""
    missing = {name: [str(REQUIRED)] for name in names if not data.get(name)}
    if missing:
        raise ValidationFailed(details=missing)


def language(data: Mapping[str, Any]) -> str:
    """``codeLangue`` (FR, EN) as a Django language code; French unless EN is asked."""
    return "en" if str(data.get("codeLangue") or "").strip().upper() == "EN" else "fr"


class ChorusAPIView(APIView):
    """One Chorus Pro operation: ``POST`` with a JSON object, answered with the envelope.

    Subclasses set:

    * ``operation_id``: the official operation name (``rechercherStructure``), used as the
      OpenAPI operationId;
    * ``input_serializer``: validates the body (see ``facturier.api.serializers`` for the
      "absent values" rules); ``EmptyInputSerializer`` for operations without parameters;
    * ``output_serializer``: a ``ChorusResponseSerializer`` subclass describing the answer;
    * ``perform(request, data)``: one service/selector call; returns the answer's fields.

    An operation served with ``GET`` (only health-check) sets ``http_method_names`` and
    defines ``get``.
    """

    operation_id: ClassVar[str]
    input_serializer: ClassVar[type[BaseSerializer]] = EmptyInputSerializer
    output_serializer: ClassVar[type[BaseSerializer] | None] = None
    # The envelope applies to errors too, including unexpected ones (envelope.exception_handler).
    chorus_envelope: ClassVar[bool] = True

    http_method_names = ["post"]
    authentication_classes = [ChorusAuthentication]
    permission_classes = [IsTechnicalAccount]
    renderer_classes = [ChorusJSONRenderer]
    parser_classes = [JSONParser]
    content_negotiation_class = ChorusContentNegotiation
    metadata_class = None

    def post(self, request: Request) -> Response:
        data = self.validate_input(request)
        return self.respond(self.perform(request, data))

    def perform(self, request: Request, data: dict[str, Any]) -> Mapping[str, Any]:
        # Every concrete operation overrides this; reaching here is a programming error.
        raise ImproperlyConfigured(f"{type(self).__name__} must define perform()")

    def validate_input(self, request: Request) -> dict[str, Any]:
        payload = request.data
        if not isinstance(payload, Mapping):
            raise ValidationFailed(
                details={"non_field_errors": [str(_("Le corps doit être un objet JSON."))]}
            )
        serializer = self.input_serializer(data=payload, context={"request": request, "view": self})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def respond(self, data: Mapping[str, Any] | None, status: int = 200) -> Response:
        return Response(success(data), status=status)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            # Exactly this string: DRF would write "application/json; charset=utf-8".
            response.content_type = CONTENT_TYPE
        return response


class UnknownOperationView(ChorusAPIView):
    """Any path under ``/cpro/`` that no operation claims: a 404 envelope, whatever the method,
    before authentication (the operation list is public in the OpenAPI document anyway)."""

    operation_id = "unknownOperation"
    schema = None  # not an operation: kept out of the OpenAPI document
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options", "trace"]
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []

    @property
    def default_response_headers(self) -> dict[str, str]:
        return {}  # no "Allow": there is nothing here

    def _unknown(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise UnknownOperation()

    get = post = put = patch = delete = head = options = trace = _unknown  # type: ignore[assignment]
