from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StructuresConfig(AppConfig):
    name = "facturier.structures"
    label = "structures"
    verbose_name = _("Structures")

    def ready(self) -> None:
        from facturier.portal.registry import SpacePage, register_page

        from .spaces import Space

        register_page(
            SpacePage(
                space=Space.RACCORDEMENT,
                url_name="structures:technical_accounts",
                label=_("Comptes techniques"),
                description=_(
                    "Les comptes techniques (identifiant et mot de passe) utilisés par l'API et l'EDI, "
                    "et l'expiration de leur mot de passe."
                ),
                order=10,
            )
        )
        register_page(
            SpacePage(
                space=Space.RACCORDEMENT,
                url_name="structures:connections",
                label=_("Raccordements API"),
                description=_(
                    "Déclarer et valider les raccordements entre une application et un compte technique."
                ),
                order=20,
            )
        )
        register_page(
            SpacePage(
                space=Space.RACCORDEMENT,
                url_name="structures:applications",
                label=_("Espace développeur"),
                description=_("Enregistrer vos applications API et obtenir leur identifiant et leur secret."),
                order=30,
            )
        )
        register_page(
            SpacePage(
                space=Space.GESTIONNAIRE,
                url_name="structures:manage_list",
                label=_("Mes structures"),
                description=_(
                    "Adresse, paramètres, services, coordonnées bancaires, espaces, pièces jointes, "
                    "mandat de facturation et statut de vos structures."
                ),
                order=20,
            )
        )
