"""The Celery application. Tasks are discovered in every facturier app's ``tasks`` module.

Without ``CELERY_BROKER_URL`` the settings make every task eager (in-process); queue tasks with
``facturier.core.jobs.enqueue`` so they run after commit. The beat schedule is not written here:
it is built from the ``@periodic`` registry (``facturier.core.jobs``) when beat starts.
"""

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("facturier")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Keep retrying a broker that is not up yet at start (and silence Celery 5's warning about it).
app.conf.broker_connection_retry_on_startup = True
app.autodiscover_tasks()


@signals.worker_init.connect
def _warm_up_validation(sender: Any = None, **kwargs: Any) -> None:
    # worker_init fires in the worker's main process before the pool starts: prefork children are
    # forked from a process that has already compiled the schemas and rule plans, so the first
    # invoice of each syntax in each child does not pay for it (0.1 to 0.5 s on 2 cores). A worker
    # whose validator refuses a valid invoice would reject every deposit: it does not start
    # (SystemExit passes through Celery's signal dispatch).
    from facturier.core.jobs import warm_up_validation

    warm_up_validation(refuse=True)


@signals.beat_init.connect
def _install_beat_schedule(sender: Any = None, **kwargs: Any) -> None:
    # Also covers `celery -A config beat`: beat_init fires after Django is set up and before
    # the scheduler reads the schedule.
    from facturier.core.jobs import beat_schedule

    app.conf.beat_schedule = beat_schedule()
