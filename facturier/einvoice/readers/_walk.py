"""Table-driven tree walking shared by the UBL and CII readers.

A reader is a set of dispatch tables ``{clark_tag: spec}``; :func:`fill` walks the children of an
element once and, for each child whose tag is in the table, either stores a leaf value
(``spec = (field_name, ctor)``) or calls a handler (``spec(ctx, node, child)``). Tags that are not
in a table are ignored: they are not EN 16931 terms, and syntax rules read them from the tree.

This is several times faster than evaluating one XPath per business term.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml.etree import _Element

from ..model import Group, Invoice, Line
from ..values import (
    Amount,
    Binary,
    Classification,
    Code,
    DateValue,
    Identifier,
    Indicator,
    Number,
    Quantity,
    Value,
)

Handler = Callable[["Ctx", Any, _Element], None]
Spec = tuple[str, Callable[[_Element], Any]] | Handler
Table = dict[str, Spec]


@dataclass(slots=True)
class Ctx:
    """Reader state: the invoice being built, and the line being read (for handlers that
    store into an enclosing group)."""

    inv: Invoice
    line: Line | None = None
    scratch: dict[str, Any] = field(default_factory=dict)


def fill(ctx: Ctx, node: Any, el: _Element, table: Table) -> None:
    """Dispatch every child of ``el`` through ``table`` into ``node``."""
    get = table.get
    for c in el:
        spec = get(c.tag)  # comments/PIs have a non-string tag: never in a table
        if spec is None:
            continue
        if type(spec) is tuple:
            name, ctor = spec
            # Inlined fast path of Group.put(): most terms occur once.
            if getattr(node, name) is None:
                setattr(node, name, ctor(c))
            else:
                node.put(name, ctor(c))
        else:
            spec(ctx, node, c)  # type: ignore[operator]


# --- leaf constructors: element -> located value -------------------------------------------------


def _sv(el: _Element) -> str:
    if len(el):
        return "".join(el.itertext())
    return el.text or ""


def text(el: _Element) -> Value:
    return Value(_sv(el), el)


def code(el: _Element) -> Code:
    return Code(_sv(el), el)


def ident(el: _Element) -> Identifier:
    return Identifier(_sv(el), el)


def classification(el: _Element) -> Classification:
    return Classification(_sv(el), el)


def amount(el: _Element) -> Amount:
    return Amount(_sv(el), el)


def number(el: _Element) -> Number:
    return Number(_sv(el), el)


def quantity(el: _Element) -> Quantity:
    return Quantity(_sv(el), el)


def indicator(el: _Element) -> Indicator:
    return Indicator(_sv(el), el)


def binary(el: _Element) -> Binary:
    return Binary(_sv(el), el)


def iso_date(el: _Element) -> DateValue:
    """UBL ``xs:date``."""
    return DateValue(_sv(el), el)


def cii_date(el: _Element) -> DateValue:
    """CII ``udt:DateTimeString`` / ``udt:DateString`` / ``qdt:DateTimeString`` with ``@format``."""
    return DateValue(_sv(el), el, None, el.get("format"))


# --- handler factories ---------------------------------------------------------------------------


def sub(table: Table) -> Handler:
    """Descend into a wrapper element, storing its children into the same node."""

    def h(ctx: Ctx, node: Any, el: _Element) -> None:
        fill(ctx, node, el, table)

    return h


def group(cls: type[Group], name: str, table: Table, role: str = "") -> Handler:
    """Create a ``cls`` group from the element, fill it, and store it in ``node.<name>``."""

    def h(ctx: Ctx, node: Any, el: _Element) -> None:
        g = cls(el=el, role=role)
        fill(ctx, g, el, table)
        node.put(name, g)

    return h


def to_invoice(name: str, ctor: Callable[[_Element], Any]) -> Handler:
    """Store a leaf on the invoice itself (header terms found inside repeated blocks)."""

    def h(ctx: Ctx, node: Any, el: _Element) -> None:
        ctx.inv.put(name, ctor(el))

    return h
