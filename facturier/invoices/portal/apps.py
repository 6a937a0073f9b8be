from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicesPortalConfig(AppConfig):
    """The entry pages as an app of their own: their ``templates/``, ``static/`` and the draft
    model's migrations live apart from the invoices app (label ``invoices_portal``)."""

    name = "facturier.invoices.portal"
    label = "invoices_portal"
    verbose_name = _("Pages de saisie des factures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .pages import register_pages

        register_pages()
