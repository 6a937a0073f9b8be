"""Portal forms for identity: login by e-mail, password reset and change, language choice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import user_set_password


class EmailAuthenticationForm(AuthenticationForm):
    """Login with the e-mail address. Technical (API/EDI) accounts cannot use the portal."""

    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Adresse e-mail ou mot de passe incorrect."),
        "inactive": _("Ce compte est désactivé."),
        "technical_account": _(
            "Ce compte technique sert aux échanges par API ou EDI ; "
            "il ne permet pas de se connecter au portail."
        ),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if getattr(user, "is_technical", False):
            raise ValidationError(self.error_messages["technical_account"], code="technical_account")


class _SavesThroughService:
    """Route password writes through ``user_set_password`` so the change is dated and audited."""

    user: User
    cleaned_data: dict[str, Any]
    reason: str

    def save(self, commit: bool = True) -> User:
        if not commit:
            self.user.set_password(self.cleaned_data["new_password1"])
            return self.user
        return user_set_password(
            user=self.user, actor=self.user, password=self.cleaned_data["new_password1"], reason=self.reason
        )


class PortalPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email: str) -> Iterator[User]:
        # Technical accounts' passwords are managed by their structure's managers, not by e-mail.
        return (user for user in super().get_users(email) if not user.is_technical)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # Write to the account holder in the language of their account, not the requester's.
        language = getattr(context.get("user"), "language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name=html_email_template_name,
            )


class PortalSetPasswordForm(_SavesThroughService, SetPasswordForm):
    reason = "reset"


class PortalPasswordChangeForm(_SavesThroughService, PasswordChangeForm):
    reason = "change"


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Langue"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
