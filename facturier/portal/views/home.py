"""The home page of a logged-in user: their spaces and their structures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from facturier.structures.selectors import attachment_list_for_user

from ..access import must_enrol_two_factor, request_access
from ..context_processors import space_url
from ..spaces import DESCRIPTIONS


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "portal/home.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and must_enrol_two_factor(request):
            return HttpResponseRedirect(reverse("accounts:two_factor"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["space_cards"] = [
            {"label": space.label, "description": DESCRIPTIONS[space], "url": space_url(space)}
            for space in request_access(self.request).spaces()
        ]
        context["attachments"] = attachment_list_for_user(user=self.request.user)
        return context
