"""Notification e-mails derived from the audit journal (STYLE.md §5), never from model signals.

The journal subscriber (``subscribers.py``) only queues :func:`entry_notify` with the entry's id
once the change has committed. :func:`entry_notify` decides who is told (``audience``), records
one :class:`~.models.Notification` per user and queues the mails, all in one transaction that
first inserts the entry's :class:`~.models.NotifiedEntry`: a retried or concurrent job for the
same entry fails on that unique row and rolls back, so nobody gets a mail twice. Mails are sent
when that transaction commits (``facturier.accounts.emails.mail_user``: the user's language and
contact address). :func:`notifications_sweep` catches up entries whose job was lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from facturier.accounts.emails import mail_user
from facturier.audit.models import AuditEntry
from facturier.invoices.enums import InvoiceStatus, StateRejectionMotive, ValidatorRefusalMotive
from facturier.invoices.lifecycle import validation_delay
from facturier.invoices.models import Invoice
from facturier.invoices.transitions import validator_level

from .audience import (
    REPRESENTATIVE_ACTION,
    ROLE_SPACES,
    STATUS_PREFIX,
    Target,
    entry_targets,
    is_notified_action,
)
from .links import invoice_url
from .models import Notification, NotifiedEntry
from .selectors import Reader, followers_of, readers_among

logger = logging.getLogger(__name__)

STATUS_SUBJECT = _("Facture %(number)s : %(status)s")
REPRESENTATIVE_SUBJECT = _("Facture %(number)s d'un cotraitant de votre groupement")
SWEEP_BATCH = 200  # entries per entries_notify call of the sweeper


def entry_notify(*, entry_id: int) -> int:
    """Send the e-mails an audit entry calls for; return how many. Running it again for the same
    entry sends nothing (and returns 0)."""
    return entries_notify(entry_ids=[entry_id])


def entries_notify(*, entry_ids: list[int]) -> int:
    """The e-mails of the audit entries of one transaction (a flow batch: up to 50 invoices and
    their status changes), with a handful of queries for the whole batch instead of some per
    entry: the entries not notified yet, their invoices and every reader, one query each; the
    rows in bulk. If another job notified some of them meanwhile (the unique ``NotifiedEntry``
    fails), the batch is rolled back and each entry is done on its own, so nobody gets a mail
    twice. Returns the number of mails."""
    entries = [
        entry for entry in AuditEntry.objects.filter(pk__in=entry_ids, notified__isnull=True)
        .select_related("object_type").order_by("sequence")
        if is_notified_action(entry.action)
    ]
    if not entries:
        return 0
    invoice_type = ContentType.objects.get_for_model(Invoice).pk
    invoices = Invoice.objects.in_bulk(
        {int(e.object_id) for e in entries if e.object_type_id == invoice_type and e.object_id.isdigit()}
    )
    plans: list[tuple[AuditEntry, Invoice | None, list[Target]]] = []
    for entry in entries:
        invoice = invoices.get(int(entry.object_id)) if (
            entry.object_type_id == invoice_type and entry.object_id.isdigit()) else None
        targets = [] if invoice is None else entry_targets(action=entry.action, data=entry.data, invoice=invoice)
        plans.append((entry, invoice, targets))
    followers = followers_of(t for _, _, targets in plans for t in targets)
    try:
        with transaction.atomic():
            mails = 0
            notified, notifications = [], []
            for entry, invoice, targets in plans:
                readers = readers_among(followers, targets, exclude_user_id=entry.actor_id)
                notified.append(NotifiedEntry(entry=entry, mails=len(readers)))
                if invoice is not None:
                    for reader in readers:
                        notifications.append(_notify(entry=entry, invoice=invoice, reader=reader))
                mails += len(readers)
            NotifiedEntry.objects.bulk_create(notified)
            Notification.objects.bulk_create(notifications)
    except IntegrityError:
        if len(plans) == 1:
            logger.info("notifications for journal entry %s were already sent", plans[0][0].pk)
            return 0
        logger.info("some journal entries of %s were notified meanwhile: one at a time", entry_ids)
        return sum(entries_notify(entry_ids=[entry.pk]) for entry, _, _ in plans)
    return mails


def notifications_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """Notify the recent entries whose job never ran (a broker outage, a crash between the commit
    and the queueing). Looks back ``FACTURIER_NOTIFICATION_SWEEP_HOURS`` and leaves the last
    minute to the jobs queued normally. Returns the entry ids handled."""
    now = now or timezone.now()
    window = dt.timedelta(hours=settings.FACTURIER_NOTIFICATION_SWEEP_HOURS)
    stray = AuditEntry.objects.filter(
        Q(action__startswith=STATUS_PREFIX + ".") | Q(action=REPRESENTATIVE_ACTION),
        timestamp__gte=now - window, timestamp__lte=now - dt.timedelta(minutes=1), notified__isnull=True,
    )
    ids = list(stray.order_by("sequence").values_list("pk", flat=True))
    for start in range(0, len(ids), SWEEP_BATCH):
        entries_notify(entry_ids=ids[start:start + SWEEP_BATCH])
    return ids


def _motive_label(code: str) -> Promise | str:
    for enum in (StateRejectionMotive, ValidatorRefusalMotive):
        if code in enum.values:
            return enum(code).label
    return code


def status_label(code: object) -> Promise | str:
    """The status's label (lazy: it is rendered in the reader's language)."""
    if not code:
        return ""
    return InvoiceStatus(code).label if code in InvoiceStatus.values else str(code)


def _notify(*, entry: AuditEntry, invoice: Invoice, reader: Reader) -> Notification:
    """Queue the reader's mail (sent on commit) and give the :class:`Notification` row to write."""
    user = reader.user
    context: dict[str, Any] = {
        "invoice": invoice,
        "roles": [role.value for role in reader.roles],
        "link": invoice_url(invoice_id=invoice.pk, space=ROLE_SPACES[reader.roles[0]]),
        "at": entry.timestamp,
    }
    if entry.action == REPRESENTATIVE_ACTION:
        template, subject, params = "notifications/representative_informed.txt", REPRESENTATIVE_SUBJECT, {}
    else:
        data = entry.data
        to = str(data.get("to", ""))
        level = validator_level(to)
        context.update(
            to=to,
            status=status_label(to),
            previous=status_label(data.get("from")),
            comment=data.get("comment", ""),
            motives=[_motive_label(str(code)) for code in data.get("motives", [])],
            state_rejection=bool(set(data.get("motives", [])) & set(StateRejectionMotive.values)),
            deadline=entry.timestamp + validation_delay(),
            days=validation_delay().days,
            validator_name=getattr(invoice, f"validator{level}_name"),
            validator_identifier=getattr(invoice, f"validator{level}_identifier"),
        )
        template, subject = "notifications/status_change.txt", STATUS_SUBJECT
        params = {"status": context["status"]}
    mail_user(user=user, subject=subject, template=template, context=context,
              subject_params={"number": invoice.number, **params})
    return Notification(
        entry=entry, user=user, invoice=invoice, email=user.notification_email,
        language=user.language or settings.LANGUAGE_CODE, roles=context["roles"],
    )
