"""The SFTP server end to end: a real asyncssh client against the server on a free localhost port.

The acceptance test of issue 5: a flow goes through an SFTP connection and its integration report
(JSON and PDF) is read back from the outbox over SFTP."""

from __future__ import annotations

import json
from pathlib import Path

import asyncssh
import pytest

from facturier.accounts.models import User
from facturier.edi.models import EdiPartner
from facturier.edi.partners import edi_key_add, edi_key_revoke, edi_partner_close, edi_partner_open
from facturier.flows.models import Flow, FlowState
from facturier.invoices.models import Invoice
from facturier.structures.models import Structure, TechnicalAccount
from tests.flows.builders import invoice_file

from .sftp_client import can_login, with_sftp

pytestmark = pytest.mark.django_db(transaction=True)


def test_password_login(sftp_server, partner: EdiPartner) -> None:
    assert can_login(sftp_server.port)
    assert not can_login(sftp_server.port, password="not-the-password")
    assert not can_login(sftp_server.port, username="nobody@example.org")
    assert not can_login(sftp_server.port, username="gerant@au-diapason.demo", password="facturier-demo")
    edi_partner_close(actor=None, partner=partner)
    assert not can_login(sftp_server.port)


def test_key_login(sftp_server, partner: EdiPartner) -> None:
    good = asyncssh.generate_private_key("ssh-ed25519")
    other = asyncssh.generate_private_key("ssh-ed25519")
    key = edi_key_add(
        actor=None, technical_account=partner.technical_account,
        public_key=good.export_public_key("openssh").decode(),
    )
    assert can_login(sftp_server.port, password=None, client_key=good)
    assert not can_login(sftp_server.port, password=None, client_key=other)
    edi_key_revoke(actor=None, key=key)
    assert not can_login(sftp_server.port, password=None, client_key=good)


def _second_partner() -> EdiPartner:
    structure = Structure.objects.get(identifier="52345678800018")
    user = User.objects.create_user(
        "tech@batiments-durables.demo", "another-tech-password", kind=User.Kind.TECHNICAL
    )
    account = TechnicalAccount.objects.create(user=user, structure=structure)
    return edi_partner_open(actor=None, technical_account=account, code="BAT001")


def test_chroot_keeps_each_partner_in_its_own_tree(sftp_server, partner: EdiPartner, edi_root: Path) -> None:
    other = _second_partner()
    assert can_login(sftp_server.port, username="tech@batiments-durables.demo", password="another-tech-password")
    secret = edi_root / other.code / "outbox" / "CPP0000000000000000000001.json"
    secret.write_text('{"secret": true}')
    (edi_root / "outside.txt").write_text("outside the chroots")

    async def probe(sftp: asyncssh.SFTPClient) -> dict[str, object]:
        seen: dict[str, object] = {"root": await sftp.realpath("/.."), "up": await sftp.realpath("../../..")}
        for path in (
            f"/../{other.code}/outbox/{secret.name}",
            f"../{other.code}/outbox/{secret.name}",
            f"/inbox/../../{other.code}/outbox/{secret.name}",
            "/../outside.txt",
            "../../outside.txt",
        ):
            try:
                async with sftp.open(path, "rb") as handle:
                    seen[path] = await handle.read()
            except asyncssh.SFTPError as error:
                seen[path] = type(error).__name__
        for path in ("/outbox/mine.xml", "/rejects/x.IN_DP_E1_UBL_INVOICE.xml", "/x.IN_DP_E1_UBL_INVOICE.xml",
                     f"/../{other.code}/inbox/x.IN_DP_E1_UBL_INVOICE.xml"):
            try:
                async with sftp.open(path, "wb") as handle:
                    await handle.write(b"<x/>")
                seen[f"write {path}"] = "written"
            except asyncssh.SFTPError as error:
                seen[f"write {path}"] = type(error).__name__
        try:
            await sftp.symlink("/etc/passwd", "/inbox/link.IN_DP_E1_UBL_INVOICE.xml")
            seen["symlink"] = "created"
        except asyncssh.SFTPError as error:
            seen["symlink"] = type(error).__name__
        return seen

    seen = with_sftp(sftp_server.port, probe)
    assert seen.pop("root") == "/" and seen.pop("up") == "/"
    assert all(value in ("SFTPNoSuchFile", "SFTPPermissionDenied") for value in seen.values()), seen
    assert not (edi_root / other.code / "inbox" / "x.IN_DP_E1_UBL_INVOICE.xml").exists()
    assert Flow.objects.count() == 0


