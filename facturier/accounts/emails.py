"""E-mails to a user: written in the user's language, sent to their contact address, after commit.

Sending after commit means a rolled-back decision never mails anyone.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise

from .models import User


def mail_user(
    *,
    user: User,
    subject: Promise | str,
    template: str,
    context: dict[str, Any],
    subject_params: dict[str, Any] | None = None,
) -> None:
    """Queue an e-mail to ``user`` (contact address) rendered in the user's language."""
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        text_subject = str(subject) % subject_params if subject_params else str(subject)
        text_subject = " ".join(text_subject.split())
        body = render_to_string(template, {**context, "user": user})
    recipient = user.notification_email

    def _send() -> None:
        send_mail(text_subject, body, None, [recipient])

    transaction.on_commit(_send)
