"""Hardened XML parsing and resource caps.

Threats and how each is stopped:

* **DTD-based attacks** (billion laughs, quadratic blow-up, external entities): any DOCTYPE is
  refused. The prolog bytes are scanned *before* parsing, so an entity bomb is never even
  handed to libxml2; the parser itself never resolves entities, loads a DTD or touches the
  network, and the parsed tree is checked again for an internal subset (belt and braces).
* **XInclude**: lxml only processes XInclude when ``xinclude()`` is called, which we never do; a
  document that *contains* XInclude elements is refused anyway so no later consumer is tempted.
* **Size**: ``Limits.max_bytes`` is checked on the raw input; ``huge_tree=False`` keeps libxml2's
  own caps (10 MB text nodes, depth 256).
* **Element count / depth / invoice lines**: checked with cheap C-level scans (byte counting,
  one compiled XPath) instead of walking the tree in Python.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from lxml import etree

from .errors import ForbiddenConstructError, LimitExceededError, NotWellFormedError

XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
_XINCLUDE_ANY = f"{{{XINCLUDE_NS}}}*"
# First "<" that opens an element (not "<?" nor "<!"): the end of the prolog.
_ROOT_START = re.compile(rb"<(?![?!])")


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """Configurable caps; each failure raises :class:`LimitExceededError` naming the field.

    Defaults fit Chorus Pro (≤ 120 MB deposits, XML batches ≤ 30 MB) and a 10,000-line invoice.
    """

    max_bytes: int = 32 * 1024 * 1024
    """Raw input size (XML or PDF), and size of the XML extracted from a PDF."""
    max_depth: int = 64
    """Element nesting depth. Real invoices stay under 15."""
    max_elements: int = 2_000_000
    """Element count (estimated from start tags in the bytes, an upper bound)."""
    max_lines: int = 100_000
    """Invoice lines (BG-25)."""
    max_pdf_stream_bytes: int = 32 * 1024 * 1024
    """Decompressed size of any single PDF stream we decode (embedded XML, XMP, object streams)."""
    max_pdf_total_bytes: int = 64 * 1024 * 1024
    """Decompressed bytes summed over the streams *we* decode from one PDF."""
    pdf_time_limit: float = 2.0
    """Wall-clock seconds allowed for extracting the invoice from a PDF."""


DEFAULT_LIMITS = Limits()

_local = threading.local()


def _parser() -> etree.XMLParser:
    # lxml parsers must not be shared between threads: keep one per thread.
    p = getattr(_local, "parser", None)
    if p is None:
        p = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=False,
            remove_pis=False,
            collect_ids=False,
        )
        _local.parser = p
    return p


def _prolog_text(data: bytes) -> str | None:
    """The prolog decoded as text for UTF-16/32 input (where byte scans do not work)."""
    head = data[:4]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) == 4 and b"\x00" in head):
        for enc in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
            try:
                return data[:65536].decode(enc, errors="ignore")
            except (UnicodeDecodeError, LookupError):  # pragma: no cover - errors="ignore"
                continue
    return None


def check_prolog(data: bytes) -> None:
    """Refuse a DOCTYPE before any parsing (stops entity bombs without expanding anything)."""
    text = _prolog_text(data)
    if text is not None:
        root = re.search(r"<(?![?!])", text)
        prolog = text[: root.start()] if root else text
        if "<!DOCTYPE" in prolog.upper() or "<!ENTITY" in prolog.upper():
            raise ForbiddenConstructError(construct="DOCTYPE")
        return
    m = _ROOT_START.search(data)
    prolog = data[: m.start()] if m else data
    if b"<!D" in prolog or b"<!E" in prolog or b"<![" in prolog or b"<!A" in prolog:
        # Comments are fine; anything else starting with "<!" in the prolog is a DTD.
        stripped = re.sub(rb"<!--.*?-->", b"", prolog, flags=re.S)
        if b"<!" in stripped:
            raise ForbiddenConstructError(construct="DOCTYPE")


def _depth_xpath(max_depth: int) -> etree.XPath:
    cache: dict[int, etree.XPath] = _local.__dict__.setdefault("depth_xp", {})
    xp = cache.get(max_depth)
    if xp is None:
        xp = etree.XPath("boolean(/" + "/".join(["*"] * (max_depth + 1)) + ")")
        cache[max_depth] = xp
    return xp


def parse_xml(data: bytes, limits: Limits = DEFAULT_LIMITS) -> etree._ElementTree:
    """Parse untrusted XML bytes into an lxml tree, enforcing every cap of ``limits``.

    Raises:
        LimitExceededError: ``max_bytes``, ``max_elements`` or ``max_depth`` exceeded.
        ForbiddenConstructError: DOCTYPE / entity declarations / XInclude.
        NotWellFormedError: anything libxml2 refuses.
    """
    if len(data) > limits.max_bytes:
        raise LimitExceededError(limit="max_bytes", max=limits.max_bytes)
    check_prolog(data)
    # Every element takes at least four bytes ("<a/>") and a "<": the size, then a single-byte
    # count (memchr speed) are upper bounds. Only when both are over the cap do we pay for the
    # finer estimate (start tags only).
    if len(data) // 4 > limits.max_elements and data.count(b"<") > limits.max_elements:
        starts = data.count(b"<") - data.count(b"</") - data.count(b"<?") - data.count(b"<!")
        if starts > limits.max_elements:
            raise LimitExceededError(limit="max_elements", max=limits.max_elements)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        msg = str(exc)
        if "Excessive depth" in msg or "Maximum depth" in msg:
            raise LimitExceededError(limit="max_depth", max=limits.max_depth) from None
        raise NotWellFormedError(line=exc.lineno or 0, detail=exc.msg or msg) from None
    except ValueError as exc:  # e.g. unicode strings with an encoding declaration
        raise NotWellFormedError(line=0, detail=str(exc)) from None
    if root is None:
        raise NotWellFormedError(line=0, detail="empty document")
    tree = root.getroottree()
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ForbiddenConstructError(construct="DOCTYPE")
    if _depth_xpath(limits.max_depth)(tree):
        raise LimitExceededError(limit="max_depth", max=limits.max_depth)
    # A C-level walk matching the namespace only (cheaper than searching the bytes of a large
    # document, and blind to the encoding).
    for _ in root.iter(_XINCLUDE_ANY):
        raise ForbiddenConstructError(construct="XInclude")
    return tree
