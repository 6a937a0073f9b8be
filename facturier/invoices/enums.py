"""Invoice enumerations (domain.md §1.1, §2.1, §4.1): one place for the codes the API exposes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceStatus(models.TextChoices):
    """The 57 status codes of the API (domain.md §1.1), in the SDK order."""

    BROUILLON = "BROUILLON", _("Brouillon")
    A_VALIDER_1 = "A_VALIDER_1", _("À valider (valideur 1)")
    ERREUR_FOURNISSEUR_SUR_VALIDEUR = "ERREUR_FOURNISSEUR_SUR_VALIDEUR", _("Erreur du fournisseur sur le valideur")
    REFUSEE_1 = "REFUSEE_1", _("Refusée (valideur 1)")
    VALIDEE_1 = "VALIDEE_1", _("Validée (valideur 1)")
    ABSENCE_VALIDATION_1_HORS_DELAI = "ABSENCE_VALIDATION_1_HORS_DELAI", _("Absence de validation 1 hors délai")
    A_VALIDER_2 = "A_VALIDER_2", _("À valider (valideur 2)")
    ERREUR_COTRAITANT_SUR_VALIDEUR = "ERREUR_COTRAITANT_SUR_VALIDEUR", _("Erreur du cotraitant sur le valideur")
    REFUSEE_2 = "REFUSEE_2", _("Refusée (valideur 2)")
    VALIDEE_2 = "VALIDEE_2", _("Validée (valideur 2)")
    ABSENCE_VALIDATION_2_HORS_DELAI = "ABSENCE_VALIDATION_2_HORS_DELAI", _("Absence de validation 2 hors délai")
    DEPOSEE = "DEPOSEE", _("Déposée")
    ERREUR_FOURNISSEUR_SUR_MOE = "ERREUR_FOURNISSEUR_SUR_MOE", _("Erreur du fournisseur sur la MOE")
    EN_COURS_ACHEMINEMENT = "EN_COURS_ACHEMINEMENT", _("En cours d'acheminement")
    MISE_A_DISPOSITION = "MISE_A_DISPOSITION", _("Mise à disposition")
    A_RECYCLER = "A_RECYCLER", _("À recycler")
    SUSPENDUE = "SUSPENDUE", _("Suspendue")
    REJETEE = "REJETEE", _("Rejetée")
    MANDATEE = "MANDATEE", _("Mandatée")
    MISE_EN_PAIEMENT = "MISE_EN_PAIEMENT", _("Mise en paiement")
    COMPTABILISEE = "COMPTABILISEE", _("Comptabilisée")
    MISE_A_DISPOSITION_COMPTABLE = "MISE_A_DISPOSITION_COMPTABLE", _("Mise à disposition du comptable")
    ABANDONNEE = "ABANDONNEE", _("Abandonnée")
    SUPPRIMEE = "SUPPRIMEE", _("Supprimée")
    ASSOCIEE = "ASSOCIEE", _("Associée")
    EN_COURS_TRAITEMENT_PIVOT_S = "EN_COURS_TRAITEMENT_PIVOT_S", _("En cours de traitement pivot")
    A_VALIDER_MOE = "A_VALIDER_MOE", _("À valider par la MOE")
    REFUSEE_MOE = "REFUSEE_MOE", _("Refusée par la MOE")
    EN_ATTENTE_RECYCLAGE_FOURNISSEUR = "EN_ATTENTE_RECYCLAGE_FOURNISSEUR", _("En attente de recyclage fournisseur")
    ERREUR_MOE_SUR_FOURNISSEUR = "ERREUR_MOE_SUR_FOURNISSEUR", _("Erreur de la MOE sur le fournisseur")
    ERREUR_MOA_SUR_FOURNISSEUR = "ERREUR_MOA_SUR_FOURNISSEUR", _("Erreur de la MOA sur le fournisseur")
    INTERPRETEE_OCR = "INTERPRETEE_OCR", _("Interprétée (OCR)")
    COMPLETEE = "COMPLETEE", _("Complétée")
    ERREUR_FOURNISSEUR_SUR_MOA = "ERREUR_FOURNISSEUR_SUR_MOA", _("Erreur du fournisseur sur la MOA")
    ERREUR_MOE_SUR_MOA = "ERREUR_MOE_SUR_MOA", _("Erreur de la MOE sur la MOA")
    ERREUR_DESTINATAIRE_PD = "ERREUR_DESTINATAIRE_PD", _("Erreur de destinataire (PD)")
    ERREUR_DESTINATAIRE_EA = "ERREUR_DESTINATAIRE_EA", _("Erreur de destinataire (EA)")
    SERVICE_FAIT = "SERVICE_FAIT", _("Service fait")
    NON_CONFORME = "NON_CONFORME", _("Non conforme")
    A_ASSOCIER_MOE = "A_ASSOCIER_MOE", _("À associer par la MOE")
    ERREUR_DE_MOE = "ERREUR_DE_MOE", _("Erreur de MOE")
    MISE_A_DISPOSITION_MOE = "MISE_A_DISPOSITION_MOE", _("Mise à disposition de la MOE")
    PRISE_EN_COMPTE_MOE = "PRISE_EN_COMPTE_MOE", _("Prise en compte par la MOE")
    A_ASSOCIER_MOA = "A_ASSOCIER_MOA", _("À associer par la MOA")
    ERREUR_DE_MOA = "ERREUR_DE_MOA", _("Erreur de MOA")
    REFUSEE_MOA = "REFUSEE_MOA", _("Refusée par la MOA")
    A_ASSOCIER_FOURNISSEUR = "A_ASSOCIER_FOURNISSEUR", _("À associer par le fournisseur")
    REFUSEE_FOURNISSEUR = "REFUSEE_FOURNISSEUR", _("Refusée par le fournisseur")
    A_COMPLETER = "A_COMPLETER", _("À compléter")
    TRANSMISE_MOA = "TRANSMISE_MOA", _("Transmise à la MOA")
    PRISE_EN_COMPTE_DESTINATAIRE = "PRISE_EN_COMPTE_DESTINATAIRE", _("Prise en compte par le destinataire")
    REMPLACEE_PAR_A22 = "REMPLACEE_PAR_A22", _("Remplacée par un A22")
    DUPLIQUE_APRES_REFUS = "DUPLIQUE_APRES_REFUS", _("Dupliquée après refus")
    MISE_A_DISPOSITION_MOA = "MISE_A_DISPOSITION_MOA", _("Mise à disposition de la MOA")
    PRISE_EN_COMPTE_MOA = "PRISE_EN_COMPTE_MOA", _("Prise en compte par la MOA")
    ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE = (
        "ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE",
        _("Absence de validation de la MOE dans le délai réglementaire"),
    )
    TECHNIQUE_INCONNU = "TECHNIQUE_INCONNU", _("Technique inconnu")


class InvoiceType(models.TextChoices):
    FACTURE = "FACTURE", _("Facture")
    AVOIR = "AVOIR", _("Avoir")


class BillingFrame(models.TextChoices):
    """Billing frames of ordinary invoices (domain.md §2.1: the four of typeDemandePaiement FACTURE)."""

    A1 = "A1_FACTURE_FOURNISSEUR", _("A1 — Facture fournisseur")
    A2 = "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE", _("A2 — Facture fournisseur déjà payée")
    A9 = "A9_FACTURE_SOUSTRAITANT", _("A9 — Facture de sous-traitant")
    A12 = "A12_FACTURE_COTRAITANT", _("A12 — Facture de cotraitant")


FRAMES_BY_SHORT_CODE = {frame.value.split("_", 1)[0]: frame for frame in BillingFrame}


class LifecycleFrame(models.TextChoices):
    """The frames the transition table covers (issue 6: A1, A2, A9, A10, A12).

    A superset of :class:`BillingFrame`: A10 (sub-contractor's draft monthly statement, domain.md
    §2.1) follows the sub-contractor validation circuit of A9 but is not a frame the deposit accepts
    for ``typeDemandePaiement`` FACTURE, so it is not a ``BillingFrame`` choice.
    """

    A1 = BillingFrame.A1.value, BillingFrame.A1.label
    A2 = BillingFrame.A2.value, BillingFrame.A2.label
    A9 = BillingFrame.A9.value, BillingFrame.A9.label
    A10 = "A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT", _("A10 — Projet de décompte mensuel de sous-traitant")
    A12 = BillingFrame.A12.value, BillingFrame.A12.label


# domain.md §1.2: the two-digit status ids of the pivot/EDI "CPPStatut" flow (01-12 documented;
# 13-41 are allowed by the XSD without a documented meaning, so they map to nothing).
PIVOT_CODES: dict[str, InvoiceStatus] = {
    "01": InvoiceStatus.DEPOSEE,
    "02": InvoiceStatus.EN_COURS_ACHEMINEMENT,
    "03": InvoiceStatus.MISE_A_DISPOSITION,
    "04": InvoiceStatus.A_RECYCLER,
    "05": InvoiceStatus.REJETEE,
    "06": InvoiceStatus.SUSPENDUE,
    "07": InvoiceStatus.SERVICE_FAIT,
    "08": InvoiceStatus.MANDATEE,
    "09": InvoiceStatus.MISE_A_DISPOSITION_COMPTABLE,
    "10": InvoiceStatus.COMPTABILISEE,
    "11": InvoiceStatus.MISE_EN_PAIEMENT,
    "12": InvoiceStatus.COMPLETEE,
}
PIVOT_CODE_OF: dict[str, str] = {status.value: code for code, status in PIVOT_CODES.items()}


def pivot_code(status: str) -> str | None:
    """The pivot id (``"01"``…``"12"``) of an API status code, or None when it has none."""
    return PIVOT_CODE_OF.get(str(status))


class DepositMode(models.TextChoices):
    """``modeDepot`` (domain.md §4.1)."""

    SAISIE_WEB = "SAISIE_WEB", _("Saisie web")
    PORTAIL_PDF = "PORTAIL_PDF", _("PDF sur le portail")
    EDI_XML_STRUCT = "EDI_XML_STRUCT", _("EDI XML structuré")
    EDI_MIXTE = "EDI_MIXTE", _("EDI mixte")
    EDI_PDF_ARCHIVE = "EDI_PDF_ARCHIVE", _("EDI PDF archive")
    SAISIE_PORTAIL = "SAISIE_PORTAIL", _("Saisie sur le portail")
    SAISIE_API = "SAISIE_API", _("Saisie par API")
    DEPOT_PDF_PORTAIL = "DEPOT_PDF_PORTAIL", _("Dépôt PDF sur le portail")
    DEPOT_PDF_SIGNE_PORTAIL = "DEPOT_PDF_SIGNE_PORTAIL", _("Dépôt PDF signé sur le portail")
    DEPOT_PDF_API = "DEPOT_PDF_API", _("Dépôt PDF par API")
    DEPOT_PDF_SIGNE_API = "DEPOT_PDF_SIGNE_API", _("Dépôt PDF signé par API")
    EDI = "EDI", _("EDI")
    UPLOAD_PORTAIL = "UPLOAD_PORTAIL", _("Téléversement sur le portail")
    UPLOAD_API = "UPLOAD_API", _("Téléversement par API")
    EDI_NUMERISATION = "EDI_NUMERISATION", _("EDI numérisation")


# domain.md §4.4: extensions allowed for attachments (case-insensitive).
ATTACHMENT_EXTENSIONS = frozenset(
    "BMP GIF FAX ODT PPT TIFF XLS BZ2 GZ JPEG P7S RTF TXT XML CSV GZIP JPG PDF SVG XHTML XLSX DOC HTM "
    "ODP PNG TGZ XLC ZIP DOCX HTML ODS PPS TIF XLM PPTX".split()
)
ATTACHMENT_NAME_MAX = 50


class StateRejectionMotive(models.TextChoices):
    """A State service's rejection motives (issue 6; domain.md §1.5 [unverified labels]): after such
    a rejection the supplier may re-submit the same invoice number with corrected routing data."""

    SE_INCORRECT = "SE_INCORRECT", _("SE incorrect")
    EJ_INCORRECT = "EJ_INCORRECT", _("EJ incorrect ou inexistant")


class ValidatorAction(models.TextChoices):
    """``traiterFactureAValider.action`` (api.md F14). VALIDATION and REFUS are the validator's;
    ERREUR_VALIDEUR declares the invoice addressed to the wrong validator. The other values of the
    client enum (MISE_EN_PAIEMENT, MISE_EN_RECYCLAGE, SUSPENSION, REJET) are the recipient's business
    and are refused with codeRetour 20002 (docs/lifecycle.md)."""

    VALIDATION = "VALIDATION", _("Valider")
    REFUS = "REFUS", _("Refuser")
    ERREUR_VALIDEUR = "ERREUR_VALIDEUR", _("Mauvais valideur")


class ValidatorRefusalMotive(models.TextChoices):
    """``recupererMotifsRefusFactureAValider`` (api.md T-lists; domain.md §1.4 codes)."""

    AUTRE = "AUTRE", _("Autre")
    MAUVAIS_VALIDEUR = "MAUVAIS_VALIDEUR", _("Mauvais valideur")
    ERREUR_MONTANT = "ERREUR_MONTANT", _("Erreur de montant")
    PRESTATION_NON_CONFORME = "PRESTATION_NON_CONFORME", _("Prestation non conforme ou non réalisée")
