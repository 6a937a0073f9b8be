"""Format and profile detection.

``detect(data)`` looks at the bytes only (PDF signature, or the root element of the XML and its
namespace, sniffed from the first kilobytes without building a tree). ``read()`` confirms the
format from the parsed root element with :func:`format_of_root`.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Format(StrEnum):
    """What a document is. Only ``UBL``, ``CII`` and ``FACTURX`` are supported."""

    UBL = "ubl"
    CII = "cii"
    FACTURX = "facturx"  # PDF/A-3 with an embedded CII (Factur-X, ZUGFeRD 2.x, XRechnung CII)
    ZUGFERD1 = "zugferd1"
    FATTURAPA = "fatturapa"
    ORDERX = "orderx"
    OTHER_XML = "xml"
    UNKNOWN = "unknown"

    @property
    def supported(self) -> bool:
        return self in (Format.UBL, Format.CII, Format.FACTURX)

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Format.UBL: "UBL 2.1",
    Format.CII: "UN/CEFACT CII D16B",
    Format.FACTURX: "Factur-X / ZUGFeRD PDF",
    Format.ZUGFERD1: "ZUGFeRD 1.0",
    Format.FATTURAPA: "FatturaPA",
    Format.ORDERX: "Order-X",
    Format.OTHER_XML: "XML (unknown vocabulary)",
    Format.UNKNOWN: "unknown",
}


class Profile(StrEnum):
    """Profile / CIUS named by the specification identifier (BT-24) or the Factur-X XMP."""

    MINIMUM = "minimum"
    BASIC_WL = "basicwl"
    BASIC = "basic"
    EN16931 = "en16931"
    EXTENDED = "extended"
    XRECHNUNG = "xrechnung"
    PEPPOL = "peppol"
    EXTENDED_CTC_FR = "extended-ctc-fr"
    UNKNOWN = "unknown"


UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDITNOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"

_ROOTS: dict[tuple[str, str], Format] = {
    (UBL_INVOICE_NS, "Invoice"): Format.UBL,
    (UBL_CREDITNOTE_NS, "CreditNote"): Format.UBL,
    (CII_NS, "CrossIndustryInvoice"): Format.CII,
    ("urn:ferd:CrossIndustryDocument:invoice:1p0", "CrossIndustryDocument"): Format.ZUGFERD1,
    # The 2014 ZUGFeRD release candidate ("urn:ferd:invoice:rc:comfort").
    ("urn:un:unece:uncefact:data:standard:CBFBUY:5", "Invoice"): Format.ZUGFERD1,
}


def format_of_root(namespace: str, local_name: str) -> Format:
    """Classify a document by its root element."""
    fmt = _ROOTS.get((namespace, local_name))
    if fmt is not None:
        return fmt
    if local_name == "SCRDMCCBDACIOMessageStructure":  # Order-X (its namespace varies by release)
        return Format.ORDERX
    if local_name == "FatturaElettronica" or "agenziaentrate.gov.it" in namespace:
        return Format.FATTURAPA
    if local_name == "CrossIndustryDocument":
        return Format.ZUGFERD1
    return Format.OTHER_XML


# Root start tag: optional prefix, local name, attributes (namespace declarations) up to ">".
_START_TAG = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?([A-Za-z_][\w.\-]*)(\s[^>]*)?/?>", re.S)
_XMLNS = re.compile(rb"""xmlns(?::([A-Za-z_][\w.\-]*))?\s*=\s*(["'])(.*?)\2""", re.S)
_SKIP = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.S)


def detect(data: bytes) -> Format:
    """Detect the format from the bytes alone (no full parse; never raises)."""
    if b"%PDF-" in data[:1024]:
        return Format.FACTURX
    sample = data[:16384]
    if sample[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in sample[:4]:
        try:
            sample = sample.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return Format.UNKNOWN
    if sample.startswith(b"\xef\xbb\xbf"):
        sample = sample[3:]
    pos = 0
    while True:
        m = _SKIP.match(sample, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
    while pos < len(sample) and sample[pos : pos + 1].isspace():
        pos += 1
    m = _START_TAG.match(sample, pos)
    if m is None:
        return Format.UNKNOWN
    prefix, local, attrs = m.group(1), m.group(2), m.group(3) or b""
    ns = b""
    for pm in _XMLNS.finditer(attrs):
        if pm.group(1) == prefix:
            ns = pm.group(3)
            break
    return format_of_root(ns.decode("utf-8", "replace"), local.decode("utf-8", "replace"))


def profile_of(spec_id: str | None) -> Profile:
    """Profile named by a specification identifier (BT-24), tolerant of the variants seen in
    the wild (``urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:basic``, ZUGFeRD 2.0 urns)."""
    if not spec_id:
        return Profile.UNKNOWN
    s = spec_id.strip().lower()
    if "extended-ctc-fr" in s:
        return Profile.EXTENDED_CTC_FR
    if "xrechnung" in s:
        return Profile.XRECHNUNG
    if "peppol.eu:2017:poacc:billing" in s:
        return Profile.PEPPOL
    if "urn:ferd:" in s:  # ZUGFeRD 1.0 guideline ids: not an EN 16931 profile
        return Profile.UNKNOWN
    for token, profile in (
        (":minimum", Profile.MINIMUM),
        (":basicwl", Profile.BASIC_WL),
        (":extended", Profile.EXTENDED),
        (":basic", Profile.BASIC),
    ):
        if token in s:
            return profile
    if s == "urn:cen.eu:en16931:2017" or s.startswith("urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:en16931"):
        return Profile.EN16931
    return Profile.UNKNOWN


def profile_of_xmp(conformance_level: str | None) -> Profile:
    """Profile named by the Factur-X / ZUGFeRD XMP ``ConformanceLevel``."""
    if not conformance_level:
        return Profile.UNKNOWN
    s = conformance_level.strip().upper().replace(" ", "").replace("-", "").replace("_", "")
    return {
        "MINIMUM": Profile.MINIMUM,
        "BASICWL": Profile.BASIC_WL,
        "BASIC": Profile.BASIC,
        "EN16931": Profile.EN16931,
        "COMFORT": Profile.EN16931,  # ZUGFeRD 2.0 name of EN 16931
        "EXTENDED": Profile.EXTENDED,
        "XRECHNUNG": Profile.XRECHNUNG,
    }.get(s, Profile.UNKNOWN)
