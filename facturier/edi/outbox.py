"""What partners read back: integration reports in ``outbox/`` and daily rejects files in ``rejects/``.

- ``<numeroFluxDepot>.json`` and ``<numeroFluxDepot>.pdf``: the flow's integration report as the
  flows app stored it when the flow reached its final state (``Flow.report``, ``Flow.report_pdf``;
  JSON shape in facturier/flows/report.py and docs/deposits.md);
- ``rejets-<issuer>-<YYYYMMDD>.jsonl``: one file per day and per issuer (the supplier structure,
  by its identifier), one JSON object per line for each invoice or file that was not integrated
  that day, with its causes. It is rebuilt whole from the database (atomically) on each rejection
  and by a periodic job, so it only grows during the day and never holds a line twice.

Both are written through a hidden temporary file and a rename: a partner never reads half a file.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.utils import timezone

from facturier.flows.models import FINAL_STATES, Channel, Flow, FlowItem, FlowState

from .layout import ensure_partner_dirs, partner_root, write_atomic
from .models import EdiPartner, EdiRejection

logger = logging.getLogger(__name__)

EDI_CHANNELS = (Channel.SFTP, Channel.INBOX)
_SAFE = re.compile(r"[^A-Za-z0-9]")


def partner_of(flow: Flow) -> EdiPartner | None:
    return (
        EdiPartner.objects.select_related("technical_account__structure")
        .filter(technical_account__user_id=flow.depositor_id)
        .first()
    )


def edi_report_publish(*, flow: Flow) -> list[Path]:
    """Write the flow's report (JSON and PDF) into its partner's outbox, when the flow came by EDI
    and is final. Harmless to repeat (the same bytes are written again)."""
    if flow.channel not in EDI_CHANNELS or flow.state not in FINAL_STATES:
        return []
    partner = partner_of(flow)
    if partner is None:
        return []
    outbox = ensure_partner_dirs(partner.code) / "outbox"
    written = [outbox / f"{flow.number}.json"]
    write_atomic(written[0], json.dumps(flow.report, ensure_ascii=False, indent=2).encode())
    if flow.report_pdf:
        with flow.report_pdf.open("rb") as handle:
            pdf = handle.read()
        written.append(outbox / f"{flow.number}.pdf")
        write_atomic(written[1], pdf)
    if flow.state != FlowState.IN_INTEGRE:
        edi_rejects_rebuild(partner=partner, day=timezone.localdate(flow.processed_at or flow.state_changed_at))
    return written


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def _issuer_key(identifier: str) -> str:
    return _SAFE.sub("", identifier or "")[:40] or "INCONNU"


def rejects_lines(*, partner: EdiPartner, day: dt.date) -> dict[str, list[dict[str, Any]]]:
    """The day's rejects of a partner, by issuer: one entry per non-integrated invoice, per flow
    rejected as a whole, and per file refused before it became a flow."""
    start, end = _day_bounds(day)
    default_issuer = partner.technical_account.structure.identifier
    by_issuer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    flows = (
        Flow.objects.filter(
            depositor_id=partner.technical_account.user_id, channel__in=EDI_CHANNELS,
            state__in=[FlowState.IN_REJETE, FlowState.IN_INTEGRE_PARTIEL],
            processed_at__gte=start, processed_at__lt=end,
        )
        .select_related("supplier")
        .order_by("processed_at", "pk")
    )
    for flow in flows:
        flow_issuer = flow.supplier.identifier if flow.supplier_id else default_issuer
        common = {
            "date": flow.processed_at.isoformat() if flow.processed_at else None,
            "numeroFluxDepot": flow.number,
            "nomFichier": flow.file_name,
            "syntaxeFlux": flow.syntax,
            "etatFlux": flow.state,
        }
        for error in flow.technical_errors:
            by_issuer[flow_issuer].append({
                **common, "nature": "FLUX", "index": None, "numeroDP": None,
                "erreurs": [{"rule": error.get("code"), "terms": [], "message": error.get("message")}],
            })
        items = FlowItem.objects.filter(flow=flow, outcome=FlowItem.Outcome.REJETE).order_by("index")
        for item in items:
            by_issuer[item.supplier_identifier or flow_issuer].append({
                **common, "nature": "FACTURE", "index": item.index, "fichier": item.entry_name,
                "numeroDP": item.number or None, "erreurs": item.errors,
            })
    for rejection in EdiRejection.objects.filter(
        partner=partner, rejected_at__gte=start, rejected_at__lt=end
    ).order_by("rejected_at", "pk"):
        by_issuer[rejection.issuer_identifier or default_issuer].append({
            "date": rejection.rejected_at.isoformat(), "numeroFluxDepot": None,
            "nomFichier": rejection.file_name, "syntaxeFlux": None, "etatFlux": "REJETE",
            "nature": "FICHIER", "index": None, "numeroDP": None,
            "erreurs": [{"rule": rejection.code, "terms": [], "message": rejection.message}],
        })
    for lines in by_issuer.values():
        lines.sort(key=lambda line: line["date"] or "")
    return dict(by_issuer)


def rejects_file_name(issuer: str, day: dt.date) -> str:
    return f"rejets-{_issuer_key(issuer)}-{day:%Y%m%d}.jsonl"


def edi_rejects_rebuild(*, partner: EdiPartner, day: dt.date) -> list[Path]:
    """(Re)write the partner's rejects files of ``day``, one per issuer."""
    rejects = ensure_partner_dirs(partner.code) / "rejects"
    written = []
    for issuer, lines in rejects_lines(partner=partner, day=day).items():
        path = rejects / rejects_file_name(issuer, day)
        body = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
        write_atomic(path, body.encode())
        written.append(path)
    return written


def edi_outbox_sweep(*, now: dt.datetime | None = None) -> int:
    """Catch up what a lost message or a stopped process left: reports of the last two days'
    final EDI flows missing from their outbox, and the rejects files of today and yesterday."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=2)
    published = 0
    flows = Flow.objects.filter(
        channel__in=EDI_CHANNELS, state__in=FINAL_STATES, processed_at__gte=since,
        depositor__technical_account__edi_partner__isnull=False,
    ).select_related("depositor")
    for flow in flows.iterator():
        partner = partner_of(flow)
        if partner is None or (partner_root(partner.code) / "outbox" / f"{flow.number}.json").exists():
            continue
        edi_report_publish(flow=flow)
        published += 1
    today = timezone.localdate(now)
    for partner in EdiPartner.objects.select_related("technical_account__structure").filter(
        Q(rejections__rejected_at__gte=since)
        | Q(technical_account__user__flows__processed_at__gte=since,
            technical_account__user__flows__channel__in=EDI_CHANNELS)
    ).distinct():
        for day in (today - dt.timedelta(days=1), today):
            edi_rejects_rebuild(partner=partner, day=day)
    return published
