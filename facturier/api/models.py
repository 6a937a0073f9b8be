"""The OAuth2 application model (django-oauth-toolkit's, swapped in by
``OAUTH2_PROVIDER_APPLICATION_MODEL = "api.Application"``).

It adds one thing to DOT's model: an ``is_active`` flag, so an operator can cut off a PISTE-style
application without deleting it (deleting would cascade to its tokens and lose the history). DOT
asks ``is_usable()`` both when it issues a token and when it validates one, so an inactive
application can neither obtain a token nor use one it already holds. pretix swaps the model for
the same reason (``pretix:src/pretix/api/models.py: OAuthApplication.active``).

Always reach the model through ``oauth2_provider.models.get_application_model()``:
``oauth2_provider.models.Application`` is swapped out and has no manager.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AbstractApplication, ApplicationManager


class Application(AbstractApplication):
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Une application inactive ne peut ni obtenir de jeton ni appeler l'API."),
    )

    objects = ApplicationManager()

    class Meta(AbstractApplication.Meta):
        verbose_name = _("application OAuth")
        verbose_name_plural = _("applications OAuth")

    def natural_key(self) -> tuple[str]:
        return (self.client_id,)

    def is_usable(self, request: Any) -> bool:
        """DOT's hook, called at token issuance and at token validation."""
        return self.is_active


class AuthGeneration(models.Model):
    """One row, whose ``value`` goes up whenever something the API authentication reads changes
    (an access token, an application, a user, a technical account, a structure, an API
    connection). Each process remembers recent authentications tagged with the value it read
    (``authentication.ApiIdentities``): a change made by any process makes every process check
    again on its next call."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("génération des authentifications")
