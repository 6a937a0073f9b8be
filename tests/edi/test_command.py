"""``facturier edi-server`` as a process: it listens, keeps its host key, and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import asyncssh

from tests.conftest import REPO


def _start(data_dir: Path) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "FACTURIER_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "facturier.cli", "edi-server", "--port", "0"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"sftp://127\.0\.0\.1:(\d+)/", line)
    assert match, line
    return proc, int(match.group(1))


def _host_key_fingerprint(port: int) -> str:
    async def probe() -> str:
        key = await asyncssh.get_server_host_key("127.0.0.1", port)
        assert key is not None
        return key.get_fingerprint("sha256")

    return asyncio.run(probe())


def test_edi_server_listens_and_reuses_its_host_key(tmp_path: Path) -> None:
    fingerprints = []
    for _run in range(2):
        proc, port = _start(tmp_path)
        try:
            fingerprints.append(_host_key_fingerprint(port))
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0
            proc.stdout.close()  # type: ignore[union-attr]
    key_file = tmp_path / "edi_host_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[0] == asyncssh.read_private_key(str(key_file)).get_fingerprint("sha256")
