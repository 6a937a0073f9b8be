"""How the portal presents each space: its URL slug and what it holds.

The spaces themselves (and who may subscribe to them) are domain facts in
``facturier.structures.spaces``; this module only adds presentation.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from facturier.structures.spaces import Space

# Spaces every logged-in person sees, whatever their subscriptions.
ALWAYS_VISIBLE = frozenset({Space.MON_COMPTE})

SLUGS: dict[Space, str] = {space: space.value.lower().replace("_", "-") for space in Space}
BY_SLUG: dict[str, Space] = {slug: space for space, slug in SLUGS.items()}

DESCRIPTIONS: dict[Space, Promise] = {
    Space.MON_COMPTE: _(
        "Vos informations personnelles, les structures auxquelles vous êtes rattaché, "
        "vos abonnements aux espaces et votre mot de passe."
    ),
    Space.GESTIONNAIRE: _(
        "Réservé aux gestionnaires principaux et secondaires : gestion des structures et de leurs "
        "services, validation des rattachements d'utilisateurs et des demandes d'abonnement aux espaces."
    ),
    Space.FACTURES_EMISES: _(
        "Le dépôt, la saisie et le suivi des factures émises par vos structures, "
        "de leur dépôt jusqu'à leur mise en paiement."
    ),
    Space.FACTURES_RECUES: _(
        "Les factures reçues par vos structures et leur traitement : mise à disposition, "
        "prise en charge, suspension, rejet et mise en paiement."
    ),
    Space.FACTURES_A_VALIDER: _(
        "Les factures soumises à votre validation, par exemple celles d'un sous-traitant ou "
        "d'un cotraitant dans un marché de travaux."
    ),
    Space.RACCORDEMENT: _(
        "Le raccordement de vos structures par EDI ou par API : comptes techniques et paramètres "
        "de connexion."
    ),
    Space.SUIVI_FLUX: _(
        "Le suivi des flux de factures déposés par EDI ou par API et leurs comptes rendus de traitement."
    ),
}
