"""Celery tasks of flows: thin (STYLE.md §7)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from facturier.core.jobs import periodic

from .services import flow_process, flow_process_chunk, flow_sweep


@shared_task(name="flows.process_flow")
def process_flow(flow_id: int) -> str:
    return flow_process(flow_id=flow_id).state


@shared_task(name="flows.process_chunk")
def process_flow_chunk(flow_id: int, start: int, stop: int, offset: int = 0) -> str:
    # offset: a chunk queued before it existed has none, and is read from the start of the flow.
    return flow_process_chunk(flow_id=flow_id, start=start, stop=stop, offset=offset).state


@periodic(every=timedelta(minutes=1))
@shared_task(name="flows.sweep_stuck_flows")
def sweep_stuck_flows() -> list[int]:
    return flow_sweep()
