"""Fixtures of the flow tests: the demo world (Au Diapason → Commune de Montclair)."""

from __future__ import annotations

import pytest

from facturier.accounts.models import User
from facturier.core.demo import TECH_LOGIN, load_demo


@pytest.fixture
def demo(db: None) -> None:
    load_demo()


@pytest.fixture
def supplier_tech(demo: None) -> User:
    return User.objects.get(email=TECH_LOGIN)

