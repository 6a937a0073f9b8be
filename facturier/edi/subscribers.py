"""Journal subscribers of the EDI app (facturier.audit.subscribers).

A flow reaching a final state appends ``flow.integre``, ``flow.integre_partiel`` or
``flow.rejete`` to the journal (facturier.flows.services._finish); the report of an EDI flow is
then published to its partner's outbox by a task, after commit. The periodic ``edi.sweep`` job
catches up anything missed.
"""

from __future__ import annotations

from facturier.audit.models import AuditEntry
from facturier.audit.subscribers import subscribe
from facturier.core.jobs import enqueue

FINAL_ACTIONS = frozenset({"flow.integre", "flow.integre_partiel", "flow.rejete"})


@subscribe("flow")
def on_flow_entry(entry_id: int) -> None:
    entry = AuditEntry.objects.filter(pk=entry_id).values("action", "object_id").first()
    if entry is None or entry["action"] not in FINAL_ACTIONS or not entry["object_id"]:
        return
    from .tasks import publish_report

    enqueue(publish_report, int(entry["object_id"]))
