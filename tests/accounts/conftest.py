from __future__ import annotations

import pytest

from facturier.accounts.models import User
from facturier.structures.models import Role, Structure, StructureSpace
from facturier.structures.spaces import Space
from tests.factories import AttachmentFactory, StructureFactory, UserFactory


@pytest.fixture
def structure(db: None) -> Structure:
    structure = StructureFactory(name="Au Diapason")
    for space in (Space.FACTURES_EMISES, Space.FACTURES_RECUES, Space.SUIVI_FLUX):
        StructureSpace.objects.create(structure=structure, space=space, is_open=True)
    return structure


@pytest.fixture
def manager(structure: Structure) -> User:
    user = UserFactory(email="gp@example.test", first_name="Gaëlle")
    AttachmentFactory(user=user, structure=structure, role=Role.PRINCIPAL_MANAGER)
    return user


@pytest.fixture
def member(structure: Structure) -> User:
    user = UserFactory(email="member@example.test", first_name="Marc", language=User.Language.EN,
                       contact_email="marc.contact@example.test")
    AttachmentFactory(user=user, structure=structure, role=Role.USER)
    return user


@pytest.fixture
def user(db: None) -> User:
    return UserFactory(email="camille@example.test", first_name="Camille", last_name="Martin")


@pytest.fixture
def logged_client(client, user: User):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client
