"""Access to the portal's spaces for views: the per-request cache and the view mixin."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext

from facturier.structures.spaces import Space

from .selectors import PortalAccess, portal_access_for

_CACHE_ATTR = "_facturier_portal_access"
# The view mixin marks the request with the space being shown; the navigation highlights it.
CURRENT_SPACE_ATTR = "portal_space"


def request_access(request: HttpRequest) -> PortalAccess:
    """The user's ``PortalAccess``, computed at most once per request."""
    access = getattr(request, _CACHE_ATTR, None)
    if access is None:
        access = portal_access_for(user=getattr(request, "user", None))
        setattr(request, _CACHE_ATTR, access)
    return access


def must_enrol_two_factor(request: HttpRequest) -> bool:
    """A structure of the user requires two-factor authentication and the user has not enrolled."""
    access = request_access(request)
    return bool(access.two_factor_required_by) and not request.user.has_two_factor


def current_space(request: HttpRequest) -> Space | None:
    return getattr(request, CURRENT_SPACE_ATTR, None)


class SpaceViewMixin(LoginRequiredMixin):
    """Put a view in a space: anonymous users go to the login page, users who may not see the
    space get a 403, and the navigation marks the space as current.

    Set ``space`` on the class, and ``requires_modification = True`` for pages that change data.
    The view still filters its objects with ``self.space_structure_ids()``: seeing a space through
    one structure gives nothing on another.
    """

    space: ClassVar[Space]
    requires_modification: ClassVar[bool] = False
    # The pages a user must reach to enrol in two-factor authentication set this.
    allowed_before_two_factor: ClassVar[bool] = False

    def get_space(self) -> Space:
        return self.space

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.allowed_before_two_factor and must_enrol_two_factor(request):
            messages.warning(
                request,
                gettext(
                    "%(structures)s impose la double authentification : activez-la pour continuer."
                ) % {"structures": ", ".join(request_access(request).two_factor_required_by)},
            )
            return HttpResponseRedirect(reverse("accounts:two_factor"))
        space = self.get_space()
        access = request_access(request)
        if not access.can_see(space) or (self.requires_modification and not access.can_modify(space)):
            raise PermissionDenied
        setattr(request, CURRENT_SPACE_ATTR, space)
        return super().dispatch(request, *args, **kwargs)

    def space_structure_ids(self, *, modification: bool | None = None) -> set[int]:
        if modification is None:
            modification = self.requires_modification
        return request_access(self.request).structure_ids(self.get_space(), modification=modification)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.setdefault("space", self.get_space())
        return context
