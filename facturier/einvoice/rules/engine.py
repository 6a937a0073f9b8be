"""Runs the native EN 16931 rules of a syntax over a parsed document.

The rules are resolved once per process into :class:`_Compiled` entries (severity, messages and
terms merged from the official artefact), so that validating a document is only calling the checks
and building findings for the hits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from lxml import etree

from .. import codelists
from ..findings import Finding, Layer, LayerResult, PathBuilder, Severity, Syntax, terms_in
from ..terms import Group
from ..values import Value
from . import load_all
from .registry import Batch, Check, RuleContext, rules_for

if TYPE_CHECKING:
    from ..readers import ParsedDocument

log = logging.getLogger(__name__)

__all__ = ["run_layer", "validate_en16931"]


@dataclass(frozen=True, slots=True)
class _Compiled:
    id: str
    check: Check
    severity: Severity
    terms: tuple[str, ...]
    fr: str
    en: str
    batch: Batch | None = None


@dataclass(frozen=True, slots=True)
class _Batched:
    """Rules evaluated by one call of their shared batch function."""

    id: str
    batch: Batch
    members: dict[str, _Compiled]


@cache
def compiled_rules(syntax: Syntax, layer: Layer = Layer.EN16931) -> tuple[_Compiled, ...]:
    load_all()
    official = codelists.official_rules(syntax) if layer is Layer.EN16931 else {}
    out = []
    for r in rules_for(syntax, layer):
        info = official.get(r.id)
        en = r.en or (info.text if info else None)
        severity = r.severity or (info.flag if info else None)
        if en is None or severity is None:
            raise LookupError(f"rule {r.id} ({syntax}) needs en= and severity=: the artefact lacks it")
        out.append(_Compiled(r.id, r.check, severity, r.terms or terms_in(en), r.fr, en, r.batch))
    return tuple(out)


@cache
def _plan(syntax: Syntax, layer: Layer) -> tuple[_Compiled | _Batched, ...]:
    """The rules of :func:`compiled_rules`, those sharing a batch function merged into one step."""
    out: list[_Compiled | _Batched] = []
    batches: dict[Any, _Batched] = {}
    for r in compiled_rules(syntax, layer):
        if r.batch is None:
            out.append(r)
            continue
        entry = batches.get(r.batch)
        if entry is None:
            entry = batches[r.batch] = _Batched(r.id, r.batch, {})
            out.append(entry)
        entry.members[r.id] = r
    return tuple(out)


def _locate(hit: Any, paths: PathBuilder, root: etree._Element) -> tuple[str, int | None]:
    if isinstance(hit, Value | Group):
        el = hit.el
        attr = getattr(hit, "attr", None)
    elif isinstance(hit, tuple):
        el, attr = hit
    else:
        el, attr = hit, None
    if el is None:
        el = root
    return paths.path(el, attr), el.sourceline


def validate_en16931(doc: ParsedDocument) -> LayerResult:
    """The ``en16931`` layer: every native CEN rule of the document's syntax."""
    return run_layer(doc, Layer.EN16931)


def run_layer(doc: ParsedDocument, layer: Layer) -> LayerResult:
    """Run every native rule registered for ``layer`` and the document's syntax."""
    syntax = Syntax.UBL if doc.syntax.value == "ubl" else Syntax.CII
    root = doc.tree.getroot()
    ctx = RuleContext(doc=doc, invoice=doc.invoice, root=root, syntax=syntax)
    paths = PathBuilder()
    findings: list[Finding] = []
    for r in _plan(syntax, layer):
        if type(r) is _Batched:
            try:
                fired = r.batch(ctx)
            except Exception:
                log.exception("rules %s... crashed", r.id)
                fired = {}
                findings.append(
                    Finding(
                        "RULE-ERROR", Severity.FATAL, (), "/", None,
                        f"Les règles {r.id}… n'ont pas pu être évaluées sur ce document.",
                        f"Rules {r.id}... could not be evaluated on this document.",
                    )
                )
            for rid, rule_hits in fired.items():
                c = r.members.get(rid)
                if c is None:
                    continue
                for hit in rule_hits:
                    location, line = _locate(hit, paths, root)
                    findings.append(Finding(c.id, c.severity, c.terms, location, line, c.fr, c.en))
            continue
        try:
            hits = r.check(ctx)
            # Most rules pass: a table rule returns its (often empty) tuple or list as is; only
            # a generator is drained here, inside the ``try`` so that a crash midway is caught.
            if hits.__class__ is not tuple and hits.__class__ is not list:
                hits = tuple(hits)
        except Exception:  # a rule bug must not hide the other findings, nor crash a deposit
            log.exception("rule %s crashed", r.id)
            findings.append(
                Finding(
                    "RULE-ERROR", Severity.FATAL, (), "/", None,
                    f"La règle {r.id} n'a pas pu être évaluée sur ce document.",
                    f"Rule {r.id} could not be evaluated on this document.",
                )
            )
            continue
        if not hits:
            continue
        for hit in hits:
            location, line = _locate(hit, paths, root)
            findings.append(Finding(r.id, r.severity, r.terms, location, line, r.fr, r.en))
    return LayerResult(layer, findings)
