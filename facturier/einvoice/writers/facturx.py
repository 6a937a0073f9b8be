""":class:`~facturier.einvoice.model.Invoice` → Factur-X PDF/A-3.

Steps:

1. the CII (:func:`.cii.write_cii`), checked against the profile XSD with the schema compiled
   once per process (:mod:`facturier.einvoice.xsd`), so ``factur-x`` is called with
   ``check_xsd=False`` and does not rebuild the schema on every call;
2. the readable rendering (:func:`.pdf_render.render_pdf`, reportlab, French or English) with
   embedded TrueType fonts;
3. a PDF/A output intent (sRGB ICC profile made by Pillow's LittleCMS, a reportlab dependency):
   PDF/A requires one as soon as device colours are used;
4. ``facturx.generate_from_binary``: embeds the CII as ``factur-x.xml`` with ``/AFRelationship``
   (``/Data`` by default), lists it in the catalog's ``/AF``, and writes the Factur-X XMP (PDF/A-3
   identification, Factur-X extension schema, document type, conformance level).

The output is read back by :func:`facturier.einvoice.read` as ``Format.FACTURX`` with the same
business terms as ``write_cii`` gives. Full PDF/A-3 conformance is not machine-checked here (no
veraPDF in the toolchain); fonts, output intent, XMP and file specification are the parts it
requires of such a document.
"""

from __future__ import annotations

import functools
import io
from typing import Any

from ..detect import Profile, profile_of
from ..errors import EInvoiceError, ErrorCode
from ..model import Invoice
from ..xsd import SchemaKey, xsd_validate
from .cii import cii_tree
from .pdf_labels import Lang, format_date, label
from .pdf_render import document_title, render_pdf

__all__ = ["FacturXWriteError", "facturx_level", "write_facturx"]

# Factur-X level (factur-x's name and the XMP ConformanceLevel) and XSD of each profile.
_LEVELS: dict[Profile, tuple[str, str, SchemaKey]] = {
    Profile.MINIMUM: ("minimum", "MINIMUM", SchemaKey.FACTURX_MINIMUM),
    Profile.BASIC_WL: ("basicwl", "BASIC WL", SchemaKey.FACTURX_BASIC_WL),
    Profile.BASIC: ("basic", "BASIC", SchemaKey.FACTURX_BASIC),
    Profile.EN16931: ("en16931", "EN 16931", SchemaKey.FACTURX_EN16931),
    Profile.EXTENDED: ("extended", "EXTENDED", SchemaKey.FACTURX_EXTENDED),
}


class FacturXWriteError(EInvoiceError):
    """The invoice's CII does not satisfy the Factur-X profile schema, so no conformant Factur-X
    can carry it. ``params["detail"]`` is the first schema message."""

    code = ErrorCode.UNSUPPORTED_FORMAT
    templates = {
        "fr": "Impossible d'écrire un Factur-X %(profile)s conforme : %(detail)s",
        "en": "Cannot write a conformant Factur-X %(profile)s: %(detail)s",
    }


def facturx_level(invoice: Invoice, profile: Profile | str | None = None) -> Profile:
    """The Factur-X profile written: ``profile`` when given, else the one BT-24 names; a CIUS of
    EN 16931 (XRechnung, Peppol…) or an unknown guideline is written as EN 16931."""
    if profile is not None:
        chosen = Profile(profile)
    else:
        spec = invoice.specification_id.raw if invoice.specification_id is not None else None
        chosen = profile_of(spec)
    if chosen not in _LEVELS:
        return Profile.EN16931
    return chosen


@functools.cache
def _srgb_profile() -> bytes | None:
    try:
        from PIL import ImageCms
    except ImportError:  # pragma: no cover - Pillow (a reportlab dependency) without LittleCMS
        return None
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _with_output_intent(pdf: bytes) -> bytes:
    """Add the PDF/A sRGB output intent to the catalog (kept by factur-x's clone)."""
    icc = _srgb_profile()
    if icc is None:  # pragma: no cover
        return pdf
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    raw = DecodedStreamObject()
    raw.set_data(icc)
    stream = raw.flate_encode()
    stream[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
            NameObject("/DestOutputProfile"): writer._add_object(stream),
        }
    )
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_facturx(
    invoice: Invoice,
    *,
    lang: Lang = "fr",
    profile: Profile | str | None = None,
    afrelationship: str = "data",
) -> bytes:
    """A Factur-X PDF/A-3 of ``invoice``: rendered in ``lang`` (``"fr"`` or ``"en"``), with the
    CII embedded as ``factur-x.xml``.

    ``profile`` is the Factur-X level written in the XMP and checked by the XSD; by default the
    one BT-24 names (EN 16931 for EN 16931 itself, its CIUS, and unknown guidelines).
    ``afrelationship`` is ``"data"`` (default) or ``"alternative"`` (``"source"`` is accepted by
    Factur-X too); MINIMUM and BASIC WL are always ``"data"``.

    Raises :class:`FacturXWriteError` when the CII does not pass the profile XSD.
    """
    if lang not in ("fr", "en"):
        raise ValueError("lang must be 'fr' or 'en', not %r" % (lang,))
    import facturx  # about 0.2 s to import (pypdf, its XSD helpers): only when a PDF is written

    chosen = facturx_level(invoice, profile)
    level, level_label, schema = _LEVELS[chosen]
    root = cii_tree(invoice)
    result = xsd_validate(root, schema=schema)
    if not result.valid:
        first = next(f for f in result.findings if f.severity == "fatal")
        raise FacturXWriteError(profile=level_label, detail=first.message_en)
    from lxml import etree

    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    pdf = _with_output_intent(render_pdf(invoice, lang=lang, profile_label=level_label))
    title = document_title(invoice, lang)
    number = invoice.number.normalized if invoice.number is not None else ""
    seller = invoice.seller.name.normalized if invoice.seller is not None and invoice.seller.name else ""
    issued = (
        format_date(invoice.issue_date.value, lang) if invoice.issue_date and invoice.issue_date.value else ""
    )
    metadata: dict[str, Any] = {
        "author": seller,
        "keywords": "Factur-X, %s" % title,
        "title": "%s %s" % (title, number),
        "subject": label("subject", lang, title=title, number=number, date=issued, seller=seller),
    }
    return facturx.generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level=level,
        check_xsd=False,  # checked above with the cached schema
        pdf_metadata=metadata,
        lang="fr-FR" if lang == "fr" else "en-GB",
        afrelationship=afrelationship,
    )
