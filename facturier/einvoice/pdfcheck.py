"""The ``pdf`` validation layer of a Factur-X / ZUGFeRD 2.x / XRechnung-CII PDF.

It checks what makes a PDF a Factur-X invoice rather than a PDF with an XML file attached. Each
check is one finding id, fatal when it fails:

=========== ====================================================================================
FX-PDF-01   the invoice file is embedded as ``factur-x.xml`` (``zugferd-invoice.xml`` for
            ZUGFeRD 2.0/2.1, ``xrechnung.xml`` for XRechnung)
FX-PDF-02   its file specification has ``/AFRelationship`` ``/Data``, ``/Alternative`` or
            ``/Source`` (PDF/A-3 §6.8; Factur-X 1.0 §6.2.1)
FX-PDF-03   the XMP metadata carries the Factur-X properties (``fx:`` namespace)
FX-PDF-04   the XMP declares the PDF/A extension schema of that namespace (PDF/A-3 §6.6.2.3)
FX-PDF-05   ``fx:DocumentType`` is ``INVOICE``
FX-PDF-06   ``fx:DocumentFileName`` names the embedded invoice file
FX-PDF-07   ``fx:ConformanceLevel`` is a known level that agrees with the profile of BT-24
FX-PDF-08   the XMP identifies the file as PDF/A-3 (``pdfaid:part`` = 3)
=========== ====================================================================================

This is not a PDF/A validator (veraPDF is): fonts, colour spaces and the like are not checked.

The reader (:func:`facturier.einvoice.readers.pdf.extract_xml`) records the attachment and the
``fx:`` properties in :class:`~facturier.einvoice.readers.pdf.PdfInfo`; the PDF/A identification
and the extension schema are not part of it, so this module reads the XMP packet once more, with
the same caps (size per stream, total, time) as the reader.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from .detect import Profile, profile_of
from .errors import EInvoiceError
from .findings import Finding, Layer, LayerResult, Severity
from .readers.pdf import PdfInfo
from .security import DEFAULT_LIMITS, Limits, parse_xml

__all__ = ["INVOICE_FILE_NAMES", "XmpFacts", "check_pdf", "read_xmp"]

INVOICE_FILE_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
_AF_RELATIONSHIPS = ("/Data", "/Alternative", "/Source")
_PDFAID_NS = "http://www.aiim.org/pdfa/ns/id/"
_PDFA_SCHEMA_NS = "http://www.aiim.org/pdfa/ns/schema#"

# XMP fx:ConformanceLevel values accepted for each BT-24 profile. A CIUS of EN 16931 (XRechnung,
# Peppol) may be declared as "EN 16931"; EXTENDED-CTC-FR is an EXTENDED document.
_COMPATIBLE: dict[Profile, frozenset[Profile]] = {
    Profile.XRECHNUNG: frozenset({Profile.XRECHNUNG, Profile.EN16931}),
    Profile.PEPPOL: frozenset({Profile.EN16931}),
    Profile.EXTENDED_CTC_FR: frozenset({Profile.EXTENDED}),
}

_LOC_FILES = "pdf:/Root/Names/EmbeddedFiles"
_LOC_XMP = "pdf:/Root/Metadata"


@dataclass(frozen=True, slots=True)
class XmpFacts:
    """What the PDF/A side of the XMP packet says. ``found`` is False when there is no packet
    (or it cannot be parsed)."""

    found: bool
    pdfa_part: str | None = None
    pdfa_conformance: str | None = None
    extension_namespaces: frozenset[str] = frozenset()


def read_xmp(data: bytes, limits: Limits = DEFAULT_LIMITS) -> XmpFacts:
    """The PDF/A identification and the extension schemas declared in the XMP of ``data``.

    Bounded like the reader: pypdf's decoders are capped per stream, the packet goes through the
    hardened XML parser, and a PDF that cannot be read again gives ``XmpFacts(found=False)`` (the
    reader has already accepted it, so this only happens on a damaged metadata stream).
    """
    import pypdf
    from pypdf.errors import PyPdfError

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
            meta = reader.trailer["/Root"].get_object().get("/Metadata")
            if meta is None:
                return XmpFacts(found=False)
            packet = meta.get_object().get_data()
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return XmpFacts(found=False)
    if len(packet) > cap:
        return XmpFacts(found=False)
    try:
        root = parse_xml(bytes(packet), limits).getroot()
    except EInvoiceError:
        return XmpFacts(found=False)
    part = conformance = None
    for el in root.iter(etree.Element):
        # XMP simple properties are elements or, in the abbreviated RDF form, attributes.
        if el.tag == f"{{{_PDFAID_NS}}}part":
            part = (el.text or "").strip()
        elif el.tag == f"{{{_PDFAID_NS}}}conformance":
            conformance = (el.text or "").strip()
        for key, value in el.attrib.items():
            if key == f"{{{_PDFAID_NS}}}part":
                part = value.strip()
            elif key == f"{{{_PDFAID_NS}}}conformance":
                conformance = value.strip()
    namespaces = frozenset((el.text or "").strip() for el in root.iter(f"{{{_PDFA_SCHEMA_NS}}}namespaceURI"))
    return XmpFacts(found=True, pdfa_part=part, pdfa_conformance=conformance, extension_namespaces=namespaces)


# French and English messages per rule, ``%(name)s`` templates.
_MESSAGES: dict[str, tuple[str, str]] = {
    "FX-PDF-01": (
        (
            "Le fichier de la facture est joint sous le nom « %(name)s » ; Factur-X impose « factur-x.xml » "
            "(« zugferd-invoice.xml » en ZUGFeRD 2.0/2.1, « xrechnung.xml » en XRechnung)."
        ),
        (
            "The invoice file is embedded as '%(name)s'; Factur-X requires 'factur-x.xml' "
            "('zugferd-invoice.xml' in ZUGFeRD 2.0/2.1, 'xrechnung.xml' in XRechnung)."
        ),
    ),
    "FX-PDF-02": (
        (
            "La spécification du fichier joint doit porter /AFRelationship /Data, /Alternative ou "
            "/Source (PDF/A-3) ; valeur trouvée : %(found)s."
        ),
        (
            "The embedded file specification must have /AFRelationship /Data, /Alternative or "
            "/Source (PDF/A-3); found: %(found)s."
        ),
    ),
    "FX-PDF-03": (
        (
            "Les métadonnées XMP ne contiennent pas les propriétés Factur-X (DocumentType, "
            "DocumentFileName, Version, ConformanceLevel)."
        ),
        (
            "The XMP metadata lacks the Factur-X properties (DocumentType, DocumentFileName, "
            "Version, ConformanceLevel)."
        ),
    ),
    "FX-PDF-04": (
        "Les métadonnées XMP ne déclarent pas le schéma d'extension PDF/A de l'espace de noms « %(ns)s ».",
        "The XMP metadata does not declare the PDF/A extension schema of namespace '%(ns)s'.",
    ),
    "FX-PDF-05": (
        "La propriété XMP DocumentType doit valoir « INVOICE » ; valeur trouvée : %(found)s.",
        "The XMP property DocumentType must be 'INVOICE'; found: %(found)s.",
    ),
    "FX-PDF-06": (
        "La propriété XMP DocumentFileName (%(found)s) doit nommer le fichier joint de la facture (%(name)s).",
        "The XMP property DocumentFileName (%(found)s) must name the embedded invoice file (%(name)s).",
    ),
    "FX-PDF-07-UNKNOWN": (
        (
            "La propriété XMP ConformanceLevel (%(found)s) ne désigne aucun profil Factur-X "
            "(MINIMUM, BASIC WL, BASIC, EN 16931, EXTENDED, XRECHNUNG)."
        ),
        (
            "The XMP property ConformanceLevel (%(found)s) names no Factur-X profile "
            "(MINIMUM, BASIC WL, BASIC, EN 16931, EXTENDED, XRECHNUNG)."
        ),
    ),
    "FX-PDF-07": (
        (
            "Le niveau de conformité XMP (%(found)s) ne correspond pas au profil de l'identifiant de "
            "spécification BT-24 (%(profile)s)."
        ),
        (
            "The XMP conformance level (%(found)s) does not match the profile of the specification "
            "identifier BT-24 (%(profile)s)."
        ),
    ),
    "FX-PDF-08": (
        "Le PDF ne se déclare pas PDF/A-3 dans ses métadonnées XMP (pdfaid:part = %(found)s).",
        "The PDF does not identify itself as PDF/A-3 in its XMP metadata (pdfaid:part = %(found)s).",
    ),
}


def _finding(rule: str, location: str, *, message: str | None = None, **params: str) -> Finding:
    fr, en = _MESSAGES[message or rule]
    terms = ("BT-24",) if rule == "FX-PDF-07" else ()
    return Finding(rule, Severity.FATAL, terms, location, None, fr % params, en % params)


def _checks(info: PdfInfo, xmp: XmpFacts, bt24: Profile) -> Iterator[Finding]:
    name = info.attachment_name
    if name not in INVOICE_FILE_NAMES:
        yield _finding("FX-PDF-01", _LOC_FILES, name=name)
    if info.af_relationship not in _AF_RELATIONSHIPS:
        yield _finding(
            "FX-PDF-02", _LOC_FILES + "/" + name + "/AFRelationship", found=info.af_relationship or "-"
        )

    if info.xmp_namespace is None:
        yield _finding("FX-PDF-03", _LOC_XMP)
    else:
        if info.xmp_namespace not in xmp.extension_namespaces:
            yield _finding("FX-PDF-04", _LOC_XMP + "/pdfaExtension:schemas", ns=info.xmp_namespace)
        if info.xmp_document_type != "INVOICE":
            yield _finding("FX-PDF-05", _LOC_XMP + "/fx:DocumentType", found=info.xmp_document_type or "-")
        if info.xmp_document_filename != name:
            yield _finding(
                "FX-PDF-06",
                _LOC_XMP + "/fx:DocumentFileName",
                found=info.xmp_document_filename or "-",
                name=name,
            )
        level = info.xmp_conformance_level or "-"
        if info.xmp_profile is Profile.UNKNOWN:
            yield _finding(
                "FX-PDF-07", _LOC_XMP + "/fx:ConformanceLevel", message="FX-PDF-07-UNKNOWN", found=level
            )
        elif bt24 is not Profile.UNKNOWN and info.xmp_profile not in _COMPATIBLE.get(bt24, {bt24}):
            yield _finding("FX-PDF-07", _LOC_XMP + "/fx:ConformanceLevel", found=level, profile=bt24.value)

    if xmp.pdfa_part != "3":
        yield _finding("FX-PDF-08", _LOC_XMP + "/pdfaid:part", found=xmp.pdfa_part or "-")


def check_pdf(
    info: PdfInfo,
    *,
    specification_id: str | None,
    data: bytes | None = None,
    xmp: XmpFacts | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> LayerResult:
    """The ``pdf`` layer for a Factur-X document.

    ``info`` comes from the reader (``ParsedDocument.pdf``), ``specification_id`` is the raw BT-24
    of the embedded XML. The PDF/A facts of the XMP are read from ``data`` unless given in ``xmp``.
    """
    if xmp is None:
        xmp = read_xmp(data, limits) if data is not None else XmpFacts(found=False)
    return LayerResult(Layer.PDF, tuple(_checks(info, xmp, profile_of(specification_id))))
