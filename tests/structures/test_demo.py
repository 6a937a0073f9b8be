"""The demo data: idempotent, with two connected technical accounts."""

from __future__ import annotations

import pytest

from facturier.core.demo import COMMUNE_TECH_LOGIN, TECH_LOGIN, banner, load_demo
from facturier.structures.models import ApiConnection, BankAccount, Structure, TechnicalAccount

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_connects_the_technical_accounts() -> None:
    logins = load_demo()
    counts = (Structure.objects.count(), TechnicalAccount.objects.count(), ApiConnection.objects.count(),
              BankAccount.objects.count())
    load_demo()
    assert counts == (Structure.objects.count(), TechnicalAccount.objects.count(), ApiConnection.objects.count(),
                      BankAccount.objects.count())
    for login in (TECH_LOGIN, COMMUNE_TECH_LOGIN):
        account = TechnicalAccount.objects.get(user__email=login)
        assert account.user.check_password("facturier-demo-tech")
        assert ApiConnection.objects.get(technical_account=account).status == ApiConnection.Status.ACTIVE
    assert TechnicalAccount.objects.get(user__email=COMMUNE_TECH_LOGIN).structure.name == "Commune de Montclair"
    text = banner(logins, base_url="http://127.0.0.1:8000")
    assert COMMUNE_TECH_LOGIN in text and "/annuaire/" in text
