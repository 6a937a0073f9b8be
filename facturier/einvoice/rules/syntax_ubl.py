"""UBL syntax-binding rules of EN 16931 (CEN artefact v1.3.16): UBL-CR-*, UBL-SR-*, UBL-DT-*.

Table-driven from the official artefact: at first use the tests of the official rules
(:func:`facturier.einvoice.codelists.official_rules`) are parsed into :class:`PathRule` entries —

* UBL-CR-* ``not(cac:Foo/cbc:Bar)`` (≈680 "should not be present" rules; context the root),
* UBL-SR-* ``count(path) <= 1``, ``count(path) = 1`` and ``(path)`` on a plain context,
* UBL-DT-08..28 ``not(//@attr)``,

and evaluated in one walk over the document (:mod:`._pathscan`). The tests of other shapes
(predicates, comparisons between paths) are the small functions of :mod:`.syntax_ubl_special`,
which checks at import that every UBL-CR/SR/DT rule of the artefact is implemented by one or the
other, so a new artefact version cannot silently drop one.

Each rule fires once per context node of the official rule, located there (the root for UBL-CR).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from .. import codelists
from ..findings import PREFIXES, Syntax
from ._pathscan import ABSENT, MAX1, ONE, ROOT, SOME, Anchor, PathRule, Scan, Scanner
from .registry import RuleContext, rule

UBL = Syntax.UBL
NS = {prefix: ns for ns, prefix in PREFIXES.items() if prefix}
CAC = f"{{{NS['cac']}}}"
CBC = f"{{{NS['cbc']}}}"

# Rules whose test is not a plain path: written by hand in syntax_ubl_special.
_HAND = frozenset(
    {
        "UBL-CR-002",
        "UBL-CR-412",
        "UBL-CR-665",
        "UBL-CR-666",
        "UBL-CR-673",
        "UBL-SR-04",
        "UBL-SR-12",
        "UBL-SR-13",
        "UBL-SR-18",
        "UBL-SR-19",
        "UBL-SR-20",
        "UBL-SR-21",
        "UBL-SR-29",
        "UBL-SR-30",
        "UBL-SR-31",
        "UBL-SR-42",
        "UBL-SR-43",
        "UBL-SR-44",
        "UBL-SR-46",
        "UBL-SR-47",
        "UBL-SR-51",
        "UBL-SR-53",
        "UBL-DT-01",
        "UBL-DT-06",
        "UBL-DT-07",
        "UBL-DT-18",
    }
)

_STEP = r"[a-z]+:[A-Za-z][A-Za-z0-9]*"
_PATH_RE = re.compile(rf"(?P<desc>//)?(?P<steps>{_STEP}(?:/{_STEP})*)?(?:/?@(?P<attr>[A-Za-z]+))?")
_LINE_UNION = "(cac:InvoiceLine|cac:CreditNoteLine)/"
_COUNT_RE = re.compile(r"\(?\s*count\((?P<path>[^()]+)\)\s*(?P<op><=|=)\s*1\s*\)?")


def _clark(step: str) -> str:
    prefix, local = step.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _path(text: str) -> tuple[tuple[str, ...], str | None, bool] | None:
    """``cac:A/cbc:B``, ``//cac:A/cbc:B/@attr``, ``//@attr`` → (Clark steps, attribute, '//')."""
    m = _PATH_RE.fullmatch(text.strip())
    if m is None or not (m["steps"] or m["attr"]):
        return None
    steps = tuple(_clark(s) for s in m["steps"].split("/")) if m["steps"] else ()
    return steps, m["attr"], bool(m["desc"])


def _contexts(context: str) -> list[Anchor] | None:
    """A rule context (XSLT match pattern) as anchors: ``/ubl:Invoice | /cn:CreditNote`` is the
    root, ``cac:A/cac:B`` (anywhere) an anchor started by ``cac:A``."""
    anchors: list[Anchor] = []
    for part in (p.strip() for p in context.split("|")):
        if part in ("/ubl:Invoice", "/cn:CreditNote"):
            if ROOT not in anchors:
                anchors.append(ROOT)
            continue
        parsed = _path(part.removeprefix("//"))
        if parsed is None or parsed[1] is not None or parsed[2]:
            return None
        steps = parsed[0]
        anchors.append(Anchor(steps[1:], start=steps[0]))
    return anchors


