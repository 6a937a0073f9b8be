"""The CIUS layer: the rules of the Core Invoice Usage Specification a document claims to follow.

A CIUS applies when the specification identifier (BT-24) names it, as the official validators
choose their rule set:

* ``peppol-bis-3``: BT-24 starts with
  ``urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0`` (Peppol BIS
  Billing 3.0, and national CIUSes built on it, which extend that identifier). Every rule of the
  Peppol BIS 3 Schematron 3.0.19 is checked: the PEPPOL-EN16931-R*, CL*, P0*, F001 and
  PEPPOL-COMMON-R* rules, and the national rules (NO, DK, IT, SE, GR, IS, NL, DE), each under the
  condition the Schematron gives it (supplier and customer country...). The UBL and CII bindings
  are both covered (the CII Schematron has no GR, IS and DE rules).
* ``xrechnung-3`` (``xrechnung-N`` for release N): BT-24 names the German XRechnung CIUS
  (``urn:xeinkauf.de:kosit:xrechnung_3.0``, or the older ``urn:xoev-de:kosit:standard:xrechnung_*``).
  Its BR-DE-* rules are not implemented by this version: the layer says so with one warning
  (``CIUS-NOT-CHECKED``) instead of pretending the document passed.

The layer is ``None`` (not reported) when BT-24 names no CIUS.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from ..findings import Finding, Layer, LayerResult, Severity

if TYPE_CHECKING:
    from ..readers import ParsedDocument

__all__ = ["PEPPOL_BIS_3", "PEPPOL_SPEC_ID", "XRECHNUNG_3", "cius_for", "load_rules", "validate_cius"]

PEPPOL_BIS_3 = "peppol-bis-3"
XRECHNUNG_3 = "xrechnung-3"
PEPPOL_SPEC_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
_XRECHNUNG = re.compile(r"urn:(?:xeinkauf\.de|xoev-de):kosit:(?:standard:)?xrechnung_([0-9]+)")


def cius_for(doc: ParsedDocument) -> str | None:
    """The CIUS named by the document's specification identifier (BT-24), or ``None``.

    Peppol is recognised as its Schematron recognises it (PEPPOL-EN16931-R004: BT-24, normalised,
    starts with the Peppol BIS 3 identifier). XRechnung by its ``kosit:xrechnung_N`` component,
    which gives the release (``xrechnung-3``; ``xrechnung-1``, ``xrechnung-2`` for the old ones).
    """
    spec = doc.invoice.specification_id
    if spec is None:
        return None
    value = spec.normalized
    xrechnung = _XRECHNUNG.search(value)
    if xrechnung is not None:
        return f"xrechnung-{int(xrechnung[1])}"
    if value.startswith(PEPPOL_SPEC_ID):
        return PEPPOL_BIS_3
    return None


@cache
def load_rules() -> None:
    """Import every CIUS rule module (registration happens at import)."""
    from . import rules  # noqa: F401


def validate_cius(doc: ParsedDocument) -> LayerResult | None:
    """The ``cius`` layer of ``doc``, or ``None`` when BT-24 names no CIUS."""
    name = cius_for(doc)
    if name is None:
        return None
    if name.startswith("xrechnung-"):
        return LayerResult(Layer.CIUS, (_not_checked(doc),))
    load_rules()
    from ..rules.engine import run_layer

    return run_layer(doc, Layer.CIUS)


def _not_checked(doc: ParsedDocument) -> Finding:
    spec = doc.invoice.specification_id
    el = spec.el if spec is not None else doc.root
    from ..findings import element_path

    return Finding(
        "CIUS-NOT-CHECKED",
        Severity.WARNING,
        ("BT-24",),
        element_path(el),
        el.sourceline,
        "[CIUS-NOT-CHECKED]-Le document se réclame de la CIUS XRechnung (BT-24) ; les règles XRechnung "
        "(BR-DE-*) ne sont pas vérifiées par cette version : seules les règles EN 16931 l'ont été.",
        "[CIUS-NOT-CHECKED]-The document claims the XRechnung CIUS (BT-24); the XRechnung rules (BR-DE-*) "
        "are not checked by this version: only the EN 16931 rules were.",
    )
