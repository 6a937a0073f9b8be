"""Result types shared by every validation layer (PDF/XMP, XSD, EN 16931, CIUS, platform).

A validation layer returns one :class:`LayerResult`; each problem it sees is one :class:`Finding`.
Both are small frozen value objects with ``__slots__``: rule functions create many of them, and a
finding, once produced, is a fact about a document that nothing should edit.

``to_dict()`` produces exactly the stable JSON shape documented for ``facturier validate --json``::

    {"layer": "en16931", "valid": false,
     "findings": [{"rule": "BR-16", "severity": "fatal", "terms": ["BG-25"],
                   "location": "/Invoice", "line": 2,
                   "message": {"fr": "...", "en": "..."}}]}

This module also holds :func:`element_path`, the one way every layer writes a location, so that
the same element is named the same way by the XSD layer, the native rules and the reference mode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lxml import etree

__all__ = [
    "PREFIXES",
    "Finding",
    "Layer",
    "LayerResult",
    "PathBuilder",
    "Severity",
    "Syntax",
    "element_path",
    "terms_in",
]


class Severity(StrEnum):
    """Severity of a finding, as the official artefacts flag their assertions."""

    FATAL = "fatal"
    WARNING = "warning"


class Layer(StrEnum):
    """The validation layers, reported separately (issue: "report each layer separately")."""

    PDF = "pdf"
    XSD = "xsd"
    EN16931 = "en16931"
    CIUS = "cius"
    PLATFORM = "platform"


class Syntax(StrEnum):
    """The two EN 16931 syntaxes. Factur-X/ZUGFeRD carry CII."""

    UBL = "ubl"
    CII = "cii"


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule that fired on one place of a document.

    ``rule`` is the official id (``BR-16``, ``BR-CL-25``, ``UBL-CR-646``...) or a layer id such as
    ``XSD-UBL``. ``terms`` are the EN 16931 business terms and groups concerned
    (``("BT-1",)``, ``("BG-25",)``). ``location`` is an XPath into the source document and ``line``
    its line number when known.
    """

    rule: str
    severity: Severity
    terms: tuple[str, ...]
    location: str
    line: int | None
    message_fr: str
    message_en: str

    @property
    def fatal(self) -> bool:
        return self.severity == Severity.FATAL

    @property
    def message(self) -> dict[str, str]:
        return {"fr": self.message_fr, "en": self.message_en}

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "terms": list(self.terms),
            "location": self.location,
            "line": self.line,
            "message": {"fr": self.message_fr, "en": self.message_en},
        }


@dataclass(frozen=True, slots=True)
class LayerResult:
    """The findings of one validation layer. ``valid`` means no fatal finding."""

    layer: Layer
    findings: tuple[Finding, ...] = ()

    def __post_init__(self) -> None:
        # Accept any iterable and plain strings for convenience, store canonical types.
        if not isinstance(self.findings, tuple):
            object.__setattr__(self, "findings", tuple(self.findings))
        if not isinstance(self.layer, Layer):
            object.__setattr__(self, "layer", Layer(self.layer))

    @property
    def valid(self) -> bool:
        return not any(f.severity == Severity.FATAL for f in self.findings)

    @property
    def fatal_rules(self) -> frozenset[str]:
        """Ids of the fatal rules that fired (the corpus ``en16931_fatal_rules`` column)."""
        return frozenset(f.rule for f in self.findings if f.severity == Severity.FATAL)

    @property
    def warning_rules(self) -> frozenset[str]:
        return frozenset(f.rule for f in self.findings if f.severity == Severity.WARNING)

    def to_dict(self) -> dict[str, Any]:
        return {
            "layer": str(self.layer),
            "valid": self.valid,
            "findings": [f.to_dict() for f in self.findings],
        }


_TERM_RE = re.compile(r"\b(B[TG]-\d+)\b")


