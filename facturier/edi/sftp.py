"""The EDI SFTP server (asyncssh), run by ``facturier edi-server``.

- **Authentication**: the login is the technical account's; the password is its password (unexpired),
  or the client proves one of its active SSH keys (``EdiKey``). Only an active ``EdiPartner`` logs in.
- **Chroot**: each session sees only its partner's directory (``<CODE>/``: ``inbox/``, ``outbox/``,
  ``rejects/``); ``..`` and absolute paths resolve inside it, links cannot be created.
- **Rights**: write, rename, mkdir only inside ``inbox/`` (and one level of sub-directory, named after
  a ``syntaxeFlux``); read and delete in ``outbox/`` and ``rejects/``.
- **Uploads**: a file uploaded under a final name is written outside the chroot while it is being
  transferred, and becomes a flow when the client closes it. A file uploaded under a temporary name
  (``*.part``, ``*.filepart``, dotfile) stays in the inbox and becomes a flow when renamed to its
  final name. Ingestion runs on worker threads (facturier.edi.ingest), never in the event loop.

Only SFTP v3 is offered (every client speaks it); no shell, exec, SCP or port forwarding.
"""

from __future__ import annotations

import asyncio
import logging
import os
import posixpath
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import IO, Any, TypeVar

import asyncssh
from asyncssh.sftp import FXF_APPEND, FXF_CREAT, FXF_READ, FXF_TRUNC, FXF_WRITE
from django.conf import settings
from django.db import close_old_connections, connections
from django.utils.translation import gettext as _

from .ingest import claim, edi_ingest, edi_poll_inbox, ingest_claimed, spool_upload
from .layout import is_partial, partner_root
from .models import EdiPartner
from .partners import edi_check_key, edi_check_password

logger = logging.getLogger(__name__)

T = TypeVar("T")
READ_AREAS = frozenset({"inbox", "outbox", "rejects"})


def load_host_key(path: Path | None = None) -> asyncssh.SSHKey:
    """The server's host key: generated once (ed25519, mode 0600), then reused, so partners can pin it."""
    path = Path(path or settings.FACTURIER_EDI_HOST_KEY)
    if path.exists():
        return asyncssh.read_private_key(str(path))
    key = asyncssh.generate_private_key("ssh-ed25519", comment="facturier-edi")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.export_private_key("openssh"))
    os.replace(tmp, path)
    logger.info("EDI: new SFTP host key %s written to %s", key.get_fingerprint("sha256"), path)
    return key


