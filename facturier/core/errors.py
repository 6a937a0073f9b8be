"""One error hierarchy for the whole platform.

Domain errors carry a stable ``code``, a translatable message and, for the Chorus-compatible API,
the ``codeRetour``/``libelle`` pair and the HTTP status. The API's exception handler
(``facturier.api.envelope``) and the portal translate them at one place each.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base class. Subclasses set the class attributes; instances may override the message."""

    code: str = "error"
    http_status: int = 400
    chorus_code: int = 20000
    libelle: str = "TRA_MSG_00.001"
    default_message: Any = _("La demande n'a pas pu être traitée.")

    def __init__(self, message: Any = None, *, details: dict[str, Any] | None = None, **params: Any):
        self.message = message if message is not None else self.default_message
        self.details = details or {}
        self.params = params
        super().__init__(str(self.message))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class ValidationFailed(DomainError):
    code = "validation"
    default_message = _("Les données transmises sont invalides.")


class NotFound(DomainError):
    code = "not_found"
    http_status = 404
    chorus_code = 20000
    default_message = _("L'objet demandé n'existe pas.")


class PermissionDenied(DomainError):
    code = "forbidden"
    http_status = 403
    chorus_code = 20001
    default_message = _("Vous n'avez pas les droits nécessaires pour cette action.")


class Conflict(DomainError):
    """A stale or illegal state change: the object moved on since the caller read it."""

    code = "conflict"
    http_status = 409
    chorus_code = 20002
    default_message = _("L'objet a changé d'état entre-temps ; rechargez-le et recommencez.")
