"""Serve the portal and the API with gunicorn (a production-grade WSGI server), and run the
single-machine background work next to it: the embedded periodic scheduler (tasks themselves run
in-process after commit when no broker is configured) and the EDI SFTP server (``FACTURIER_EDI=0``
disables it; address from ``FACTURIER_EDI_HOST``/``FACTURIER_EDI_PORT``, default 127.0.0.1:2222)."""

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


def _post_worker_init(worker: object) -> None:
    """Each gunicorn worker, once the application is loaded: without a broker the deposits are
    processed in this process (eager tasks), so it warms the validation up before taking requests."""
    from facturier.core.jobs import warm_up_if_tasks_in_process

    warm_up_if_tasks_in_process()


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
        edi = None
        if os.environ.get("FACTURIER_EDI", "1").strip().lower() not in {"0", "false", "no", "off"}:
            # The scheduler (embedded or celery beat) polls the inboxes: the server does not --watch.
            edi = subprocess.Popen([
                sys.executable, "-m", "facturier.cli", "edi-server",
                "--host", settings.FACTURIER_EDI_HOST, "--port", str(settings.FACTURIER_EDI_PORT),
            ])
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
                    "post_worker_init": _post_worker_init,
                }
            ).run()
        finally:
            for child in (scheduler, edi):
                if child is not None and child.poll() is None:
                    child.send_signal(signal.SIGTERM)
                    try:
                        child.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        child.kill()
