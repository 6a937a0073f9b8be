"""Audit journal jobs. Thin: each calls one service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import shared_task
from django.db import OperationalError

from facturier.core.jobs import periodic

from .services import audit_chain_check


@periodic(every=timedelta(days=1))
@shared_task(
    name="audit.verify_chain",
    # Only a transient database error (connection lost, locked) is worth retrying.
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    max_retries=3,
)
def verify_chain() -> dict[str, Any]:
    """Daily: verify the chain; a broken one is logged and recorded as ``audit.chain.broken``."""
    return audit_chain_check().as_dict()
