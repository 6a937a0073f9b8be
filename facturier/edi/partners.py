"""EDI partner and SSH key services, and the SFTP credential checks.

A partner is a technical account with an active EDI connection (``EdiPartner``). The principal
manager of the account's structure opens and closes the connection and adds or revokes SSH keys;
``actor=None`` is the system (the demo loader, an administrator's shell). Every change is audited.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import asyncssh
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facturier.audit.services import audit_log
from facturier.core.errors import Conflict
from facturier.structures.models import TechnicalAccount
from facturier.structures.services._common import require_manager

from .errors import EdiKeyInvalid, EdiPartnerInvalid
from .layout import ensure_partner_dirs
from .models import EdiKey, EdiPartner

if TYPE_CHECKING:
    from facturier.accounts.models import User

logger = logging.getLogger(__name__)


def _check_actor(actor: User | None, account: TechnicalAccount) -> None:
    if actor is not None:
        require_manager(actor=actor, structure=account.structure, principal_only=True)


def _next_code(account: TechnicalAccount) -> str:
    letters = "".join(c for c in account.structure.name.upper() if "A" <= c <= "Z")[:3].ljust(3, "X")
    for number in range(1, 1000):
        code = f"{letters}{number:03d}"
        if not EdiPartner.objects.filter(code=code).exists():
            return code
    raise EdiPartnerInvalid()


def edi_partner_open(*, actor: User | None, technical_account: TechnicalAccount, code: str = "") -> EdiPartner:
    """Open (or re-open) the EDI connection of a technical account. Its code (``AAA999``) is
    given or derived from the structure's name; it names the partner's directory."""
    with transaction.atomic():
        account = TechnicalAccount.objects.select_related("structure", "user").get(pk=technical_account.pk)
        _check_actor(actor, account)
        partner = EdiPartner.objects.select_for_update().filter(technical_account=account).first()
        if partner is not None:
            if not partner.active:
                partner.active = True
                partner.save(update_fields=["active"])
                audit_log(actor=actor, action="edi.partner.reopened", obj=partner, data={"code": partner.code})
            return partner
        partner = EdiPartner(technical_account=account, code=(code or _next_code(account)).upper(), created_by=actor)
        partner.full_clean()
        partner.save()
        audit_log(
            actor=actor,
            action="edi.partner.opened",
            obj=partner,
            data={"code": partner.code, "technical_account": account.pk, "structure": account.structure_id},
        )
    return partner


def edi_partner_close(*, actor: User | None, partner: EdiPartner) -> EdiPartner:
    """Close the EDI connection: no more SFTP logins, the inbox is no longer polled."""
    with transaction.atomic():
        partner = EdiPartner.objects.select_for_update().select_related("technical_account__structure").get(
            pk=partner.pk
        )
        _check_actor(actor, partner.technical_account)
        if partner.active:
            partner.active = False
            partner.save(update_fields=["active"])
            audit_log(actor=actor, action="edi.partner.closed", obj=partner, data={"code": partner.code})
    return partner


def _parse_key(public_key: str) -> asyncssh.SSHKey:
    text = " ".join((public_key or "").split())
    if not text or "PRIVATE" in text.upper():
        raise EdiKeyInvalid()
    try:
        return asyncssh.import_public_key(text)
    except (asyncssh.KeyImportError, ValueError):
        raise EdiKeyInvalid() from None


def edi_key_add(*, actor: User | None, technical_account: TechnicalAccount, public_key: str) -> EdiKey:
    """Register an SSH public key for SFTP logins of this technical account."""
    key = _parse_key(public_key)
    fingerprint = key.get_fingerprint("sha256")
    with transaction.atomic():
        account = TechnicalAccount.objects.select_related("structure").get(pk=technical_account.pk)
        _check_actor(actor, account)
        if EdiKey.objects.filter(technical_account=account, fingerprint=fingerprint, active=True).exists():
            raise Conflict(
                _("Cette clé (%(fingerprint)s) est déjà enregistrée pour ce compte technique."),
                fingerprint=fingerprint,
            )
        edi_key = EdiKey.objects.create(
            technical_account=account,
            public_key=key.export_public_key("openssh").decode().strip(),
            fingerprint=fingerprint,
        )
        audit_log(
            actor=actor, action="edi.key.added", obj=edi_key,
            data={"technical_account": account.pk, "fingerprint": fingerprint, "algorithm": key.get_algorithm()},
        )
    return edi_key


def edi_key_revoke(*, actor: User | None, key: EdiKey) -> EdiKey:
    """Revoke a key: it no longer opens an SFTP session. Replaying the revocation is harmless."""
    with transaction.atomic():
        key = EdiKey.objects.select_for_update().select_related("technical_account__structure").get(pk=key.pk)
        _check_actor(actor, key.technical_account)
        if key.active:
            key.active, key.revoked_at = False, timezone.now()
            key.save(update_fields=["active", "revoked_at"])
            audit_log(
                actor=actor, action="edi.key.revoked", obj=key,
                data={"technical_account": key.technical_account_id, "fingerprint": key.fingerprint},
            )
    return key


# --- SFTP credentials (read-only; called by the server) --------------------------------------------


def edi_partner_for_login(*, login: str) -> EdiPartner | None:
    """The active partner whose technical account logs in as ``login``, or None."""
    partner = (
        EdiPartner.objects.select_related("technical_account__user", "technical_account__structure")
        .filter(active=True, technical_account__user__email=(login or "").strip().lower())
        .first()
    )
    if partner is None or not partner.technical_account.user.is_active:
        return None
    return partner


def edi_check_password(*, login: str, password: str) -> EdiPartner | None:
    """The partner when ``password`` is its technical account's current, unexpired password."""
    partner = edi_partner_for_login(login=login)
    if partner is None:
        return None
    account = partner.technical_account
    if not account.user.check_password(password or "") or account.password_expired():
        return None
    ensure_partner_dirs(partner.code)
    return partner


def edi_check_key(*, login: str, key: asyncssh.SSHKey) -> EdiPartner | None:
    """The partner when ``key`` is one of its active SSH keys."""
    partner = edi_partner_for_login(login=login)
    if partner is None:
        return None
    fingerprint = key.get_fingerprint("sha256")
    if not EdiKey.objects.filter(
        technical_account=partner.technical_account, fingerprint=fingerprint, active=True
    ).exists():
        return None
    ensure_partner_dirs(partner.code)
    return partner
