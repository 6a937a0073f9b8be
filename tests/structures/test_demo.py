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


def test_demo_invoices_fill_each_space_once() -> None:
    from facturier.audit.services import audit_chain_verify
    from facturier.invoices.models import Invoice

    load_demo(with_invoices=True)
    load_demo(with_invoices=True)
    rows = {number: (status, frame[:3].rstrip("_"), validator)
            for number, status, frame, validator in Invoice.objects.values_list(
                "number", "status", "billing_frame", "validator1_identifier")}
    assert rows == {
        "AD-2026-0101": ("MISE_A_DISPOSITION", "A1", ""),
        "AD-2026-0102": ("SUSPENDUE", "A1", ""),
        "AD-2026-0103": ("MISE_EN_PAIEMENT", "A1", ""),
        "AD-2026-0104": ("A_RECYCLER", "A1", ""),
        "STS-2026-0042": ("A_VALIDER_1", "A9", "52345678800018"),
    }
    paid = Invoice.objects.get(number="AD-2026-0103")
    assert list(paid.status_changes.values_list("status", flat=True)) == [
        "DEPOSEE", "MISE_A_DISPOSITION", "SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"]
    assert audit_chain_verify().intact
