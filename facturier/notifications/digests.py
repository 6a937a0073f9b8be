"""Periodic digests: one e-mail per opted-in user and period (a day or an ISO week, per
``User.notification_frequency``) with the status changes of their structures' invoices since
their last digest and the actions waiting for them.

The hourly job (:func:`digests_send`) sends a user's digest once the period has started
(``FACTURIER_DIGEST_HOUR`` local time; a weekly one on Monday). Each digest is a
:class:`~.models.Digest` row, unique per user and period, written with the mail in one
transaction: a second run in the same period sends nothing. An empty digest (no change, nothing
pending) is recorded but not mailed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from facturier.accounts.emails import mail_user
from facturier.accounts.models import NotificationFrequency, User
from facturier.audit.models import AuditEntry
from facturier.invoices.enums import InvoiceStatus
from facturier.invoices.models import Invoice
from facturier.invoices.selectors import NOT_YET_RECEIVED, VALIDATION_OUTCOMES, SupplierAction

from .audience import QUIET_SOURCES, STATUS_PREFIX, TRANSIENT
from .links import synthesis_url
from .models import Digest
from .selectors import StructureIds, notifiable_users, pending_actions, validation_deadline
from .services import status_label

logger = logging.getLogger(__name__)

LISTED = 20  # invoices listed per section; the count says how many there are
ACTIVITY_LISTED = 50
# A validator follows an invoice while it waits at its level and when it leaves it.
VALIDATION_CIRCUIT = frozenset({
    InvoiceStatus.A_VALIDER_1, InvoiceStatus.A_VALIDER_2, *VALIDATION_OUTCOMES[1], *VALIDATION_OUTCOMES[2],
})

SUBJECTS = {
    NotificationFrequency.DAILY: _("facturier : votre résumé quotidien"),
    NotificationFrequency.WEEKLY: _("facturier : votre résumé hebdomadaire"),
}
SECTION_LABELS: dict[str, Promise] = {
    "to_process": _("Factures reçues à traiter"),
    SupplierAction.RECYCLE: _("Factures émises à recycler"),
    SupplierAction.COMPLETE: _("Factures émises suspendues, à compléter"),
    SupplierAction.ACKNOWLEDGE: _("Rejets et suspensions à acquitter"),
    SupplierAction.RESUBMIT: _("Factures rejetées par un service de l'État, à soumettre à nouveau"),
    SupplierAction.CORRECT_VALIDATOR: _("Factures émises dont le valideur est à corriger"),
    "to_validate": _("Factures à valider"),
}


@dataclass(frozen=True)
class Period:
    key: str  # "D2025-03-04" or "W2025-10" (ISO week)
    frequency: str
    starts: dt.datetime  # when its digest becomes due
    length: dt.timedelta


def digest_period(*, frequency: str, at: dt.datetime) -> Period:
    """The day (or ISO week) containing ``at``, in the site's time zone."""
    local = timezone.localtime(at)
    if frequency == NotificationFrequency.DAILY:
        first_day, key, length = local.date(), f"D{local.date().isoformat()}", dt.timedelta(days=1)
    else:
        year, week, weekday = local.isocalendar()
        first_day, key = local.date() - dt.timedelta(days=weekday - 1), f"W{year}-{week:02d}"
        length = dt.timedelta(days=7)
    starts = timezone.make_aware(dt.datetime.combine(first_day, dt.time(settings.FACTURIER_DIGEST_HOUR)))
    return Period(key=key, frequency=frequency, starts=starts, length=length)


@dataclass(frozen=True)
class ActivityLine:
    at: dt.datetime
    number: str
    supplier: str
    recipient: str
    previous: Promise | str
    status: Promise | str
    comment: str


@dataclass(frozen=True)
class PendingLine:
    number: str
    supplier: str
    recipient: str
    status: Promise | str
    since: dt.datetime
    deadline: dt.datetime | None = None
    overdue: bool = False


@dataclass(frozen=True)
class PendingSection:
    key: str
    label: Promise
    count: int
    lines: list[PendingLine]
    link: str


@dataclass(frozen=True)
class DigestContent:
    since: dt.datetime
    until: dt.datetime
    changes: int
    activity: list[ActivityLine]
    sections: list[PendingSection]

    @property
    def pending(self) -> int:
        return sum(section.count for section in self.sections)

    @property
    def empty(self) -> bool:
        return not self.changes and not self.pending


