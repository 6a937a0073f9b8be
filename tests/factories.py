"""factory_boy factories shared by the whole suite.

Every user made here has the password ``PASSWORD`` (hashed with the test settings' fast hasher).
"""

from __future__ import annotations

import factory
from django.utils import timezone
from stdnum import luhn

from facturier.accounts.models import User
from facturier.structures.models import Attachment, Role, Service, SpaceSubscription, Structure
from facturier.structures.spaces import Space, SpaceMode

PASSWORD = "facturier-test-password"


def make_siret(n: int) -> str:
    """A SIRET whose SIREN and whole number both pass the Luhn check, as real ones do."""
    siren = f"{90000000 + n:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + "0000"
    return body + luhn.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = "Test"
    password = factory.django.Password(PASSWORD)
    language = User.Language.FR
    kind = User.Kind.PERSON


class TechnicalUserFactory(UserFactory):
    email = factory.Sequence(lambda n: f"tech{n}@example.test")
    kind = User.Kind.TECHNICAL


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    identifier = factory.Sequence(make_siret)
    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = Structure.Kind.PRIVATE
    status = Structure.Status.ACTIVE
    city = "Montclair"
    postal_code = "75001"

    class Params:
        public = factory.Trait(kind=Structure.Kind.PUBLIC)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    structure = factory.SubFactory(StructureFactory)
    code = factory.Sequence(lambda n: f"SERVICE{n}")
    name = factory.Sequence(lambda n: f"Service {n}")


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A validated attachment with the ordinary user role; pass ``role=Role.PRINCIPAL_MANAGER`` etc."""

    class Meta:
        model = Attachment

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    role = Role.USER
    status = Attachment.Status.VALIDATED
    decided_at = factory.LazyFunction(timezone.now)

    class Params:
        manager = factory.Trait(role=Role.PRINCIPAL_MANAGER)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """An active subscription to the issued-invoices space, in consultation mode."""

    class Meta:
        model = SpaceSubscription

    user = factory.SubFactory(UserFactory)
    structure = factory.SubFactory(StructureFactory)
    space = Space.FACTURES_EMISES
    mode = SpaceMode.CONSULTATION
    status = SpaceSubscription.Status.ACTIVE
