"""A small world of structures shared by the structures tests (API and portal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from facturier.structures.models import BankAccount, Role, Service, Structure, StructureSpace
from facturier.structures.spaces import Space
from tests.factories import AttachmentFactory, ServiceFactory, StructureFactory, UserFactory


@dataclass
class World:
    commune: Structure  # public, active, three services (one inactive)
    finances: Service
    voirie: Service
    closed_service: Service
    other_private: Structure  # private, nobody of ours attached
    inactive_public: Structure  # public, inactive


def build_world() -> World:
    commune = StructureFactory(
        name="Commune de Testville",
        public=True,
        city="Testville",
        postal_code="34000",
        address_line="1 place de la Mairie",
        service_code_required=True,
    )
    finances = ServiceFactory(
        structure=commune,
        code="FINANCES",
        name="Finances",
        commitment_required=True,
        valid_from=date(2024, 1, 1),
    )
    voirie = ServiceFactory(structure=commune, code="VOIRIE", name="Voirie")
    closed = ServiceFactory(structure=commune, code="FERME", name="Service fermé", is_active=False)
    BankAccount.objects.create(
        structure=commune, name="Trésor public", iban="FR7630006000011234567890189", bic="AGRIFRPP"
    )
    other = StructureFactory(name="Concurrent Privé SARL")
    BankAccount.objects.create(
        structure=other, name="Secret", iban="FR7610107001011234567890129", bic="BREDFRPP"
    )
    ServiceFactory(structure=other, code="ACHATS", name="Achats")
    AttachmentFactory(
        structure=other, user=UserFactory(email="boss@concurrent.test"), role=Role.PRINCIPAL_MANAGER
    )
    inactive = StructureFactory(
        name="Ancienne Régie", public=True, status=Structure.Status.INACTIVE, city="Testville"
    )
    for structure in (commune, other):
        for space in Space:
            StructureSpace.objects.get_or_create(structure=structure, space=space)
    return World(commune, finances, voirie, closed, other, inactive)
