"""Severity and messages of the national rules of Peppol BIS Billing 3.0 (3.0.19).

Norway (NO-R), Denmark (DK-R), Italy (IT-R), Sweden (SE-R), Greece (GR-R, GR-S), Iceland (IS-R),
the Netherlands (NL-R) and Germany (DE-R). English texts and flags from the official Schematron
(``rules/sch/PEPPOL-EN16931-UBL.sch``; CII wording differences in :data:`.messages.CII_EN`),
French texts translated.
"""

from __future__ import annotations

from ..findings import Severity
from .messages import CII_EN, register_messages

F, W = Severity.FATAL, Severity.WARNING

NATIONAL: dict[str, tuple[Severity, str, str]] = {
    # --- Norway ------------------------------------------------------------------------------------
    "NO-R-001": (
        F,
        (
            "For Norwegian suppliers, a VAT number MUST be the country code prefix NO followed by a valid "
            "Norwegian organization number (nine numbers) followed by the letters MVA."
        ),
        (
            "Pour les fournisseurs norvégiens, le numéro de TVA (BT-31) DOIT être le préfixe NO suivi d'un numéro "
            "d'organisation norvégien valide (neuf chiffres) puis des lettres MVA."
        ),
    ),
    "NO-R-002": (
        W,
        (
            'For Norwegian suppliers, most invoice issuers are required to append "Foretaksregisteret" to '
            'their invoice. "Dersom selger er aksjeselskap, allmennaksjeselskap eller filial av utenlandsk selskap '
            'skal også ordet «Foretaksregisteret» fremgå av salgsdokumentet, jf. foretaksregisterloven § 10-2."'
        ),
        (
            "Pour les fournisseurs norvégiens, la plupart des émetteurs doivent faire figurer la mention "
            "« Foretaksregisteret » sur leur facture (BT-32), selon la loi norvégienne sur le registre des "
            "entreprises (§ 10-2)."
        ),
    ),
    # --- Denmark ----------------------------------------------------------------------------------------
    "DK-R-002": (
        F,
        "Danish suppliers MUST provide legal entity (CVR-number)",
        "Les fournisseurs danois DOIVENT indiquer leur identifiant d'entité juridique (numéro CVR, BT-30).",
    ),
    "DK-R-003": (
        W,
        (
            "If ItemClassification is provided from Danish suppliers, UNSPSC version 19.05.01 or 26.08.01 "
            "should be used."
        ),
        (
            "Si un fournisseur danois fournit une classification d'article (BT-158), la version UNSPSC 19.05.01 ou "
            "26.08.01 devrait être utilisée."
        ),
    ),
    "DK-R-004": (
        F,
        (
            "When specifying non-VAT Taxes for Danish customers, Danish suppliers MUST use the "
            'AllowanceChargeReasonCode="ZZZ" and MUST be specified in AllowanceChargeReason; Either as the 4-digit Tax '
            "category or must include a #, but the # is not allowed as first and last character"
        ),
        (
            "Pour indiquer des taxes autres que la TVA à un client danois, un fournisseur danois DOIT utiliser le "
            "code de motif « ZZZ » et préciser la taxe dans le motif : soit la catégorie de taxe à 4 chiffres, soit "
            "un texte contenant un # qui n'est ni le premier ni le dernier caractère."
        ),
    ),
    "DK-R-005": (
        F,
        (
            "For Danish suppliers the following Payment means codes are allowed: 1, 10, 31, 42, 48, 49, 50, "
            "58, 59, 93 and 97"
        ),
        (
            "Pour les fournisseurs danois, les codes de moyen de paiement (BT-81) autorisés sont : 1, 10, 31, 42, "
            "48, 49, 50, 58, 59, 93 et 97."
        ),
    ),
    "DK-R-006": (
        F,
        (
            "For Danish suppliers bank account and registration account is mandatory if payment means is "
            "31 or 42"
        ),
        (
            "Pour les fournisseurs danois, le compte bancaire (BT-84) et le numéro d'enregistrement (BT-86) sont "
            "obligatoires si le moyen de paiement est 31 ou 42."
        ),
    ),
    "DK-R-007": (
        F,
        (
            "For Danish suppliers PaymentMandate/ID and PayerFinancialAccount/ID are mandatory when payment "
            "means is 49"
        ),
        (
            "Pour les fournisseurs danois, la référence du mandat (BT-89) et le compte débité (BT-91) sont "
            "obligatoires si le moyen de paiement est 49."
        ),
    ),
    "DK-R-008": (
        F,
        (
            "For Danish Suppliers PaymentID is mandatory and MUST start with 01#, 04# or 15# (kortartkode), "
            "and PayeeFinancialAccount/ID (Giro kontonummer) is mandatory and must be 7 or 8 numerical characters long, "
            "when payment means equals 50 (Giro)"
        ),
        (
            "Pour les fournisseurs danois payés par virement Giro (code 50), l'avis de paiement (BT-83) est "
            "obligatoire et DOIT commencer par 01#, 04# ou 15#, et le numéro de compte Giro (BT-84) est obligatoire "
            "et doit compter 7 ou 8 chiffres."
        ),
    ),
    "DK-R-009": (
        F,
        (
            "For Danish Suppliers if the PaymentID is prefixed with 04# or 15# the 16 digits instruction Id "
            'must be added to the PaymentID eg. "04#1234567890123456" when Payment means equals 50 (Giro)'
        ),
        (
            "Pour les fournisseurs danois payés par Giro (code 50), un avis de paiement (BT-83) commençant par 04# "
            "ou 15# doit être suivi de l'identifiant d'instruction à 16 chiffres, par ex. « 04#1234567890123456 »."
        ),
    ),
    "DK-R-010": (
        F,
        (
            "For Danish Suppliers the PaymentID is mandatory and MUST start with 71#, 73# or 75# "
            "(kortartkode) and CreditAccount/AccountID (Kreditornummer) is mandatory and MUST be exactly 8 characters "
            "long, when Payment means equals 93 (FIK)"
        ),
        (
            "Pour les fournisseurs danois payés par FIK (code 93), l'avis de paiement (BT-83) est obligatoire et "
            "DOIT commencer par 71#, 73# ou 75#, et le numéro de créancier (BT-84) est obligatoire et DOIT compter "
            "exactement 8 caractères."
        ),
    ),
    "DK-R-011": (
        F,
        (
            "For Danish Suppliers if the PaymentID is prefixed with 71# or 75# the 15-16 digits instruction "
            'Id must be added to the PaymentID eg. "71#1234567890123456" when payment Method equals 93 (FIK)'
        ),
        (
            "Pour les fournisseurs danois payés par FIK (code 93), un avis de paiement (BT-83) commençant par 71# "
            "ou 75# doit être suivi de l'identifiant d'instruction à 15 ou 16 chiffres, par ex. "
            "« 71#1234567890123456 »."
        ),
    ),
    "DK-R-013": (
        F,
        (
            "For Danish Suppliers it is mandatory to use schemeID when PartyIdentification/ID is used for "
            "AccountingCustomerParty or AccountingSupplierParty"
        ),
        (
            "Pour les fournisseurs danois, l'identifiant de schéma est obligatoire sur les identifiants du vendeur "
            "(BT-29) et de l'acheteur (BT-46)."
        ),
    ),
    "DK-R-014": (
        F,
        (
            'For Danish Suppliers it is mandatory to specify schemeID as "0184" (DK CVR-number) when '
            "PartyLegalEntity/CompanyID is used for AccountingSupplierParty"
        ),
        (
            "Pour les fournisseurs danois, l'identifiant d'entité juridique du vendeur (BT-30) DOIT porter le "
            "schéma « 0184 » (numéro CVR danois)."
        ),
    ),
    "DK-R-016": (
        F,
        "For Danish Suppliers, a Credit note cannot have a negative total (PayableAmount)",
        "Pour les fournisseurs danois, un avoir ne peut pas avoir un montant à payer (BT-115) négatif.",
    ),
    # --- Italy ------------------------------------------------------------------------------------------
    "IT-R-001": (
        F,
        (
            "BT-32 (Seller tax registration identifier) - For Italian suppliers BT-32 minimum length 11 and "
            "maximum length shall be 16. Per i fornitori italiani il BT-32 deve avere una lunghezza tra 11 e 16 "
            "caratteri"
        ),
        (
            "BT-32 (identifiant fiscal du vendeur) - Pour les fournisseurs italiens, le BT-32 doit compter de 11 à "
            "16 caractères (lettres majuscules et chiffres)."
        ),
    ),
    "IT-R-002": (
        F,
        (
            "BT-35 (Seller address line 1) - Italian suppliers MUST provide the postal address line 1 - I "
            "fornitori italiani devono indicare l'indirizzo postale."
        ),
        (
            "BT-35 (ligne 1 de l'adresse du vendeur) - Les fournisseurs italiens DOIVENT indiquer la ligne 1 de "
            "l'adresse postale."
        ),
    ),
    "IT-R-003": (
        F,
        (
            "BT-37 (Seller city) - Italian suppliers MUST provide the postal address city - I fornitori "
            "italiani devono indicare la città di residenza."
        ),
        "BT-37 (ville du vendeur) - Les fournisseurs italiens DOIVENT indiquer la ville de l'adresse postale.",
    ),
    "IT-R-004": (
        F,
        (
            "BT-38 (Seller post code) - Italian suppliers MUST provide the postal address post code - I "
            "fornitori italiani devono indicare il CAP di residenza."
        ),
        (
            "BT-38 (code postal du vendeur) - Les fournisseurs italiens DOIVENT indiquer le code postal de "
            "l'adresse postale."
        ),
    ),
    # --- Sweden -----------------------------------------------------------------------------------------
    "SE-R-001": (
        F,
        "For Swedish suppliers, Swedish VAT-numbers must consist of 14 characters.",
        "Pour les fournisseurs suédois, le numéro de TVA suédois (BT-31) doit compter 14 caractères.",
    ),
    "SE-R-002": (
        F,
        "For Swedish suppliers, the Swedish VAT-numbers must have the trailing 12 characters in numeric form",
        (
            "Pour les fournisseurs suédois, les 12 derniers caractères du numéro de TVA suédois (BT-31) doivent être "
            "numériques."
        ),
    ),
    "SE-R-003": (
        F,
        "Swedish organisation numbers should be numeric.",
        "Les numéros d'organisation suédois (BT-30) doivent être numériques.",
    ),
    "SE-R-004": (
        F,
        "Swedish organisation numbers consist of 10 characters.",
        "Les numéros d'organisation suédois (BT-30) comptent 10 caractères.",
    ),
    "SE-R-005": (
        F,
        (
            "For Swedish suppliers, when using Seller tax registration identifier, 'Godkänd för F-skatt' "
            "must be stated"
        ),
        (
            "Pour les fournisseurs suédois, l'identifiant fiscal du vendeur (BT-32), s'il est utilisé, doit "
            "indiquer « Godkänd för F-skatt »."
        ),
    ),
    "SE-R-006": (
        F,
        "For Swedish suppliers, only standard VAT rate of 6, 12 or 25 are used",
        "Pour les fournisseurs suédois, seuls les taux de TVA normaux de 6, 12 ou 25 % sont utilisés.",
    ),
    "SE-R-007": (
        W,
        "For Swedish suppliers using Plusgiro, the Account ID must be numeric",
        "Pour les fournisseurs suédois utilisant Plusgiro, le numéro de compte (BT-84) doit être numérique.",
    ),
    "SE-R-008": (
        W,
        "For Swedish suppliers using Bankgiro, the Account ID must be numeric",
        "Pour les fournisseurs suédois utilisant Bankgiro, le numéro de compte (BT-84) doit être numérique.",
    ),
    "SE-R-009": (
        W,
        "For Swedish suppliers using Bankgiro, the Account ID must have 7-8 characters",
        (
            "Pour les fournisseurs suédois utilisant Bankgiro, le numéro de compte (BT-84) doit compter 7 ou 8 "
            "caractères."
        ),
    ),
    "SE-R-010": (
        W,
        "For Swedish suppliers using Plusgiro, the Account ID must have 2-8 characters",
        (
            "Pour les fournisseurs suédois utilisant Plusgiro, le numéro de compte (BT-84) doit compter de 2 à 8 "
            "caractères."
        ),
    ),
    "SE-R-011": (
        W,
        (
            "For Swedish suppliers using Swedish Bankgiro or Plusgiro, the proper way to indicate this is to "
            "use Code 30 for PaymentMeans and FinancialInstitutionBranch ID with code SE:BANKGIRO or SE:PLUSGIRO"
        ),
        (
            "Pour les fournisseurs suédois utilisant Bankgiro ou Plusgiro, il faut l'indiquer par le code de moyen "
            "de paiement 30 (BT-81) et l'identifiant de prestataire (BT-86) SE:BANKGIRO ou SE:PLUSGIRO."
        ),
    ),
    "SE-R-012": (
        W,
        (
            "For domestic transactions between Swedish trading partners, credit transfer should be indicated "
            'by PaymentMeansCode="30"'
        ),
        (
            "Pour les transactions entre partenaires suédois, le virement devrait être indiqué par le code de "
            "moyen de paiement 30 (BT-81)."
        ),
    ),
    "SE-R-013": (
        F,
        "The last digit of a Swedish organization number must be valid according to the Luhn algorithm.",
        (
            "Le dernier chiffre d'un numéro d'organisation suédois (BT-30) doit être valide selon l'algorithme de "
            "Luhn."
        ),
    ),
    # --- the Netherlands ----------------------------------------------------------------------------------
    "NL-R-001": (
        F,
        (
            "For suppliers in the Netherlands, if the document is a creditnote, the document MUST contain an "
            "invoice reference (cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID)"
        ),
        (
            "Pour les fournisseurs néerlandais, un avoir DOIT contenir une référence à la facture antérieure "
            "(BT-25)."
        ),
    ),
    "NL-R-002": (
        F,
        (
            "For suppliers in the Netherlands the supplier's address (cac:AccountingSupplierParty/cac:Party/"
            "cac:PostalAddress) MUST contain street name (cbc:StreetName), city (cbc:CityName) and post code "
            "(cbc:PostalZone)"
        ),
        (
            "Pour les fournisseurs néerlandais, l'adresse du vendeur (BG-5) DOIT contenir la rue (BT-35), la ville "
            "(BT-37) et le code postal (BT-38)."
        ),
    ),
    "NL-R-003": (
        F,
        (
            "For suppliers in the Netherlands, the legal entity identifier MUST be either a KVK or OIN number "
            "(schemeID 0106 or 0190)"
        ),
        (
            "Pour les fournisseurs néerlandais, l'identifiant d'entité juridique (BT-30) DOIT être un numéro KVK "
            "ou OIN (schéma 0106 ou 0190)."
        ),
    ),
    "NL-R-004": (
        F,
        (
            "For suppliers in the Netherlands, if the customer is in the Netherlands, the customer address "
            "(cac:AccountingCustomerParty/cac:Party/cac:PostalAddress) MUST contain the street name (cbc:StreetName), "
            "the city (cbc:CityName) and post code (cbc:PostalZone)"
        ),
        (
            "Pour les fournisseurs néerlandais dont le client est aux Pays-Bas, l'adresse de l'acheteur (BG-8) "
            "DOIT contenir la rue (BT-50), la ville (BT-52) et le code postal (BT-53)."
        ),
    ),
    "NL-R-005": (
        F,
        (
            "For suppliers in the Netherlands, if the customer is in the Netherlands, the customer's legal "
            "entity identifier MUST be either a KVK or OIN number (schemeID 0106 or 0190)"
        ),
        (
            "Pour les fournisseurs néerlandais dont le client est aux Pays-Bas, l'identifiant d'entité juridique "
            "de l'acheteur (BT-47) DOIT être un numéro KVK ou OIN (schéma 0106 ou 0190)."
        ),
    ),
    "NL-R-006": (
        F,
        (
            "For suppliers in the Netherlands, if the fiscal representative is in the Netherlands, the "
            "representative's address (cac:TaxRepresentativeParty/cac:PostalAddress) MUST contain street name "
            "(cbc:StreetName), city (cbc:CityName) and post code (cbc:PostalZone)"
        ),
        (
            "Pour les fournisseurs néerlandais dont le représentant fiscal est aux Pays-Bas, l'adresse du "
            "représentant (BG-12) DOIT contenir la rue (BT-64), la ville (BT-66) et le code postal (BT-67)."
        ),
    ),
    "NL-R-007": (
        F,
        (
            "For suppliers in the Netherlands, the supplier MUST provide a means of payment "
            "(cac:PaymentMeans) if the payment is from customer to supplier"
        ),
        (
            "Pour les fournisseurs néerlandais, un moyen de paiement (BG-16) DOIT être fourni lorsque le paiement "
            "va du client au fournisseur."
        ),
    ),
    "NL-R-008": (
        F,
        (
            "For suppliers in the Netherlands, if the customer is in the Netherlands, the payment means code "
            "(cac:PaymentMeans/cbc:PaymentMeansCode) MUST be one of 30, 48, 49, 57, 58 or 59"
        ),
        (
            "Pour les fournisseurs néerlandais dont le client est aux Pays-Bas, le code de moyen de paiement "
            "(BT-81) DOIT être 30, 48, 49, 57, 58 ou 59."
        ),
    ),
    "NL-R-009": (
        F,
        (
            "For suppliers in the Netherlands, if an order line reference (cac:OrderLineReference/cbc:LineID) "
            "is used, there must be an order reference on the document level (cac:OrderReference/cbc:ID)"
        ),
        (
            "Pour les fournisseurs néerlandais, une référence de ligne de commande (BT-132) exige une référence de "
            "commande au niveau du document (BT-13)."
        ),
    ),
}

