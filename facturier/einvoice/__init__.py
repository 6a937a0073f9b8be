"""E-invoice core: EN 16931 model, readers for UBL 2.1, CII D16B and Factur-X PDF.

Pure library: imports nothing from Django. Public API:

* :func:`read` / :func:`read_xml` → :class:`ParsedDocument` (format, profile, lxml tree, model);
* :func:`detect` → :class:`Format` from the bytes alone;
* :mod:`.model` (dataclasses keyed by BT/BG ids) and :mod:`.values` (located values);
* :class:`Limits` (resource caps) and the :class:`EInvoiceError` hierarchy in :mod:`.errors`.
"""

from .detect import Format, Profile, detect, profile_of
from .errors import (
    EInvoiceError,
    ErrorCode,
    ForbiddenConstructError,
    LimitExceededError,
    NoEmbeddedInvoiceError,
    NotWellFormedError,
    PdfUnreadableError,
    UnsupportedFormatError,
)
from .model import Invoice
from .readers import ParsedDocument, PdfInfo, read, read_xml
from .security import DEFAULT_LIMITS, Limits

__all__ = [
    "DEFAULT_LIMITS",
    "EInvoiceError",
    "ErrorCode",
    "ForbiddenConstructError",
    "Format",
    "Invoice",
    "LimitExceededError",
    "Limits",
    "NoEmbeddedInvoiceError",
    "NotWellFormedError",
    "ParsedDocument",
    "PdfInfo",
    "PdfUnreadableError",
    "Profile",
    "UnsupportedFormatError",
    "detect",
    "profile_of",
    "read",
    "read_xml",
]
