from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsPortalConfig(AppConfig):
    """The flow pages as an app of their own, so that their ``templates/`` and ``static/`` folders
    are found (Django looks for them in installed apps only) and their pages are listed once."""

    name = "facturier.flows.portal"
    label = "flows_portal"
    verbose_name = _("Pages des flux")

    def ready(self) -> None:
        from .pages import register_pages

        register_pages()
