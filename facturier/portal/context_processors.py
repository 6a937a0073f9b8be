"""Template variables for the portal layout.

Contract (every template rendered with a request gets these):

``portal_nav``
    list of ``NavEntry(space, label, url, current)``: the spaces the user may see, in declaration
    order; empty for anonymous users.
``portal_space``
    the ``Space`` the current view belongs to (set by ``SpaceViewMixin``), or ``None``.
``portal_space_pages``
    list of ``PageEntry(label, description, url, current)``: the registered pages of the current
    space that the user may see (the space's sub-navigation); empty outside a space.
``portal_languages``
    list of ``(code, name in that language)`` for the language picker.
``portal_next``
    the path to come back to after a language change (the current page).
``portal_notices`` (``notices``)
    list of ``Notice(text, url, link_label)`` shown above every page's content: what an app asks
    the user to do on each visit (e.g. acknowledge a rejection after 7 days). Apps register a
    provider with ``register_notice_provider``; providers run only when a page shows the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.utils.translation import get_language_info

from facturier.structures.spaces import Space

from .access import current_space, request_access
from .registry import pages_for


@dataclass(frozen=True)
class NavEntry:
    space: Space
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class PageEntry:
    label: str
    description: str
    url: str
    current: bool


def space_url(space: Space) -> str:
    return reverse("portal:space", kwargs={"space": space})


def visible_pages(request: HttpRequest, space: Space) -> list[PageEntry]:
    access = request_access(request)
    current_name = getattr(getattr(request, "resolver_match", None), "view_name", None)
    entries = []
    for page in pages_for(space):
        if page.requires_modification and not access.can_modify(space):
            continue
        try:
            url = reverse(page.url_name)
        except NoReverseMatch:  # a page that needs arguments cannot be linked from a menu
            continue
        entries.append(PageEntry(str(page.label), str(page.description), url, page.url_name == current_name))
    return entries


def navigation(request: HttpRequest) -> dict[str, Any]:
    languages = [
        (code, capfirst(get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES
    ]
    context: dict[str, Any] = {
        "portal_nav": [],
        "portal_space": None,
        "portal_space_pages": [],
        "portal_languages": languages,
        "portal_next": request.get_full_path(),
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    active = current_space(request)
    context["portal_space"] = active
    context["portal_nav"] = [
        NavEntry(space, str(space.label), space_url(space), space == active)
        for space in request_access(request).spaces()
    ]
    if active is not None:
        context["portal_space_pages"] = visible_pages(request, active)
    return context


@dataclass(frozen=True)
class Notice:
    text: str
    url: str
    link_label: str


NoticeProvider = Callable[[HttpRequest], list[Notice]]
_NOTICE_PROVIDERS: dict[str, NoticeProvider] = {}


def register_notice_provider(name: str, provider: NoticeProvider) -> None:
    """Add (or replace, keyed by ``name``: registering twice is harmless) a source of notices."""
    _NOTICE_PROVIDERS[name] = provider


def notices(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_notices": []}
    return {"portal_notices": SimpleLazyObject(
        lambda: [notice for provider in _NOTICE_PROVIDERS.values() for notice in provider(request)]
    )}
