"""Validate an e-invoice: bytes in, a :class:`Report` with one result per layer out.

>>> report = validate(data)                       # native EN 16931 rules
>>> report = validate(data, reference=True)       # the official Schematron instead
>>> report.valid, [layer.layer for layer in report.layers]
(False, [<Layer.XSD: 'xsd'>, <Layer.EN16931: 'en16931'>])
>>> report.to_dict()                              # the stable JSON shape of ``--json``

Layers, in this order, each reported separately:

* ``pdf``: Factur-X only, the PDF/XMP checks of :mod:`.pdfcheck`;
* ``xsd``: the syntax schema (:mod:`.xsd`);
* ``en16931``: the EN 16931 business and syntax-binding rules, natively (:mod:`.rules`) or, with
  ``reference=True``, through the official Schematron (:mod:`.reference`). It runs for every
  profile, also MINIMUM and BASIC WL, which are not EN 16931 by design: the official verdict
  says they fail, and the report stays faithful to it;
* ``cius``: when BT-24 names a CIUS that has native rules (:mod:`.cius`);
* ``platform``: when a :class:`~.platform.PlatformContext` is given.

Input that cannot be read (not well-formed, forbidden construct, over a limit, unsupported
format, PDF without invoice) never raises: the report has ``error`` set and no layers.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .detect import Format, Profile, detect
from .errors import EInvoiceError, ErrorCode
from .findings import Finding, Layer, LayerResult, Severity, Syntax
from .security import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from .platform import PlatformContext
    from .readers import ParsedDocument

log = logging.getLogger(__name__)

__all__ = ["INTERNAL_ERROR", "LANGUAGES", "LAYER_ERROR_RULE", "Report", "ReportError", "paused_gc", "validate"]

INTERNAL_ERROR = "internal_error"
"""Error code of a report whose input made the reader fail unexpectedly (a bug, logged)."""
LAYER_ERROR_RULE = "LAYER-ERROR"
"""Rule id of the fatal finding that replaces a layer that failed unexpectedly (a bug, logged)."""

_REPORTED_FORMATS = frozenset({Format.UBL, Format.CII, Format.FACTURX})
LANGUAGES = ("fr", "en")
"""Languages of every message; the first is the default of the human rendering."""


@dataclass(frozen=True, slots=True)
class ReportError:
    """Why a document could not be validated: a stable ``code`` and a bilingual message."""

    code: str
    message_fr: str
    message_en: str

    @property
    def message(self) -> dict[str, str]:
        return {"fr": self.message_fr, "en": self.message_en}

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}

    @classmethod
    def from_exception(cls, exc: EInvoiceError) -> ReportError:
        return cls(str(exc.code), exc.message.get("fr", str(exc)), exc.message.get("en", str(exc)))


@dataclass(frozen=True, slots=True)
class Report:
    """The validation of one document.

    ``format`` is ``ubl``, ``cii``, ``facturx`` or ``unknown``; ``profile`` the profile or CIUS
    named by BT-24 (for a PDF whose BT-24 names none, the XMP conformance level), ``unknown``
    otherwise. ``valid`` is true when the document was read and no layer has a fatal finding.
    """

    file: str | None
    format: str
    profile: str
    layers: tuple[LayerResult, ...] = ()
    error: ReportError | None = None
    lang: str = LANGUAGES[0]
    """Default language of :meth:`text` (the JSON shape carries both languages)."""

    @property
    def valid(self) -> bool:
        return self.error is None and all(layer.valid for layer in self.layers)

    def layer(self, name: Layer | str) -> LayerResult | None:
        """The result of one layer, ``None`` when it did not run."""
        for result in self.layers:
            if result.layer == name:
                return result
        return None

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for layer in self.layers for f in layer.findings)

    @property
    def fatal_rules(self) -> frozenset[str]:
        return frozenset(f.rule for f in self.findings if f.severity is Severity.FATAL)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape (``docs/einvoice.md``, "JSON output")."""
        return {
            "file": self.file,
            "format": self.format,
            "profile": self.profile,
            "valid": self.valid,
            "layers": [layer.to_dict() for layer in self.layers],
            "error": self.error.to_dict() if self.error is not None else None,
        }

    def text(self, lang: str | None = None) -> str:
        """A human rendering: the verdict, then each layer and its findings (rule, severity,
        terms, location:line, message) in ``lang`` (default :attr:`lang`)."""
        return _render(self, lang or self.lang)


