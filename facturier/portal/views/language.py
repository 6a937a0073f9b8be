"""The language picker: remembered on the account when logged in, and in the language cookie."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views import View

from facturier.accounts.forms import LanguageForm
from facturier.accounts.services import user_set_language


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:home")


class SetLanguageView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LanguageForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("Cette langue n'est pas disponible."))
            return HttpResponseRedirect(_safe_next(request, request.POST.get("next", "")))
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            user_set_language(user=request.user, actor=request.user, language=language)
        translation.activate(language)
        messages.success(request, gettext("Votre choix de langue est enregistré."))
        response = HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
        # The cookie keeps the choice after logout and for visitors who are not logged in.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
