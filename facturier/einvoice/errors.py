"""One exception hierarchy for the e-invoice core.

Every error carries a stable machine ``code`` (used by the CLI JSON output and, later, mapped to
the Chorus ``codeRetour`` by the API layer) and a bilingual ``message`` dict ``{"fr": ..., "en": ...}``.
Message templates use ``%(name)s`` placeholders, never f-strings, so that they stay extractable
and translatable.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Stable error codes. Do not rename: clients match on them."""

    UNSUPPORTED_FORMAT = "unsupported_format"
    NOT_WELL_FORMED = "xml_not_well_formed"
    FORBIDDEN_CONSTRUCT = "xml_forbidden_construct"
    LIMIT_EXCEEDED = "limit_exceeded"
    PDF_UNREADABLE = "pdf_unreadable"
    PDF_NO_INVOICE = "pdf_no_invoice"


class EInvoiceError(Exception):
    """Base of every error raised by :mod:`facturier.einvoice`.

    Attributes:
        code: stable machine code (an :class:`ErrorCode` value).
        message: ``{"fr": str, "en": str}``, ready to show to a user.
        params: the values substituted in the message templates (also useful in logs).
    """

    code: ErrorCode = ErrorCode.UNSUPPORTED_FORMAT
    templates: dict[str, str] = {"fr": "Erreur de lecture de la facture.", "en": "Cannot read the invoice."}

    def __init__(self, templates: dict[str, str] | None = None, **params: Any) -> None:
        self.params = params
        tpl = templates or self.templates
        self.message = {lang: text % params if params else text for lang, text in tpl.items()}
        super().__init__(self.message["en"])

    def as_dict(self) -> dict[str, Any]:
        """The shape used by the CLI ``--json`` output: ``{"code": ..., "message": {...}}``."""
        return {"code": str(self.code), "message": dict(self.message)}


class UnsupportedFormatError(EInvoiceError):
    """The input is not one of the supported syntaxes (UBL 2.1, CII D16B, Factur-X/ZUGFeRD 2.x).

    ``params["format"]`` names what was recognised (``zugferd1``, ``fatturapa``, ``orderx``, ``xml``,
    ``unknown``…).
    """

    code = ErrorCode.UNSUPPORTED_FORMAT
    templates = {
        "fr": "Format non pris en charge : %(label)s.",
        "en": "Unsupported format: %(label)s.",
    }


class NotWellFormedError(EInvoiceError):
    """The XML is not well-formed (or its encoding declaration is wrong)."""

    code = ErrorCode.NOT_WELL_FORMED
    templates = {
        "fr": "Le XML n'est pas bien formé (ligne %(line)s) : %(detail)s",
        "en": "The XML is not well-formed (line %(line)s): %(detail)s",
    }


class ForbiddenConstructError(EInvoiceError):
    """The XML uses a construct refused for security reasons (DOCTYPE, entities, XInclude)."""

    code = ErrorCode.FORBIDDEN_CONSTRUCT
    templates = {
        "fr": "Construction XML interdite pour des raisons de sécurité : %(construct)s.",
        "en": "XML construct forbidden for security reasons: %(construct)s.",
    }


class LimitExceededError(EInvoiceError):
    """A configurable cap of :class:`facturier.einvoice.security.Limits` was exceeded.

    ``params["limit"]`` is the name of the ``Limits`` field, ``params["max"]`` its value.
    """

    code = ErrorCode.LIMIT_EXCEEDED
    templates = {
        "fr": "Limite dépassée : %(limit)s (maximum %(max)s).",
        "en": "Limit exceeded: %(limit)s (maximum %(max)s).",
    }

    @property
    def limit(self) -> str:
        return str(self.params["limit"])


class PdfUnreadableError(EInvoiceError):
    """The PDF cannot be parsed, or uses a feature we refuse (encryption, exotic filters)."""

    code = ErrorCode.PDF_UNREADABLE
    templates = {
        "fr": "PDF illisible : %(detail)s",
        "en": "Unreadable PDF: %(detail)s",
    }


class NoEmbeddedInvoiceError(UnsupportedFormatError):
    """A PDF without an embedded Factur-X / ZUGFeRD / XRechnung XML (a plain PDF invoice)."""

    code = ErrorCode.PDF_NO_INVOICE
    templates = {
        "fr": "Le PDF ne contient pas de facture électronique (XML Factur-X) embarquée.",
        "en": "The PDF carries no embedded e-invoice (Factur-X XML).",
    }
