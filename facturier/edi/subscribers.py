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
# (every deposit, every claimed flow) then cost no look-up. A batch subscriber: the flows finished
# in one transaction (a coalesced run finishes up to 50) cost one query.
@subscribe("flow.integre", batch=True)
@subscribe("flow.integre_partiel", batch=True)
@subscribe("flow.rejete", batch=True)
def on_flow_entries(entry_ids: list[int]) -> None:
    from .tasks import publish_report

    rows = (AuditEntry.objects.filter(pk__in=entry_ids, action__in=FINAL_ACTIONS).exclude(object_id="")
            .order_by("sequence").values_list("object_id", "data"))
    for object_id, data in rows:
        channel = (data or {}).get("channel")
        if channel is None or channel in EDI_CHANNELS:
            enqueue(publish_report, int(object_id))