def _error_report(file: str | None, data: bytes, error: ReportError, no_invoice: bool, lang: str) -> Report:
    # The format is what the bytes claim to be, when it is one we support (a Factur-X PDF whose
    # XML is not well-formed is still reported as facturx); a PDF without invoice is "unknown".
    fmt = Format.UNKNOWN if no_invoice else detect(data)
    shown = fmt.value if fmt in _REPORTED_FORMATS else Format.UNKNOWN.value
    return Report(file=file, format=shown, profile=Profile.UNKNOWN.value, error=error, lang=lang)


_FR_LAYER_ERROR = "La couche de validation %(layer)s n'a pas pu être évaluée sur ce document."
_EN_LAYER_ERROR = "The %(layer)s validation layer could not be evaluated on this document."


def _layer_error(layer: Layer) -> LayerResult:
    return LayerResult(
        layer,
        (
            Finding(
                LAYER_ERROR_RULE,
                Severity.FATAL,
                (),
                "/",
                None,
                _FR_LAYER_ERROR % {"layer": layer.value},
                _EN_LAYER_ERROR % {"layer": layer.value},
            ),
        ),
    )


def _guard(layer: Layer, run: Callable[[], LayerResult | None]) -> LayerResult | None:
    """Run a layer; a bug in it becomes one fatal finding instead of a crash (and is logged)."""
    try:
        return run()
    except Exception:
        log.exception("validation layer %s failed", layer)
        return _layer_error(layer)


def _pdf_layer(doc: ParsedDocument, data: bytes, limits: Limits) -> LayerResult:
    from .pdfcheck import check_pdf

    assert doc.pdf is not None
    spec = doc.invoice.specification_id
    return check_pdf(
        doc.pdf, specification_id=spec.raw if spec is not None else None, data=data, limits=limits
    )


def _xsd_layer(doc: ParsedDocument) -> LayerResult:
    from .xsd import xsd_validate

    return xsd_validate(doc.tree)


def _en16931_native(doc: ParsedDocument) -> LayerResult:
    from .rules.engine import validate_en16931

    return validate_en16931(doc)


def _en16931_reference(doc: ParsedDocument) -> LayerResult:
    # Imported here: saxonche costs about 0.1 s to import, and only reference mode needs it.
    from .reference import reference_validate

    syntax = Syntax.UBL if doc.syntax is Format.UBL else Syntax.CII
    return reference_validate(doc.tree, syntax=syntax)


def _cius_layer(doc: ParsedDocument) -> LayerResult | None:
    try:
        from .cius import validate_cius
    except ImportError as exc:
        # No CIUS package (or one without its entry point yet) in this build: no CIUS layer. An
        # import error from inside the package is a bug and is reported as such.
        if exc.name != __package__ + ".cius":
            raise
        return None
    return validate_cius(doc)


_gc_lock = threading.Lock()
_gc_holders = 0  # validations in progress (any thread) that paused the cyclic GC
_gc_was_enabled = False


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration of one validation.

    A validation allocates one small object per business term and per rule hit, and they all stay
    alive until the report is built: the collector cannot free any of them, yet each of its
    passes traverses them all again. On a 10,000-line invoice that is about a third of the time,
    and it grows faster than the invoice. The objects form no garbage cycles of note, reference
    counting frees them as soon as the caller drops the report, and the input is capped
    (:class:`~.security.Limits`), so memory stays bounded. The collector is paused while at least
    one validation runs (threads share it) and restored to its previous state after the last one.
    """
    global _gc_holders, _gc_was_enabled
    with _gc_lock:
        if _gc_holders == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_was_enabled:
                gc.enable()


def validate(
    data: bytes,
    *,
    file: str | None = None,
    reference: bool = False,
    platform: PlatformContext | None = None,
    limits: Limits = DEFAULT_LIMITS,
    lang: str = LANGUAGES[0],
    document: ParsedDocument | None = None,
) -> Report:
    """Read ``data`` (UBL, CII or Factur-X PDF) and run every applicable layer.

    Args:
        file: the name to report (the CLI passes the path).
        reference: run the official Schematron (saxonche) for the ``en16931`` layer instead of the
            native rules. Slower (milliseconds per invoice rather than tenths), and the oracle
            the native rules are tested against.
        platform: run the platform rules against this context's directory.
        limits: resource caps for reading (:class:`~.security.Limits`).
        lang: default language of :meth:`Report.text` (``fr`` or ``en``); every message is
            produced in both languages whatever this is.
        document: ``read(data, limits=limits)`` when the caller has already read it (a flow
            reads each entry for its routing first): it is validated as it is, not read again.
            The layers only read the document, so the report is the one ``data`` alone gives.

    Never raises for bad input. A reference engine that cannot start (an installation problem,
    :class:`~.reference.ReferenceEngineError`) does raise.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}")
    with paused_gc():
        return _validate(data, file, reference, platform, limits, lang, document)


