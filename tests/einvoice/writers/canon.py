"""Canonical form of a model: every business term present, keyed by BT/BG ids, without locations.

Two models carry the same business terms exactly when their canonical dicts are equal. The form:

* a group is ``{"role": <BG id>, <BT/BG id>: [occurrence, ...], ...}`` with every occurrence of
  every term (``Group.all``: the first one and the ``extra`` ones), absent terms left out;
* a value is its ``raw`` text, whitespace-normalised; dates are ISO (UBL and CII write them
  differently); an identifier adds its scheme when the norm has a scheme term for it (BT-29-1…),
  a quantity its unit (BT-130 / BT-150), an attachment its MIME code and file name, a
  classification its list id and version;
* document-level and line-level allowances and charges (a syntax field that mixes BG-20/BG-21 and
  BG-27/BG-28) are listed under ``"BG-20|BG-21"`` / ``"BG-27|BG-28"``, each with its role;
* additional documents: only BG-24 ones (the BT-11/BT-17/BT-18 carriers are compared as those
  terms on the invoice);
* groups without any term are left out.

:func:`apply_crossings` then applies the documented effects of a conversion
(:data:`facturier.einvoice.convert.NOT_CARRIED`) to both sides before they are compared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from facturier.einvoice.convert import Crossing, Effect
from facturier.einvoice.model import Group, Invoice, Line
from facturier.einvoice.values import Binary, Classification, DateValue, Identifier, Quantity, Value
from facturier.einvoice.writers._common import TAX_POINT_CODE_CII_TO_UBL

# Identifiers whose scheme is itself a business term (BT-x-1).
SCHEME_TERMS = frozenset(
    {
        "BT-18",
        "BT-29",
        "BT-30",
        "BT-34",
        "BT-46",
        "BT-47",
        "BT-49",
        "BT-60",
        "BT-61",
        "BT-71",
        "BT-128",
        "BT-157",
    }
)


def value_form(bt: str, v: Value) -> Any:
    text = v.normalized
    if isinstance(v, DateValue):
        return v.value.isoformat() if v.value is not None else text
    if isinstance(v, Classification):
        return (text, v.scheme, v.scheme_version)
    if isinstance(v, Identifier):
        return (text, v.scheme) if bt in SCHEME_TERMS else text
    if isinstance(v, Quantity):
        return (text, v.unit)
    if isinstance(v, Binary):
        return ("".join(v.raw.split()), v.mime, v.filename)
    return text


def canonical(g: Group) -> dict[str, Any]:
    out: dict[str, Any] = {"role": g.role}
    for f in dataclasses.fields(g):
        if f.name in ("el", "role", "extra"):
            continue
        bt = f.metadata.get("bt")
        if isinstance(bt, dict):
            bt = bt.get(g.role)
        if f.name == "allowance_charges":
            bt = "BG-20|BG-21" if isinstance(g, Invoice) else "BG-27|BG-28" if isinstance(g, Line) else None
        if not bt:
            continue
        occurrences: Iterable[Any] = g.all(f.name)
        if isinstance(g, Invoice) and f.name == "additional_documents":
            occurrences = g.supporting_documents
        forms = [canonical(o) if isinstance(o, Group) else value_form(bt, o) for o in occurrences]
        # A group without any term (e.g. the UBL cac:InvoicePeriod that only holds BT-8) carries
        # nothing: leave it out.
        forms = [f for f in forms if not (isinstance(f, dict) and len(f) == 1)]
        if forms:
            out[bt] = forms
    return out


def drop(form: dict[str, Any], paths: Iterable[str]) -> dict[str, Any]:
    """A copy of ``form`` without the terms named ``"<group role>/<term id>"`` (``"*/BT-x"`` for
    any group), at any depth."""
    wanted = set(paths)

    def walk(d: dict[str, Any]) -> dict[str, Any]:
        role = d.get("role", "")
        res: dict[str, Any] = {}
        for k, v in d.items():
            if k != "role" and (f"{role}/{k}" in wanted or f"*/{k}" in wanted):
                continue
            if isinstance(v, list):
                v = [walk(x) if isinstance(x, dict) else x for x in v]
            res[k] = v
        return res

    return walk(form)


def diff(a: Any, b: Any, path: str = "") -> list[str]:
    """Human-readable differences between two canonical forms (for assertion messages)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[str] = []
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append(f"{path}/{k}: only after: {b[k]!r}"[:300])
            elif k not in b:
                out.append(f"{path}/{k}: lost: {a[k]!r}"[:300])
            else:
                out.extend(diff(a[k], b[k], f"{path}/{k}"))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out.extend(diff(x, y, f"{path}[{i}]"))
        return out
    return [] if a == b else [f"{path}: {a!r} -> {b!r}"[:300]]


def _edit(form: dict[str, Any], paths: set[str], fn: Any) -> dict[str, Any]:
    """A copy of ``form`` where ``fn(list)`` replaces each list at ``"<role>/<term>"`` in ``paths``
    (``fn`` returning ``None`` removes the term)."""
    role = form.get("role", "")
    out: dict[str, Any] = {}
    for k, v in form.items():
        if isinstance(v, list):
            v = [_edit(x, paths, fn) if isinstance(x, dict) else x for x in v]
            if f"{role}/{k}" in paths:
                v = fn(v)
                if v is None:
                    continue
        out[k] = v
    return out


def apply_crossings(
    src: dict[str, Any], dst: dict[str, Any], crossings: Iterable[Crossing], *, cii_is_source: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both canonical forms with the documented conversion effects applied."""
    for c in crossings:
        paths = set(c.paths)
        if c.effect is Effect.LOST:
            src, dst = _edit(src, paths, lambda v: None), _edit(dst, paths, lambda v: None)
        elif c.effect is Effect.ADDED:
            # Only where the source lacks the term: when it has one, it must cross unchanged.
            dst = _prune(dst, src, paths)
        elif c.effect is Effect.FIRST_ONLY:
            src, dst = _edit(src, paths, lambda v: v[:1]), _edit(dst, paths, lambda v: v[:1])
        elif c.effect is Effect.REORDERED:
            src, dst = (
                _edit(src, paths, lambda v: sorted(v, key=repr)),
                _edit(dst, paths, lambda v: sorted(v, key=repr)),
            )
        elif c.effect is Effect.TRANSLATED:

            def semantic(v: list[Any]) -> list[Any]:
                return [TAX_POINT_CODE_CII_TO_UBL.get(x, x) for x in v]

            if cii_is_source:
                src = _edit(src, paths, semantic)
            else:
                dst = _edit(dst, paths, semantic)
        elif c.effect is Effect.MAY_BE_LOST:
            src = _prune(src, dst, paths)
    return src, dst


def _prune(src: dict[str, Any], dst: dict[str, Any] | None, paths: set[str]) -> dict[str, Any]:
    """``src`` without the terms in ``paths`` that the matching group of ``dst`` lacks (groups are
    matched by position)."""
    role = src.get("role", "")
    out: dict[str, Any] = {}
    for k, v in src.items():
        theirs = dst.get(k) if dst is not None else None
        if f"{role}/{k}" in paths and theirs is None:
            continue
        if isinstance(v, list):
            others = theirs if isinstance(theirs, list) else []
            v = [
                _prune(x, others[i] if i < len(others) and isinstance(others[i], dict) else None, paths)
                if isinstance(x, dict)
                else x
                for i, x in enumerate(v)
            ]
        out[k] = v
    return out
