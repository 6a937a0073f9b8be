"""Severity and messages of the Peppol BIS Billing 3.0 rules (3.0.19), in English and French.

English texts and flags are those of the official Schematron (OpenPEPPOL/peppol-bis-invoice-3,
``rules/sch/PEPPOL-EN16931-UBL.sch`` and ``PEPPOL-EN16931-CII.sch``); CII texts that differ are in
:data:`CII_EN`. French texts are translations; they keep the ``[ID]-`` prefix and the BT/BG ids.
The rule modules register each function with :func:`peppol_rule`, which takes everything from
here, so a rule id has one severity and one wording wherever it is implemented.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..findings import Layer, Severity, Syntax, terms_in
from ..rules.registry import BOTH, Check, rule

__all__ = ["CII_EN", "MESSAGES", "peppol_rule"]

F, W = Severity.FATAL, Severity.WARNING

# rule id -> (severity, English, French)
MESSAGES: dict[str, tuple[Severity, str, str]] = {
    # --- transaction rules (PEPPOL-EN16931-R*) ---------------------------------------------------
    "PEPPOL-EN16931-R001": (
        F,
        "Business process MUST be provided.",
        "Le processus métier (BT-23) DOIT être fourni.",
    ),
    "PEPPOL-EN16931-R002": (
        F,
        (
            "No more than one note is allowed on document level, unless both the buyer and "
            "seller are German organizations."
        ),
        (
            "Une seule note (BG-1) est autorisée au niveau du document, sauf si l'acheteur et le vendeur sont tous "
            "deux des organisations allemandes."
        ),
    ),
    "PEPPOL-EN16931-R003": (
        F,
        "A buyer reference or purchase order reference MUST be provided.",
        "Une référence acheteur (BT-10) ou une référence de bon de commande (BT-13) DOIT être fournie.",
    ),
    "PEPPOL-EN16931-R004": (
        F,
        (
            "Specification identifier MUST have the value "
            "'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0'."
        ),
        (
            "L'identifiant de spécification (BT-24) DOIT avoir la valeur "
            "'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0'."
        ),
    ),
    "PEPPOL-EN16931-R005": (
        F,
        "VAT accounting currency code MUST be different from invoice currency code when provided.",
        (
            "Le code de devise de comptabilisation de la TVA (BT-6), s'il est fourni, DOIT être différent du code "
            "de devise de la facture (BT-5)."
        ),
    ),
    "PEPPOL-EN16931-R006": (
        F,
        "Only one invoiced object is allowed on document level",
        "Un seul objet facturé (BT-18) est autorisé au niveau du document.",
    ),
    "PEPPOL-EN16931-R007": (
        F,
        (
            "Business process MUST be in the format "
            "'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0' where NN indicates the process number."
        ),
        (
            "Le processus métier (BT-23) DOIT être au format 'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0' où NN "
            "est le numéro du processus."
        ),
    ),
    "PEPPOL-EN16931-R008": (
        F,
        "Document MUST not contain empty elements.",
        "Le document NE DOIT PAS contenir d'éléments vides.",
    ),
    "PEPPOL-EN16931-R010": (
        F,
        "Buyer electronic address MUST be provided",
        "L'adresse électronique de l'acheteur (BT-49) DOIT être fournie.",
    ),
    "PEPPOL-EN16931-R020": (
        F,
        "Seller electronic address MUST be provided",
        "L'adresse électronique du vendeur (BT-34) DOIT être fournie.",
    ),
    "PEPPOL-EN16931-R040": (
        F,
        (
            "Allowance/charge amount must equal base amount * percentage/100 if base amount "
            "and percentage exists"
        ),
        (
            "Le montant de la remise ou des frais doit être égal à montant de base * pourcentage / 100 lorsque le "
            "montant de base et le pourcentage sont présents."
        ),
    ),
    "PEPPOL-EN16931-R041": (
        F,
        "Allowance/charge base amount MUST be provided when allowance/charge percentage is provided.",
        "Le montant de base de la remise ou des frais DOIT être fourni lorsque le pourcentage est fourni.",
    ),
    "PEPPOL-EN16931-R042": (
        F,
        "Allowance/charge percentage MUST be provided when allowance/charge base amount is provided.",
        "Le pourcentage de la remise ou des frais DOIT être fourni lorsque le montant de base est fourni.",
    ),
    "PEPPOL-EN16931-R043": (
        F,
        "Allowance/charge ChargeIndicator value MUST equal 'true' or 'false'",
        "L'indicateur de remise ou de frais (ChargeIndicator) DOIT valoir 'true' ou 'false'.",
    ),
    "PEPPOL-EN16931-R044": (
        F,
        "Charge on price level is NOT allowed. Only value 'false' allowed.",
        "Les frais au niveau du prix ne sont PAS autorisés. Seule la valeur 'false' est admise.",
    ),
    "PEPPOL-EN16931-R046": (
        F,
        "Item net price MUST equal (Gross price - Allowance amount) when gross price is provided.",
        (
            "Le prix net de l'article (BT-146) DOIT être égal au prix brut (BT-148) moins le rabais (BT-147) "
            "lorsque le prix brut est fourni."
        ),
    ),
    "PEPPOL-EN16931-R051": (
        F,
        (
            "All currencyID attributes must have the same value as the invoice currency code "
            "(BT-5), except for the invoice total VAT amount in accounting currency (BT-111)."
        ),
        (
            "Tous les attributs currencyID doivent avoir la valeur du code de devise de la facture (BT-5), sauf le "
            "montant total de TVA en devise de comptabilisation (BT-111)."
        ),
    ),
    "PEPPOL-EN16931-R053": (
        F,
        "Only one tax total with tax subtotals MUST be provided.",
        "Un seul total de taxe avec ventilation de TVA (BG-23) DOIT être fourni.",
    ),
    "PEPPOL-EN16931-R054": (
        F,
        "Only one tax total without tax subtotals MUST be provided when tax currency code is provided.",
        (
            "Un seul total de taxe sans ventilation DOIT être fourni lorsque le code de devise de comptabilisation "
            "de la TVA (BT-6) est fourni."
        ),
    ),
    "PEPPOL-EN16931-R055": (
        F,
        (
            "Invoice total VAT amount and Invoice total VAT amount in accounting currency MUST "
            "have the same operational sign"
        ),
        (
            "Le montant total de TVA (BT-110) et le montant total de TVA en devise de comptabilisation (BT-111) "
            "DOIVENT avoir le même signe."
        ),
    ),
    "PEPPOL-EN16931-R061": (
        F,
        "Mandate reference MUST be provided for direct debit.",
        "La référence du mandat (BT-89) DOIT être fournie pour un prélèvement.",
    ),
    "PEPPOL-EN16931-R080": (
        F,
        "Only one project reference is allowed on document level",
        "Une seule référence de projet (BT-11) est autorisée au niveau du document.",
    ),
    "PEPPOL-EN16931-R100": (
        F,
        "Only one invoiced object is allowed pr line",
        "Un seul objet facturé (BT-128) est autorisé par ligne.",
    ),
    "PEPPOL-EN16931-R101": (
        F,
        "Element Document reference can only be used for Invoice line object",
        "La référence de document d'une ligne ne peut servir qu'à l'objet facturé de la ligne (BT-128).",
    ),
    "PEPPOL-EN16931-R110": (
        F,
        "Start date of line period MUST be within invoice period.",
        (
            "La date de début de la période de ligne (BT-134) DOIT être comprise dans la période de facturation "
            "(BG-14)."
        ),
    ),
    "PEPPOL-EN16931-R111": (
        F,
        "End date of line period MUST be within invoice period.",
        (
            "La date de fin de la période de ligne (BT-135) DOIT être comprise dans la période de facturation "
            "(BG-14)."
        ),
    ),
    "PEPPOL-EN16931-R120": (
        F,
        (
            "Invoice line net amount MUST equal (Invoiced quantity * (Item net price/item price "
            "base quantity) + Sum of invoice line charge amount - sum of invoice line allowance amount"
        ),
        (
            "Le montant net de la ligne (BT-131) DOIT être égal à quantité facturée (BT-129) * (prix net (BT-146) "
            "/ quantité de base (BT-149)) + somme des frais de ligne - somme des remises de ligne."
        ),
    ),
    "PEPPOL-EN16931-R121": (
        F,
        "Base quantity MUST be a positive number above zero.",
        "La quantité de base du prix (BT-149) DOIT être un nombre strictement positif.",
    ),
    "PEPPOL-EN16931-R130": (
        F,
        "Unit code of price base quantity MUST be same as invoiced quantity.",
        (
            "Le code d'unité de la quantité de base du prix (BT-150) DOIT être celui de la quantité facturée "
            "(BT-130)."
        ),
    ),
    # --- code lists and formats ---------------------------------------------------------------------
    "PEPPOL-EN16931-CL001": (
        F,
        "Mime code must be according to subset of IANA code list.",
        "Le code MIME (BT-125-1) doit appartenir au sous-ensemble autorisé de la liste IANA.",
    ),
    "PEPPOL-EN16931-CL002": (
        F,
        "Reason code MUST be according to subset of UNCL 5189 D.16B.",
        "Le code de motif de remise DOIT appartenir au sous-ensemble autorisé de l'UNCL 5189 D.16B.",
    ),
    "PEPPOL-EN16931-CL003": (
        F,
        "Reason code MUST be according to UNCL 7161 D.16B.",
        "Le code de motif de frais DOIT appartenir à l'UNCL 7161 D.16B.",
    ),
    "PEPPOL-EN16931-CL006": (
        F,
        "Invoice period description code must be according to UNCL 2005 D.16B.",
        "Le code de description de la période de facturation (BT-8) doit appartenir à l'UNCL 2005 D.16B.",
    ),
    "PEPPOL-EN16931-CL007": (
        F,
        "Currency code must be according to ISO 4217:2005",
        "Le code de devise doit appartenir à l'ISO 4217:2005.",
    ),
    "PEPPOL-EN16931-CL008": (
        F,
        (
            'Electronic address identifier scheme must be from the codelist "Electronic '
            'Address Identifier Scheme"'
        ),
        (
            "Le schéma de l'adresse électronique doit appartenir à la liste « Electronic Address Identifier "
            "Scheme » (EAS)."
        ),
    ),
    "PEPPOL-EN16931-P0100": (
        F,
        "Invoice type code MUST be set according to the profile.",
        "Le code de type de facture (BT-3) DOIT correspondre au profil.",
    ),
    "PEPPOL-EN16931-P0101": (
        F,
        "Credit note type code MUST be set according to the profile.",
        "Le code de type d'avoir (BT-3) DOIT correspondre au profil.",
    ),
    "PEPPOL-EN16931-P0104": (
        F,
        "Tax Category G MUST be used when exemption reason code is VATEX-EU-G",
        "La catégorie de TVA G DOIT être utilisée lorsque le code de motif d'exonération est VATEX-EU-G.",
    ),
    "PEPPOL-EN16931-P0105": (
        F,
        "Tax Category O MUST be used when exemption reason code is VATEX-EU-O",
        "La catégorie de TVA O DOIT être utilisée lorsque le code de motif d'exonération est VATEX-EU-O.",
    ),
    "PEPPOL-EN16931-P0106": (
        F,
        "Tax Category K MUST be used when exemption reason code is VATEX-EU-IC",
        "La catégorie de TVA K DOIT être utilisée lorsque le code de motif d'exonération est VATEX-EU-IC.",
    ),
    "PEPPOL-EN16931-P0107": (
        F,
        "Tax Category AE MUST be used when exemption reason code is VATEX-EU-AE",
        "La catégorie de TVA AE DOIT être utilisée lorsque le code de motif d'exonération est VATEX-EU-AE.",
    ),
    "PEPPOL-EN16931-P0108": (
        F,
        "Tax Category E MUST be used when exemption reason code is VATEX-EU-D",
        "La catégorie de TVA E DOIT être utilisée lorsque le code de motif d'exonération est VATEX-EU-D.",
    ),
    "PEPPOL-EN16931-P0109": (
        F,
        "Tax Category E MUST be used when exemption reason code is VATEX-EU-F",
        "La catégorie de TVA E DOIT être utilisée lorsque le code de motif d'exonération est VATEX-EU-F.",
    ),
    "PEPPOL-EN16931-P0110": (
        F,
        "Tax Category E MUST be used when exemption reason code is VATEX-EU-I",
        "La catégorie de TVA E DOIT être utilisée lorsque le code de motif d'exonération est VATEX-EU-I.",
    ),
    "PEPPOL-EN16931-P0111": (
        F,
        "Tax Category E MUST be used when exemption reason code is VATEX-EU-J",
        "La catégorie de TVA E DOIT être utilisée lorsque le code de motif d'exonération est VATEX-EU-J.",
    ),
    "PEPPOL-EN16931-P0112": (
        F,
        "Invoice type code 326 or 384 are only allowed when both buyer and seller are German organizations",
        (
            "Les codes de type de facture 326 et 384 ne sont autorisés que si l'acheteur et le vendeur sont tous "
            "deux des organisations allemandes."
        ),
    ),
    "PEPPOL-EN16931-F001": (
        F,
        "A date MUST be formatted YYYY-MM-DD.",
        "Une date DOIT être au format AAAA-MM-JJ.",
    ),
    # --- identifier formats (PEPPOL-COMMON-R*) -----------------------------------------------------------
    "PEPPOL-COMMON-R040": (
        F,
        "GLN must have a valid format according to GS1 rules.",
        "Un GLN doit avoir un format valide selon les règles GS1.",
    ),
    "PEPPOL-COMMON-R041": (
        F,
        "Norwegian organization number MUST be stated in the correct format.",
        "Le numéro d'organisation norvégien DOIT être indiqué dans le format correct.",
    ),
    "PEPPOL-COMMON-R042": (
        F,
        "Danish organization number (CVR) MUST be stated in the correct format.",
        "Le numéro d'organisation danois (CVR) DOIT être indiqué dans le format correct.",
    ),
    "PEPPOL-COMMON-R043": (
        F,
        "Belgian enterprise number MUST be stated in the correct format.",
        "Le numéro d'entreprise belge DOIT être indiqué dans le format correct.",
    ),
    "PEPPOL-COMMON-R044": (
        W,
        "IPA Code (Codice Univoco Unità Organizzativa) must be stated in the correct format",
        "Le code IPA (Codice Univoco Unità Organizzativa) doit être indiqué dans le format correct.",
    ),
    "PEPPOL-COMMON-R045": (
        W,
        "Tax Code (Codice Fiscale) must be stated in the correct format",
        "Le code fiscal italien (Codice Fiscale) doit être indiqué dans le format correct.",
    ),
    "PEPPOL-COMMON-R046": (
        W,
        "Tax Code (Codice Fiscale) must be stated in the correct format",
        "Le code fiscal italien (Codice Fiscale) doit être indiqué dans le format correct.",
    ),
    "PEPPOL-COMMON-R047": (
        W,
        "Italian VAT Code (Partita Iva) must be stated in the correct format",
        "Le numéro de TVA italien (Partita Iva) doit être indiqué dans le format correct.",
    ),
    "PEPPOL-COMMON-R048": (
        W,
        "Italian VAT Code (Partita Iva) must be stated in the correct format",
        "Le numéro de TVA italien (Partita Iva) doit être indiqué dans le format correct.",
    ),
    "PEPPOL-COMMON-R049": (
        F,
        "Swedish organization number MUST be stated in the correct format.",
        "Le numéro d'organisation suédois DOIT être indiqué dans le format correct.",
    ),
    "PEPPOL-COMMON-R050": (
        F,
        "Australian Business Number (ABN) MUST be stated in the correct format.",
        "Le numéro d'entreprise australien (ABN) DOIT être indiqué dans le format correct.",
    ),
}

# CII wording where it differs from UBL's.
CII_EN: dict[str, str] = {
    "PEPPOL-EN16931-R002": "No more than one note is allowed on document level.",
    "PEPPOL-EN16931-F001": "A date MUST be formatted YYYYMMDD.",
    "DK-R-002": "Danish suppliers MUST provide legal entity.",
    "DK-R-004": "When specifying non-VAT Taxes for Danish customers, Danish suppliers MUST use the "
    'AllowanceChargeReasonCode="ZZZ" and MUST be specified in AllowanceChargeReason; Either as the 4-digit Tax '
    "category or must include a #, but the # is not allowed as first and last character",
    "DK-R-007": "For Danish suppliers DirectDebitMandateID and CreditorReferenceID are mandatory when payment "
    "means is 49",
    "DK-R-013": "For Danish Suppliers it is mandatory to use schemeID when GlobalID is used for SellerTradeParty "
    "or BuyerTradeParty",
    "DK-R-014": 'For Danish Suppliers it is mandatory to specify schemeID as "0184" when '
    "SpecifiedLegalOrganization is used for SellerTradeParty",
    "DK-R-016": "For Danish Suppliers, a Credit note cannot have a negative total (DuePayableAmount)",
}
CII_FR: dict[str, str] = {
    "PEPPOL-EN16931-R002": "Une seule note (BG-1) est autorisée au niveau du document, sans code de sujet.",
    "PEPPOL-EN16931-F001": "Une date DOIT être au format AAAAMMJJ (format 102).",
}


def register_messages(table: dict[str, tuple[Severity, str, str]]) -> None:
    """Add the messages of a rule family (national rules live in their own modules)."""
    for rule_id, entry in table.items():
        if rule_id in MESSAGES:
            raise ValueError(f"duplicate message for {rule_id}")
        MESSAGES[rule_id] = entry


def peppol_rule(rule_id: str, syntax: Syntax | Iterable[Syntax] = BOTH) -> Callable[[Check], Check]:
    """Register a Peppol BIS 3 rule in the CIUS layer with its table severity and messages."""
    severity, en, fr = MESSAGES[rule_id]
    syntaxes = (syntax,) if isinstance(syntax, Syntax) else tuple(syntax)

    def register(check: Check) -> Check:
        for s in syntaxes:
            en_s = CII_EN.get(rule_id, en) if s is Syntax.CII else en
            fr_s = CII_FR.get(rule_id, fr) if s is Syntax.CII else fr
            rule(
                rule_id,
                layer=Layer.CIUS,
                syntax=s,
                severity=severity,
                en=f"[{rule_id}]-{en_s}",
                fr=f"[{rule_id}]-{fr_s}",
                terms=terms_in(fr_s + en_s),
            )(check)
        return check

    return register
