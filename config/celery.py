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


@signals.beat_init.connect
def _install_beat_schedule(sender: Any = None, **kwargs: Any) -> None:
    # Also covers `celery -A config beat`: beat_init fires after Django is set up and before
    # the scheduler reads the schedule.
    from facturier.core.jobs import beat_schedule

    app.conf.beat_schedule = beat_schedule()
