"""Which OAuth application may act for which technical account: the API connection rule.

On Chorus Pro, a structure's technical account only works through the PISTE applications the
structure has connected ("raccordement API", domain.md §3.5–3.6). This module is the single place
that rule lives; ``facturier.api.authentication`` calls it on every ``/cpro/`` request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facturier.api.models import Application
    from facturier.structures.models import TechnicalAccount


def check_api_connection(application: Application | None, technical_account: TechnicalAccount) -> bool:
    """Return True when ``application`` may call the API as ``technical_account``.

    Today the rule is: the application is active (``Application.is_active``; an inactive
    application cannot even obtain a token, see ``Application.is_usable``, but a token issued
    before it was switched off must stop working at once too).

    ``application`` is None only in the opt-in lenient mode (``FACTURIER_API_LENIENT_BEARER``),
    where a call without a Bearer token is accepted on the strength of ``cpro-account`` alone
    (GO client quirk, api.md §9.3): there is no application to check, so the call is allowed.

    The structures issue extends this function with the API connections ("raccordements") of
    ``technical_account.structure``: the application must then also be connected to that
    structure, and the structure active. Keep the signature; callers answer 403 on False.
    """
    if application is None:
        return True
    return bool(application.is_active)
