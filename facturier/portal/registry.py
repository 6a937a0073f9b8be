"""Pages that other apps add to a space.

An app registers its pages once, from its ``AppConfig.ready()``::

    register_page(SpacePage(
        space=Space.FACTURES_EMISES,
        url_name="invoices:deposit",
        label=_("Déposer une facture"),
        description=_("Déposer une facture au format PDF ou Factur-X."),
        order=10,
        requires_modification=True,
    ))

The space's landing page and the space's sub-navigation then list the page for the users who
may see it. The page's view enforces access itself with ``SpaceViewMixin`` (see ``access.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from facturier.structures.spaces import Space


@dataclass(frozen=True)
class SpacePage:
    space: Space
    url_name: str
    label: Promise | str
    description: Promise | str = ""
    order: int = 100
    # Shown only to users who hold the space in modification mode through at least one structure.
    requires_modification: bool = False


_PAGES: dict[str, SpacePage] = {}


def register_page(page: SpacePage) -> SpacePage:
    """Add (or replace, keyed by URL name: registering twice is harmless) a page of a space."""
    _PAGES[page.url_name] = page
    return page


def unregister_page(url_name: str) -> None:
    _PAGES.pop(url_name, None)


def pages_for(space: Space | str) -> list[SpacePage]:
    space = Space(space)
    return sorted(
        (page for page in _PAGES.values() if page.space == space),
        key=lambda page: (page.order, str(page.label)),
    )
