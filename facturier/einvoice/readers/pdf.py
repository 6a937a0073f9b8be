"""Factur-X / ZUGFeRD PDF/A-3: extract the embedded invoice XML and the XMP profile.

Resource bounds (a PDF is the easiest place to hide a decompression bomb):

* the embedded file and the XMP are inflated here with ``zlib.decompressobj`` and ``max_length``
  in 64 KiB steps, checking ``Limits.max_pdf_stream_bytes``, the per-document total
  ``Limits.max_pdf_total_bytes`` and the ``Limits.pdf_time_limit`` deadline at every step, so a
  bomb is refused after at most one step past the cap;
* everything pypdf decodes on its own (object streams, xref streams, other filters) runs under
  ``pypdf.apply_configuration`` with the same per-stream cap;
* name trees are walked with depth and entry caps.
"""

from __future__ import annotations

import io
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from ..detect import Profile, profile_of_xmp
from ..errors import EInvoiceError, LimitExceededError, NoEmbeddedInvoiceError, PdfUnreadableError
from ..security import Limits, parse_xml

# Preferred attachment names, most specific first. ZUGFeRD 1.0 used "ZUGFeRD-invoice.xml": it is
# found too, then refused as ZUGFeRD 1.0 by its root element.
INVOICE_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "order-x.xml")
_CHUNK = 64 * 1024
_MAX_NAME_TREE_DEPTH = 32
_MAX_NAME_TREE_ENTRIES = 10_000


@dataclass(slots=True, kw_only=True)
class PdfInfo:
    """What the PDF layer says about the invoice (the PDF/XMP validation layer builds on it)."""

    attachment_name: str
    """Name of the embedded file the invoice was read from."""
    attachments: list[str] = field(default_factory=list)
    """Every embedded file name found (EmbeddedFiles name tree and /AF)."""
    xmp_conformance_level: str | None = None
    """Raw ``fx:ConformanceLevel`` (e.g. ``"EN 16931"``); ``None`` when missing."""
    xmp_document_type: str | None = None
    xmp_document_filename: str | None = None
    xmp_version: str | None = None
    xmp_namespace: str | None = None
    """Namespace of the Factur-X/ZUGFeRD XMP extension schema found."""
    xmp_profile: Profile = Profile.UNKNOWN
    af_relationship: str | None = None
    """``/AFRelationship`` of the invoice file spec (``/Data``, ``/Alternative``, ``/Source``)."""


class _Budget:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.pdf_time_limit
        self.total = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceededError(limit="pdf_time_limit", max=self.limits.pdf_time_limit)

    def add(self, n: int) -> None:
        self.total += n
        if self.total > self.limits.max_pdf_total_bytes:
            raise LimitExceededError(limit="max_pdf_total_bytes", max=self.limits.max_pdf_total_bytes)


