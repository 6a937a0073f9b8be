"""``facturier edi-server``: the EDI SFTP server (facturier.edi.sftp), optionally with the inbox poller.

``make run`` starts it next to the web server (``FACTURIER_EDI=0`` disables that); the embedded
scheduler then polls the inboxes, so it runs without ``--watch`` there.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from facturier.core.jobs import warm_up_if_tasks_in_process
from facturier.edi.sftp import serve


class Command(BaseCommand):
    help = "Serve EDI partners over SFTP (chrooted inbox/outbox/rejects) and, with --watch, poll the inboxes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.FACTURIER_EDI_HOST)
        parser.add_argument("--port", type=int, default=settings.FACTURIER_EDI_PORT)
        parser.add_argument("--watch", action="store_true", help="also poll the partners' inbox directories")
        parser.add_argument("--poll-interval", type=float, default=30.0, help="seconds between polls (--watch)")
        parser.add_argument("-l", "--loglevel", default=None, help="default: the LOGGING setting")

    def handle(self, *args: Any, host: str, port: int, watch: bool, poll_interval: float, **options: Any) -> None:
        if options["loglevel"]:
            logging.getLogger("facturier").setLevel(options["loglevel"].upper())

        def ready(bound: int) -> None:
            self.stdout.write(f"facturier EDI SFTP server on sftp://{host}:{bound}/ (root {settings.FACTURIER_EDI_ROOT})")
            self.stdout.flush()

        warm_up_if_tasks_in_process()  # without a broker, uploaded flows are processed in this process
        asyncio.run(serve(host=host, port=port, watch=watch, poll_interval=poll_interval, on_ready=ready))
