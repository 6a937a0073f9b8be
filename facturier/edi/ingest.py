"""A complete file from a partner becomes a flow, or a clear rejection; and the inbox poller.

Every file goes the same way, whichever channel brought it (SFTP upload closed, SFTP rename to a
final name, or a file found complete in the watched inbox):

1. **claim**: an atomic rename from the inbox (or the SFTP upload spool) into
   ``_work/<CODE>/<id>/<relative name>``. Two takers (the SFTP server and the poller, or two
   pollers) cannot both win a rename, so a file never becomes two flows;
2. **receive**: ``flow_receive`` with the syntax the file declares (layout.declared_syntax), which
   numbers, stores and queues the flow; a refused file (no or unknown syntax, empty, too large,
   bad name) is recorded as an ``EdiRejection`` with a report in ``rejects/``;
3. **archive**: the claimed file moves to ``_archive/<CODE>/YYYY/MM/DD/``, outside the chroot.

A process killed between 1 and 3 leaves the file in ``_work``; the next poll puts it back in the
inbox, unless a flow with the same content was already recorded (then it is archived). No file is
lost, and none is recorded twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import stat
import time
import uuid
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from facturier.audit.services import audit_log
from facturier.core.errors import DomainError
from facturier.flows.models import Flow, FlowSyntax
from facturier.flows.services import flow_receive

from .layout import (
    MARKER_SUFFIXES,
    archive_dir,
    declared_syntax,
    ensure_partner_dirs,
    is_partial,
    partner_root,
    work_dir,
    write_atomic,
)
from .models import EdiPartner, EdiRejection

logger = logging.getLogger(__name__)

# A claim older than this is taken as abandoned by a dead process (see the module docstring).
STALE_CLAIM_SECONDS = 600


def _now_stamp() -> str:
    return timezone.localtime().strftime("%Y%m%dT%H%M%S")


def _archive(partner: EdiPartner, claimed: Path, name: str) -> None:
    day = timezone.localtime()
    target = archive_dir(partner.code) / f"{day:%Y/%m/%d}" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(claimed, target)
    except FileNotFoundError:  # a recovery archived it first
        return
    _prune(claimed.parent, work_dir(partner.code))


def _prune(directory: Path, stop: Path) -> None:
    """Remove the empty directories left by a claim, up to ``stop``."""
    while directory != stop and stop in directory.parents:
        try:
            directory.rmdir()
        except OSError:
            return
        directory = directory.parent


def claim(*, partner: EdiPartner, path: Path, relname: str) -> Path | None:
    """Take ``path`` for ingestion by an atomic rename; None when another taker was first."""
    target = work_dir(partner.code) / uuid.uuid4().hex / PurePosixPath(relname)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(path, target)
    except FileNotFoundError:
        _prune(target.parent, work_dir(partner.code))
        return None
    return target


def edi_ingest(*, partner: EdiPartner, path: Path, relname: str, channel: str) -> Flow | EdiRejection | None:
    """Claim ``path`` (named ``relname`` relative to the inbox) and turn it into a flow, or a
    rejection. None when the file was taken by someone else."""
    claimed = claim(partner=partner, path=path, relname=relname)
    if claimed is None:
        return None
    return ingest_claimed(partner=partner, claimed=claimed, relname=relname, channel=channel)


def ingest_claimed(*, partner: EdiPartner, claimed: Path, relname: str, channel: str) -> Flow | EdiRejection:
    name = PurePosixPath(relname).name
    user = partner.technical_account.user
    try:
        syntax = declared_syntax(relname)
        with open(claimed, "rb") as handle:
            flow = flow_receive(
                actor=user,
                file_name=name,
                syntax=syntax,
                channel=channel,
                fileobj=handle,
                supplier=partner.technical_account.structure,
            )
    except DomainError as error:
        rejection = _reject(partner=partner, relname=relname, channel=channel, error=error,
                            size=claimed.stat().st_size)
        _archive(partner, claimed, f"REJET-{_now_stamp()}-{rejection.pk}-{name}")
        return rejection
    logger.info("EDI %s: %s became flow %s", partner.code, relname, flow.number)
    _archive(partner, claimed, f"{flow.number}-{name}")
    return flow


def _messages(error: DomainError) -> dict[str, str]:
    out = {}
    for lang in ("fr", "en"):
        with translation.override(lang):
            out[lang] = str(error)
    return out


def _reject(*, partner: EdiPartner, relname: str, channel: str, error: DomainError, size: int) -> EdiRejection:
    """Record a refused file and write its report into ``rejects/``."""
    user = partner.technical_account.user
    with transaction.atomic():
        rejection = EdiRejection.objects.create(
            partner=partner,
            issuer_identifier=partner.technical_account.structure.identifier,
            channel=channel,
            file_name=relname[:255],
            size=size,
            code=error.code,
            message=_messages(error),
        )
        audit_log(
            actor=user,
            action="edi.file.rejected",
            obj=rejection,
            data={"partner": partner.code, "file": relname, "code": error.code, "channel": channel},
        )
    report = {
        "fichier": relname,
        "canal": channel,
        "dateDepot": rejection.rejected_at.isoformat(),
        "etat": "REJETE",
        "code": rejection.code,
        "message": rejection.message,
        "syntaxesAcceptees": list(FlowSyntax.values),
    }
    name = PurePosixPath(relname).name
    write_atomic(
        partner_root(partner.code) / "rejects" / f"{_now_stamp()}-{name}.rejet.json",
        json.dumps(report, ensure_ascii=False, indent=2).encode(),
    )
    from .outbox import edi_rejects_rebuild

    edi_rejects_rebuild(partner=partner, day=timezone.localdate(rejection.rejected_at))
    logger.info("EDI %s: %s refused (%s)", partner.code, relname, error.code)
    return rejection


# --- the watched inbox ----------------------------------------------------------------------------


def _regular(path: Path) -> os.stat_result | None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None  # never a symlink, a fifo or a device


def ready_files(inbox: Path, *, now: float, min_age: float) -> list[tuple[Path, str, Path | None]]:
    """Complete files in ``inbox`` and its first-level sub-directories: (path, relative name,
    marker). Hidden and temporary names are skipped; a file is complete when a ``.done``/``.ok``
    marker sits next to it, or when it has not changed for ``min_age`` seconds."""
    found: list[tuple[Path, str, Path | None]] = []
    candidates: list[tuple[Path, str]] = []
    for entry in sorted(os.scandir(inbox), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            for sub in sorted(os.scandir(entry.path), key=lambda e: e.name):
                candidates.append((Path(sub.path), f"{entry.name}/{sub.name}"))
        else:
            candidates.append((Path(entry.path), entry.name))
    for path, relname in candidates:
        if is_partial(path.name):
            continue
        st = _regular(path)
        if st is None:
            continue
        marker = next(
            (m for m in (path.with_name(path.name + s) for s in MARKER_SUFFIXES) if m.exists()), None
        )
        if marker is not None or now - st.st_mtime >= min_age:
            found.append((path, relname, marker))
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def recover_claims(*, partner: EdiPartner, now: float | None = None) -> int:
    """Files left in ``_work`` by a dead process: archived when their flow exists, else put back
    into the inbox to be taken again."""
    now = time.time() if now is None else now
    root = work_dir(partner.code)
    recovered = 0
    for claim_dir in list(root.iterdir()) if root.exists() else []:
        if not claim_dir.is_dir() or claim_dir.name == "uploads":
            continue
        claimed_at = claim_dir.stat().st_mtime
        if now - claimed_at < STALE_CLAIM_SECONDS:
            continue
        for path in [p for p in claim_dir.rglob("*") if p.is_file()]:
            relname = path.relative_to(claim_dir).as_posix()
            flow = Flow.objects.filter(
                depositor=partner.technical_account.user, sha256=_sha256(path), file_name=path.name,
                received_at__gte=dt.datetime.fromtimestamp(claimed_at - 60, tz=dt.timezone.utc),
            ).first()
            if flow is not None:
                _archive(partner, path, f"{flow.number}-{path.name}")
            else:
                target = partner_root(partner.code) / "inbox" / relname
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
            recovered += 1
        shutil.rmtree(claim_dir, ignore_errors=True)
    return recovered


def edi_poll_inbox(*, now: float | None = None, min_age: float | None = None) -> list[str]:
    """Ingest the complete files of every active partner's inbox. Returns the flow numbers and
    the names of the refused files. Harmless to run twice, or next to the SFTP server."""
    now = time.time() if now is None else now
    min_age = settings.FACTURIER_EDI_MIN_AGE_SECONDS if min_age is None else min_age
    done: list[str] = []
    partners = EdiPartner.objects.filter(active=True, technical_account__user__is_active=True).select_related(
        "technical_account__user", "technical_account__structure"
    )
    for partner in partners:
        ensure_partner_dirs(partner.code)
        recover_claims(partner=partner, now=now)
        for path, relname, marker in ready_files(partner_root(partner.code) / "inbox", now=now, min_age=min_age):
            result = edi_ingest(partner=partner, path=path, relname=relname, channel="INBOX")
            if marker is not None:
                marker.unlink(missing_ok=True)
            if isinstance(result, Flow):
                done.append(result.number)
            elif isinstance(result, EdiRejection):
                done.append(result.file_name)
    return done


def spool_upload(*, code: str) -> tuple[Path, IO[bytes]]:
    """A new file outside the chroot for an SFTP upload in progress (partner ``code``)."""
    directory = work_dir(code) / "uploads"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / uuid.uuid4().hex
    return path, open(path, "xb", buffering=0)  # noqa: SIM115 - closed by the SFTP server
