"""A real SFTP client (asyncssh) for the tests, run synchronously."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncssh
import pytest

from facturier.core.demo import DEMO_TECH_PASSWORD, TECH_LOGIN

T = TypeVar("T")


def with_sftp(
    port: int,
    action: Callable[[asyncssh.SFTPClient], Awaitable[T]],
    *,
    username: str = TECH_LOGIN,
    password: str | None = DEMO_TECH_PASSWORD,
    client_key: asyncssh.SSHKey | None = None,
) -> T:
    async def run() -> T:
        options: dict[str, Any] = {
            "username": username,
            "known_hosts": None,
            "agent_path": None,
            "client_keys": [client_key] if client_key is not None else [],
            "password": password,
            "preferred_auth": "publickey" if client_key is not None else "password",
        }
        async with asyncssh.connect("127.0.0.1", port, **options) as conn:
            async with conn.start_sftp_client() as sftp:
                return await action(sftp)

    return asyncio.run(run())


def can_login(port: int, **auth: Any) -> bool:
    async def ls(sftp: asyncssh.SFTPClient) -> list[str]:
        return sorted(await sftp.listdir("/"))

    try:
        return with_sftp(port, ls, **auth) == [".", "..", "inbox", "outbox", "rejects"]
    except asyncssh.PermissionDenied:
        return False

