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
