"""The portal's spaces (espaces). Each page and API operation belongs to one of them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Space(models.TextChoices):
    MON_COMPTE = "MON_COMPTE", _("Mon compte")
    GESTIONNAIRE = "GESTIONNAIRE", _("Activités du gestionnaire")
    FACTURES_EMISES = "FACTURES_EMISES", _("Factures émises")
    FACTURES_RECUES = "FACTURES_RECUES", _("Factures reçues")
    FACTURES_A_VALIDER = "FACTURES_A_VALIDER", _("Factures à valider")
    RACCORDEMENT = "RACCORDEMENT", _("Raccordement EDI & API")
    SUIVI_FLUX = "SUIVI_FLUX", _("Suivi des flux")


class SpaceMode(models.TextChoices):
    CONSULTATION = "CONSULTATION", _("Consultation")
    MODIFICATION = "MODIFICATION", _("Modification")


# Spaces a user subscribes to without a manager's approval (domain.md §3.5).
SPACES_WITHOUT_APPROVAL = frozenset({Space.MON_COMPTE, Space.FACTURES_EMISES})
# Spaces reserved to principal and secondary managers.
MANAGER_SPACES = frozenset({Space.GESTIONNAIRE})
# Spaces a structure neither opens nor closes and nobody subscribes to: Mon compte is everyone's,
# the manager space follows the role.
NOT_SUBSCRIBABLE = frozenset({Space.MON_COMPTE}) | MANAGER_SPACES

# Numeric space ids of the API (``espaceFo``, ``idEspaceFo``, ``codeEspace``; api.md T23, S6).
# Chorus Pro's own numbering is not published (domain.md §3.5: example 7); these are ours, stable.
SPACE_IDS: dict[Space, int] = {
    Space.MON_COMPTE: 1,
    Space.GESTIONNAIRE: 2,
    Space.FACTURES_EMISES: 3,
    Space.FACTURES_RECUES: 4,
    Space.FACTURES_A_VALIDER: 5,
    Space.RACCORDEMENT: 6,
    Space.SUIVI_FLUX: 7,
}
SPACES_BY_ID: dict[int, Space] = {number: space for space, number in SPACE_IDS.items()}
