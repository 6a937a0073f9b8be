"""The watched inbox (no SFTP), the half-written-file rule, claims left by a dead process, the
outbox reports and the daily rejects file per issuer."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest
from django.utils import timezone

from facturier.core.jobs import periodic_jobs
from facturier.edi.ingest import STALE_CLAIM_SECONDS, edi_poll_inbox
from facturier.edi.models import EdiPartner, EdiRejection
from facturier.edi.outbox import edi_outbox_sweep, rejects_file_name
from facturier.flows.models import Flow, FlowState
from tests.flows.builders import invoice_file, targz


pytestmark = pytest.mark.django_db(transaction=True)


def drop(inbox: Path, relname: str, data: bytes, *, age: float = 60) -> Path:
    """A file written some time ago (``age`` seconds), as rsync or a share would leave it."""
    path = inbox / relname
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


@pytest.fixture
def inbox(partner: EdiPartner, edi_root: Path) -> Path:
    path = edi_root / partner.code / "inbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_files_dropped_in_the_inbox_become_flows_with_reports_in_the_outbox(
    partner: EdiPartner, inbox: Path, edi_root: Path
) -> None:
    drop(inbox, "a.IN_DP_E1_CII_16B.xml", invoice_file("cii", "AD-IN-1"))
    drop(inbox, "IN_DP_E1_UBL_INVOICE/b.xml", invoice_file("ubl", "AD-IN-2"))
    numbers = edi_poll_inbox()
    flows = {f.number: f for f in Flow.objects.all()}
    assert sorted(numbers) == sorted(flows) and len(flows) == 2
    assert {f.channel for f in flows.values()} == {"INBOX"}
    assert {f.state for f in flows.values()} == {FlowState.IN_INTEGRE}
    outbox = edi_root / partner.code / "outbox"
    for number in flows:
        assert json.loads((outbox / f"{number}.json").read_text())["etat"] == "IN_INTEGRE"
        assert (outbox / f"{number}.pdf").read_bytes().startswith(b"%PDF")
    assert [p for p in inbox.rglob("*") if p.is_file()] == []
    assert edi_poll_inbox() == []  # nothing is taken twice


def test_half_written_files_are_never_taken(partner: EdiPartner, inbox: Path) -> None:
    fresh = drop(inbox, "fresh.IN_DP_E1_UBL_INVOICE.xml", invoice_file("ubl", "AD-FRESH"), age=0)
    drop(inbox, "old.IN_DP_E1_UBL_INVOICE.xml.part", invoice_file("ubl", "AD-PART"), age=3600)
    drop(inbox, ".hidden.IN_DP_E1_UBL_INVOICE.xml", invoice_file("ubl", "AD-HIDDEN"), age=3600)
    os.symlink("/etc/hostname", inbox / "link.IN_DP_E1_UBL_INVOICE.xml")
    assert edi_poll_inbox(min_age=30) == []
    assert Flow.objects.count() == 0 and fresh.exists()

    # A completion marker makes a fresh file ready at once; the marker is then removed.
    marker = inbox / "fresh.IN_DP_E1_UBL_INVOICE.xml.done"
    marker.touch()
    assert len(edi_poll_inbox(min_age=30)) == 1
    assert not fresh.exists() and not marker.exists()
    # Renamed to its final name, the .part file is taken once old enough.
    os.rename(inbox / "old.IN_DP_E1_UBL_INVOICE.xml.part", inbox / "old.IN_DP_E1_UBL_INVOICE.xml")
    assert len(edi_poll_inbox(min_age=30)) == 1
    assert sorted(Flow.objects.values_list("file_name", flat=True)) == [
        "fresh.IN_DP_E1_UBL_INVOICE.xml", "old.IN_DP_E1_UBL_INVOICE.xml",
    ]
    assert (inbox / ".hidden.IN_DP_E1_UBL_INVOICE.xml").exists()


def test_a_claim_left_by_a_dead_process_is_taken_again_never_twice(partner: EdiPartner, edi_root: Path) -> None:
    claim_dir = edi_root / "_work" / partner.code / "deadbeef"
    drop(claim_dir, "IN_DP_E1_UBL_INVOICE/lost.xml", invoice_file("ubl", "AD-LOST"))
    old = time.time() - STALE_CLAIM_SECONDS - 5
    os.utime(claim_dir, (old, old))
    assert len(edi_poll_inbox()) == 1
    assert Flow.objects.get().file_name == "lost.xml"
    assert not claim_dir.exists()


def test_a_wrong_syntax_is_a_clear_rejection_never_a_guess(partner: EdiPartner, inbox: Path, edi_root: Path) -> None:
    drop(inbox, "cii-declared-ubl.IN_DP_E1_UBL_INVOICE.xml", invoice_file("cii", "AD-MISMATCH"))
    edi_poll_inbox()
    flow = Flow.objects.get()
    assert flow.state == FlowState.IN_REJETE and flow.technical_errors
    report = json.loads((edi_root / partner.code / "outbox" / f"{flow.number}.json").read_text())
    assert report["etat"] == "IN_REJETE" and report["erreursTechniques"]


def test_daily_rejects_file_per_issuer(partner: EdiPartner, inbox: Path, edi_root: Path) -> None:
    bad = invoice_file("cii", "AD-BAD", purchase_order_reference=None)  # FINANCES requires an EJ
    lot = targz([("a.xml", invoice_file("cii", "AD-A")), ("b.xml", bad), ("c.xml", invoice_file("cii", "AD-C"))])
    drop(inbox, "lot.IN_DP_E1_CII_16B.tar.gz", lot)
    drop(inbox, "sans-syntaxe.xml", invoice_file("ubl", "AD-X"))
    drop(inbox, "vide.IN_DP_E1_UBL_INVOICE.xml", b"")
    edi_poll_inbox()
    flow = Flow.objects.get()
    assert flow.state == FlowState.IN_INTEGRE_PARTIEL
    assert sorted(EdiRejection.objects.values_list("code", flat=True)) == ["edi.syntax_missing", "flow.empty"]

    day = timezone.localdate()
    path = edi_root / partner.code / "rejects" / rejects_file_name("89123456900012", day)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(lines) == 3
    by_nature = {line["nature"]: [] for line in lines}
    for line in lines:
        by_nature[line["nature"]].append(line)
    invoice_line = by_nature["FACTURE"][0]
    assert invoice_line["numeroFluxDepot"] == flow.number and invoice_line["numeroDP"] == "AD-BAD"
    assert [e["rule"] for e in invoice_line["erreurs"]] == ["FR-PLT-07"]
    assert sorted(line["erreurs"][0]["rule"] for line in by_nature["FICHIER"]) == ["edi.syntax_missing", "flow.empty"]

    # The periodic job rebuilds the same file: nothing duplicated, nothing lost.
    before = path.read_bytes()
    assert edi_outbox_sweep() == 0
    assert path.read_bytes() == before
    # Yesterday's file is not today's.
    assert rejects_file_name("89123456900012", day - dt.timedelta(days=1)) != path.name


def test_the_sweep_republishes_a_missing_report(partner: EdiPartner, inbox: Path, edi_root: Path) -> None:
    drop(inbox, "a.IN_DP_E1_UBL_INVOICE.xml", invoice_file("ubl", "AD-SWEEP"))
    (number,) = edi_poll_inbox()
    report = edi_root / partner.code / "outbox" / f"{number}.json"
    report.unlink()
    assert edi_outbox_sweep() == 1 and report.exists()


def test_the_edi_jobs_are_periodic() -> None:
    jobs = {job.name: job.every for job in periodic_jobs()}
    assert jobs["edi.poll_inbox"] == dt.timedelta(seconds=30)
    assert "edi.sweep" in jobs
