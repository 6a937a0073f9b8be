"""The base of every model group: term metadata, occurrence bookkeeping, location.

Kept apart from :mod:`facturier.einvoice.model` so that the model module is only the list of
EN 16931 groups.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from lxml.etree import _Element

__all__ = ["Group", "syntax", "term"]


def term(bt: str | dict[str, str], *, many: bool = False) -> Any:
    """Declare a field carrying a business term. ``bt`` is an id or a ``{role: id}`` map."""
    if many:
        return field(default_factory=list, metadata={"bt": bt})
    return field(default=None, metadata={"bt": bt})


def syntax(note: str, *, many: bool = False) -> Any:
    """Declare a field that is not an EN 16931 term but that syntax rules need."""
    if many:
        return field(default_factory=list, metadata={"syntax": note})
    return field(default=None, metadata={"syntax": note})


@dataclass(slots=True, kw_only=True, eq=False)
class Group:
    """Base of every BG group.

    Attributes:
        el: the source element of this group occurrence (``None`` for groups built by hand).
        role: the BG id of this occurrence (e.g. ``"BG-4"`` for a ``Party`` that is the seller).
        extra: further occurrences of single-valued fields, ``{field_name: [values...]}``; ``None``
            in the common case where every term occurs at most once.
    """

    el: _Element | None = field(default=None, repr=False)
    role: str = ""
    extra: dict[str, list[Any]] | None = field(default=None, repr=False)

    # role -> {bt id -> field name}; built lazily per class (see _index()).
    _INDEX: ClassVar[dict[type, dict[str, dict[str, str]]]] = {}

    # -- term access -----------------------------------------------------------------------------

    @classmethod
    def _index(cls, role: str) -> dict[str, str]:
        per_cls = Group._INDEX.setdefault(cls, {})
        idx = per_cls.get(role)
        if idx is None:
            idx = {}
            for f in dataclasses.fields(cls):
                bt = f.metadata.get("bt")
                if isinstance(bt, dict):
                    bt = bt.get(role)
                if bt:
                    idx[bt] = f.name
            per_cls[role] = idx
        return idx

    def field_for(self, bt: str) -> str | None:
        """The field name carrying term ``bt`` in this group occurrence, or ``None``."""
        return self._index(self.role).get(bt)

    def term_id(self, name: str) -> str | None:
        """The BT/BG id of field ``name`` for this occurrence (``None`` for syntax-only fields)."""
        for f in dataclasses.fields(self):
            if f.name == name:
                bt = f.metadata.get("bt")
                return bt.get(self.role) if isinstance(bt, dict) else bt
        raise AttributeError(name)

    def _name(self, key: str) -> str:
        if key[:3] in ("BT-", "BG-"):
            name = self.field_for(key)
            if name is None:
                raise KeyError("%s is not a term of %s (role %r)" % (key, type(self).__name__, self.role))
            return name
        return key

    def get(self, key: str) -> Any:
        """First occurrence of a term, by BT/BG id or field name (``None`` when absent)."""
        return getattr(self, self._name(key))

    def all(self, key: str) -> list[Any]:
        """Every occurrence of a term in document order (an empty list when absent)."""
        name = self._name(key)
        cur = getattr(self, name)
        if isinstance(cur, list):
            return list(cur)
        if cur is None:
            return []
        more = self.extra.get(name) if self.extra else None
        return [cur, *more] if more else [cur]

    def count(self, key: str) -> int:
        """Number of occurrences of a term (what ``count()`` gives in the Schematron)."""
        name = self._name(key)
        cur = getattr(self, name)
        if isinstance(cur, list):
            return len(cur)
        if cur is None:
            return 0
        more = self.extra.get(name) if self.extra else None
        return 1 + len(more) if more else 1

    def put(self, name: str, value: Any) -> None:
        """Record an occurrence (readers use this): first one in the field, others in ``extra``."""
        cur = getattr(self, name)
        if cur is None:
            setattr(self, name, value)
        elif isinstance(cur, list):
            cur.append(value)
        else:
            if self.extra is None:
                self.extra = {}
            self.extra.setdefault(name, []).append(value)

    # -- location --------------------------------------------------------------------------------

    @property
    def xpath(self) -> str | None:
        from .values import xpath_of

        return xpath_of(self.el) if self.el is not None else None

    @property
    def line(self) -> int | None:
        return self.el.sourceline if self.el is not None else None