def _resolve(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") else obj


def inflate(raw: bytes, budget: _Budget) -> bytes:
    """Bounded zlib inflate: never produces more than the caps allow, checks the deadline."""
    cap = budget.limits.max_pdf_stream_bytes
    d = zlib.decompressobj()
    out = bytearray()
    buf = raw
    while True:
        chunk = d.decompress(buf, _CHUNK)
        buf = d.unconsumed_tail
        out += chunk
        budget.add(len(chunk))
        if len(out) > cap:
            raise LimitExceededError(limit="max_pdf_stream_bytes", max=cap)
        budget.check_time()
        if d.eof or (not chunk and not buf):
            break
    return bytes(out)


def _stream_bytes(stream: Any, budget: _Budget) -> bytes:
    """Decoded content of a PDF stream object, within the budget."""
    filters = stream.get("/Filter")
    if filters is not None and not isinstance(filters, str):
        filters = [str(f) for f in _resolve(filters)]
    elif filters is not None:
        filters = [str(filters)]
    parms = _resolve(stream.get("/DecodeParms"))
    raw = getattr(stream, "_data", b"")
    if not filters:
        budget.add(len(raw))
        return bytes(raw)
    if filters == ["/FlateDecode"] and not parms:
        try:
            return inflate(raw, budget)
        except zlib.error:
            pass  # damaged stream: let pypdf try its recovery below, still capped
    data = stream.get_data()
    budget.add(len(data))
    if len(data) > budget.limits.max_pdf_stream_bytes:
        raise LimitExceededError(limit="max_pdf_stream_bytes", max=budget.limits.max_pdf_stream_bytes)
    budget.check_time()
    return bytes(data)


def _name_tree(node: Any, out: list[tuple[str, Any]], depth: int = 0) -> None:
    node = _resolve(node)
    if depth > _MAX_NAME_TREE_DEPTH or not hasattr(node, "get"):
        return
    names = _resolve(node.get("/Names"))
    if names:
        for i in range(0, len(names) - 1, 2):
            out.append((str(_resolve(names[i])), names[i + 1]))
            if len(out) > _MAX_NAME_TREE_ENTRIES:
                return
    for kid in _resolve(node.get("/Kids")) or []:
        _name_tree(kid, out, depth + 1)


def _file_specs(catalog: Any) -> list[tuple[str, Any]]:
    specs: list[tuple[str, Any]] = []
    names = _resolve(catalog.get("/Names"))
    if names is not None and hasattr(names, "get"):
        ef = names.get("/EmbeddedFiles")
        if ef is not None:
            _name_tree(ef, specs)
    seen = {id(_resolve(s)) for _, s in specs}
    for spec in _resolve(catalog.get("/AF")) or []:
        spec_obj = _resolve(spec)
        if id(spec_obj) not in seen and hasattr(spec_obj, "get"):
            name = spec_obj.get("/UF") or spec_obj.get("/F") or ""
            specs.append((str(_resolve(name)), spec_obj))
    return specs


def _pick(specs: list[tuple[str, Any]]) -> tuple[str, Any] | None:
    by_name: dict[str, tuple[str, Any]] = {}
    for name, spec in specs:
        by_name.setdefault(name.lower(), (name, spec))
        spec_obj = _resolve(spec)
        # The file spec's own /UF or /F may differ from the name-tree key: accept both.
        for key in ("/UF", "/F"):
            alt = spec_obj.get(key) if hasattr(spec_obj, "get") else None
            if alt is not None:
                by_name.setdefault(str(_resolve(alt)).lower(), (str(_resolve(alt)), spec))
    for wanted in INVOICE_NAMES:
        if wanted in by_name:
            return by_name[wanted]
    for lname, entry in by_name.items():
        if lname.endswith(".xml"):
            return entry
    return None


def _xmp_info(catalog: Any, info: PdfInfo, budget: _Budget) -> None:
    meta = _resolve(catalog.get("/Metadata"))
    if meta is None or not hasattr(meta, "get_data"):
        return
    try:
        xmp = _stream_bytes(meta, budget)
        tree = parse_xml(xmp, budget.limits)
    except LimitExceededError:
        raise
    except Exception:  # a broken XMP is a PDF-layer finding, not a read error
        return
    wanted = {
        "ConformanceLevel": "xmp_conformance_level",
        "DocumentType": "xmp_document_type",
        "DocumentFileName": "xmp_document_filename",
        "Version": "xmp_version",
    }
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for key, value in el.attrib.items():
            ns, _, local = key[1:].partition("}") if key[0] == "{" else ("", "", key)
            if local in wanted and ("ferd" in ns or "factur-x" in ns or "zugferd" in ns):
                setattr(info, wanted[local], value.strip())
                info.xmp_namespace = ns
        if el.tag[0] == "{":
            ns, _, local = el.tag[1:].partition("}")
            if local in wanted and ("ferd" in ns or "factur-x" in ns or "zugferd" in ns):
                setattr(info, wanted[local], (el.text or "").strip())
                info.xmp_namespace = ns
    info.xmp_profile = profile_of_xmp(info.xmp_conformance_level)


def extract_xml(data: bytes, limits: Limits) -> tuple[bytes, PdfInfo]:
    """Return the embedded invoice XML bytes and the PDF facts.

    Raises:
        NoEmbeddedInvoiceError: no XML attachment.
        PdfUnreadableError: not parseable, encrypted…
        LimitExceededError: a cap of ``limits`` was hit (size, decompression, time).
    """
    import pypdf
    from pypdf.errors import LimitReachedError, PyPdfError

    if len(data) > limits.max_bytes:
        raise LimitExceededError(limit="max_bytes", max=limits.max_bytes)
    budget = _Budget(limits)
    cap = limits.max_pdf_stream_bytes
    try:
        with pypdf.apply_configuration(
            zlib_maximum_output_length=cap,
            maximum_declared_stream_length=cap,
            array_based_stream_maximum_output_length=cap,
            lzw_maximum_output_length=cap,
            run_length_maximum_output_length=cap,
            brotli_maximum_output_length=cap,
            stream_decoding_work_maximum_length=cap,
            xmp_maximum_input_length=cap,
        ):
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise PdfUnreadableError(detail="encrypted PDF")
            catalog = _resolve(reader.trailer["/Root"])
            budget.check_time()
            specs = _file_specs(catalog)
            budget.check_time()
            picked = _pick(specs)
            if picked is None:
                raise NoEmbeddedInvoiceError()
            name, spec = picked
            spec_obj = _resolve(spec)
            ef = _resolve(spec_obj.get("/EF"))
            stream = _resolve(ef.get("/F") or ef.get("/UF")) if ef is not None else None
            if stream is None or not hasattr(stream, "get_data"):
                raise NoEmbeddedInvoiceError()
            xml = _stream_bytes(stream, budget)
            if len(xml) > limits.max_bytes:
                raise LimitExceededError(limit="max_bytes", max=limits.max_bytes)
            rel = spec_obj.get("/AFRelationship")
            info = PdfInfo(
                attachment_name=name,
                attachments=[n for n, _ in specs],
                af_relationship=str(_resolve(rel)) if rel is not None else None,
            )
            _xmp_info(catalog, info, budget)
            return xml, info
    except EInvoiceError:
        raise
    except LimitReachedError:
        raise LimitExceededError(limit="max_pdf_stream_bytes", max=cap) from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise PdfUnreadableError(detail=type(exc).__name__ + ": " + str(exc)[:200]) from None
