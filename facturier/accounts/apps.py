from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "facturier.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        from facturier.portal.registry import SpacePage, register_page
        from facturier.structures.spaces import Space

        pages = [
            (Space.MON_COMPTE, "accounts:profile", _("Mes informations"),
             _("Noms, e-mail de contact, langue et notifications d'activité."), 10),
            (Space.MON_COMPTE, "accounts:two_factor", _("Double authentification"),
             _("Protéger la connexion par une application d'authentification et des codes de récupération."), 20),
            (Space.MON_COMPTE, "accounts:attachment_request", _("Demander un rattachement"),
             _("Rejoindre une structure existante, éventuellement pour certains de ses services."), 30),
            (Space.MON_COMPTE, "accounts:subscription_request", _("S'abonner à un espace"),
             _("Accéder à un espace d'une de vos structures, en consultation ou en modification."), 40),
            (Space.GESTIONNAIRE, "accounts:manager_requests", _("Demandes à traiter"),
             _("Valider ou refuser les demandes de rattachement et d'abonnement."), 10),
            (Space.GESTIONNAIRE, "accounts:manager_members", _("Utilisateurs"),
             _("Les utilisateurs de vos structures, leurs rôles et leurs services."), 20),
            (Space.GESTIONNAIRE, "accounts:manager_spaces", _("Espaces des structures"),
             _("Ouvrir ou fermer les espaces de vos structures."), 30),
            (Space.GESTIONNAIRE, "accounts:manager_duplicate", _("Dupliquer des droits"),
             _("Copier les rattachements et abonnements d'un utilisateur vers un autre."), 40),
            (Space.GESTIONNAIRE, "accounts:manager_transfer", _("Transférer le rôle de gestionnaire principal"),
             _("Confier la structure à un autre utilisateur rattaché."), 50),
            (Space.GESTIONNAIRE, "accounts:manager_mergers", _("Fusion par absorption"),
             _("La procédure guidée : gestionnaire final, utilisateurs, inactivation."), 60),
            (Space.GESTIONNAIRE, "accounts:manager_history", _("Historique"),
             _("Les décisions et opérations sur vos structures."), 70),
        ]
        for space, url_name, label, description, order in pages:
            register_page(SpacePage(space=space, url_name=url_name, label=label, description=description, order=order))
