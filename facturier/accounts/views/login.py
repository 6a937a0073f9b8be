"""The second step of a login when the account has two-factor authentication.

The password step (``portal.views.auth.LoginView``) does not open the session: it leaves the user's
id here, in the anonymous session, and sends the browser to this page, which opens the session only
once a TOTP code or a recovery code is checked.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import FormView

from ..forms import SecondFactorForm
from ..models import User
from ..services import user_record_login
from ..services.twofactor import recovery_codes_left, two_factor_verify
from . import call_service

PENDING_KEY = "facturier_2fa_pending"
# A password step is good for 5 minutes and 5 wrong codes; then the login starts over.
PENDING_SECONDS = 300
MAX_ATTEMPTS = 5


def begin_second_factor(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": next_url,
        "at": time.time(),
        "attempts": 0,
    }
    return HttpResponseRedirect(reverse("accounts:login_verify"))


class SecondFactorView(FormView):
    form_class = SecondFactorForm
    template_name = "accounts/login_verify.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pending = request.session.get(PENDING_KEY)
        if not pending or time.time() - pending["at"] > PENDING_SECONDS or pending["attempts"] >= MAX_ATTEMPTS:
            request.session.pop(PENDING_KEY, None)
            messages.error(request, gettext("Reconnectez-vous : la vérification a expiré ou a échoué trop souvent."))
            return HttpResponseRedirect(reverse("portal:login"))
        self.pending = pending
        self.pending_user = User.objects.filter(pk=pending["user"], is_active=True).first()
        if self.pending_user is None:
            request.session.pop(PENDING_KEY, None)
            return HttpResponseRedirect(reverse("portal:login"))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: SecondFactorForm) -> HttpResponse:
        user = self.pending_user
        ok, method = call_service(
            self.request, form, lambda: two_factor_verify(actor=user, code=form.cleaned_data["code"])
        )
        if not ok:
            self.pending["attempts"] += 1
            self.request.session[PENDING_KEY] = self.pending
            return self.form_invalid(form)
        self.request.session.pop(PENDING_KEY, None)
        login(self.request, user, backend=self.pending["backend"])
        user_record_login(user=user)
        if method == "recovery_code":
            messages.warning(
                self.request,
                gettext("Code de récupération utilisé : il vous en reste %(left)s. Générez-en de nouveaux dans Mon compte.")
                % {"left": recovery_codes_left(user=user)},
            )
        return HttpResponseRedirect(self.pending.get("next") or resolve_url("portal:home"))
