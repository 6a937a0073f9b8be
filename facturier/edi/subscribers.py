"""Journal subscribers of the EDI app (facturier.audit.subscribers).

A flow reaching a final state appends ``flow.integre``, ``flow.integre_partiel`` or
``flow.rejete`` to the journal (facturier.flows.services._finish), with the flow's channel; the
report of an EDI flow (SFTP, inbox) is then published to its partner's outbox by a task, after
commit. Flows of the other channels (API, portal) have no outbox: no task is queued for them (an
entry without a channel, written before the channel was recorded, still queues one). The periodic
``edi.sweep`` job catches up anything missed.
"""

from __future__ import annotations

from facturier.audit.models import AuditEntry
from facturier.audit.subscribers import subscribe
from facturier.core.jobs import enqueue
from facturier.flows.models import EDI_CHANNELS

FINAL_ACTIONS = frozenset({"flow.integre", "flow.integre_partiel", "flow.rejete"})


# The final actions only, not the whole "flow" prefix: ``flow.received`` and ``flow.processing``
# (every deposit, every claimed flow) then cost no look-up of the entry.
@subscribe("flow.integre")
@subscribe("flow.integre_partiel")
@subscribe("flow.rejete")
def on_flow_entry(entry_id: int) -> None:
    entry = AuditEntry.objects.filter(pk=entry_id).values("action", "object_id", "data").first()
    if entry is None or entry["action"] not in FINAL_ACTIONS or not entry["object_id"]:
        return
    channel = (entry["data"] or {}).get("channel")
    if channel is not None and channel not in EDI_CHANNELS:
        return
    from .tasks import publish_report

    enqueue(publish_report, int(entry["object_id"]))
