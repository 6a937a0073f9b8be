"""Secure headers Django 5.2 does not set by itself: a strict Content-Security-Policy and a
Permissions-Policy. They apply everywhere, the API's OpenAPI browser (/api/docs/) included: its
Swagger UI assets are self-hosted and it has no inline script or style (facturier/api/templates)."""

from __future__ import annotations

from typing import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", _PERMISSIONS_POLICY)
        return response
