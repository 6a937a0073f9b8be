"""Severity and messages of the Greek (GR-R-*, GR-S-*) and Icelandic (IS-R-*) rules of Peppol
BIS Billing 3.0 (3.0.19, UBL only).

English texts and flags from the official Schematron (``rules/sch/PEPPOL-EN16931-UBL.sch``), French
texts translated.
"""

from __future__ import annotations

from ..findings import Severity
from .messages import register_messages

F, W = Severity.FATAL, Severity.WARNING

register_messages(
    {
        "GR-R-001-1": (
            F,
            "When the Supplier is Greek, the Invoice Id should consist of 6 segments",
            "Lorsque le fournisseur est grec, le numéro de facture (BT-1) doit compter 6 segments.",
        ),
        "GR-R-001-2": (
            F,
            (
                "When the Supplier is Greek, the Invoice Id first segment must be a valid TIN Number and match "
                "either the Supplier's or the Tax Representative's Tin Number"
            ),
            (
                "Lorsque le fournisseur est grec, le premier segment du numéro de facture (BT-1) doit être un numéro "
                "fiscal (TIN) valide, celui du fournisseur ou de son représentant fiscal."
            ),
        ),
        "GR-R-001-3": (
            F,
            (
                "When the Supplier is Greek, the Invoice Id second segment must be a valid Date that matches the "
                "invoice Issue Date"
            ),
            (
                "Lorsque le fournisseur est grec, le deuxième segment du numéro de facture (BT-1) doit être une date "
                "valide égale à la date d'émission (BT-2)."
            ),
        ),
        "GR-R-001-4": (
            F,
            "When Supplier is Greek, the Invoice Id third segment must be a positive integer",
            (
                "Lorsque le fournisseur est grec, le troisième segment du numéro de facture (BT-1) doit être un entier "
                "positif."
            ),
        ),
        "GR-R-001-5": (
            F,
            (
                "When Supplier is Greek, the Invoice Id in the fourth segment must be a valid greek document "
                "type"
            ),
            (
                "Lorsque le fournisseur est grec, le quatrième segment du numéro de facture (BT-1) doit être un type de "
                "document grec valide."
            ),
        ),
        "GR-R-001-6": (
            F,
            "When Supplier is Greek, the Invoice Id fifth segment must not be empty",
            "Lorsque le fournisseur est grec, le cinquième segment du numéro de facture (BT-1) ne doit pas être vide.",
        ),
        "GR-R-001-7": (
            F,
            "When Supplier is Greek, the Invoice Id sixth segment must not be empty",
            "Lorsque le fournisseur est grec, le sixième segment du numéro de facture (BT-1) ne doit pas être vide.",
        ),
        "GR-R-002": (
            F,
            (
                "Greek Suppliers must provide their full name as they are registered in the Greek Business "
                "Registry (G.E.MH.) as a legal entity or in the Tax Registry as a natural person"
            ),
            (
                "Les fournisseurs grecs doivent indiquer leur nom complet (BT-28) tel qu'enregistré au registre du "
                "commerce grec (G.E.MH.) ou au registre fiscal."
            ),
        ),
        "GR-S-011": (
            W,
            "Greek suppliers must provide their Seller Tax Registration Number, prefixed by the country code",
            "Les fournisseurs grecs doivent indiquer leur numéro de TVA (BT-31), précédé du code pays.",
        ),
        "GR-R-003": (
            F,
            "For the Greek Suppliers, the VAT must start with 'EL' and must be a valid TIN number",
            (
                "Pour les fournisseurs grecs, le numéro de TVA (BT-31) doit commencer par « EL » et être un numéro fiscal "
                "(TIN) valide."
            ),
        ),
        "GR-R-004-1": (
            F,
            "When Supplier is Greek, there must be one MARK Number",
            "Lorsque le fournisseur est grec, il doit y avoir un et un seul numéro MARK (BG-24).",
        ),
        "GR-S-008-1": (
            W,
            "When Supplier is Greek, there should be one invoice url",
            "Lorsque le fournisseur est grec, il devrait y avoir une URL de facture (BG-24).",
        ),
        "GR-R-008-2": (
            F,
            "When Supplier is Greek, there should be no more than one invoice url",
            "Lorsque le fournisseur est grec, il ne doit pas y avoir plus d'une URL de facture (BG-24).",
        ),
        "GR-R-004-2": (
            F,
            "When Supplier is Greek, the MARK Number must be a positive integer",
            "Lorsque le fournisseur est grec, le numéro MARK (BT-122) doit être un entier positif.",
        ),
        "GR-R-008-3": (
            F,
            (
                "When Supplier is Greek and the INVOICE URL Document reference exists, the External Reference URI "
                "should be present"
            ),
            (
                "Lorsque le fournisseur est grec et qu'une référence d'URL de facture existe, l'URI externe (BT-124) doit "
                "être présente."
            ),
        ),
        "GR-R-005": (
            F,
            "Greek Suppliers must provide the full name of the buyer",
            "Les fournisseurs grecs doivent indiquer le nom complet de l'acheteur (BT-45).",
        ),
        "GR-R-009": (
            F,
            (
                "Greek suppliers that send an invoice through the PEPPOL network must use a correct TIN number as "
                "an electronic address according to PEPPOL Electronic Address Identifier scheme (schemeID 9933)."
            ),
            (
                "Les fournisseurs grecs qui émettent sur le réseau Peppol doivent utiliser comme adresse électronique "
                "(BT-34) un numéro fiscal (TIN) valide dans le schéma 9933."
            ),
        ),
        "GR-R-006": (
            F,
            "Greek Suppliers must provide the VAT number of the buyer, if the buyer is Greek",
            "Les fournisseurs grecs doivent indiquer le numéro de TVA de l'acheteur (BT-48) si l'acheteur est grec.",
        ),
        "GR-R-010": (
            F,
            (
                "Greek Suppliers that send an invoice through the PEPPOL network to a greek buyer must use a correct "
                "TIN number as an electronic address according to PEPPOL Electronic Address Identifier scheme (SchemeID "
                "9933)"
            ),
            (
                "Les fournisseurs grecs qui émettent sur le réseau Peppol vers un acheteur grec doivent utiliser comme "
                "adresse électronique de l'acheteur (BT-49) un numéro fiscal (TIN) valide dans le schéma 9933."
            ),
        ),
        "IS-R-001": (
            W,
            (
                "If seller is icelandic then invoice type should be 380 or 381 — Ef seljandi er íslenskur þá ætti "
                "gerð reiknings (BT-3) að vera sölureikningur (380) eða kreditreikningur (381)."
            ),
            "Si le vendeur est islandais, le type de facture (BT-3) devrait être 380 ou 381.",
        ),
        "IS-R-002": (
            F,
            (
                "If seller is icelandic then it shall contain sellers legal id — Ef seljandi er íslenskur þá skal "
                "reikningur innihalda íslenska kennitölu seljanda (BT-30)."
            ),
            (
                "Si le vendeur est islandais, la facture doit contenir son identifiant légal islandais (BT-30, schéma "
                "0196)."
            ),
        ),
        "IS-R-003": (
            F,
            (
                "If seller is icelandic then it shall contain his address with street name and zip code — Ef "
                "seljandi er íslenskur þá skal heimilisfang seljanda innihalda götuheiti og póstnúmer (BT-35 og BT-38)."
            ),
            "Si le vendeur est islandais, son adresse doit contenir la rue (BT-35) et le code postal (BT-38).",
        ),
        "IS-R-004": (
            F,
            (
                "If seller and buyer are icelandic then the invoice shall contain the buyers icelandic legal "
                "identifier — Ef seljandi og kaupandi eru íslenskir þá skal reikningurinn innihalda íslenska kennitölu "
                "kaupanda (BT-47)."
            ),
            (
                "Si le vendeur et l'acheteur sont islandais, la facture doit contenir l'identifiant légal islandais de "
                "l'acheteur (BT-47, schéma 0196)."
            ),
        ),
        "IS-R-005": (
            F,
            (
                "If seller and buyer are icelandic then the invoice shall contain the buyers address with street "
                "name and zip code — Ef seljandi og kaupandi eru íslenskir þá skal heimilisfang kaupanda innihalda götuheiti "
                "og póstnúmer (BT-50 og BT-53)"
            ),
            (
                "Si le vendeur et l'acheteur sont islandais, l'adresse de l'acheteur doit contenir la rue (BT-50) et le "
                "code postal (BT-53)."
            ),
        ),
        "IS-R-006": (
            F,
            (
                "If seller is icelandic and payment means code is 9 then a 12 digit account id must exist — Ef "
                "seljandi er íslenskur og greiðslumáti (BT-81) er krafa (kóti 9) þá skal koma fram 12 stafa númer "
                "(bankanúmer, höfuðbók 66 og reikningsnúmer) (BT-84)"
            ),
            (
                "Si le vendeur est islandais et le code de moyen de paiement (BT-81) est 9, un numéro de compte (BT-84) "
                "de 12 caractères doit être fourni."
            ),
        ),
        "IS-R-007": (
            F,
            (
                "If seller is icelandic and payment means code is 42 then a 12 digit account id must exist — Ef "
                "seljandi er íslenskur og greiðslumáti (BT-81) er millifærsla (kóti 42) þá skal koma fram 12 stafa "
                "reikningnúmer (BT-84)"
            ),
            (
                "Si le vendeur est islandais et le code de moyen de paiement (BT-81) est 42, un numéro de compte (BT-84) "
                "de 12 caractères doit être fourni."
            ),
        ),
        "IS-R-008": (
            F,
            (
                "If seller is icelandic and invoice contains supporting description EINDAGI then the id form must "
                "be YYYY-MM-DD — Ef seljandi er íslenskur þá skal eindagi (BT-122, DocumentDescription = EINDAGI) vera á "
                "forminu YYYY-MM-DD."
            ),
            (
                "Si le vendeur est islandais et qu'un justificatif EINDAGI est présent, son identifiant (BT-122) doit "
                "être une date AAAA-MM-JJ."
            ),
        ),
        "IS-R-009": (
            F,
            (
                "If seller is icelandic and invoice contains supporting description EINDAGI invoice must have due "
                "date — Ef seljandi er íslenskur þá skal reikningur sem inniheldur eindaga (BT-122, DocumentDescription = "
                "EINDAGI) einnig hafa gjalddaga (BT-9)."
            ),
            (
                "Si le vendeur est islandais et qu'un justificatif EINDAGI est présent, la facture doit avoir une date "
                "d'échéance (BT-9)."
            ),
        ),
        "IS-R-010": (
            F,
            (
                "If seller is icelandic and invoice contains supporting description EINDAGI the id date must be "
                "same or later than due date — Ef seljandi er íslenskur þá skal eindagi (BT-122, DocumentDescription = "
                "EINDAGI) skal vera sami eða síðar en gjalddagi (BT-9) ef eindagi er til staðar."
            ),
            (
                "Si le vendeur est islandais et qu'un justificatif EINDAGI est présent, sa date (BT-122) doit être égale "
                "ou postérieure à la date d'échéance (BT-9)."
            ),
        ),
    }
)
