"""Fixtures of the EDI tests: the demo world (Au Diapason is partner DIA001), a private EDI root per
test, and the SFTP server on a free localhost port, in a thread with its own event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from facturier.core.demo import load_demo
from facturier.edi.models import EdiPartner
from facturier.edi.sftp import EdiService, start_server


@pytest.fixture(autouse=True)
def edi_root(settings, tmp_path: Path) -> Path:
    settings.FACTURIER_EDI_ROOT = tmp_path / "edi"
    settings.FACTURIER_EDI_HOST_KEY = tmp_path / "edi_host_key"
    return settings.FACTURIER_EDI_ROOT


@pytest.fixture
def partner(db: None) -> EdiPartner:
    load_demo()
    return EdiPartner.objects.select_related("technical_account__user", "technical_account__structure").get(
        code="DIA001"
    )


class RunningServer:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.service: EdiService | None = None
        self.port = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="edi-sftp-test", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.service = EdiService(workers=1)
        self.acceptor = self.loop.run_until_complete(
            start_server(host="127.0.0.1", port=0, service=self.service)
        )
        self.port = self.acceptor.get_port()
        self._ready.set()
        self.loop.run_forever()

    def start(self) -> RunningServer:
        self._thread.start()
        assert self._ready.wait(10), "the SFTP server did not start"
        return self

    def drain(self) -> None:
        """Wait for the ingestions queued so far (uploads closed, renames)."""
        assert self.service is not None
        asyncio.run_coroutine_threadsafe(self.service.drain(), self.loop).result(60)

    def stop(self) -> None:
        async def close() -> None:
            self.acceptor.close()
            await self.acceptor.wait_closed()
            assert self.service is not None
            await self.service.drain()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        assert self.service is not None
        self.service.shutdown()
        self.loop.close()


@pytest.fixture
def sftp_server(partner: EdiPartner) -> Iterator[RunningServer]:
    server = RunningServer().start()
    try:
        yield server
    finally:
        server.stop()
