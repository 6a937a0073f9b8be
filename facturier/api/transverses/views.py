"""Operations of the « Transverses » API."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from facturier.api.views import ChorusAPIView

from .serializers import HealthCheckOutput

HEALTH_CHECK_BODY = "facturier: API Chorus Pro disponible"


class HealthCheck(ChorusAPIView):
    """Is the API available? Answers like Chorus Pro's health check (a serialised Spring
    ``ResponseEntity``: ``body``, ``statusCode``, ``statusCodeValue``) inside the envelope.

    Like every operation it needs the Bearer token and the ``cpro-account`` header, so a success
    also proves the credentials (and the database behind them) work.
    """

    operation_id = "healthCheck"
    output_serializer = HealthCheckOutput
    http_method_names = ["get", "head"]

    def get(self, request: Request) -> Response:
        return self.respond(
            {"headers": {}, "body": HEALTH_CHECK_BODY, "statusCode": "OK", "statusCodeValue": 200}
        )
