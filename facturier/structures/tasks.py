"""Structures jobs. Thin: each calls one service."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError

from facturier.core.jobs import periodic

from .services import technical_passwords_warn_expiry


@periodic(every=timedelta(days=1))
@shared_task(
    name="structures.warn_technical_passwords",
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
)
def warn_technical_passwords() -> int:
    """Daily: e-mail principal managers 15 days before a technical password expires."""
    return technical_passwords_warn_expiry()
