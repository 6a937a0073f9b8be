"""``facturier worker``: a Celery worker for the configured broker (``celery -A config worker``)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def _default_concurrency() -> int:
    # Tasks here are short and database-bound; a few processes are enough for one machine.
    return int(os.environ.get("FACTURIER_WORKER_CONCURRENCY") or min(4, os.cpu_count() or 1))


class Command(BaseCommand):
    help = "Run a Celery worker for CELERY_BROKER_URL (tasks run in-process when no broker is set)."
    requires_system_checks: list[str] = []  # the worker runs Django's checks itself at start

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-c",
            "--concurrency",
            type=int,
            default=_default_concurrency(),
            help="worker processes (default: FACTURIER_WORKER_CONCURRENCY or min(4, CPUs))",
        )
        parser.add_argument("-Q", "--queues", default="", help="comma-separated queues (default: celery)")
        parser.add_argument("-P", "--pool", default="prefork", help="prefork, solo or threads")
        parser.add_argument("-n", "--hostname", default="", help="node name, e.g. facturier1@%%h")
        parser.add_argument("-l", "--loglevel", default="INFO")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.CELERY_BROKER_URL:
            raise CommandError(
                "no broker configured: set CELERY_BROKER_URL (for example redis://127.0.0.1:6379/0) "
                "to use a worker. Without a broker, tasks run in-process after commit "
                "and no worker is needed."
            )
        from config.celery import app

        argv = [
            "worker",
            f"--loglevel={options['loglevel']}",
            f"--concurrency={options['concurrency']}",
            f"--pool={options['pool']}",
            # fair: a long task does not hold back tasks prefetched behind it (acks late and a
            # prefetch multiplier of 1 are set in settings).
            "-Ofair",
            # One machine or a few: skip the start-up handshake and chatter between workers.
            "--without-mingle",
            "--without-gossip",
        ]
        if options["queues"]:
            argv.append(f"--queues={options['queues']}")
        if options["hostname"]:
            argv.append(f"--hostname={options['hostname']}")
        app.worker_main(argv)
