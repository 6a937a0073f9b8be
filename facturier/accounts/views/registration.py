"""Registration and its e-mail confirmation (public pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from django.views.generic import FormView, TemplateView

from ..forms import RegistrationForm
from ..services.registration import existing_structure, registration_confirm, registration_submit
from . import call_service


class RegisterView(FormView):
    form_class = RegistrationForm
    template_name = "accounts/register.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return HttpResponseRedirect(reverse("portal:home"))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: RegistrationForm) -> HttpResponse:
        data = form.registration_data()
        ok, registration = call_service(
            self.request,
            form,
            lambda: registration_submit(
                actor=None, data=data, base_url=f"{self.request.scheme}://{self.request.get_host()}"
            ),
        )
        if not ok or registration is None:
            return self.form_invalid(form)
        joins = existing_structure(identifier_type=registration.identifier_type, identifier=registration.identifier)
        self.request.session["registration_email"] = registration.user.email
        self.request.session["registration_joins"] = joins.name if joins else ""
        return HttpResponseRedirect(reverse("accounts:register_done"))


class RegisterDoneView(TemplateView):
    template_name = "accounts/register_done.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["email"] = self.request.session.get("registration_email", "")
        context["joins"] = self.request.session.get("registration_joins", "")
        return context


class RegisterConfirmView(View):
    """GET shows a button, POST confirms: mail scanners that follow links must not confirm."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return render(request, "accounts/register_confirm.html", {"token": token})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        ok, _registration = call_service(request, None, lambda: registration_confirm(actor=None, token=token))
        if not ok:
            return render(request, "accounts/register_confirm.html", {"token": token, "failed": True}, status=400)
        messages.success(
            request, gettext("Votre adresse e-mail est confirmée et votre compte est actif : connectez-vous.")
        )
        return HttpResponseRedirect(reverse("portal:login"))
