"""Mon compte: personal information and preferences, two-factor authentication, attachment
requests and space subscriptions. Every logged-in person reaches these pages."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import FormView, TemplateView

from facturier.portal.access import SpaceViewMixin
from facturier.structures.models import Attachment, Service, Structure
from facturier.structures.spaces import Space

from ..forms import ProfileForm, SecondFactorForm, StructureSearchForm, SubscriptionForm
from ..membership import NOT_SUBSCRIBABLE, attachment_request, open_spaces, subscription_request
from ..models import TOTPDevice, User
from ..selectors import structure_search
from ..services import PROFILE_FIELDS, user_update_profile
from ..services.twofactor import (
    recovery_codes_left,
    recovery_codes_regenerate,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
    totp_uri,
    two_factor_required_by,
)
from . import as_int, call_service

SHOW_CODES_KEY = "facturier_recovery_codes"


class AccountPage(SpaceViewMixin):
    space = Space.MON_COMPTE


class ProfileView(AccountPage, FormView):
    form_class = ProfileForm
    template_name = "accounts/profile.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        # A copy: a refused form must not leave half-changed values on request.user.
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = User.objects.get(pk=self.request.user.pk)
        return kwargs

    def form_valid(self, form: ProfileForm) -> HttpResponse:
        changes = {field: form.cleaned_data[field] for field in PROFILE_FIELDS}
        ok, _user = call_service(
            self.request, form, lambda: user_update_profile(actor=self.request.user, user=self.request.user, **changes)
        )
        if not ok:
            return self.form_invalid(form)
        messages.success(self.request, gettext("Vos informations sont enregistrées."))
        return HttpResponseRedirect(reverse("accounts:profile"))


class TwoFactorView(AccountPage, TemplateView):
    """Status, enrolment (secret + QR code + first code), recovery codes, and turning it off."""

    template_name = "accounts/two_factor.html"
    allowed_before_two_factor = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        device = TOTPDevice.objects.filter(user=user).first()
        context.update(
            {
                "title": gettext("Double authentification"),
                "enabled": device is not None and device.is_confirmed,
                "required_by": two_factor_required_by(user=user),
                "codes": self.request.session.pop(SHOW_CODES_KEY, None),
                "codes_left": recovery_codes_left(user=user),
                "form": kwargs.get("form") or SecondFactorForm(),
            }
        )
        if device is not None and not device.is_confirmed:
            uri = totp_uri(device)
            context.update(
                {
                    "pending": True,
                    "secret": device.secret,
                    "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, title=gettext("QR code à scanner")),
                }
            )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        user = request.user
        if action == "start":
            call_service(request, None, lambda: totp_device_start(actor=user))
            return HttpResponseRedirect(reverse("accounts:two_factor"))
        if action == "regenerate":
            ok, codes = call_service(request, None, lambda: recovery_codes_regenerate(actor=user))
            if ok:
                request.session[SHOW_CODES_KEY] = codes
            return HttpResponseRedirect(reverse("accounts:two_factor"))
        form = SecondFactorForm(request.POST)
        if action not in ("confirm", "disable") or not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        code = form.cleaned_data["code"]
        if action == "confirm":
            ok, codes = call_service(request, form, lambda: totp_device_confirm(actor=user, code=code))
            if ok:
                request.session[SHOW_CODES_KEY] = codes
                messages.success(request, gettext("La double authentification est activée."))
        else:
            ok, _none = call_service(request, form, lambda: totp_device_remove(actor=user, code=code))
            if ok:
                messages.success(request, gettext("La double authentification est désactivée."))
        if not ok:
            return self.render_to_response(self.get_context_data(form=form))
        return HttpResponseRedirect(reverse("accounts:two_factor"))


class AttachmentRequestView(AccountPage, TemplateView):
    """Search a structure (SIRET or 3 characters of the name) and ask to be attached to it."""

    template_name = "accounts/attachment_request.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = StructureSearchForm(self.request.GET or None)
        results = structure_search(query=form.cleaned_data["q"]) if form.is_valid() else []
        context.update(
            {
                "title": gettext("Demander un rattachement"),
                "search_form": form,
                "results": results,
                "mine": {
                    attachment.structure_id: attachment
                    for attachment in Attachment.objects.filter(user=self.request.user)
                },
            }
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        structure = get_object_or_404(Structure, pk=as_int(request.POST.get("structure")), status=Structure.Status.ACTIVE)
        service_ids = [as_int(value) for value in request.POST.getlist("services")]
        services = Service.objects.filter(structure=structure, pk__in=[i for i in service_ids if i])
        ok, _attachment = call_service(
            request,
            None,
            lambda: attachment_request(
                actor=request.user, structure=structure, services=services, comment=request.POST.get("comment", "")
            ),
        )
        if ok:
            messages.success(
                request,
                gettext("Votre demande de rattachement à %(structure)s est envoyée à ses gestionnaires.")
                % {"structure": structure.name},
            )
        return HttpResponseRedirect(reverse("portal:space", kwargs={"space": Space.MON_COMPTE}))


class SubscriptionRequestView(AccountPage, FormView):
    """Subscribe to a space of one of my structures, in consultation or modification mode."""

    template_name = "accounts/subscription_request.html"

    def structures(self) -> Any:
        return Structure.objects.filter(
            attachments__user=self.request.user, attachments__status=Attachment.Status.VALIDATED
        ).order_by("name")

    def get_form(self, form_class: Any = None) -> SubscriptionForm:
        spaces = [space for space in Space if space not in NOT_SUBSCRIBABLE]
        return SubscriptionForm(**self.get_form_kwargs(), structures=self.structures(), spaces=spaces)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = gettext("S'abonner à un espace")
        context["open"] = [(structure, sorted(open_spaces(structure=structure))) for structure in self.structures()]
        return context

    def form_valid(self, form: SubscriptionForm) -> HttpResponse:
        data = form.cleaned_data
        ok, subscription = call_service(
            self.request,
            form,
            lambda: subscription_request(
                actor=self.request.user, structure=data["structure"], space=data["space"], mode=data["mode"]
            ),
        )
        if not ok or subscription is None:
            return self.form_invalid(form)
        if subscription.status == subscription.Status.ACTIVE:
            messages.success(self.request, gettext("Votre abonnement est actif."))
        else:
            messages.success(self.request, gettext("Votre demande d'abonnement attend l'accord d'un gestionnaire."))
        return HttpResponseRedirect(reverse("portal:space", kwargs={"space": Space.MON_COMPTE}))
