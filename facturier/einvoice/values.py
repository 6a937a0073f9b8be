"""Located values: one occurrence of a business term, exactly as found in the source XML.

Business rules must reproduce the official Schematron verdicts, including on deliberately broken
fragments, so a value never loses what the document really said:

* ``raw`` is the XPath string value of the element (or the attribute text), kept even when empty:
  ``<cbc:ID/>`` gives ``Value(raw="")`` whereas an absent element gives no value at all (``None``);
* typed subclasses add the parsed value (``Decimal``, ``date``, ``bool``) which is ``None`` when the
  lexical form is invalid, while ``raw`` still holds the text;
* the location is computed lazily from the lxml element kept in ``el`` (and ``attr`` for a value
  carried by an attribute, such as UBL ``PaymentMeansCode/@name``): ``xpath`` and ``line``;
* a value built by hand (:mod:`facturier.einvoice.build`) has ``el=None`` and no location; its
  attributes (``currency``, ``unit``, ``scheme``…) are then set after construction.

Every class uses ``__slots__`` and a positional ``__init__``: a typical invoice creates a few hundred
of them and reading must stay in the 0.1 ms range.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lxml.etree import _Element

_XML_WS_RE = re.compile(r"[ \t\r\n]+")
# xs:date: optional timezone. Years beyond 4 digits and negative years are not used in invoices.
_ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})?")
_CII_102_RE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_XML_WS = " \t\r\n"


def normalize_space(text: str) -> str:
    """XPath ``normalize-space()``: only the four XML whitespace characters count."""
    return _XML_WS_RE.sub(" ", text).strip(" ")


def parse_decimal(raw: str) -> Decimal | None:
    """Parse an ``xs:decimal`` lexical form; ``None`` when the Schematron cast would fail."""
    # Fast path, the usual form: ASCII digits and at most one ".", without sign or whitespace.
    t = raw.replace(".", "", 1)
    if t.isdigit() and t.isascii():
        return Decimal(raw)
    s = raw.strip(_XML_WS)
    # xs:decimal lexical space: [+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+). ``Decimal()`` alone would accept
    # "1e3", "NaN", "1_000" or non-ASCII digits, which the Schematron's xs:decimal() cast rejects.
    # Checked without a regex (3x faster): drop a leading sign, then one "."; ASCII digits must
    # remain.
    t = s[1:] if s[:1] in ("+", "-") else s
    t = t.replace(".", "", 1)
    if t.isdigit() and t.isascii():
        return Decimal(s)
    return None


def parse_date(raw: str, fmt: str | None = None) -> _dt.date | None:
    """Parse an ISO ``xs:date`` (UBL) or, when ``fmt == "102"``, a CII ``YYYYMMDD`` date."""
    s = raw.strip(_XML_WS)
    m = (_CII_102_RE if fmt == "102" else _ISO_DATE_RE).fullmatch(s)
    if m is None:
        return None
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


# The xs:boolean lexical space; anything else fails the cast (``None``).
_XS_BOOLEAN = {"true": True, "1": True, "false": False, "0": False}


def parse_boolean(raw: str) -> bool | None:
    """The ``xs:boolean`` cast the Schematron applies: ``true``/``1`` → True, ``false``/``0`` →
    False (surrounding XML white space allowed), anything else → None (a dynamic error: no match)."""
    return _XS_BOOLEAN.get(raw.strip(_XML_WS))


def string_value(el: _Element) -> str:
    """The XPath string value of an element (text of descendants, comments excluded)."""
    if len(el):
        return "".join(el.itertext())
    return el.text or ""


def xpath_of(el: _Element, attr: str | None = None) -> str:
    """An absolute XPath to ``el`` (and its attribute ``attr``), e.g.
    ``/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount``.

    Delegates to :func:`facturier.einvoice.findings.element_path`, the one way every validation
    layer writes a location (canonical prefixes, positions only among same-named siblings).
    """
    from .findings import element_path  # local import: values must stay importable on its own

    return element_path(el, attr)


class Value:
    """One occurrence of a term. Base class for every typed value; also used for plain text.

    Attributes:
        raw: the string value as found (``""`` for a present-but-empty element).
        el: the lxml element carrying the value (for the location).
        attr: the attribute name when the value is an attribute, else ``None``.
    """

    __slots__ = ("raw", "el", "attr")

    def __init__(self, raw: str, el: _Element | None, attr: str | None = None) -> None:
        self.raw = raw
        self.el = el
        self.attr = attr

    @property
    def text(self) -> str:
        """``raw`` without leading/trailing XML whitespace."""
        return self.raw.strip(_XML_WS)

    @property
    def normalized(self) -> str:
        """XPath ``normalize-space(.)`` of the value, as the Schematron tests it."""
        return normalize_space(self.raw)

    @property
    def is_blank(self) -> bool:
        """True when ``normalize-space(.) = ''`` (present but empty or whitespace only)."""
        return not self.raw.strip(_XML_WS)

    @property
    def xpath(self) -> str:
        """Absolute XPath of the value in the source document (computed on demand); ``""`` for a
        value built by hand."""
        return xpath_of(self.el, self.attr) if self.el is not None else ""

    @property
    def line(self) -> int | None:
        """Line number in the source document (``sourceline`` of the element)."""
        return self.el.sourceline if self.el is not None else None

    def __str__(self) -> str:
        return self.raw

    def __repr__(self) -> str:
        return "%s(%r)" % (type(self).__name__, self.raw)

    def attr_value(self, name: str) -> str | None:
        """Any other attribute of the carrying element (``None`` when absent)."""
        return self.el.get(name) if self.el is not None else None


class Code(Value):
    """A code-list value (currency, country, UNTDID codes…). Validity is a rule's business:
    the reader never rejects an unknown code, since BR-CL-* must report it."""

    __slots__ = ()

    @property
    def code(self) -> str:
        return self.normalized


class Number(Value):
    """A decimal (percentages, and the base of amounts and quantities).

    ``value`` is ``None`` when ``raw`` is not a valid ``xs:decimal`` (e.g. ``"12,50"``, ``"1e3"``).
    """

    __slots__ = ("value",)

    def __init__(self, raw: str, el: _Element | None, attr: str | None = None) -> None:
        self.raw = raw
        self.el = el
        self.attr = attr
        self.value = parse_decimal(raw)


class Amount(Number):
    """A monetary amount; ``currency`` is the raw ``@currencyID`` (``None`` when absent)."""

    __slots__ = ("currency",)

    def __init__(self, raw: str, el: _Element | None, attr: str | None = None) -> None:
        self.raw = raw
        self.el = el
        self.attr = attr
        self.value = parse_decimal(raw)
        self.currency: str | None = el.get("currencyID") if el is not None else None


class Quantity(Number):
    """A quantity; ``unit`` is the raw ``@unitCode`` (BT-130 / BT-150), ``None`` when absent."""

    __slots__ = ("unit",)

    def __init__(self, raw: str, el: _Element | None, attr: str | None = None) -> None:
        self.raw = raw
        self.el = el
        self.attr = attr
        self.value = parse_decimal(raw)
        self.unit: str | None = el.get("unitCode") if el is not None else None


class Identifier(Value):
    """An identifier and its scheme (e.g. BT-29 with BT-29-1).

    ``scheme`` is the raw scheme attribute (``@schemeID``; ``@listID`` for item classifications),
    ``None`` when absent and ``""`` when present but empty. ``scheme_version`` is
    ``@schemeVersionID`` / ``@listVersionID`` (BT-158-2). ``value`` is ``raw`` stripped.
    """

    __slots__ = ("scheme", "scheme_version")
    scheme_attr = "schemeID"

    def __init__(self, raw: str, el: _Element | None, attr: str | None = None) -> None:
        self.raw = raw
        self.el = el
        self.attr = attr
        self.scheme: str | None = el.get(self.scheme_attr) if el is not None else None
        self.scheme_version: str | None = el.get("schemeVersionID") if el is not None else None

    @property
    def value(self) -> str:
        return self.raw.strip(_XML_WS)

    @property
    def scheme_xpath(self) -> str:
        """XPath of the scheme attribute (meaningful only when ``scheme`` is not ``None``)."""
        return xpath_of(self.el, self.scheme_attr)


class Classification(Identifier):
    """Item classification (BT-158): scheme in ``@listID``, version in ``@listVersionID``."""

    __slots__ = ()
    scheme_attr = "listID"

    def __init__(self, raw: str, el: _Element | None, attr: str | None = None) -> None:
        self.raw = raw
        self.el = el
        self.attr = attr
        self.scheme = el.get("listID") if el is not None else None
        self.scheme_version = el.get("listVersionID") if el is not None else None


class DateValue(Value):
    """A date. ``value`` is ``None`` when the text does not parse.

    ``format`` is the raw CII ``@format`` attribute (``"102"`` = ``YYYYMMDD``); ``None`` in UBL,
    where dates are ISO ``xs:date``. ``el`` is the element holding the text (CII
    ``udt:DateTimeString``, UBL ``cbc:IssueDate``).
    """

    __slots__ = ("value", "format")

    def __init__(
        self, raw: str, el: _Element | None, attr: str | None = None, fmt: str | None = None
    ) -> None:
        self.raw = raw
        self.el = el
        self.attr = attr
        self.format = fmt
        self.value = parse_date(raw, fmt)


class Indicator(Value):
    """A boolean such as ``ChargeIndicator``: ``value`` follows the ``xs:boolean`` cast the
    Schematron applies (``true``/``1`` → True, ``false``/``0`` → False, anything else → None)."""

    __slots__ = ("value",)

    def __init__(self, raw: str, el: _Element | None, attr: str | None = None) -> None:
        self.raw = raw
        self.el = el
        self.attr = attr
        self.value: bool | None = _XS_BOOLEAN.get(raw.strip(_XML_WS))


class Binary(Value):
    """An embedded attachment (BT-125): base64 text in ``raw``, ``mime`` (BT-125-1) and
    ``filename`` (BT-125-2) are the raw attributes."""

    __slots__ = ("mime", "filename")

    def __init__(self, raw: str, el: _Element | None, attr: str | None = None) -> None:
        self.raw = raw
        self.el = el
        self.attr = attr
        self.mime: str | None = el.get("mimeCode") if el is not None else None
        self.filename: str | None = el.get("filename") if el is not None else None


def located(obj: Any) -> tuple[str, int | None]:
    """``(xpath, line)`` of a value or of a model group (anything with ``el``/``attr``)."""
    el = obj.el
    return xpath_of(el, getattr(obj, "attr", None)), el.sourceline
