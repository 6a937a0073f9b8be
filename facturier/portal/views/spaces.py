"""Each space's landing page. It says what the space holds and lists the pages other apps
registered in it (``facturier.portal.registry``)."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from facturier.structures.selectors import attachment_list_for_user
from facturier.structures.spaces import Space

from ..access import SpaceViewMixin, request_access
from ..context_processors import visible_pages
from ..selectors import user_subscriptions
from ..spaces import DESCRIPTIONS


class SpaceHomeView(SpaceViewMixin, TemplateView):
    """``/espaces/<slug>/``: the space comes from the URL, access is checked by the mixin."""

    template_name = "portal/space.html"

    def get_space(self) -> Space:
        return self.kwargs["space"]

    def get_template_names(self) -> list[str]:
        # A space may have its own landing template (portal/spaces/<value>.html).
        return [f"portal/spaces/{self.get_space().value.lower()}.html", self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        space = self.get_space()
        access = request_access(self.request)
        context.update(
            {
                "title": space.label,
                "description": DESCRIPTIONS[space],
                "grants": () if space == Space.MON_COMPTE else access.grants.get(space, ()),
                "pages": visible_pages(self.request, space),
            }
        )
        if space == Space.MON_COMPTE:
            context["attachments"] = attachment_list_for_user(user=self.request.user)
            context["subscriptions"] = user_subscriptions(user=self.request.user)
        return context
