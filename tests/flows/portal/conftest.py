"""Fixtures of the flow pages: the demo world, its supplier manager, and another structure's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from facturier.accounts.models import User
from facturier.core.demo import load_demo

SUPPLIER_MANAGER = "gerant@au-diapason.demo"  # Au Diapason: Factures émises + Suivi des flux, modification
OTHER_MANAGER = "gestionnaire@batiments-durables.demo"  # Bâtiments Durables SA


@pytest.fixture
def demo(db: None) -> None:
    load_demo()


@pytest.fixture
def supplier_user(demo: None) -> User:
    return User.objects.get(email=SUPPLIER_MANAGER)


@pytest.fixture
def other_user(demo: None) -> User:
    return User.objects.get(email=OTHER_MANAGER)


@pytest.fixture
def supplier_client(client: Client, supplier_user: User) -> Client:
    client.force_login(supplier_user)
    return client

