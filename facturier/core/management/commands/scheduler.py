"""``facturier scheduler``: run the periodic jobs declared with ``@periodic``.

With a broker it runs celery beat, which sends each job to the workers. With ``--embedded``, or
without a broker, it runs the jobs itself in this process (``make run`` starts it that way).
"""

from __future__ import annotations

import logging
import signal
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from facturier.core.jobs import EmbeddedScheduler, beat_schedule, periodic_jobs, warm_up_if_tasks_in_process

logger = logging.getLogger("facturier.core.jobs")


class Command(BaseCommand):
    help = "Run the periodic jobs: celery beat with a broker, in-process with --embedded or without one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--embedded", action="store_true", help="run the jobs in this process")
        parser.add_argument(
            "--once", action="store_true", help="embedded: run the jobs that are due, then exit"
        )
        parser.add_argument("-l", "--loglevel", default=None, help="default: the LOGGING setting")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["loglevel"]:
            logging.getLogger("facturier").setLevel(options["loglevel"].upper())
        embedded = options["embedded"] or options["once"]
        if not embedded and not settings.CELERY_BROKER_URL:
            self.stdout.write(
                "no broker configured (CELERY_BROKER_URL): running the periodic jobs in-process"
            )
            embedded = True
        if embedded:
            self.run_embedded(once=options["once"])
        else:
            self.run_beat(loglevel=options["loglevel"] or "INFO")

    def run_embedded(self, *, once: bool) -> None:
        scheduler = EmbeddedScheduler(periodic_jobs(), state_file=settings.DATA_DIR / "scheduler-state.json")
        if once:
            scheduler.run_pending()
            return

        def on_signal(signum: int, frame: FrameType | None) -> None:
            if scheduler.stopping:  # second signal: the running job is stuck, leave now
                raise SystemExit(128 + signum)
            logger.info("embedded scheduler: %s received, stopping", signal.Signals(signum).name)
            scheduler.stop()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        warm_up_if_tasks_in_process()  # the inbox poll processes flows here when there is no broker
        scheduler.run_forever()

    def run_beat(self, *, loglevel: str) -> None:
        from config.celery import app

        app.conf.beat_schedule = beat_schedule()
        app.start(
            ["beat", f"--loglevel={loglevel}", f"--schedule={settings.DATA_DIR / 'celerybeat-schedule'}"]
        )