def _validate(
    data: bytes,
    file: str | None,
    reference: bool,
    platform: PlatformContext | None,
    limits: Limits,
    lang: str,
    document: ParsedDocument | None = None,
) -> Report:
    from .readers import read

    try:
        doc = document if document is not None else read(data, limits=limits)
    except EInvoiceError as exc:
        no_invoice = exc.code is ErrorCode.PDF_NO_INVOICE
        return _error_report(file, data, ReportError.from_exception(exc), no_invoice, lang)
    except Exception:  # a reader bug on hostile input must not take the caller down
        log.exception("reading %s failed unexpectedly", file or "<bytes>")
        error = ReportError(
            INTERNAL_ERROR,
            "Erreur interne lors de la lecture du document ; il n'a pas pu être validé.",
            "Internal error while reading the document; it could not be validated.",
        )
        return _error_report(file, data, error, False, lang)

    results: list[LayerResult | None] = []
    if doc.format is Format.FACTURX and doc.pdf is not None:
        results.append(_guard(Layer.PDF, lambda: _pdf_layer(doc, data, limits)))
    results.append(_guard(Layer.XSD, lambda: _xsd_layer(doc)))
    if reference:
        results.append(_en16931_reference(doc))  # unguarded: an engine failure must show
    else:
        results.append(_guard(Layer.EN16931, lambda: _en16931_native(doc)))
    results.append(_guard(Layer.CIUS, lambda: _cius_layer(doc)))
    if platform is not None:
        from .platform import validate_platform

        results.append(_guard(Layer.PLATFORM, lambda: validate_platform(doc, platform)))
    layers = tuple(r for r in results if r is not None)
    return Report(
        file=file,
        format=doc.format.value,
        profile=doc.profile.value,
        layers=layers,
        lang=lang,
    )


# --- human rendering ------------------------------------------------------------------------------

_WORDS = {
    "fr": {
        "valid": "valide",
        "invalid": "non valide",
        "error": "illisible ou non pris en charge",
        "ok": "aucune anomalie",
        "count": "%(fatal)d bloquante(s), %(warning)d avertissement(s)",
        "fatal": "bloquant",
        "warning": "avertissement",
    },
    "en": {
        "valid": "valid",
        "invalid": "invalid",
        "error": "unreadable or unsupported",
        "ok": "no finding",
        "count": "%(fatal)d fatal, %(warning)d warning(s)",
        "fatal": "fatal",
        "warning": "warning",
    },
}


def _render(report: Report, lang: str) -> str:
    words = _WORDS[lang]
    name = report.file or "-"
    if report.error is not None:
        verdict = words["error"]
    else:
        verdict = words["valid"] if report.valid else words["invalid"]
    out = [f"{name}: {verdict} ({report.format}, {report.profile})"]
    if report.error is not None:
        out.append(f"  {report.error.code}: {report.error.message[lang]}")
    for layer in report.layers:
        fatal = sum(1 for f in layer.findings if f.severity is Severity.FATAL)
        counts = words["count"] % {"fatal": fatal, "warning": len(layer.findings) - fatal}
        summary = counts if layer.findings else words["ok"]
        out.append(f"  [{layer.layer.value}] {summary}")
        for f in layer.findings:
            where = f.location
            if f.line is not None:
                where = f"{where}:{f.line}"
            head = " ".join((f.rule, words[f.severity.value], *f.terms))
            out.append(f"    {head}  {where}")
            out.append(f"      {f.message[lang]}")
    return "\n".join(out)
