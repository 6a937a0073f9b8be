"""Celery tasks of the EDI app: thin (STYLE.md §7)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from facturier.core.jobs import periodic
from facturier.flows.models import Flow

from .ingest import edi_poll_inbox
from .outbox import edi_outbox_sweep, edi_report_publish


@shared_task(name="edi.publish_report")
def publish_report(flow_id: int) -> int:
    flow = Flow.objects.filter(pk=flow_id).first()
    return len(edi_report_publish(flow=flow)) if flow is not None else 0


@periodic(every=timedelta(seconds=30))
@shared_task(name="edi.poll_inbox")
def poll_inbox() -> list[str]:
    return edi_poll_inbox()


@periodic(every=timedelta(minutes=5))
@shared_task(name="edi.sweep")
def sweep() -> int:
    return edi_outbox_sweep()
