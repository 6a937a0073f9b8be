"""The entry pages listed in « Factures émises » (``facturier.portal.registry``); registering is
idempotent, so ``urls.py`` may call it too."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from facturier.portal.registry import SpacePage, register_page
from facturier.structures.spaces import Space


def register_pages() -> None:
    register_page(SpacePage(
        space=Space.FACTURES_EMISES, url_name="invoices_portal:pdf_deposit", label=_("Déposer une facture PDF"),
        description=_("Déposer une facture PDF : ses données sont pré-remplies depuis le PDF, vous les complétez."),
        order=21, requires_modification=True,
    ))
    register_page(SpacePage(
        space=Space.FACTURES_EMISES, url_name="invoices_portal:entry", label=_("Saisir une facture"),
        description=_("Saisir une facture ligne à ligne ; facturier en produit le Factur-X."),
        order=22, requires_modification=True,
    ))
    register_page(SpacePage(
        space=Space.FACTURES_EMISES, url_name="invoices_portal:drafts", label=_("Mes brouillons"),
        description=_("Reprendre, envoyer ou supprimer vos factures en cours de saisie."),
        order=23, requires_modification=True,
    ))
    # « Factures émises » follow-up (issued.py): seeing needs the space in any mode, acting modification.
    register_page(SpacePage(
        space=Space.FACTURES_EMISES, url_name="invoices_portal:issued_synthesis", label=_("Synthèse"),
        description=_("Les factures qui attendent une action de votre part : recycler, compléter, acquitter, "
                      "soumettre de nouveau."), order=10,
    ))
    register_page(SpacePage(
        space=Space.FACTURES_EMISES, url_name="invoices_portal:issued_dashboard", label=_("Tableau de bord"),
        description=_("Nombres et montants de vos factures émises par statut."), order=11,
    ))
    register_page(SpacePage(
        space=Space.FACTURES_EMISES, url_name="invoices_portal:issued_search", label=_("Rechercher"),
        description=_("Rechercher une facture émise et suivre son statut."), order=12,
    ))
    from facturier.portal.context_processors import register_notice_provider

    from .issued import acknowledgement_notices

    register_notice_provider("invoices.acknowledgements", acknowledgement_notices)
    # « Factures reçues » (received.py): seeing needs the space in any mode, processing modification.
    register_page(SpacePage(
        space=Space.FACTURES_RECUES, url_name="invoices_portal:received_synthesis", label=_("Synthèse"),
        description=_("Les factures qui attendent votre traitement, les plus récentes d'abord."), order=10,
    ))
    register_page(SpacePage(
        space=Space.FACTURES_RECUES, url_name="invoices_portal:received_dashboard", label=_("Tableau de bord"),
        description=_("Nombres et montants par statut, ancienneté, factures en retard de paiement."), order=11,
    ))
    register_page(SpacePage(
        space=Space.FACTURES_RECUES, url_name="invoices_portal:received_search", label=_("Rechercher"),
        description=_("Rechercher parmi toutes vos factures reçues, et exporter le résultat en CSV."), order=12,
    ))
    # « Factures à valider » (validation.py): seeing needs the space in any mode, deciding modification.
    register_page(SpacePage(
        space=Space.FACTURES_A_VALIDER, url_name="invoices_portal:validation_pending", label=_("À valider"),
        description=_("Les factures de vos sous-traitants qui attendent votre validation, l'échéance la plus "
                      "proche d'abord."), order=10,
    ))
    register_page(SpacePage(
        space=Space.FACTURES_A_VALIDER, url_name="invoices_portal:validation_handled", label=_("Déjà traitées"),
        description=_("Les factures que vous avez validées, refusées ou renvoyées, et celles transmises "
                      "faute de réponse dans le délai."), order=11,
    ))
    register_page(SpacePage(
        space=Space.FACTURES_A_VALIDER, url_name="invoices_portal:validation_information",
        label=_("Pour information"),
        description=_("Les factures de cotraitants dont votre structure est le mandataire du groupement."),
        order=12,
    ))