def _with_db(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """Run ORM code on a worker thread, then close the thread's connections: pool threads outlive
    no request cycle that would close them, and an open PostgreSQL session per idle thread would
    pin the database (uploads are rare enough that reconnecting costs nothing that matters)."""
    close_old_connections()
    try:
        return fn(**kwargs)
    finally:
        connections.close_all()


def _load_partner(partner_id: int) -> EdiPartner:
    return EdiPartner.objects.select_related("technical_account__user", "technical_account__structure").get(
        pk=partner_id
    )


def _ingest_upload(*, partner_id: int, spooled: Path, relname: str) -> None:
    partner = _load_partner(partner_id)
    # The spooled upload is outside the chroot and known only to this session: it is claimed as is.
    claimed = claim(partner=partner, path=spooled, relname=relname)
    if claimed is not None:
        ingest_claimed(partner=partner, claimed=claimed, relname=relname, channel="SFTP")


def _ingest_renamed(*, partner_id: int, path: Path, relname: str) -> None:
    edi_ingest(partner=_load_partner(partner_id), path=path, relname=relname, channel="SFTP")


class EdiService:
    """What the sessions of one server share: the worker threads and the ingestions in flight."""

    def __init__(self, *, workers: int | None = None) -> None:
        self.ingest_pool = ThreadPoolExecutor(
            max_workers=workers or settings.FACTURIER_EDI_WORKERS, thread_name_prefix="edi-ingest"
        )
        self.auth_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="edi-auth")
        self.pending: set[asyncio.Future[Any]] = set()

    async def db(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.auth_pool, lambda: _with_db(fn, **kwargs))

    def ingest(self, fn: Callable[..., None], /, **kwargs: Any) -> None:
        """Queue an ingestion without making the client wait for it."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.ingest_pool, lambda: self._run(fn, kwargs))
        self.pending.add(future)
        future.add_done_callback(self.pending.discard)

    @staticmethod
    def _run(fn: Callable[..., None], kwargs: dict[str, Any]) -> None:
        try:
            _with_db(fn, **kwargs)
        except Exception:  # the file stays claimed in _work; the poller recovers it
            logger.exception("EDI ingestion of %s failed", kwargs.get("relname"))

    async def drain(self) -> None:
        if self.pending:
            await asyncio.gather(*list(self.pending), return_exceptions=True)

    def shutdown(self) -> None:
        self.ingest_pool.shutdown(wait=True)
        self.auth_pool.shutdown(wait=True)


class EdiSSHServer(asyncssh.SSHServer):
    def __init__(self, service: EdiService) -> None:
        self.service = service
        self.conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn

    def begin_auth(self, username: str) -> bool:
        return True  # always authenticate

    def password_auth_supported(self) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_password(self, username: str, password: str) -> bool:
        partner = await self.service.db(edi_check_password, login=username, password=password)
        return self._accept(username, partner, "password")

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        partner = await self.service.db(edi_check_key, login=username, key=key)
        return self._accept(username, partner, "publickey")

    def _accept(self, username: str, partner: EdiPartner | None, method: str) -> bool:
        peer = self.conn.get_extra_info("peername") if self.conn else None
        if partner is None:
            logger.warning("EDI: %s login refused for %r from %s", method, username, peer)
            return False
        assert self.conn is not None
        self.conn.set_extra_info(edi_partner_id=partner.pk, edi_partner_code=partner.code)
        logger.info("EDI: %s logged in as partner %s (%s) from %s", username, partner.code, method, peer)
        return True


def _denied(message: str) -> asyncssh.SFTPPermissionDenied:
    return asyncssh.SFTPPermissionDenied(message)


class EdiSFTPServer(asyncssh.SFTPServer):
    """One SFTP session, chrooted to its partner's directory."""

    def __init__(self, chan: asyncssh.SSHServerChannel, service: EdiService) -> None:
        self.service = service
        self.partner_id: int = chan.get_extra_info("edi_partner_id")
        self.partner_code: str = chan.get_extra_info("edi_partner_code")
        super().__init__(chan, chroot=os.fsencode(partner_root(self.partner_code)))
        self.uploads: dict[IO[bytes], tuple[Path, str]] = {}

    # -- paths and rights --

    @staticmethod
    def _virtual(path: bytes) -> PurePosixPath:
        return PurePosixPath(os.fsdecode(posixpath.normpath(posixpath.join(b"/", path))))

    def _require_write(self, v: PurePosixPath, *, directory: bool = False) -> str:
        """The path relative to inbox/ when the session may write there."""
        parts = v.parts[1:]
        depth_ok = len(parts) == 2 if directory else 2 <= len(parts) <= 3
        if not parts or parts[0] != "inbox" or not depth_ok:
            raise _denied(_("Écriture autorisée seulement dans inbox/ (et un sous-répertoire <syntaxeFlux>/)."))
        return "/".join(parts[1:])

    def _require_read(self, v: PurePosixPath) -> None:
        parts = v.parts[1:]
        if parts and parts[0] not in READ_AREAS:
            raise _denied(_("Accès autorisé seulement à inbox/, outbox/ et rejects/."))

    def _require_delete(self, v: PurePosixPath) -> None:
        parts = v.parts[1:]
        if len(parts) < 2 or parts[0] not in READ_AREAS:
            raise _denied(_("Suppression autorisée seulement dans inbox/, outbox/ et rejects/."))

    # -- files --

    def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        v = self._virtual(path)
        if not pflags & (FXF_WRITE | FXF_APPEND | FXF_CREAT | FXF_TRUNC):
            self._require_read(v)
            return super().open(path, pflags, attrs)
        relname = self._require_write(v)
        if is_partial(v.name):
            return super().open(path, pflags, attrs)
        if pflags & (FXF_READ | FXF_APPEND):
            raise asyncssh.SFTPOpUnsupported(
                _("Pour reprendre un envoi, déposez le fichier sous un nom en .part puis renommez-le.")
            )
        spooled, handle = spool_upload(code=self.partner_code)
        self.uploads[handle] = (spooled, relname)
        return handle

    def close(self, file_obj: object) -> None:
        upload = self.uploads.pop(file_obj, None)  # type: ignore[call-overload]
        super().close(file_obj)
        if upload is not None:
            spooled, relname = upload
            self.service.ingest(_ingest_upload, partner_id=self.partner_id, spooled=spooled, relname=relname)

    def exit(self) -> None:
        # A session that ends with uploads still open (a dropped connection): they are incomplete.
        for handle, (spooled, _relname) in list(self.uploads.items()):
            handle.close()
            spooled.unlink(missing_ok=True)
        self.uploads.clear()

    def _after_rename(self, newpath: bytes) -> None:
        v = self._virtual(newpath)
        if not is_partial(v.name):
            relname = self._require_write(v)
            self.service.ingest(
                _ingest_renamed, partner_id=self.partner_id, path=Path(os.fsdecode(self.map_path(newpath))),
                relname=relname,
            )

    def rename(self, oldpath: bytes, newpath: bytes) -> None:
        self._require_write(self._virtual(oldpath))
        self._require_write(self._virtual(newpath))
        super().rename(oldpath, newpath)
        self._after_rename(newpath)

    def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
        self._require_write(self._virtual(oldpath))
        self._require_write(self._virtual(newpath))
        super().posix_rename(oldpath, newpath)
        self._after_rename(newpath)

    def remove(self, path: bytes) -> None:
        self._require_delete(self._virtual(path))
        super().remove(path)

    def mkdir(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        self._require_write(self._virtual(path), directory=True)
        super().mkdir(path, attrs)

    def rmdir(self, path: bytes) -> None:
        self._require_write(self._virtual(path), directory=True)
        super().rmdir(path)

    def setstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        self._require_write(self._virtual(path))
        super().setstat(path, attrs)

    def lsetstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        self._require_write(self._virtual(path))
        super().lsetstat(path, attrs)

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise _denied(_("Les liens ne sont pas autorisés."))

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        raise _denied(_("Les liens ne sont pas autorisés."))

    def lstat(self, path: bytes) -> Any:
        self._require_read(self._virtual(path))
        return super().lstat(path)

    def stat(self, path: bytes) -> Any:
        self._require_read(self._virtual(path))
        return super().stat(path)

    def scandir(self, path: bytes) -> Any:
        self._require_read(self._virtual(path))
        return super().scandir(path)


async def start_server(*, host: str, port: int, service: EdiService) -> asyncssh.SSHAcceptor:
    return await asyncssh.listen(
        host,
        port,
        server_host_keys=[load_host_key()],
        server_factory=lambda: EdiSSHServer(service),
        sftp_factory=lambda chan: EdiSFTPServer(chan, service),
        sftp_version=3,
        allow_scp=False,
        agent_forwarding=False,
        x11_forwarding=False,
        login_timeout=60,
    )


async def serve(*, host: str, port: int, watch: bool = False, poll_interval: float = 30.0,
                on_ready: Callable[[int], None] | None = None) -> None:
    """Serve until SIGTERM or SIGINT; with ``watch``, also poll the inboxes every ``poll_interval``."""
    service = EdiService()
    server = await start_server(host=host, port=port, service=service)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if on_ready is not None:
        on_ready(server.get_port())
    poller = asyncio.create_task(_watch(service, poll_interval, stop)) if watch else None
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
        if poller is not None:
            poller.cancel()
        await service.drain()
        service.shutdown()


async def _watch(service: EdiService, interval: float, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        try:
            await loop.run_in_executor(service.ingest_pool, lambda: _with_db(edi_poll_inbox))
        except Exception:
            logger.exception("EDI: inbox poll failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            pass
