"""CII syntax-binding rules of the CEN EN 16931 CII artefact v1.3.16: CII-SR-*, CII-DT-*.

The CEN CII Schematron is not shipped in factur-x, so its path rules are the data table of
:mod:`.syntax_cii_table` (one line per rule), compiled at first use into one :class:`Scanner` and
evaluated in one walk over the document (:mod:`._pathscan`). The rules whose test is not a plain
path are the functions of :mod:`.syntax_cii_special`. Severity and English text are CEN's (passed explicitly: the
Factur-X 1.09 XSLT, the shipped CII artefact, lacks these rules or flags some differently, e.g.
CII-SR-465/466 fatal where CEN v1.3.16 warns).

All rules sit in one Schematron pattern, so an element is evaluated by the first rule whose context
matches it: the four identifiers of CII-DT-001..007 are not ``//ram:*[ends-with(name(), 'ID')]``
(CII-DT-101..104) nodes, and ``/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode`` is
taken by ``//ram:TypeCode`` first, which makes CII-DT-010..012 unreachable in the official
artefact (registered, never firing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from ..findings import PREFIXES, Severity, Syntax
from ._pathscan import ABSENT, MAX1, ONE, SOME, Anchor, PathRule, Scan, Scanner
from .registry import RuleContext, rule
from .syntax_cii_table import CONTEXTS, TABLE

CII = Syntax.CII
FATAL, WARNING = Severity.FATAL, Severity.WARNING
_NS = {prefix: f"{{{ns}}}" for ns, prefix in PREFIXES.items() if prefix}
RAM, RSM, UDT = _NS["ram"], _NS["rsm"], _NS["udt"]

# Tag classes of the //ram:*[ends-with(name(), '...')] contexts (Clark tags).
CLASSES: dict[str, Callable[[str], bool]] = {
    "~DocumentContextParameter": lambda t: t.endswith("DocumentContextParameter"),  # any namespace
    "~ID": lambda t: t.startswith(RAM) and t.endswith("ID"),
    "~ReferencedDocument": lambda t: t.startswith(RAM) and t.endswith("ReferencedDocument"),
    "~Amount": lambda t: t.startswith(RAM) and t.endswith("Amount") and t != RAM + "TaxTotalAmount",
    "~Quantity": lambda t: t.startswith(RAM) and t.endswith("Quantity"),
    "~TradeTax": lambda t: t.startswith(RAM) and t.endswith("TradeTax"),
}
_KINDS = {"-": ABSENT, "<=1": MAX1, "=1": ONE, ">=1": SOME}


def _clark(step: str) -> str:
    prefix, _, local = step.rpartition(":")
    return (_NS[prefix] if prefix else RAM) + local


def _anchors(key: str) -> list[Anchor]:
    spec = CONTEXTS[key]
    out = []
    for part in spec.split("|"):
        if part.startswith("~"):
            out.append(Anchor(start=part))
        elif part.startswith("//"):
            steps = tuple(_clark(s) for s in part[2:].split("/"))
            out.append(Anchor(steps[1:], start=steps[0]))
        else:
            steps = tuple(_clark(s) for s in part.strip("/").split("/") if s)
            out.append(Anchor(steps, shadows=("~ID",) if key == "XID" else ()))
    return out


def _parse_table() -> list[tuple[str, str, str, str, bool, bool]]:
    """(rule id, context key, path, kind, fatal, unreachable) per table line."""
    out = []
    for line in TABLE.strip().splitlines():
        rid, ctx, path, *flags = line.split()
        kind = next((f for f in flags if f in _KINDS), "-")
        out.append(("CII-" + rid, ctx, path, kind, "!" in flags, "x" in flags))
    return out


def _compile(entries: list[tuple[str, str, str, str, bool, bool]]) -> list[PathRule]:
    rules = []
    for rid, ctx, path, kind, _fatal, dead in entries:
        if dead:
            continue
        steps = path.split("/")
        attr = steps.pop()[1:] if steps[-1].startswith("@") else None
        for anchor in _anchors(ctx):
            rules.append(PathRule(rid, _KINDS[kind], anchor, tuple(_clark(s) for s in steps), attr))
    return rules


# {named context: paths below it} that rules of :mod:`.syntax_cii_special` gate on (see _scanner).
GATES = {
    "tt": ("TypeCode", "BasisAmount", "ExemptionReasonCode", "TaxPointDate", "DueDateTypeCode", "ExemptionReason"),
    "prod": ("GlobalID", "OriginTradeCountry"),
    "lagr": ("GrossPriceProductTradePrice/AppliedTradeAllowanceCharge",),
    "lset": ("AdditionalReferencedDocument",),
}

_NAMED = {
    "prod": "PROD",
    "lagr": "LAGR",
    "lset": "LSET",
    "hagr": "HAGR",
    "hdel": "HDEL",
    "hset": "HSET",
    "refd": "REFD",
    "qty": "QTY",
    "tt": "TT",
}


@cache
def _scanner() -> Scanner:
    named: dict[str, Anchor | tuple[Anchor, ...]] = {name: _anchors(key)[0] for name, key in _NAMED.items()}
    named.update(
        {
            "payment_means": Anchor(start=RAM + "SpecifiedTradeSettlementPaymentMeans"),
            "due_date_code": Anchor((RAM + "DueDateTypeCode",), start=RAM + "ApplicableTradeTax"),
            "payment_reference": Anchor(
                (RAM + "PaymentReference",), start=RAM + "ApplicableHeaderTradeSettlement"
            ),
            "billed_quantity": Anchor(_anchors("LDEL")[0].steps + (RAM + "BilledQuantity",)),
            "date_string": Anchor(start=UDT + "DateTimeString"),
            # For the VAT-category facts (:mod:`.vat_cii_facts`), instead of another walk.
            "trade_taxes": (Anchor(start=RAM + "ApplicableTradeTax"), Anchor(start=RAM + "CategoryTradeTax")),
        }
    )
    # Descendants that hand-written rules on a repeated context test for ("tt/BasisAmount"): such a
    # rule then visits only the context nodes having one (usually none), not every line's.
    for name, paths in GATES.items():
        base = _anchors(_NAMED[name])[0]
        for path in paths:
            named[f"{name}/{path}"] = Anchor((*base.steps, *map(_clark, path.split("/"))), start=base.start)
    from .codes import code_tags  # here: the import order of the rule modules is the rule order

    # The elements of the code-list rules (:mod:`.codes`), collected by this same walk.
    named["codes"] = tuple(Anchor(start=tag) for tag in code_tags(Syntax.CII))
    return Scanner(_compile(_parse_table()), classes=CLASSES, named=named)


def _scan(ctx: RuleContext) -> Scan:
    scan = ctx.memo.get("syntax.cii")
    if scan is None:
        scan = ctx.memo["syntax.cii"] = _scanner().scan(ctx.root, elements=ctx.doc.elements)
    return scan


def _table_check(rule_id: str) -> Callable[[RuleContext], Any]:
    def check(ctx: RuleContext) -> Any:
        scan = ctx.memo.get("syntax.cii")
        if scan is None:
            scan = ctx.memo["syntax.cii"] = _scanner().scan(ctx.root, elements=ctx.doc.elements)
        return scan.hits.get(rule_id, ())

    return check


def _batch(ctx: RuleContext) -> Any:
    scan = ctx.memo.get("syntax.cii")
    if scan is None:
        scan = ctx.memo["syntax.cii"] = _scanner().scan(ctx.root, elements=ctx.doc.elements)
    return scan.hits


def _never(ctx: RuleContext) -> Iterator[Any]:
    return iter(())


# -- messages of the table rules (CEN's wording: "X should not be present"…) ----------------------------


def _messages(rid: str, ctx: str, path: str, kind: str) -> tuple[str, str]:
    last = path.rsplit("/", 1)[-1].split(":")[-1]
    name = last.removeprefix("@")
    fr_name = f"L'attribut {name}" if last.startswith("@") else name
    if kind == "<=1":
        return f"{name} should exist maximum once", f"{fr_name} devrait apparaître au plus une fois"
    if kind == "=1":
        return f"{name} must exist exactly once", f"{fr_name} doit apparaître exactement une fois"
    if kind == ">=1":
        return f"{name} shall be present", f"{fr_name} doit être présent"
    if ctx in ("BSP", "ADDR"):
        return f"{name} shall not be used.", f"{fr_name} ne doit pas être utilisé."
    return f"{name} should not be present", f"{fr_name} ne devrait pas être présent"


_EN_OVERRIDES = {
    "CII-SR-463": "Each Specified Trade Allowance Charge (BG-20)(BG-21) shall contain a Charge Indicator.",
}
_FR_OVERRIDES = {
    "CII-SR-463": "Chaque remise ou charge (BG-20)(BG-21) doit contenir un indicateur de charge.",
}


def _register_table() -> None:
    for rid, ctx, path, kind, fatal, dead in _parse_table():
        en, fr = _messages(rid, ctx, path, kind)
        en = _EN_OVERRIDES.get(rid, en)
        fr = _FR_OVERRIDES.get(rid, fr)
        check = _never if dead else _table_check(rid)
        rule(
            rid,
            fr=f"[{rid}] - {fr}",
            en=f"[{rid}] - {en}",
            severity=FATAL if fatal else WARNING,
            syntax=CII,
            batch=None if dead else _batch,
        )(check)


_register_table()
