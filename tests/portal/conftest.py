from __future__ import annotations

import pytest
from django.test import Client

from facturier.accounts.models import User
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def user(db: None) -> User:
    return UserFactory(email="camille@example.test", first_name="Camille", last_name="Martin")


@pytest.fixture
def logged_client(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
