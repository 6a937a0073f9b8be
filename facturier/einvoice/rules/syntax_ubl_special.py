"""UBL syntax-binding rules whose official test is not a plain path (CEN artefact v1.3.16).

The table-driven rules are in :mod:`.syntax_ubl`; these are the UBL-CR/SR/DT tests with
predicates, comparisons between paths or distinct values, written as small functions over the
context nodes that the same single walk collected (``_scan(ctx).named``). Each rule yields its
context nodes, as the Schematron reports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .. import codelists
from ..findings import Layer
from ..values import parse_boolean, string_value
from .registry import RULES, RuleContext, rule
from .syntax_ubl import CAC, CBC, UBL, _scan


def _kids(el: Any, *tags: str) -> list[Any]:
    """Elements at the child path ``tags`` below ``el`` (document order)."""
    level = [el]
    for tag in tags:
        level = [c for e in level for c in e.iterchildren(tag)]
    return level


def _count(el: Any, *tags: str) -> int:
    return len(_kids(el, *tags))


def _text(el: Any) -> str:
    return string_value(el)


@rule(
    "UBL-CR-002",
    fr="[UBL-CR-002]-Une facture UBL ne devrait pas contenir l'élément UBLVersionID, ou il devrait valoir 2.1",
    syntax=UBL,
)
def ubl_cr_002(ctx: RuleContext) -> Iterator[Any]:
    # not(cbc:UBLVersionID) or cbc:UBLVersionID = '2.1' (any occurrence equal to '2.1').
    versions = [_text(v) for v in ctx.root.iterchildren(CBC + "UBLVersionID")]
    if versions and "2.1" not in versions:
        yield ctx.root


@rule(
    "UBL-CR-412",
    fr="[UBL-CR-412]-Une facture UBL ne devrait pas contenir l'élément PaymentMeans PaymentDueDate",
    syntax=UBL,
)
def ubl_cr_412(ctx: RuleContext) -> Iterator[Any]:
    # not(cac:PaymentMeans/cbc:PaymentDueDate) or ../cn:CreditNote: allowed in a credit note.
    if (
        not ctx.invoice.is_credit_note
        and _kids(ctx.root, CAC + "PaymentMeans", CBC + "PaymentDueDate")
    ):
        yield ctx.root


def _document_type_codes(adr: Any) -> list[str]:
    return [_text(c) for c in adr.iterchildren(CBC + "DocumentTypeCode")]


@rule(
    "UBL-CR-665",
    fr="[UBL-CR-665]-Une facture UBL ne devrait pas contenir l'identifiant de schéma de l'AdditionalDocumentReference ID, sauf pour l'identifiant d'objet facturé",
    syntax=UBL,
)
def ubl_cr_665(ctx: RuleContext) -> Iterator[Any]:
    # not(//cac:AdditionalDocumentReference[cbc:DocumentTypeCode != '130' or
    #     not(cbc:DocumentTypeCode)]/cbc:ID/@schemeID)
    for adr in _scan(ctx).named["adr"]:
        codes = _document_type_codes(adr)
        if (not codes or any(c != "130" for c in codes)) and any(
            i.get("schemeID") is not None for i in adr.iterchildren(CBC + "ID")
        ):
            yield ctx.root
            return


def _adr_130_with(ctx: RuleContext, tag: str) -> Iterator[Any]:
    for adr in _scan(ctx).named["adr"]:
        if "130" in _document_type_codes(adr) and next(adr.iterchildren(tag), None) is not None:
            yield ctx.root
            return


@rule(
    "UBL-CR-666",
    fr="[UBL-CR-666]-Une facture UBL ne doit pas contenir d'AdditionalDocumentReference désignant à la fois un identifiant d'objet facturé et une pièce jointe",
    syntax=UBL,
)
def ubl_cr_666(ctx: RuleContext) -> Iterator[Any]:
    # not(//cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cac:Attachment)
    return _adr_130_with(ctx, CAC + "Attachment")


@rule(
    "UBL-CR-673",
    fr="[UBL-CR-673]-Une facture UBL ne doit pas contenir d'AdditionalDocumentReference désignant à la fois un identifiant d'objet facturé et une description de document",
    syntax=UBL,
)
def ubl_cr_673(ctx: RuleContext) -> Iterator[Any]:
    # not(//cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cbc:DocumentDescription)
    return _adr_130_with(ctx, CBC + "DocumentDescription")


@rule(
    "UBL-SR-04",
    fr="[UBL-SR-04]-L'identifiant d'objet facturé (BT-18) doit apparaître au plus une fois.",
    syntax=UBL,
)
def ubl_sr_04(ctx: RuleContext) -> Iterator[Any]:
    # count(cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID) <= 1
    n = sum(
        _count(adr, CBC + "ID")
        for adr in ctx.root.iterchildren(CAC + "AdditionalDocumentReference")
        if "130" in _document_type_codes(adr)
    )
    if n > 1:
        yield ctx.root


def _tax_scheme_ids(pts: Any) -> list[str]:
    # cac:TaxScheme/upper-case(cbc:ID): one value per TaxScheme ("" when it has no ID).
    out = []
    for ts in pts.iterchildren(CAC + "TaxScheme"):
        ids = list(ts.iterchildren(CBC + "ID"))
        out.append(_text(ids[0]).upper() if ids else "")
    return out


def _party_tax_schemes(ctx: RuleContext, party_tag: str) -> list[tuple[list[str], int]]:
    """(tax scheme ids, number of cbc:CompanyID) of each ``party_tag/cac:Party/cac:PartyTaxScheme``,
    computed once per document for UBL-SR-12/13 (seller) and UBL-SR-18 (buyer)."""
    key = "ubl.pts" + party_tag
    found: list[tuple[list[str], int]] | None = ctx.memo.get(key)
    if found is None:
        # party_tag/cac:Party/cac:PartyTaxScheme below the root, from the walk's PartyTaxScheme
        # elements (document order, as the nested child loops would give them).
        root = ctx.root
        found = ctx.memo[key] = []
        for pts in _scan(ctx).named["party_tax_scheme"]:
            party = pts.getparent()
            if party.tag != _PARTY:
                continue
            holder = party.getparent()
            if holder is not None and holder.tag == party_tag and holder.getparent() is root:
                found.append((_tax_scheme_ids(pts), _count(pts, CBC + "CompanyID")))
    return found


_PARTY = CAC + "Party"


def _vat_company_ids(ctx: RuleContext, party_tag: str, vat: bool) -> int:
    n = 0
    for schemes, company_ids in _party_tax_schemes(ctx, party_tag):
        if (vat and "VAT" in schemes) or (not vat and any(s != "VAT" for s in schemes)):
            n += company_ids
    return n


@rule(
    "UBL-SR-12",
    fr="[UBL-SR-12]-L'identifiant TVA du vendeur (BT-31) doit apparaître au plus une fois.",
    syntax=UBL,
)
def ubl_sr_12(ctx: RuleContext) -> Iterator[Any]:
    if _vat_company_ids(ctx, CAC + "AccountingSupplierParty", True) > 1:
        yield ctx.root


@rule(
    "UBL-SR-13",
    fr="[UBL-SR-13]-L'identifiant d'enregistrement fiscal du vendeur (BT-32) doit apparaître au plus une fois.",
    syntax=UBL,
)
def ubl_sr_13(ctx: RuleContext) -> Iterator[Any]:
    if _vat_company_ids(ctx, CAC + "AccountingSupplierParty", False) > 1:
        yield ctx.root


@rule(
    "UBL-SR-18",
    fr="[UBL-SR-18]-L'identifiant TVA de l'acheteur (BT-48) doit apparaître au plus une fois.",
    syntax=UBL,
)
def ubl_sr_18(ctx: RuleContext) -> Iterator[Any]:
    if _vat_company_ids(ctx, CAC + "AccountingCustomerParty", True) > 1:
        yield ctx.root


def _payee_rule(count_of: Callable[[Any], int]) -> Callable[[RuleContext], Iterator[Any]]:
    # (count(...) <= 1) and ((cac:PartyName/cbc:Name) != (../cac:AccountingSupplierParty/cac:Party/
    # cac:PartyLegalEntity/cbc:RegistrationName)): the general comparison is false when either
    # side is empty, so the rule also fires when the payee has no name or the seller no
    # registration name.
    def check(ctx: RuleContext) -> Iterator[Any]:
        for payee in _scan(ctx).named["payee"]:
            names = [_text(n) for n in _kids(payee, CAC + "PartyName", CBC + "Name")]
            parent = payee.getparent()
            seller = (
                []
                if parent is None
                else [
                    _text(n)
                    for n in _kids(
                        parent,
                        CAC + "AccountingSupplierParty",
                        CAC + "Party",
                        CAC + "PartyLegalEntity",
                        CBC + "RegistrationName",
                    )
                ]
            )
            differs = any(a != b for a in names for b in seller)
            if not (count_of(payee) <= 1 and differs):
                yield payee

    return check


rule(
    "UBL-SR-19",
    fr="[UBL-SR-19]-Le nom du bénéficiaire (BT-59) doit apparaître au plus une fois, si le bénéficiaire est différent du vendeur.",
    syntax=UBL,
)(_payee_rule(lambda p: _count(p, CAC + "PartyName", CBC + "Name")))
rule(
    "UBL-SR-20",
    fr="[UBL-SR-20]-L'identifiant du bénéficiaire (BT-60) doit apparaître au plus une fois, si le bénéficiaire est différent du vendeur.",
    syntax=UBL,
)(
    _payee_rule(
        lambda p: sum(
            1
            for i in _kids(p, CAC + "PartyIdentification", CBC + "ID")
            if (i.get("schemeID") or "").upper() != "SEPA"
        )
    )
)
rule(
    "UBL-SR-21",
    fr="[UBL-SR-21]-L'identifiant d'immatriculation légale du bénéficiaire (BT-61) doit apparaître au plus une fois, si le bénéficiaire est différent du vendeur.",
    syntax=UBL,
)(_payee_rule(lambda p: _count(p, CAC + "PartyLegalEntity", CBC + "CompanyID")))


@rule(
    "UBL-SR-29",
    fr="[UBL-SR-29]-La référence du créancier (BT-90) doit apparaître au plus une fois.",
    syntax=UBL,
)
def ubl_sr_29(ctx: RuleContext) -> Iterator[Any]:
    # count(//cac:PartyIdentification/cbc:ID[upper-case(@schemeID) = 'SEPA']) <= 1
    if sum(1 for i in _scan(ctx).named["party_id"] if (i.get("schemeID") or "").upper() == "SEPA") > 1:
        yield ctx.root


def _allowance_reasons(ctx: RuleContext, charge: bool) -> Iterator[Any]:
    # cac:AllowanceCharge[cbc:ChargeIndicator = false()|true()]: count(cbc:AllowanceChargeReason) <= 1
    for ac in _scan(ctx).named["allowance"]:
        if (
            any(parse_boolean(_text(i)) is charge for i in ac.iterchildren(CBC + "ChargeIndicator"))
            and _count(ac, CBC + "AllowanceChargeReason") > 1
        ):
            yield ac


@rule(
    "UBL-SR-30",
    fr="[UBL-SR-30]-Le motif de remise au niveau du document doit apparaître au plus une fois.",
    syntax=UBL,
)
def ubl_sr_30(ctx: RuleContext) -> Iterator[Any]:
    return _allowance_reasons(ctx, False)


@rule(
    "UBL-SR-31",
    fr="[UBL-SR-31]-Le motif de charge au niveau du document doit apparaître au plus une fois.",
    syntax=UBL,
)
def ubl_sr_31(ctx: RuleContext) -> Iterator[Any]:
    return _allowance_reasons(ctx, True)


@rule(
    "UBL-SR-42",
    fr="[UBL-SR-42]-Le schéma fiscal de la partie (PartyTaxScheme) doit apparaître au plus deux fois pour le vendeur.",
    syntax=UBL,
)
def ubl_sr_42(ctx: RuleContext) -> Iterator[Any]:
    # context cac:AccountingSupplierParty/cac:Party: count(cac:PartyTaxScheme) <= 2
    for party in _scan(ctx).named["supplier_party"]:
        if _count(party, CAC + "PartyTaxScheme") > 2:
            yield party


@rule(
    "UBL-SR-43",
    fr="[UBL-SR-43]-L'identifiant de schéma ne doit être utilisé que pour l'identifiant d'objet facturé (code de type de document 130 ou 50).",
    syntax=UBL,
)
def ubl_sr_43(ctx: RuleContext) -> Iterator[Any]:
    # (cbc:DocumentTypeCode='130') or ((local-name(/*) = 'CreditNote') and (cbc:DocumentTypeCode='50'))
    # or (not(cbc:ID/@schemeID) and not(cbc:DocumentTypeCode))
    credit_note = ctx.invoice.is_credit_note
    for adr in _scan(ctx).named["adr"]:
        codes = _document_type_codes(adr)
        if "130" in codes or (credit_note and "50" in codes):
            continue
        if not codes and not any(i.get("schemeID") is not None for i in adr.iterchildren(CBC + "ID")):
            continue
        yield adr


def _distinct_values(els: list[Any]) -> int:
    return len({_text(e) for e in els})


@rule(
    "UBL-SR-44",
    fr="[UBL-SR-44]-Une facture ne peut avoir qu'une seule valeur de PaymentID, mais ce PaymentID peut être utilisé pour plusieurs moyens de paiement.",
    syntax=UBL,
)
def ubl_sr_44(ctx: RuleContext) -> Iterator[Any]:
    # count(//cbc:PaymentID[not(preceding::cbc:PaymentID/. = .)]) <= 1: distinct values
    if _distinct_values(_scan(ctx).named["payment_id"]) > 1:
        yield ctx.root


@rule(
    "UBL-SR-46",
    fr="[UBL-SR-46]-Le texte du moyen de paiement (BT-82) doit apparaître au plus une fois.",
    syntax=UBL,
)
def ubl_sr_46(ctx: RuleContext) -> Iterator[Any]:
    # count(cac:PaymentMeans/cbc:PaymentMeansCode/@name) <= 1
    if (
        sum(
            1
            for c in _kids(ctx.root, CAC + "PaymentMeans", CBC + "PaymentMeansCode")
            if c.get("name") is not None
        )
        > 1
    ):
        yield ctx.root


@rule(
    "UBL-SR-47",
    fr="[UBL-SR-47]-Lorsqu'il y a plusieurs codes de moyen de paiement, ils doivent être identiques.",
    syntax=UBL,
)
def ubl_sr_47(ctx: RuleContext) -> Iterator[Any]:
    # count(//cbc:PaymentMeansCode[not(preceding::cbc:PaymentMeansCode/. = .)]) <= 1
    if _distinct_values(_scan(ctx).named["payment_means_code"]) > 1:
        yield ctx.root


@rule("UBL-SR-51", fr="[UBL-SR-51]-Une adresse ne peut avoir qu'une seule troisième ligne.", syntax=UBL)
def ubl_sr_51(ctx: RuleContext) -> Iterator[Any]:
    # //cac:PostalAddress | //cac:Address: not(cac:AddressLine) or count(cac:AddressLine) = 1
    scan = _scan(ctx)
    for address in (*scan.named["postal"], *scan.named["address"]):
        if _count(address, CAC + "AddressLine") > 1:
            yield address


@rule(
    "UBL-SR-53",
    fr="[UBL-SR-53]-Le CompanyID (identifiant TVA) doit être indiqué lorsque PartyTaxScheme/TaxScheme/ID est fourni.",
    syntax=UBL,
)
def ubl_sr_53(ctx: RuleContext) -> Iterator[Any]:
    # cac:PartyTaxScheme: exists(cac:TaxScheme/cbc:ID) and exists(cbc:CompanyID)
    for pts in _scan(ctx).named["party_tax_scheme"]:
        if (
            not _kids(pts, CAC + "TaxScheme", CBC + "ID")
            or next(pts.iterchildren(CBC + "CompanyID"), None) is None
        ):
            yield pts


@rule(
    "UBL-DT-01",
    fr="[UBL-DT-01]-Les montants doivent être des décimaux d'au plus deux chiffres après la virgule.",
    syntax=UBL,
)
def ubl_dt_01(ctx: RuleContext) -> Iterator[Any]:
    # //*[ends-with(name(), 'Amount') and not(ends-with(name(),'PriceAmount')) and
    #     not(ancestor::cac:Price/cac:AllowanceCharge)]: string-length(substring-after(.,'.'))<=2
    for amount in _scan(ctx).named["amount"]:
        text = _text(amount)
        dot = text.find(".")
        if dot < 0 or len(text) - dot - 1 <= 2:
            continue
        if any(
            next(p.iterchildren(CAC + "AllowanceCharge"), None) is not None
            for p in amount.iterancestors(CAC + "Price")
        ):
            continue
        yield amount


@rule(
    "UBL-DT-06",
    fr="[UBL-DT-06]-Les éléments d'objet binaire doivent contenir l'attribut de code MIME.",
    syntax=UBL,
)
def ubl_dt_06(ctx: RuleContext) -> Iterator[Any]:
    return (b for b in _scan(ctx).named["binary"] if b.get("mimeCode") is None)


@rule(
    "UBL-DT-07",
    fr="[UBL-DT-07]-Les éléments d'objet binaire doivent contenir l'attribut de nom de fichier.",
    syntax=UBL,
)
def ubl_dt_07(ctx: RuleContext) -> Iterator[Any]:
    return (b for b in _scan(ctx).named["binary"] if b.get("filename") is None)


@rule("UBL-DT-18", fr="[UBL-DT-18]-L'attribut name ne devrait pas être présent.", syntax=UBL)
def ubl_dt_18(ctx: RuleContext) -> Iterator[Any]:
    # count(//@name) - count(//cbc:PaymentMeansCode/@name) <= 0
    if any(el.tag != CBC + "PaymentMeansCode" for el in _scan(ctx).attrs.get("name", ())):
        yield ctx.root


def _check_coverage() -> None:
    """Every UBL syntax rule of the artefact is implemented here (table or hand-written)."""
    official = {r for r in codelists.official_rules(UBL) if r.startswith(("UBL-CR-", "UBL-SR-", "UBL-DT-"))}
    missing = official - set(RULES[Layer.EN16931][UBL])
    if missing:
        raise LookupError(f"UBL syntax rules not implemented: {sorted(missing)}")


_check_coverage()
