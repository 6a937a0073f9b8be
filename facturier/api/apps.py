from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "facturier.api"
    label = "api"

    def ready(self) -> None:
        # Registers the OpenAPI extension describing ChorusAuthentication's two security schemes.
        from . import schema  # noqa: F401
        from .authentication import connect_identity_invalidation

        connect_identity_invalidation()