def _table_rule(rule_id: str, context: str, test: str) -> list[PathRule] | None:
    anchors = _contexts(context)
    if anchors is None:
        return None
    test = test.strip()
    kind: str
    if test.startswith("not(") and test.endswith(")"):
        kind, inner = ABSENT, test[4:-1]
    elif (m := _COUNT_RE.fullmatch(test)) is not None:
        kind, inner = (MAX1 if m["op"] == "<=" else ONE), m["path"]
    elif test.startswith("(") and test.endswith(")"):
        kind, inner = SOME, test[1:-1]
    else:
        return None
    heads: list[tuple[str, ...]] = [()]
    if inner.startswith(_LINE_UNION):
        heads = [(CAC + "InvoiceLine",), (CAC + "CreditNoteLine",)]
        inner = inner[len(_LINE_UNION) :]
    parsed = _path(inner)
    if parsed is None:
        return None
    steps, attr, desc = parsed
    if (attr is not None and kind != ABSENT) or (desc and anchors != [ROOT]) or (not steps and not desc):
        return None
    if not steps:  # not(//@attr): handled by the attribute watch (UBL-CR-663, UBL-DT-*)
        return []
    return [PathRule(rule_id, kind, a, head + steps, attr, desc) for a in anchors for head in heads]


# Attributes forbidden anywhere (UBL-CR-663, UBL-DT-08..28): not(//@attr) rules, evaluated from
# the walk's attribute watch.
_ANY_ATTR_RE = re.compile(r"not\(//@([A-Za-z]+)\)")
_NAMED = {
    "postal": Anchor(start=CAC + "PostalAddress"),
    "address": Anchor(start=CAC + "Address"),
    "supplier_party": Anchor((CAC + "Party",), start=CAC + "AccountingSupplierParty"),
    "adr": Anchor(start=CAC + "AdditionalDocumentReference"),
    "allowance": Anchor(start=CAC + "AllowanceCharge"),
    "party_tax_scheme": Anchor(start=CAC + "PartyTaxScheme"),
    "payee": Anchor(start=CAC + "PayeeParty"),
    "party_id": Anchor((CBC + "ID",), start=CAC + "PartyIdentification"),
    "payment_id": Anchor(start=CBC + "PaymentID"),
    "payment_means_code": Anchor(start=CBC + "PaymentMeansCode"),
    "amount": Anchor(start="amount"),
    "binary": Anchor(start="binary"),
}
_CLASSES = {
    # UBL-DT-01: //*[ends-with(name(), 'Amount') and not(ends-with(name(),'PriceAmount'))]
    "amount": lambda tag: tag.endswith("Amount") and not tag.endswith("PriceAmount"),
    # UBL-DT-06/07: //*[ends-with(name(), 'BinaryObject')]
    "binary": lambda tag: tag.endswith("BinaryObject"),
}


@cache
def _table() -> tuple[Scanner, dict[str, str]]:
    """The scanner of every table rule, and ``{attribute: rule}`` of the not(//@attr) rules."""
    rules: list[PathRule] = []
    any_attr: dict[str, str] = {}
    for rule_id, info in codelists.official_rules(UBL).items():
        if not rule_id.startswith(("UBL-CR-", "UBL-SR-", "UBL-DT-")) or rule_id in _HAND:
            continue
        m = _ANY_ATTR_RE.fullmatch(info.test.strip())
        if m is not None:
            any_attr[m.group(1)] = rule_id
            continue
        parsed = _table_rule(rule_id, info.context, info.test)
        if not parsed:
            raise LookupError(
                f"{rule_id}: test {info.test!r} on {info.context!r} is neither a table shape nor hand-written"
            )
        rules.extend(parsed)
    from .codes import code_tags  # here: the import order of the rule modules is the rule order

    # The same walk collects the elements of the code-list rules and the VAT categories, for
    # :mod:`.codes` and :mod:`.vat_ubl_facts`: one walk of the document for the three passes.
    named: dict[str, Anchor | tuple[Anchor, ...]] = {
        **_NAMED,
        "codes": tuple(Anchor(start=tag) for tag in code_tags(UBL)),
        "tax_categories": (Anchor(start=CAC + "TaxCategory"), Anchor(start=CAC + "ClassifiedTaxCategory")),
    }
    scanner = Scanner(rules, classes=_CLASSES, named=named, attr_watch=set(any_attr) | {"name"})
    return scanner, any_attr


