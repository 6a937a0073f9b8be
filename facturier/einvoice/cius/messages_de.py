"""Severity and messages of the German rules (DE-R-*) of Peppol BIS Billing 3.0 (3.0.19, UBL
only).

English texts and flags from the official Schematron (``rules/sch/PEPPOL-EN16931-UBL.sch``), French
texts translated.
"""

from __future__ import annotations

from ..findings import Severity
from .messages import register_messages

F, W = Severity.FATAL, Severity.WARNING

register_messages(
    {
        "DE-R-001": (
            F,
            'An invoice shall contain information on "PAYMENT INSTRUCTIONS" (BG-16).',
            "Une facture doit contenir les instructions de paiement (BG-16).",
        ),
        "DE-R-002": (
            F,
            'The group "SELLER CONTACT" (BG-6) shall be provided.',
            "Le groupe « contact du vendeur » (BG-6) doit être fourni.",
        ),
        "DE-R-003": (
            F,
            'The element "Seller city" (BT-37) shall be provided.',
            "La ville du vendeur (BT-37) doit être fournie.",
        ),
        "DE-R-004": (
            F,
            'The element "Seller post code" (BT-38) shall be provided.',
            "Le code postal du vendeur (BT-38) doit être fourni.",
        ),
        "DE-R-005": (
            F,
            'The element "Seller contact point" (BT-41) shall be provided.',
            "Le point de contact du vendeur (BT-41) doit être fourni.",
        ),
        "DE-R-006": (
            F,
            'The element "Seller contact telephone number" (BT-42) shall be provided.',
            "Le numéro de téléphone du contact vendeur (BT-42) doit être fourni.",
        ),
        "DE-R-007": (
            F,
            'The element "Seller contact email address" (BT-43) shall be provided.',
            "L'adresse électronique du contact vendeur (BT-43) doit être fournie.",
        ),
        "DE-R-008": (
            F,
            'The element "Buyer city" (BT-52) shall be provided.',
            "La ville de l'acheteur (BT-52) doit être fournie.",
        ),
        "DE-R-009": (
            F,
            'The element "Buyer post code" (BT-53) shall be provided.',
            "Le code postal de l'acheteur (BT-53) doit être fourni.",
        ),
        "DE-R-010": (
            F,
            (
                'The element "Deliver to city" (BT-77) shall be provided if the group "DELIVER TO ADDRESS" '
                "(BG-15) is delivered."
            ),
            "La ville de livraison (BT-77) doit être fournie lorsque l'adresse de livraison (BG-15) est présente.",
        ),
        "DE-R-011": (
            F,
            (
                'The element "Deliver to post code" (BT-78) shall be provided if the group "DELIVER TO '
                'ADDRESS" (BG-15) is delivered.'
            ),
            (
                "Le code postal de livraison (BT-78) doit être fourni lorsque l'adresse de livraison (BG-15) est "
                "présente."
            ),
        ),
        "DE-R-014": (
            F,
            'The element "VAT category rate" (BT-119) shall be provided.',
            "Le taux de la catégorie de TVA (BT-119) doit être fourni.",
        ),
        "DE-R-015": (
            F,
            'The element "Buyer reference" (BT-10) shall be provided.',
            "La référence acheteur (BT-10) doit être fournie.",
        ),
        "DE-R-016": (
            F,
            (
                "If one of the VAT codes S, Z, E, AE, K, G, L, or M is used, an invoice shall contain at least "
                'one of the following elements: "Seller VAT identifier" (BT-31) or "Seller tax registration identifier" '
                '(BT-32) or "SELLER TAX REPRESENTATIVE PARTY" (BG-11).'
            ),
            (
                "Si l'un des codes de TVA S, Z, E, AE, K, G, L ou M est utilisé, la facture doit contenir au moins l'un "
                "des éléments suivants : identifiant de TVA du vendeur (BT-31), identifiant fiscal du vendeur (BT-32) "
                "ou représentant fiscal du vendeur (BG-11)."
            ),
        ),
        "DE-R-017": (
            W,
            (
                'The element "Invoice type code" (BT-3) should only contain the following values from code list '
                "UNTDID 1001: 326 (Partial invoice), 380 (Commercial invoice), 384 (Corrected invoice), 389 (Self-billed "
                "invoice), 381 (Credit note), 875 (Partial construction invoice), 876 (Partial final construction invoice), "
                "877 (Final construction invoice)."
            ),
            (
                "Le code de type de facture (BT-3) ne devrait contenir que l'une des valeurs UNTDID 1001 suivantes : "
                "326, 380, 384, 389, 381, 875, 876, 877."
            ),
        ),
        "DE-R-018": (
            F,
            (
                "Information on cash discounts for prompt payment (Skonto) shall be provided within the element "
                '"Payment terms" BT-20 in the following way: First segment "SKONTO", second segment amount of days '
                '("TAGE=N"), third segment percentage ("PROZENT=N"). Percentage must be separated by dot with two decimal '
                "places. In case the base value of the invoiced amount is not provided in BT-115 but as a partial amount, the "
                'base value shall be provided as fourth segment "BASISBETRAG=N" as semantic data type amount. Each entry '
                "shall start with a #, the segments must be separated by # and a row shall end with a #. A complete statement "
                "on cash discount for prompt payment shall end with a XML-conformant line break. All statements on cash "
                "discount for prompt payment shall be given in capital letters. Additional whitespaces (blanks, tabulators or "
                "line breaks) are not allowed. Other characters or texts than defined above are not allowed."
            ),
            (
                "Les conditions d'escompte (Skonto) doivent figurer dans les conditions de paiement (BT-20) sous la forme "
                "#SKONTO#TAGE=N#PROZENT=N.NN# (et, pour une base partielle, #BASISBETRAG=N.NN#), en majuscules, sans "
                "espace superflu, chaque ligne commençant et finissant par # et chaque déclaration se terminant par un "
                "saut de ligne XML."
            ),
        ),
        "DE-R-019": (
            W,
            (
                'The element "Payment account identifier" (BT-84) should contain a valid IBAN if code 58 SEPA is '
                'provided in "Payment means type code" (BT-81).'
            ),
            (
                "L'identifiant du compte de paiement (BT-84) devrait être un IBAN valide lorsque le code de moyen de "
                "paiement (BT-81) est 58 (virement SEPA)."
            ),
        ),
        "DE-R-020": (
            W,
            (
                'The element "Debited account identifier" (BT-91) should contain a valid IBAN if code 59 SEPA is '
                'provided in "Payment means type code" (BT-81).'
            ),
            (
                "L'identifiant du compte débité (BT-91) devrait être un IBAN valide lorsque le code de moyen de paiement "
                "(BT-81) est 59 (prélèvement SEPA)."
            ),
        ),
        "DE-R-022": (
            F,
            (
                'Attached documents provided with an invoice in "ADDITIONAL SUPPORTING DOCUMENTS" (BG-24) shall '
                "have a unique filename (non case-sensitive) within the element ″Attached document″ (BT-125)."
            ),
            (
                "Les pièces jointes des justificatifs additionnels (BG-24) doivent avoir un nom de fichier unique dans "
                "le document joint (BT-125)."
            ),
        ),
        "DE-R-023-1": (
            F,
            (
                'If "Payment means type code" (BT-81) contains a code for credit transfer (30, 58), "CREDIT '
                'TRANSFER" (BG-17) shall be provided.'
            ),
            (
                "Si le code de moyen de paiement (BT-81) désigne un virement (30, 58), le groupe virement (BG-17) doit "
                "être fourni."
            ),
        ),
        "DE-R-023-2": (
            F,
            (
                'If "Payment means type code" (BT-81) contains a code for credit transfer (30, 58), BG-18 and '
                "BG-19 shall not be provided."
            ),
            (
                "Si le code de moyen de paiement (BT-81) désigne un virement (30, 58), les groupes BG-18 et BG-19 ne "
                "doivent pas être fournis."
            ),
        ),
        "DE-R-024-1": (
            F,
            (
                'If "Payment means type code" (BT-81) contains a code for payment card (48, 54, 55), "PAYMENT '
                'CARD INFORMATION" (BG-18) shall be provided.'
            ),
            (
                "Si le code de moyen de paiement (BT-81) désigne une carte de paiement (48, 54, 55), le groupe carte de "
                "paiement (BG-18) doit être fourni."
            ),
        ),
        "DE-R-024-2": (
            F,
            (
                'If "Payment means type code" (BT-81) contains a code for payment card (48, 54, 55), BG-17 and '
                "BG-19 shall not be provided."
            ),
            (
                "Si le code de moyen de paiement (BT-81) désigne une carte de paiement (48, 54, 55), les groupes BG-17 et "
                "BG-19 ne doivent pas être fournis."
            ),
        ),
        "DE-R-025-1": (
            F,
            (
                'If "Payment means type code" (BT-81) contains a code for direct debit (59), "DIRECT DEBIT" '
                "(BG-19) shall be provided."
            ),
            (
                "Si le code de moyen de paiement (BT-81) désigne un prélèvement (59), le groupe prélèvement (BG-19) doit "
                "être fourni."
            ),
        ),
        "DE-R-025-2": (
            F,
            (
                'If "Payment means type code" (BT-81) contains a code for direct debit (59), BG-17 and BG-18 '
                "shall not be provided."
            ),
            (
                "Si le code de moyen de paiement (BT-81) désigne un prélèvement (59), les groupes BG-17 et BG-18 ne "
                "doivent pas être fournis."
            ),
        ),
        "DE-R-026": (
            W,
            (
                'If "Invoice type code" (BT-3) contains the code 384 (Corrected invoice), "PRECEDING INVOICE '
                'REFERENCE" (BG-3) should be provided at least once.'
            ),
            (
                "Si le code de type de facture (BT-3) est 384 (facture rectificative), au moins une référence à une "
                "facture antérieure (BG-3) devrait être fournie."
            ),
        ),
        "DE-R-027": (
            W,
            (
                '"Seller contact telephone number" (BT-42) should contain a valid telephone number. A valid '
                "telephone should consist of 3 digits minimum."
            ),
            (
                "Le numéro de téléphone du contact vendeur (BT-42) devrait être valide, c'est-à-dire compter au moins 3 "
                "chiffres."
            ),
        ),
        "DE-R-028": (
            W,
            (
                '"Seller contact email address" (BT-43) should contain exactly one @-sign, which should not be '
                "framed by a whitespace or a dot but by at least two characters on each side. A dot should not be the first "
                "or last character."
            ),
            (
                "L'adresse électronique du contact vendeur (BT-43) devrait contenir exactement un @, entouré d'au moins "
                "deux caractères de chaque côté, sans espace ni point adjacent ; un point ne devrait être ni le premier ni "
                "le dernier caractère."
            ),
        ),
        "DE-R-030": (
            F,
            (
                'If the group "DIRECT DEBIT" (BG-19) is delivered, the element "Bank assigned creditor '
                'identifier" (BT-90) shall be provided.'
            ),
            (
                "Si le groupe prélèvement (BG-19) est présent, l'identifiant de créancier attribué par la banque (BT-90) "
                "doit être fourni."
            ),
        ),
        "DE-R-031": (
            F,
            (
                'If the group "DIRECT DEBIT" (BG-19) is delivered, the element "Debited account identifier" '
                "(BT-91) shall be provided."
            ),
            "Si le groupe prélèvement (BG-19) est présent, l'identifiant du compte débité (BT-91) doit être fourni.",
        ),
    }
)
