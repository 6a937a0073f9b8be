"""Login, logout, password reset by e-mail and password change: Django's views, our forms and templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from facturier.accounts.forms import (
    EmailAuthenticationForm,
    PortalPasswordChangeForm,
    PortalPasswordResetForm,
    PortalSetPasswordForm,
)
from facturier.accounts.services import user_record_login, user_record_logout
from facturier.accounts.views.login import begin_second_factor
from facturier.structures.spaces import Space


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "portal/auth/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if user.has_two_factor:
            # The session opens only after the second factor (facturier.accounts.views.login).
            return begin_second_factor(self.request, user, self.get_success_url())
        response = super().form_valid(form)
        user_record_login(user=user)
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses GET): a link cannot log anyone out."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            user_record_logout(user=request.user)
        response = super().post(request, *args, **kwargs)
        messages.info(request, gettext("Vous êtes déconnecté."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PortalPasswordResetForm
    template_name = "portal/auth/password_reset_form.html"
    email_template_name = "portal/auth/password_reset_email.txt"
    subject_template_name = "portal/auth/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = PortalSetPasswordForm
    template_name = "portal/auth/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/auth/password_reset_complete.html"


class PasswordChangeView(LoginRequiredMixin, auth_views.PasswordChangeView):
    form_class = PortalPasswordChangeForm
    template_name = "portal/auth/password_change_form.html"
    extra_context = {"title": _("Changer de mot de passe")}

    def get_success_url(self) -> str:
        return reverse("portal:space", kwargs={"space": Space.MON_COMPTE})

    def form_valid(self, form: PortalPasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, gettext("Votre mot de passe a été changé."))
        return response
