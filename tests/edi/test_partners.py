"""Partners and SSH keys (audited services), and the file naming that declares a syntaxeFlux."""

from __future__ import annotations

import asyncssh
import pytest

from facturier.accounts.models import User
from facturier.audit.models import AuditEntry
from facturier.core.errors import Conflict, PermissionDenied
from facturier.edi.errors import EdiKeyInvalid, EdiSyntaxConflict, EdiSyntaxMissing
from facturier.edi.layout import declared_syntax, is_partial
from facturier.edi.models import EdiKey, EdiPartner
from facturier.edi.partners import (
    edi_check_key,
    edi_check_password,
    edi_key_add,
    edi_key_revoke,
    edi_partner_close,
    edi_partner_open,
)

pytestmark = pytest.mark.django_db


def test_demo_partner_and_its_directories(partner: EdiPartner, edi_root) -> None:
    assert partner.active and partner.technical_account.structure.identifier == "89123456900012"
    assert edi_check_password(login="TECH@au-diapason.demo", password="facturier-demo-tech") == partner
    assert {p.name for p in (edi_root / "DIA001").iterdir()} == {"inbox", "outbox", "rejects"}
    assert edi_check_password(login=partner.technical_account.user.email, password="wrong") is None


def test_only_the_principal_manager_opens_a_partner_and_adds_keys(partner: EdiPartner) -> None:
    account = partner.technical_account
    agent = User.objects.get(email="agent@montclair.demo")
    with pytest.raises(PermissionDenied):
        edi_partner_close(actor=agent, partner=partner)
    with pytest.raises(PermissionDenied):
        edi_key_add(actor=agent, technical_account=account, public_key=_public())
    manager = User.objects.get(email="gerant@au-diapason.demo")
    edi_partner_close(actor=manager, partner=partner)
    assert edi_check_password(login=account.user.email, password="facturier-demo-tech") is None
    assert edi_partner_open(actor=manager, technical_account=account).active
    actions = list(AuditEntry.objects.filter(action__startswith="edi.partner").values_list("action", flat=True))
    assert actions == ["edi.partner.opened", "edi.partner.closed", "edi.partner.reopened"]


def _public(key: asyncssh.SSHKey | None = None) -> str:
    key = key or asyncssh.generate_private_key("ssh-ed25519")
    return key.export_public_key("openssh").decode()


def test_keys_are_added_and_revoked_with_an_audit_entry(partner: EdiPartner) -> None:
    manager = User.objects.get(email="gerant@au-diapason.demo")
    private = asyncssh.generate_private_key("ssh-ed25519")
    key = edi_key_add(actor=manager, technical_account=partner.technical_account, public_key=_public(private))
    assert key.fingerprint == private.get_fingerprint("sha256") and key.active
    assert edi_check_key(login=partner.technical_account.user.email, key=private.convert_to_public()) == partner
    with pytest.raises(Conflict):
        edi_key_add(actor=manager, technical_account=partner.technical_account, public_key=_public(private))
    edi_key_revoke(actor=manager, key=key)
    edi_key_revoke(actor=manager, key=key)  # a replay changes nothing
    assert edi_check_key(login=partner.technical_account.user.email, key=private.convert_to_public()) is None
    entries = AuditEntry.objects.filter(action__startswith="edi.key")
    assert [e.action for e in entries] == ["edi.key.added", "edi.key.revoked"]
    assert entries[0].data["fingerprint"] == key.fingerprint
    assert EdiKey.objects.get(pk=key.pk).revoked_at is not None


@pytest.mark.parametrize("text", ["", "ssh-ed25519 AAAAnotakey", "-----BEGIN OPENSSH PRIVATE KEY-----"])
def test_an_invalid_key_is_refused(partner: EdiPartner, text: str) -> None:
    with pytest.raises(EdiKeyInvalid):
        edi_key_add(actor=None, technical_account=partner.technical_account, public_key=text)


@pytest.mark.parametrize(
    ("relname", "syntax"),
    [
        ("facture.IN_DP_E1_UBL_INVOICE.xml", "IN_DP_E1_UBL_INVOICE"),
        ("lot-42.IN_DP_E1_CII_16B.tar.gz", "IN_DP_E1_CII_16B"),
        ("IN_DP_E2_CII_FACTURX/facture.pdf", "IN_DP_E2_CII_FACTURX"),
        ("IN_DP_E2_CII_FACTURX/f.IN_DP_E2_CII_FACTURX.pdf", "IN_DP_E2_CII_FACTURX"),
        ("f.IN_DP_E2_UBL_INVOICE_MIN.xml", "IN_DP_E2_UBL_INVOICE_MIN"),  # flow_receive refuses it, clearly
    ],
)
def test_the_file_name_or_directory_declares_the_syntax(relname: str, syntax: str) -> None:
    assert declared_syntax(relname) == syntax


def test_a_file_that_declares_no_syntax_or_two_is_refused() -> None:
    with pytest.raises(EdiSyntaxMissing) as missing:
        declared_syntax("facture.xml")
    assert "IN_DP_E1_UBL_INVOICE" in str(missing.value)
    with pytest.raises(EdiSyntaxMissing):
        declared_syntax("UBL/facture.xml")
    with pytest.raises(EdiSyntaxConflict):
        declared_syntax("IN_DP_E1_UBL_INVOICE/f.IN_DP_E1_CII_16B.xml")


@pytest.mark.parametrize("name", [".f.xml", "f.xml.part", "f.xml.filepart", "f.xml.tmp", "f.xml.done", "f.xml.ok"])
def test_temporary_names_are_never_flows(name: str) -> None:
    assert is_partial(name)
    assert not is_partial("f.IN_DP_E1_UBL_INVOICE.xml")
