"""Serve the portal and the API with gunicorn (a production-grade WSGI server), and run the
single-machine background work next to it: the embedded periodic scheduler (tasks themselves run
in-process after commit when no broker is configured)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, object]):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from config.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve facturier with gunicorn on HOST:PORT and run the embedded scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("FACTURIER_WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("FACTURIER_WEB_THREADS", "4")))
        parser.add_argument(
            "--no-scheduler", action="store_true", help="do not start the embedded periodic scheduler"
        )

    def handle(self, *args, host: str, port: int, workers: int, threads: int, no_scheduler: bool, **options):
        scheduler = None
        if not no_scheduler and not settings.CELERY_BROKER_URL:
            # With a broker, `facturier scheduler` (celery beat) and `facturier worker` run apart.
            scheduler = subprocess.Popen([sys.executable, "-m", "facturier.cli", "scheduler", "--embedded"])
        self.stdout.write(f"facturier serving on http://{host}:{port}/ (Ctrl-C to stop)")
        try:
            _Gunicorn(
                {
                    "bind": f"{host}:{port}",
                    "workers": workers,
                    "threads": threads,
                    "worker_class": "gthread",
                    "timeout": 120,
                    "graceful_timeout": 20,
                    "accesslog": "-",
                    "errorlog": "-",
                    "proc_name": "facturier",
                }
            ).run()
        finally:
            if scheduler is not None and scheduler.poll() is None:
                scheduler.send_signal(signal.SIGTERM)
                try:
                    scheduler.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    scheduler.kill()