register_messages(NATIONAL)

# CII wording of national rules (element names of the CII binding).
NATIONAL_CII_EN: dict[str, str] = {
    "NL-R-001": "For suppliers in the Netherlands, if the document is a creditnote, the document MUST contain an "
    "invoice reference (ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument/ram:IssuerAssignedID)",
    "NL-R-002": "For suppliers in the Netherlands the supplier's address (ram:SellerTradeParty/"
    "ram:PostalTradeAddress) MUST contain street name (ram:LineOne), city (ram:CityName) and post code "
    "(ram:PostcodeCode)",
    "NL-R-004": "For suppliers in the Netherlands, if the customer is in the Netherlands, the customer address "
    "(ram:BuyerTradeParty/ram:PostalTradeAddress) MUST contain the street name (ram:LineOne), the city "
    "(ram:CityName) and post code (ram:PostcodeCode)",
    "NL-R-006": "For suppliers in the Netherlands, if the fiscal representative is in the Netherlands, the "
    "representative's address (ram:SellerTaxRepresentativeTradeParty/ram:PostalTradeAddress) MUST contain street "
    "name (ram:LineOne), city (ram:CityName) and post code (ram:PostcodeCode)",
    "NL-R-007": "For suppliers in the Netherlands, the supplier MUST provide a means of payment "
    "(ram:SpecifiedTradeSettlementPaymentMeans) if the payment is from customer to supplier",
    "NL-R-008": "For suppliers in the Netherlands, if the customer is in the Netherlands, the payment means code "
    "(ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode) MUST be one of 30, 48, 49, 57, 58 or 59",
    "NL-R-009": "For suppliers in the Netherlands, if an order line reference (ram:BuyerOrderReferencedDocument/"
    "ram:LineID) is used, there must be an order reference on the document level (rsm:SupplyChainTradeTransaction/"
    "ram:ApplicableHeaderTradeAgreement/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID)",
    "DK-R-006": "For Danish suppliers, bank account and registration account are mandatory if payment means is 31 "
    "or 42",
    "DK-R-008": "For Danish Suppliers PaymentReference is mandatory and MUST start with 01#, 04# or 15# "
    "(kortartkode), and PayeePartyCreditorFinancialAccount/IBANID (Giro kontonummer) is mandatory and must be 7 "
    "characters long, when payment means equals 50 (Giro)",
    "DK-R-009": "For Danish Suppliers if the PaymentReference is prefixed with 04# or 015# the 16 digits "
    'instruction Id must be added to the PaymentReference eg. "04#1234567890123456" when Payment means equals 50 '
    "(Giro)",
    "DK-R-010": "For Danish Suppliers the PaymentReference is mandatory and MUST start with 71#, 73# or 75# "
    "(kortartkode) and and PayeePartyCreditorFinancialAccount/IBANID (Kreditornummer) is mandatory and must be "
    "exactly 8 characters long, when Payment means equals 93 (FIK)",
    "DK-R-011": "For Danish Suppliers if the PaymentReference is prefixed with 71# or 75# the 15-16 digits "
    'instruction Id must be added to the PaymentReference eg. "71#1234567890123456" when payment Method equals 93 '
    "(FIK)",
    "DK-R-003": "If ItemClassification is provided from Danish suppliers, UNSPSC version 19.05.01 or 26.08.01 "
    "should be used",
    "NO-R-002": 'Most invoice issuers are required to append "Foretaksregisteret" to their invoice. "Dersom '
    "selger er aksjeselskap, allmennaksjeselskap eller filial av utenlandsk selskap skal også ordet "
    '«Foretaksregisteret» fremgå av salgsdokumentet, jf. foretaksregisterloven § 10-2."',
}

CII_EN.update(NATIONAL_CII_EN)
