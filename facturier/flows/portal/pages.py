"""The flow pages listed in their spaces (``facturier.portal.registry``).

Imported by ``urls.py`` so the pages are listed as soon as the URLs are loaded; calling
``register_pages()`` from ``FlowsConfig.ready()`` as well is harmless (registering is idempotent).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from facturier.portal.registry import SpacePage, register_page
from facturier.structures.spaces import Space


def register_pages() -> None:
    register_page(SpacePage(
        space=Space.FACTURES_EMISES, url_name="flows:deposit", label=_("Déposer des fichiers"),
        description=_("Déposer des factures UBL, CII ou Factur-X, une à une ou par lot (zip, tar.gz)."),
        order=20, requires_modification=True,
    ))
    register_page(SpacePage(
        space=Space.SUIVI_FLUX, url_name="flows:list", label=_("Flux déposés"),
        description=_("Les flux de vos structures, leur état et leurs comptes rendus d'intégration."),
        order=10,
    ))