def terms_in(text: str) -> tuple[str, ...]:
    """The BT/BG ids named in a rule text, in order of first mention, without duplicates.

    ``"[BR-16]-An Invoice shall have at least one Invoice line (BG-25)"`` gives ``("BG-25",)``.
    """
    return tuple(dict.fromkeys(_TERM_RE.findall(text)))


# Prefixes used in locations. They are the ones of the EN 16931 artefacts, so a location reads the
# same whatever prefixes the sender chose. The UBL root elements are written without prefix, as in
# "/Invoice/cac:InvoiceLine[2]/cbc:ID".
PREFIXES: dict[str, str] = {
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext",
    "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100": "rsm",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "ram",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100": "udt",
    "urn:un:unece:uncefact:data:standard:QualifiedDataType:100": "qdt",
}


def _name(element: etree._Element) -> str:
    return _tag_name(element.tag)


_TAG_NAMES: dict[str, str] = {}


def _tag_name(tag: str) -> str:
    """The location step of a Clark tag (``cac:Party``, ``Invoice``, ``*[local-name()='x']``),
    memoised: a document has few distinct tags, and each finding's path names several."""
    name = _TAG_NAMES.get(tag)
    if name is None:
        qname = etree.QName(tag)
        ns = qname.namespace
        if ns is None:
            name = qname.localname
        else:
            prefix = PREFIXES.get(ns)
            if prefix is None:
                name = f"*[local-name()='{qname.localname}']"
            else:
                name = f"{prefix}:{qname.localname}" if prefix else qname.localname
        if len(_TAG_NAMES) > 10_000:  # hostile input with endless names: stay bounded
            _TAG_NAMES.clear()
        _TAG_NAMES[tag] = name
    return name


class PathBuilder:
    """Builds :func:`element_path` locations for many elements of one document.

    Each parent's children are enumerated once (their tag and, among same-named siblings, their
    position) and every path prefix is memoised, so naming all 10,000 lines of an invoice costs
    O(n), where calling :func:`element_path` for each would cost O(n^2) (a position needs the
    same-named siblings). Use one builder per document and validation; it keeps the elements it
    has seen alive.
    """

    __slots__ = ("_paths", "_steps")

    def __init__(self) -> None:
        self._steps: dict[etree._Element, tuple[str, int]] = {}
        self._paths: dict[etree._Element, str] = {}

    def _index_children(self, parent: etree._Element) -> None:
        children = list(parent.iterchildren(etree.Element))
        tags = [child.tag for child in children]
        counts: dict[str, int] = {}
        for tag in tags:
            counts[tag] = counts.get(tag, 0) + 1
        seen: dict[str, int] = {}
        steps = self._steps
        for child, tag in zip(children, tags, strict=True):
            if counts[tag] > 1:
                seen[tag] = position = seen.get(tag, 0) + 1
                steps[child] = (tag, position)
            else:
                steps[child] = (tag, 0)

    def path(self, node: etree._Element, attribute: str | None = None) -> str:
        """The location of ``node`` (and of its ``attribute``), as :func:`element_path`."""
        path = self._paths.get(node)
        if path is None:
            parent = node.getparent()
            if parent is None:
                path = "/" + _name(node)
            else:
                step = self._steps.get(node)
                if step is None:
                    self._index_children(parent)
                    step = self._steps[node]
                tag, position = step
                name = _tag_name(tag)
                if position:
                    name = f"{name}[{position}]"
                path = f"{self.path(parent)}/{name}"
            self._paths[node] = path
        return f"{path}/@{attribute}" if attribute else path


def element_path(node: etree._Element, attribute: str | None = None) -> str:
    """A readable, prefix-independent XPath of ``node`` (and of one of its attributes).

    Prefixes are those of the EN 16931 artefacts (``cac``, ``cbc``, ``rsm``, ``ram``...), the UBL
    root is unprefixed (``/Invoice/cac:InvoiceLine[2]/cbc:ID``), a step carries a position only
    when the element has same-named siblings, and elements of other namespaces are written
    ``*[local-name()='x']``. For many elements of one document use a :class:`PathBuilder`.
    """
    return PathBuilder().path(node, attribute)
