"""URL converter: ``<space:space>`` matches a space's slug and gives the view a ``Space``."""

from __future__ import annotations

from facturier.structures.spaces import Space

from .spaces import BY_SLUG, SLUGS


class SpaceConverter:
    regex = "|".join(sorted(BY_SLUG, key=len, reverse=True))

    def to_python(self, value: str) -> Space:
        return BY_SLUG[value]

    def to_url(self, value: Space | str) -> str:
        return SLUGS[Space(value)]