def _run(ctx: RuleContext) -> Scan:
    scan = ctx.memo["syntax.ubl"] = _table()[0].scan(ctx.root, elements=ctx.doc.elements)
    return scan


def _scan(ctx: RuleContext) -> Scan:
    scan = ctx.memo.get("syntax.ubl")
    return _run(ctx) if scan is None else scan


def _table_check(rule_id: str) -> Callable[[RuleContext], Any]:
    def check(ctx: RuleContext) -> Any:
        scan = ctx.memo.get("syntax.ubl")
        if scan is None:
            scan = _run(ctx)
        return scan.hits.get(rule_id, ())

    return check


def _batch(ctx: RuleContext) -> Any:
    scan = ctx.memo.get("syntax.ubl")
    return (_run(ctx) if scan is None else scan).hits


def _attr_check(rule_id: str, attr: str) -> Callable[[RuleContext], Any]:
    # not(//@attr), context the root: one hit at the root when any element carries it.
    def check(ctx: RuleContext) -> Any:
        return (ctx.root,) if _scan(ctx).attrs.get(attr) else ()

    return check


def _attr_batch(ctx: RuleContext) -> dict[str, Any]:
    """The not(//@attr) rules in one step: {rule: (root,)} for the attributes the walk met."""
    found = _scan(ctx).attrs
    if not found:
        return {}
    any_attr = _table()[1]
    return {any_attr[attr]: (ctx.root,) for attr in found if attr in any_attr}


# -- French messages ---------------------------------------------------------------------------