def _wait_report(sftp_server, number: str) -> tuple[dict, bytes]:
    sftp_server.drain()

    async def fetch(sftp: asyncssh.SFTPClient) -> tuple[dict, bytes]:
        async with sftp.open(f"/outbox/{number}.json", "rb") as handle:
            report = json.loads(await handle.read())
        async with sftp.open(f"/outbox/{number}.pdf", "rb") as handle:
            pdf = await handle.read()
        return report, pdf

    return with_sftp(sftp_server.port, fetch)


def test_a_flow_put_over_sftp_is_integrated_and_its_report_read_back(
    sftp_server, partner: EdiPartner, edi_root: Path, tmp_path: Path
) -> None:
    local = tmp_path / "AD-SFTP-1.IN_DP_E2_CII_FACTURX.pdf"
    local.write_bytes(invoice_file("facturx", "AD-SFTP-1"))

    async def put(sftp: asyncssh.SFTPClient) -> list[str]:
        await sftp.put(str(local), f"/inbox/{local.name}")
        return await sftp.listdir("/inbox")

    listing = with_sftp(sftp_server.port, put)
    assert [n for n in listing if n not in (".", "..")] == []  # never visible half-written
    sftp_server.drain()
    flow = Flow.objects.get()
    assert flow.channel == "SFTP" and flow.syntax == "IN_DP_E2_CII_FACTURX" and flow.file_name == local.name
    assert flow.depositor == partner.technical_account.user
    report, pdf = _wait_report(sftp_server, flow.number)
    assert report["numeroFluxDepot"] == flow.number and report["etat"] == FlowState.IN_INTEGRE
    assert report["nbIntegrees"] == 1 and report["factures"][0]["numeroDP"] == "AD-SFTP-1"
    assert pdf.startswith(b"%PDF")
    assert Invoice.objects.get(flow=flow).number == "AD-SFTP-1"
    # The file left the inbox for the archive, outside the chroot.
    assert not any((edi_root / "DIA001" / "inbox").iterdir())
    assert [p.name for p in (edi_root / "_archive" / "DIA001").rglob("*.pdf")] == [f"{flow.number}-{local.name}"]


def test_syntax_sub_directory_and_part_then_rename(sftp_server, partner: EdiPartner) -> None:
    async def upload(sftp: asyncssh.SFTPClient) -> None:
        await sftp.mkdir("/inbox/IN_DP_E1_UBL_INVOICE")
        async with sftp.open("/inbox/IN_DP_E1_UBL_INVOICE/a.xml.part", "wb") as handle:
            await handle.write(invoice_file("ubl", "AD-SFTP-UBL"))
        assert "a.xml.part" in await sftp.listdir("/inbox/IN_DP_E1_UBL_INVOICE")
        await sftp.rename("/inbox/IN_DP_E1_UBL_INVOICE/a.xml.part", "/inbox/IN_DP_E1_UBL_INVOICE/a.xml")

    with_sftp(sftp_server.port, upload)
    sftp_server.drain()
    flow = Flow.objects.get()
    assert flow.syntax == "IN_DP_E1_UBL_INVOICE" and flow.file_name == "a.xml"
    report, _pdf = _wait_report(sftp_server, flow.number)
    assert report["etat"] == FlowState.IN_INTEGRE


def test_a_file_without_syntax_is_rejected_with_a_report_in_rejects(sftp_server, partner: EdiPartner) -> None:
    async def upload(sftp: asyncssh.SFTPClient) -> None:
        async with sftp.open("/inbox/facture.xml", "wb") as handle:
            await handle.write(invoice_file("ubl", "AD-NOSYNTAX"))

    with_sftp(sftp_server.port, upload)
    sftp_server.drain()
    assert Flow.objects.count() == 0

    async def read_rejects(sftp: asyncssh.SFTPClient) -> dict[str, bytes]:
        out = {}
        for name in await sftp.listdir("/rejects"):
            if name not in (".", ".."):
                async with sftp.open(f"/rejects/{name}", "rb") as handle:
                    out[name] = await handle.read()
        return out

    files = with_sftp(sftp_server.port, read_rejects)
    report = json.loads(next(v for k, v in files.items() if k.endswith("facture.xml.rejet.json")))
    assert report["code"] == "edi.syntax_missing" and "IN_DP_E1_UBL_INVOICE" in report["message"]["fr"]
    assert report["message"]["en"]  # English once the lead merges edi.po.part into the catalogue
    daily = next(v for k, v in files.items() if k.startswith("rejets-89123456900012-"))
    assert json.loads(daily.splitlines()[0])["erreurs"][0]["rule"] == "edi.syntax_missing"
