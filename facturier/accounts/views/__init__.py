"""Portal pages of the accounts app: registration, second factor at login, Mon compte and the
manager's activities. Views parse, check the space, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from facturier.core.errors import DomainError

T = TypeVar("T")


def call_service(request: HttpRequest, form: forms.Form | None, service: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a service; a domain error becomes a form error (or a flash message), never a 500."""
    try:
        return True, service()
    except DomainError as error:
        if form is not None:
            fields = getattr(form, "fields", {})
            for field, message in error.details.items():
                form.add_error(field if field in fields else None, str(message))
            form.add_error(None, str(error))
        else:
            messages.error(request, str(error))
        return False, None


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