_FR_DT = {
    "08": "l'attribut schemeName",
    "09": "l'attribut schemeAgencyName",
    "10": "l'attribut schemeDataURI",
    "11": "l'attribut schemeURI",
    "12": "l'attribut format",
    "13": "l'attribut unitCodeListIdentifier",
    "14": "l'attribut unitCodeListAgencyIdentifier",
    "15": "l'attribut unitCodeListAgencyName",
    "16": "l'attribut listAgencyName",
    "17": "l'attribut listName",
    "19": "l'attribut languageID",
    "20": "l'attribut listURI",
    "21": "l'attribut listSchemeURI",
    "22": "l'attribut languageLocaleID",
    "23": "l'attribut uri",
    "24": "l'attribut currencyCodeListVersionID",
    "25": "l'attribut characterSetCode",
    "26": "l'attribut encodingCode",
    "27": "l'attribut schemeAgencyID",
    "28": "l'attribut listAgencyID",
}
_FR_SR = {
    "01": "L'identifiant de contrat (BT-12) doit apparaître au plus une fois.",
    "02": "L'identifiant d'avis de réception (BT-15) doit apparaître au plus une fois.",
    "03": "L'identifiant d'avis d'expédition (BT-16) doit apparaître au plus une fois.",
    "05": "Les conditions de paiement (BT-20) doivent apparaître au plus une fois.",
    "06": "La référence à une facture antérieure doit apparaître au plus une fois.",
    "07": "Si une référence à une facture antérieure est fournie, le numéro de la facture antérieure (BT-25) doit être présent.",
    "08": "La période de facturation (BG-14) doit apparaître au plus une fois.",
    "09": "Le nom du vendeur (BT-27) doit apparaître au plus une fois.",
    "10": "Le nom commercial du vendeur (BT-28) doit apparaître au plus une fois.",
    "11": "L'identifiant d'immatriculation légale du vendeur (BT-30) doit apparaître au plus une fois.",
    "14": "Les informations juridiques complémentaires du vendeur (BT-33) doivent apparaître au plus une fois.",
    "15": "Le nom de l'acheteur (BT-44) doit apparaître au plus une fois.",
    "16": "L'identifiant de l'acheteur (BT-46) doit apparaître au plus une fois.",
    "17": "L'identifiant d'immatriculation légale de l'acheteur (BT-47) doit apparaître au plus une fois.",
    "22": "Le nom du représentant fiscal du vendeur (BT-62) doit apparaître au plus une fois, si le vendeur a un représentant fiscal.",
    "23": "L'identifiant TVA du représentant fiscal du vendeur (BT-63) doit apparaître au plus une fois, si le vendeur a un représentant fiscal.",
    "24": "Les informations de livraison (BG-13) doivent apparaître au plus une fois.",
    "25": "Le nom de la partie livrée (BT-70) doit apparaître au plus une fois.",
    "26": "La référence de paiement (BT-83) doit apparaître au plus une fois.",
    "27": "Le texte du moyen de paiement (BT-82) doit apparaître au plus une fois.",
    "28": "L'identifiant de référence du mandat (BT-89) doit apparaître au plus une fois.",
    "32": "Le motif d'exonération de TVA (BT-120) doit apparaître au plus une fois.",
    "33": "La description du document justificatif (BT-123) doit apparaître au plus une fois.",
    "34": "La note de ligne de facture (BT-127) doit apparaître au plus une fois.",
    "35": "L'identifiant de ligne de commande référencée (BT-132) doit apparaître au plus une fois.",
    "36": "La période de facturation de la ligne (BG-26) doit apparaître au plus une fois.",
    "37": "La remise sur le prix de l'article (BT-147) doit apparaître au plus une fois.",
    "39": "La référence de projet (BT-11) doit apparaître au plus une fois.",
    "40": "Le nom commercial de l'acheteur (BT-45) doit apparaître au plus une fois.",
    "45": "La date d'échéance (BT-9) doit apparaître au plus une fois.",
    "48": "Les lignes de facture doivent avoir une et une seule catégorie de TVA (BG-30).",
    "49": "Le code de date d'exigibilité de la TVA (BT-8) doit apparaître au plus une fois.",
    "50": "La description de l'article (BT-154) doit apparaître au plus une fois.",
    "52": "La référence de document (BT-128) doit apparaître au plus une fois.",
    "54": "Une facture doit contenir au plus un compte de carte de paiement (BG-18).",
    "55": "Une facture doit contenir au plus un mandat de prélèvement (BG-19).",
    "56": "Une facture doit contenir au plus un identifiant de document d'origine (BT-17).",
}


def _fr_table(rule_id: str, en: str) -> str:
    """French message of a table rule, from its official English text."""
    prefix = f"[{rule_id}]-"
    num = rule_id.rsplit("-", 1)[1]
    if rule_id.startswith("UBL-DT-"):
        return f"{prefix}{_FR_DT[num][0].upper()}{_FR_DT[num][1:]} ne devrait pas être présent."
    if rule_id.startswith("UBL-SR-"):
        return prefix + _FR_SR[num]
    body = en.removeprefix(prefix)
    m = re.fullmatch(r"A UBL (invoice|credit note) (should|shall) not include (?:the |an |a )?(.*)", body)
    if m is None:
        raise LookupError(f"{rule_id}: no French template for {en!r}")
    doc = "Une facture UBL" if m[1] == "invoice" else "Un avoir UBL"
    verb = "ne devrait pas contenir" if m[2] == "should" else "ne doit pas contenir"
    what = "d'extensions" if m[3] == "extensions" else f"l'élément {m[3]}"
    return f"{prefix}{doc} {verb} {what}"


def _register_table() -> None:
    for rule_id, info in codelists.official_rules(UBL).items():
        if not rule_id.startswith(("UBL-CR-", "UBL-SR-", "UBL-DT-")) or rule_id in _HAND:
            continue
        m = _ANY_ATTR_RE.fullmatch(info.test.strip())
        if m:
            rule(rule_id, fr=_fr_table(rule_id, info.text), syntax=UBL, batch=_attr_batch)(
                _attr_check(rule_id, m.group(1))
            )
        else:
            rule(rule_id, fr=_fr_table(rule_id, info.text), syntax=UBL, batch=_batch)(_table_check(rule_id))


_register_table()
