from __future__ import annotations

from typing import Any

import pytest

from facturier.accounts.models import User
from facturier.structures.models import Role, Structure
from tests.factories import AttachmentFactory, StructureFactory, UserFactory


@pytest.fixture
def structure(db: None) -> Structure:
    return StructureFactory(name="Au Diapason", identifier="89123456900012", city="Lyon")


@pytest.fixture
def principal(structure: Structure) -> User:
    return AttachmentFactory(
        structure=structure, role=Role.PRINCIPAL_MANAGER, user=UserFactory(email="gp@test.test")
    ).user


@pytest.fixture
def secondary(structure: Structure) -> User:
    return AttachmentFactory(
        structure=structure, role=Role.SECONDARY_MANAGER, user=UserFactory(email="gs@test.test")
    ).user


@pytest.fixture
def member(structure: Structure) -> User:
    return AttachmentFactory(
        structure=structure, role=Role.USER, user=UserFactory(email="user@test.test")
    ).user


@pytest.fixture
def outsider(db: None) -> User:
    return AttachmentFactory(role=Role.PRINCIPAL_MANAGER, user=UserFactory(email="other@test.test")).user


def last_action() -> Any:
    from facturier.audit.models import AuditEntry

    return AuditEntry.objects.order_by("-sequence").first()
