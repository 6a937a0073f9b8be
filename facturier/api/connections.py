"""Which OAuth application may act for which technical account: the API connection rule.

On Chorus Pro, a structure's technical account only works through the PISTE applications the
structure has connected ("raccordement API", domain.md §3.5–3.6). This module is the single place
that rule lives; ``facturier.api.authentication`` calls it on every ``/cpro/`` request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .errors import ApiAccessDenied

if TYPE_CHECKING:
    from facturier.api.models import Application
    from facturier.structures.models import TechnicalAccount


class StructureInactiveDenied(ApiAccessDenied):
    code = "api.structure_inactive"
    libelle = "API_MSG_STRUCTURE_INACTIVE"
    default_message = _(
        "Accès refusé : la structure %(name)s du compte technique est inactive ; elle ne peut plus utiliser l'API."
    )


class TechnicalPasswordExpired(ApiAccessDenied):
    code = "api.technical_password_expired"
    libelle = "API_MSG_MOT_DE_PASSE_EXPIRE"
    default_message = _(
        "Accès refusé : le mot de passe du compte technique %(login)s a expiré le %(date)s (il vaut 424 jours). "
        "Le gestionnaire principal de la structure doit le réinitialiser dans l'espace « Raccordement EDI & API »."
    )


class ConnectionMissing(ApiAccessDenied):
    code = "api.connection_missing"
    libelle = "API_MSG_RACCORDEMENT_ABSENT"
    default_message = _(
        "Accès refusé : l'application « %(application)s » n'a pas de raccordement actif avec le compte technique "
        "%(login)s de la structure %(name)s. Déclarez le raccordement dans l'espace « Raccordement EDI & API » "
        "et faites-le valider par le gestionnaire principal."
    )


def check_api_connection(application: Application | None, technical_account: TechnicalAccount) -> bool:
    """Return True when ``application`` may call the API as ``technical_account``.

    Returns False (generic 403) when the application is inactive; raises an ``ApiAccessDenied``
    subclass, a 403 whose message says what to do, when:

    * the technical account's structure is inactive;
    * the technical account's password is older than 424 days (domain.md §3.6);
    * no ACTIF connection (``structures.ApiConnection``) links the application to this technical
      account of this structure.

    ``application`` is None only in the opt-in lenient mode (``FACTURIER_API_LENIENT_BEARER``),
    where a call without a Bearer token is accepted on the strength of ``cpro-account`` alone
    (GO client quirk, api.md §9.3): there is no application to check the connection of, but the
    structure and password checks still apply. Costs one query (the connection), none else: the
    account, its user and its structure are already loaded by the authentication.
    """
    from facturier.structures.models import ApiConnection

    if application is not None and not application.is_active:
        return False
    structure = technical_account.structure
    if not structure.is_active:
        raise StructureInactiveDenied(name=structure.name)
    if technical_account.password_expired():
        raise TechnicalPasswordExpired(
            login=technical_account.user.email,
            date=formats.date_format(technical_account.password_expires_at, "SHORT_DATE_FORMAT"),
        )
    if application is None:
        return True
    connected = ApiConnection.objects.filter(
        application=application,
        technical_account=technical_account,
        structure_id=technical_account.structure_id,
        status=ApiConnection.Status.ACTIVE,
    ).exists()
    if not connected:
        raise ConnectionMissing(
            application=application.name, login=technical_account.user.email, name=structure.name
        )
    return True
