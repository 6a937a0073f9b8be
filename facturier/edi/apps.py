from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EdiConfig(AppConfig):
    name = "facturier.edi"
    label = "edi"
    verbose_name = _("EDI")

    def ready(self) -> None:
        # Journal subscribers: a flow reaching a final state publishes its report to the outbox.
        from . import subscribers  # noqa: F401