def _concerns(data: dict[str, Any], ids: StructureIds) -> bool:
    """Whether a status change belongs in the digest of a user following ``ids``: every change of
    an issued invoice, a received invoice's once it reached the recipient, a validator's during
    its validation circuit (draft moves and the transient routing status are left out)."""
    source, to = data.get("from"), data.get("to")
    if source in QUIET_SOURCES or to in TRANSIENT:
        return False
    return (
        data.get("supplier") in ids.issued
        or (data.get("recipient") in ids.received and to not in NOT_YET_RECEIVED)
        or (data.get("validator") in ids.to_validate and to in VALIDATION_CIRCUIT)
    )


def _activity(ids: StructureIds, since: dt.datetime, until: dt.datetime) -> tuple[int, list[ActivityLine]]:
    wanted = Q()
    for key, structure_ids in (("supplier", ids.issued), ("recipient", ids.received),
                               ("validator", ids.to_validate)):
        if structure_ids:
            wanted |= Q(**{f"data__{key}__in": sorted(structure_ids)})
    if not wanted:
        return 0, []
    entries = AuditEntry.objects.filter(
        wanted, action__startswith=STATUS_PREFIX + ".", timestamp__gt=since, timestamp__lte=until
    ).order_by("sequence").only("timestamp", "object_id", "data")
    kept = [entry for entry in entries.iterator() if _concerns(entry.data, ids)]
    listed = kept[:ACTIVITY_LISTED]
    invoices = Invoice.objects.in_bulk([int(e.object_id) for e in listed if e.object_id.isdigit()])
    lines = []
    for entry in listed:
        invoice = invoices.get(int(entry.object_id)) if entry.object_id.isdigit() else None
        if invoice is None:
            continue
        lines.append(ActivityLine(
            at=entry.timestamp, number=invoice.number, supplier=invoice.supplier_name,
            recipient=invoice.recipient_name, previous=status_label(entry.data.get("from")),
            status=status_label(entry.data.get("to")), comment=str(entry.data.get("comment") or ""),
        ))
    return len(kept), lines


def _sections(user: User, now: dt.datetime) -> list[PendingSection]:
    sections = []
    for pending in pending_actions(user=user, now=now, listed=LISTED):
        lines = []
        for invoice in pending.invoices:
            deadline = validation_deadline(invoice) if pending.key == "to_validate" else None
            lines.append(PendingLine(
                number=invoice.number, supplier=invoice.supplier_name, recipient=invoice.recipient_name,
                status=status_label(invoice.status), since=invoice.status_changed_at, deadline=deadline,
                overdue=deadline is not None and deadline <= now,
            ))
        sections.append(PendingSection(
            key=pending.key, label=SECTION_LABELS[pending.key], count=pending.count, lines=lines,
            link=synthesis_url(pending.space),
        ))
    return sections


def digest_build(*, user: User, since: dt.datetime, until: dt.datetime) -> DigestContent:
    """What ``user``'s digest says for the period ``(since, until]``."""
    ids = StructureIds.of(user)
    changes, activity = _activity(ids, since, until)
    return DigestContent(since=since, until=until, changes=changes, activity=activity,
                         sections=_sections(user, until))


def digest_send(*, user: User, now: dt.datetime | None = None) -> Digest | None:
    """``user``'s digest for the current period, if it is due and was not sent yet (else None).

    It covers the changes since the previous digest (at most two periods back, so a user who
    turns notifications back on is not sent months of history)."""
    now = now or timezone.now()
    period = digest_period(frequency=user.notification_frequency, at=now)
    if now < period.starts or Digest.objects.filter(user=user, period=period.key).exists():
        return None
    last = Digest.objects.filter(user=user).order_by("-until").first()
    since = now - period.length
    if last is not None:
        since = max(last.until, now - 2 * period.length)
    content = digest_build(user=user, since=since, until=now)
    try:
        with transaction.atomic():
            digest = Digest.objects.create(
                user=user, period=period.key, frequency=period.frequency, since=since, until=now,
                changes=content.changes, pending=content.pending, mailed=not content.empty,
                email=user.notification_email if not content.empty else "",
            )
            if not content.empty:
                daily = period.frequency == NotificationFrequency.DAILY
                mail_user(user=user, subject=SUBJECTS[NotificationFrequency(period.frequency)],
                          template="notifications/digest.txt", context={"digest": content, "daily": daily})
    except IntegrityError:  # another run sent it meanwhile
        return None
    return digest


def digests_send(*, now: dt.datetime | None = None) -> int:
    """Every due digest (the hourly job); returns how many were mailed."""
    now = now or timezone.now()
    mailed = 0
    for user in list(notifiable_users().order_by("pk")):
        try:
            digest = digest_send(user=user, now=now)
        except Exception:  # one user's failure (a mail server refusing a mail) must not stop the others
            logger.exception("digest of user %s failed", user.pk)
            continue
        mailed += bool(digest and digest.mailed)
    return mailed
