"""EN 16931 VAT-category rules: what the UBL and CII implementations share.

The norm repeats one set of rules for each VAT category of UNTDID 5305 (EN 16931-1 §6.4, the
"BR-<category>-nn" rules): ``S`` standard rated (BR-S-*), ``Z`` zero rated (BR-Z-*), ``E`` exempt
(BR-E-*), ``AE`` reverse charge (BR-AE-*), ``K`` intra-community supply (BR-IC-*), ``G`` export
outside the EU (BR-G-*), ``O`` not subject to VAT (BR-O-*), ``L`` IGIC (BR-AF-*), ``M`` IPSI
(BR-AG-*), plus ``B`` split payment (BR-B-01/02). The numbers have the same meaning in every
category:

====== =============================================================================
nn     rule
====== =============================================================================
01     a category used on a line / allowance / charge appears in the VAT breakdown
02-04  the parties' VAT identifiers a line / allowance / charge of that category needs
05-07  the VAT rate of a line / allowance / charge of that category
08     the breakdown's taxable amount is the sum of its lines, allowances and charges
09     the breakdown's tax amount
10     the exemption reason of the breakdown
====== =============================================================================

but the official tests are *not* uniform: each category and each syntax has its own XPath quirks
(which VAT-scheme check, which parties count, exact or ±1 tolerance, per rate or not, a
``normalize-space`` here and not there). The syntax modules (:mod:`.vat_ubl`, :mod:`.vat_cii`)
therefore implement each test shape once, parametrised by a small per-category table that keeps
those differences explicit. This module holds the category table, the XPath number semantics the
tests rely on, and the French messages (faithful translations of the official texts, generated
from one template per rule shape).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache
from typing import Any

from ..findings import Syntax
from ..values import parse_decimal
from .registry import Batch, Check, RuleContext, rule

__all__ = [
    "CATEGORIES",
    "Category",
    "VatRuleSet",
    "french",
    "register",
    "xpath_round",
    "xpath_round_double",
    "xs_decimal",
    "xs_double",
]


@dataclass(frozen=True, slots=True)
class Category:
    """One UNTDID 5305 VAT category as the EN 16931 rules name it."""

    prefix: str  # rule prefix: "S" for BR-S-*, "IC" for BR-IC-*…
    code: str  # the category code in the document (BT-95, BT-102, BT-118, BT-151)
    fr: str  # French name, as in the rule texts
    fr_breakdown: str = ""  # the name used for BT-118 in BR-xx-01 when it differs (AE)

    def rid(self, n: int) -> str:
        return f"BR-{self.prefix}-{n:02d}"


S = Category("S", "S", "Taux normal")
Z = Category("Z", "Z", "Taux zéro")
E = Category("E", "E", "Exonéré de TVA")
AE = Category("AE", "AE", "Autoliquidation", "Autoliquidation de la TVA")
IC = Category("IC", "K", "Livraison intracommunautaire")
G = Category("G", "G", "Exportation hors de l'UE")
O = Category("O", "O", "Non soumis à la TVA")
AF = Category("AF", "L", "IGIC")
AG = Category("AG", "M", "IPSI")
CATEGORIES: tuple[Category, ...] = (S, Z, E, AE, IC, G, O, AF, AG)
B_NAME = "Paiement fractionné (split payment)"


def register(
    rule_id: str,
    syntax: Syntax,
    check: Check,
    *,
    fr_overrides: dict[str, str] | None = None,
    batch: Batch | None = None,
) -> None:
    """Register ``check`` for ``rule_id`` in one syntax, with the French message of :func:`french`."""
    fr = (fr_overrides or {}).get(rule_id) or french(rule_id)
    rule(rule_id, fr=fr, syntax=syntax, batch=batch)(check)


class _Crash:
    """The hits of a rule whose test raised: iterating them re-raises, so that a per-rule caller
    reports that rule (and only it) as not evaluated."""

    __slots__ = ("exc",)

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def __iter__(self) -> Any:
        raise self.exc


class VatRuleSet:
    """The VAT-category rules of one syntax, evaluated together once per document.

    A typical invoice uses one to three of the ten categories, and every rule of a category
    concerns documents that mention it. Each rule's test is a function of the syntax module's
    collected facts (``check(facts) -> hits``), filed under the category code that triggers it.
    :meth:`results` collects the facts and runs the tests of the categories present, once per
    document; the engine calls it as the rules' shared batch function, and each registered
    per-rule check only looks its hits up. The absent categories cost nothing.
    """

    def __init__(self, syntax: Syntax, build: Callable[[RuleContext], Any]) -> None:
        self.syntax = syntax
        self.key = f"vat.{syntax}"
        self.build = build  # RuleContext -> facts with a ``present`` set of category codes
        self.by_code: dict[str, list[tuple[str, Callable[[Any], Any]]]] = {}
        self.batch: Batch = self._batch  # one object: the engine groups the rules by it

    def add(
        self,
        rule_id: str,
        code: str,
        check: Callable[[Any], Any],
        *,
        fr_overrides: dict[str, str] | None = None,
    ) -> None:
        """File ``check`` (``facts -> hits``) as the test of ``rule_id``, run when ``code`` is used."""
        self.by_code.setdefault(code, []).append((rule_id, check))
        results, key = self.results, self.key

        def lookup(ctx: RuleContext) -> Any:
            res = ctx.memo.get(key)
            return (res if res is not None else results(ctx)).get(rule_id, ())

        lookup.__name__ = lookup.__qualname__ = rule_id.replace("-", "_").lower()
        lookup.__doc__ = check.__doc__
        register(rule_id, self.syntax, lookup, fr_overrides=fr_overrides, batch=self.batch)

    def _batch(self, ctx: RuleContext) -> dict[str, Any]:
        """The engine's single call: {rule id: hits}. A test that raised makes the whole batch
        raise (the engine then reports the VAT rules as not evaluated, the document invalid),
        rather than silently passing that rule."""
        res = self.results(ctx)
        for hits in res.values():
            if hits.__class__ is _Crash:
                raise hits.exc
        return res

    def results(self, ctx: RuleContext) -> dict[str, Any]:
        """{rule id: hits} of the failing rules of the document (computed once, in ``ctx.memo``)."""
        memo = ctx.memo
        res = memo.get(self.key)
        if res is None:
            facts = self.build(ctx)
            res = {}
            by_code = self.by_code
            # Sorted: the findings come out in the same order in every process (set order is not).
            for code in sorted(facts.present):
                for rule_id, check in by_code.get(code, ()):
                    try:
                        hits = check(facts)
                    except Exception as exc:  # noqa: BLE001 - reported by the engine, for this rule only
                        res[rule_id] = _Crash(exc)
                        continue
                    if hits:
                        res[rule_id] = hits
            memo[self.key] = res
        return res


# --- XPath 2.0 number semantics ------------------------------------------------------------------

_WS = " \t\r\n"
# xs:double lexical space (the cast of an untyped value compared with a number).
_DOUBLE_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@lru_cache(maxsize=4096)
def xs_decimal(raw: str) -> Decimal | None:
    """``xs:decimal(.)`` of an element's string value; ``None`` when the cast fails. Cached: the
    same rates and amounts recur on every line and every invoice (Decimal is immutable)."""
    return parse_decimal(raw)


@lru_cache(maxsize=4096)
def xs_double(raw: str) -> float | None:
    """The xs:double an untyped value becomes when compared with a number (``. > 0``,
    ``. = 0``, ``. - 1``); ``None`` when the cast fails (a dynamic error for the official XSLT)."""
    s = raw.strip(_WS)
    if _DOUBLE_RE.fullmatch(s):
        return float(s)
    if s in ("INF", "+INF"):
        return math.inf
    if s == "-INF":
        return -math.inf
    if s == "NaN":
        return math.nan
    return None


_HALF = Decimal("0.5")


def xpath_round(x: Decimal) -> Decimal:
    """``fn:round`` of an xs:decimal: to the nearest integer, halves toward +infinity."""
    return (x + _HALF).to_integral_value(rounding=ROUND_FLOOR)


def xpath_round_double(x: float) -> float:
    """``fn:round`` of an xs:double (``floor(x + 0.5)``; NaN and infinities unchanged)."""
    if math.isnan(x) or math.isinf(x):
        return x
    return float(math.floor(x + 0.5))


def round2(x: Decimal) -> Decimal:
    """``round(x * 10 * 10) div 100``, the two-decimal rounding of the official tests."""
    return xpath_round(x * 100) / 100


def dsum(values: Iterable[Decimal]) -> Decimal:
    """``sum()`` of xs:decimal values (0 for an empty sequence)."""
    total = Decimal(0)
    for v in values:
        total += v
    return total


# --- French messages ------------------------------------------------------------------------------
# One template per rule shape; {n} is the category name. Terms (BT/BG ids) are the official ones.

_INVOICE_WITH = (
    "Une facture qui contient une ligne de facture (BG-25), une remise au niveau du document (BG-20) "
    "ou des frais au niveau du document (BG-21) dont le code de catégorie de TVA (BT-151, BT-95 ou "
    "BT-102) est « {n} »"
)
_SUBJECT = {
    2: "Une facture qui contient une ligne de facture (BG-25) dont le code de catégorie de TVA de "
    "l'article facturé (BT-151) est « {n} »",
    3: "Une facture qui contient une remise au niveau du document (BG-20) dont le code de catégorie "
    "de TVA de la remise au niveau du document (BT-95) est « {n} »",
    4: "Une facture qui contient des frais au niveau du document (BG-21) dont le code de catégorie "
    "de TVA des frais au niveau du document (BT-102) est « {n} »",
}
_PARTIES = {
    "std": " doit contenir l'identifiant à la TVA du vendeur (BT-31), l'identifiant d'enregistrement "
    "fiscal du vendeur (BT-32) et/ou l'identifiant à la TVA du représentant fiscal du vendeur (BT-63).",
    "AE": " doit contenir l'identifiant à la TVA du vendeur (BT-31), l'identifiant d'enregistrement "
    "fiscal du vendeur (BT-32) et/ou l'identifiant à la TVA du représentant fiscal du vendeur (BT-63), "
    "ainsi que l'identifiant à la TVA de l'acheteur (BT-48) et/ou l'identifiant d'enregistrement légal "
    "de l'acheteur (BT-47).",
    "G": " doit contenir l'identifiant à la TVA du vendeur (BT-31) ou l'identifiant à la TVA du "
    "représentant fiscal du vendeur (BT-63).",
    "IC": " doit contenir l'identifiant à la TVA du vendeur (BT-31) ou l'identifiant à la TVA du "
    "représentant fiscal du vendeur (BT-63), ainsi que l'identifiant à la TVA de l'acheteur (BT-48).",
    "O": " ne doit contenir ni l'identifiant à la TVA du vendeur (BT-31), ni l'identifiant à la TVA du "
    "représentant fiscal du vendeur (BT-63), ni l'identifiant à la TVA de l'acheteur (BT-48).",
}
_RATE_WHERE = {
    5: (
        "Dans une ligne de facture (BG-25) dont le code de catégorie de TVA de l'article facturé "
        "(BT-151) est « {n} », le taux de TVA de l'article facturé (BT-152)"
    ),
    6: (
        "Dans une remise au niveau du document (BG-20) dont le code de catégorie de TVA de la remise "
        "au niveau du document (BT-95) est « {n} », le taux de TVA de la remise au niveau du "
        "document (BT-96)"
    ),
    7: (
        "Dans des frais au niveau du document (BG-21) dont le code de catégorie de TVA des frais au "
        "niveau du document (BT-102) est « {n} », le taux de TVA des frais au niveau du document "
        "(BT-103)"
    ),
}
_RATE_ABSENT = {
    5: (
        "Une ligne de facture (BG-25) dont le code de catégorie de TVA (BT-151) est « {n} » ne doit "
        "pas contenir de taux de TVA de l'article facturé (BT-152)."
    ),
    6: (
        "Une remise au niveau du document (BG-20) dont le code de catégorie de TVA (BT-95) est « {n} » "
        "ne doit pas contenir de taux de TVA de la remise au niveau du document (BT-96)."
    ),
    7: (
        "Des frais au niveau du document (BG-21) dont le code de catégorie de TVA (BT-102) est « {n} » "
        "ne doivent pas contenir de taux de TVA des frais au niveau du document (BT-103)."
    ),
}
_RATE_MUST = {
    "zero": " doit être 0 (zéro).",
    "positive": " doit être supérieur à zéro.",
    "nonneg": " doit être 0 (zéro) ou supérieur à zéro.",
}
_BREAKDOWN = "une ventilation de la TVA (BG-23) dont le code de catégorie de TVA (BT-118) est « {n} »"
_SUM_EXACT = (
    "Dans " + _BREAKDOWN + ", le montant imposable de la catégorie de TVA (BT-116) doit être égal à la "
    "somme des montants nets des lignes de facture (BT-131), moins la somme des montants des remises au "
    "niveau du document (BT-92), plus la somme des montants des frais au niveau du document (BT-99), "
    "dont les codes de catégorie de TVA (BT-151, BT-95, BT-102) sont « {n} »."
)
_SUM_PER_RATE = (
    "Pour chaque valeur distincte du taux de la catégorie de TVA (BT-119) dont le code de catégorie de "
    "TVA (BT-118) est « {n} », le montant imposable de la catégorie de TVA (BT-116) dans une ventilation "
    "de la TVA (BG-23) doit être égal à la somme des montants nets des lignes de facture (BT-131), plus "
    "la somme des montants des frais au niveau du document (BT-99), moins la somme des montants des "
    "remises au niveau du document (BT-92), dont le code de catégorie de TVA (BT-151, BT-102, BT-95) est "
    "« {n} » et dont le taux de TVA (BT-152, BT-103, BT-96) est égal au taux de la catégorie de TVA "
    "(BT-119)."
)
_TAX_ZERO = "Le montant de TVA de la catégorie (BT-117) dans " + _BREAKDOWN + " doit être égal à 0 (zéro)."
_TAX_PRODUCT = (
    "Le montant de TVA de la catégorie (BT-117) dans " + _BREAKDOWN + " doit être égal au montant "
    "imposable de la catégorie de TVA (BT-116) multiplié par le taux de la catégorie de TVA (BT-119)."
)
_REASON = {
    "forbidden": (
        "Une ventilation de la TVA (BG-23) dont le code de catégorie de TVA (BT-118) est « {n} » "
        "ne doit pas avoir de code de motif d'exonération de TVA (BT-121) ni de motif "
        "d'exonération de TVA (BT-120)."
    ),
    "required": (
        "Une ventilation de la TVA (BG-23) dont le code de catégorie de TVA (BT-118) est « {n} » "
        "doit avoir un code de motif d'exonération de TVA (BT-121) ou un motif d'exonération de "
        "TVA (BT-120)."
    ),
    "meaning": (
        "Une ventilation de la TVA (BG-23) dont le code de catégorie de TVA (BT-118) est « {n} » "
        "doit avoir un code de motif d'exonération de TVA (BT-121) signifiant « {n} » ou le motif "
        "d'exonération de TVA (BT-120) « {n} » (ou le texte standard équivalent dans une autre "
        "langue)."
    ),
}
_O_OTHERS = (
    "Une facture qui contient une ventilation de la TVA (BG-23) dont le code de catégorie de TVA "
    "(BT-118) est « {n} »"
)

# Per category: parties variant (02-04), rate variant (05-07), sum (08), tax (09), reason (10).
_SHAPES: dict[str, tuple[str, str, str, str, str]] = {
    "S": ("std", "positive", "rate", "product", "forbidden"),
    "Z": ("std", "zero", "exact", "zero", "forbidden"),
    "E": ("std", "zero", "exact", "zero", "required"),
    "AE": ("AE", "zero", "exact", "zero", "meaning"),
    "IC": ("IC", "zero", "exact", "zero", "meaning"),
    "G": ("G", "zero", "exact", "zero", "meaning"),
    "O": ("O", "absent", "exact", "zero", "meaning"),
    "AF": ("std", "nonneg", "rate", "product", "forbidden"),
    "AG": ("std", "nonneg", "rate", "product", "forbidden"),
}
_SPECIAL: dict[str, str] = {
    "BR-IC-11": (
        "Dans une facture comportant " + _BREAKDOWN + ", la date réelle de livraison (BT-72) ou "
        "la période de facturation (BG-14) ne doit pas être vide."
    ),
    "BR-IC-12": (
        "Dans une facture comportant " + _BREAKDOWN + ", le code pays de livraison (BT-80) ne doit "
        "pas être vide."
    ),
    "BR-O-11": _O_OTHERS + " ne doit pas contenir d'autres ventilations de la TVA (BG-23).",
    "BR-O-12": (
        _O_OTHERS + " ne doit pas contenir de ligne de facture (BG-25) dont le code de catégorie de "
        "TVA de l'article facturé (BT-151) n'est pas « {n} »."
    ),
    "BR-O-13": (
        _O_OTHERS + " ne doit pas contenir de remises au niveau du document (BG-20) dont le code de "
        "catégorie de TVA de la remise au niveau du document (BT-95) n'est pas « {n} »."
    ),
    "BR-O-14": (
        _O_OTHERS + " ne doit pas contenir de frais au niveau du document (BG-21) dont le code de "
        "catégorie de TVA des frais au niveau du document (BT-102) n'est pas « {n} »."
    ),
    "BR-B-01": (
        "Une facture dont le code de catégorie de TVA (BT-151, BT-95 ou BT-102) est « "
        + B_NAME
        + " » doit être une facture domestique italienne."
    ),
    "BR-B-02": (
        "Une facture qui contient une ligne de facture (BG-25), une remise au niveau du document "
        "(BG-20) ou des frais au niveau du document (BG-21) dont le code de catégorie de TVA (BT-151, "
        "BT-95, BT-118 ou BT-102) est « " + B_NAME + " » ne doit pas contenir de ligne de facture "
        "(BG-25), de remise au niveau du document (BG-20) ni de frais au niveau du document (BG-21) "
        "dont le code de catégorie de TVA (BT-151, BT-95, BT-118 ou BT-102) est « Taux normal »."
    ),
}
_BY_PREFIX = {c.prefix: c for c in CATEGORIES}


def french(rule_id: str) -> str:
    """The French message of a VAT-category rule, ``[ID]-`` prefix included."""
    prefix, _, num = rule_id[3:].rpartition("-")
    n = int(num)
    cat = _BY_PREFIX.get(prefix)
    if rule_id in _SPECIAL:
        body = _SPECIAL[rule_id].format(n=cat.fr if cat else "")
    elif cat is None:
        raise KeyError(rule_id)
    else:
        parties, rate, total, tax, reason = _SHAPES[prefix]
        if n == 1:
            qty = "au moins un" if prefix in ("S", "AF", "AG") else "exactement un"
            body = (
                _INVOICE_WITH
                + " doit contenir dans la ventilation de la TVA (BG-23) "
                + qty
                + " code de catégorie de TVA (BT-118) égal à « {b} »."
            )
            body = body.format(n=cat.fr, b=cat.fr_breakdown or cat.fr)
        elif n in (2, 3, 4):
            body = (_SUBJECT[n] + _PARTIES[parties]).format(n=cat.fr)
        elif n in (5, 6, 7):
            body = (_RATE_ABSENT[n] if rate == "absent" else _RATE_WHERE[n] + _RATE_MUST[rate]).format(
                n=cat.fr
            )
        elif n == 8:
            body = (_SUM_PER_RATE if total == "rate" else _SUM_EXACT).format(n=cat.fr)
        elif n == 9:
            body = (_TAX_PRODUCT if tax == "product" else _TAX_ZERO).format(n=cat.fr)
        elif n == 10:
            body = _REASON[reason].format(n=cat.fr)
        else:
            raise KeyError(rule_id)
    body = body[0].upper() + body[1:]
    return f"[{rule_id}]-{body}"


# The CII artefact words two rules differently (a narrower test or fewer terms).
FR_CII: dict[str, str] = {
    "BR-AF-05": "[BR-AF-05]-" + (_RATE_WHERE[5] + _RATE_MUST["positive"]).format(n=AF.fr),
    "BR-B-02": "[BR-B-02]-"
    + _SPECIAL["BR-B-02"].replace("BT-151, BT-95, BT-118 ou BT-102", "BT-151, BT-95 ou BT-102"),
}
