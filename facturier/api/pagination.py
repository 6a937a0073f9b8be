"""Chorus Pro pagination (api.md §3.3).

Requests carry the same four keys in a container whose name depends on the operation
(``parametres``, ``rechercheFactureParFournisseur``, ``paramRecherche``…):
``pageResultatDemandee`` (default 1), ``nbResultatsParPage`` (default 10), ``triSens``
(``Ascendant``/``Descendant``, default Descendant) and ``triColonne`` (an operation-specific
column). ``consulter/historique`` suffixes the keys (``pageResultatDemandeeListeHistoStatut``…).

Answers carry ``parametresRetour`` = ``{nbResultatsParPage, pageCourante, pages, total}``, always
integers (PASTELL fails on null counters), and search operations repeat them at the top level
(PASTELL reads them there on the recipient search; extra keys bother no client).

Use in an operation::

    class Input(FilterSerializer):
        parametres = pagination_serializer("PaginationRechercherStructure", columns=tuple(SORTS))(
            required=False
        )

    page = paginate(queryset, PageRequest.from_params(data.get("parametres"), columns=SORTS,
                                                      default_column="nomStructure"),
                    sort_fields=SORTS)
    return {"listeStructures": [row(s) for s in page.items], **page.response_fields()}
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter
from typing import Any

from django.db.models import F, QuerySet
from rest_framework import serializers

from .serializers import FilterSerializer, clean_optional

DEFAULT_PER_PAGE = 10
# PY-OCA asks rechercher/services for 10000 per page and only warns when pages > 1.
MAX_PER_PAGE = 10000
ASCENDING = "Ascendant"
DESCENDING = "Descendant"


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    descending: bool = True
    column: str | None = None

    @classmethod
    def from_params(
        cls,
        params: Mapping[str, Any] | None,
        *,
        columns: Collection[str] = (),
        default_column: str | None = None,
        suffix: str = "",
        default_per_page: int = DEFAULT_PER_PAGE,
        max_per_page: int = MAX_PER_PAGE,
    ) -> PageRequest:
        """Read a pagination container, leniently.

        Absent values (null, "", 0) take the defaults; a page below 1 is page 1; ``nbResultatsParPage``
        is capped at ``max_per_page``; an unknown ``triColonne`` falls back to ``default_column``;
        ``triSens`` is read case- and space-insensitively, and GO's misspelt ``triSense`` key
        (api.md §9.3) is accepted.
        """
        params = params or {}

        def get(key: str) -> Any:
            return clean_optional(params.get(key + suffix))

        page = _positive_int(get("pageResultatDemandee"), 1)
        per_page = min(_positive_int(get("nbResultatsParPage"), default_per_page), max_per_page)
        direction = str(get("triSens") or get("triSense") or "").strip().lower()
        column = get("triColonne")
        column = str(column).strip() if column is not None else None
        if column not in columns:
            column = default_column
        return cls(page=page, per_page=per_page, descending=not direction.startswith("asc"), column=column)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Page:
    items: list[Any]
    request: PageRequest
    total: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        # Like Django's Paginator, an empty result still has one (empty) page.
        object.__setattr__(self, "pages", max(1, math.ceil(self.total / self.request.per_page)))

    def parametres_retour(self, suffix: str = "") -> dict[str, int]:
        return {
            "nbResultatsParPage" + suffix: self.request.per_page,
            "pageCourante" + suffix: self.request.page,
            "pages" + suffix: self.pages,
            "total" + suffix: self.total,
        }

    def response_fields(self, *, top_level: bool = True) -> dict[str, Any]:
        """``{"parametresRetour": {...}}``, plus the same four keys at the top level if asked."""
        counters = self.parametres_retour()
        return {"parametresRetour": counters, **(counters if top_level else {})}


def paginate(
    source: QuerySet[Any] | Sequence[Any],
    request: PageRequest,
    *,
    sort_fields: Mapping[str, str] | None = None,
) -> Page:
    """One page of ``source``, sorted by ``sort_fields[request.column]`` when given.

    For a queryset the value is an ORM path (``"name"``, ``"structure__name"``) and the primary
    key breaks ties, so pages never overlap; nulls sort last whatever the direction. For a list
    it is a key or attribute name of the items; ``None`` values sort last.
    """
    path = (sort_fields or {}).get(request.column) if request.column else None
    if isinstance(source, QuerySet):
        queryset = source
        if path:
            expression = F(path).desc(nulls_last=True) if request.descending else F(path).asc(nulls_last=True)
            queryset = queryset.order_by(expression, "-pk" if request.descending else "pk")
        elif not queryset.ordered:
            queryset = queryset.order_by("-pk" if request.descending else "pk")
        total = queryset.count()
        items = list(queryset[request.offset : request.offset + request.per_page])
        return Page(items=items, request=request, total=total)
    rows = list(source)
    if path:
        rows = _sorted_rows(rows, path, descending=request.descending)
    return Page(
        items=rows[request.offset : request.offset + request.per_page], request=request, total=len(rows)
    )


def _sorted_rows(rows: list[Any], path: str, *, descending: bool) -> list[Any]:
    def value(row: Any) -> Any:
        return row.get(path) if isinstance(row, Mapping) else attrgetter(path)(row)

    present = [row for row in rows if value(row) is not None]
    missing = [row for row in rows if value(row) is None]
    return sorted(present, key=value, reverse=descending) + missing


def _positive_int(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number >= 1 else default


@cache
def pagination_serializer(
    name: str = "Pagination", *, columns: tuple[str, ...] = (), suffix: str = ""
) -> type[serializers.Serializer]:
    """The request container's serializer, for validation and the OpenAPI document.

    ``name`` is the OpenAPI component name: give each distinct ``columns`` list its own name
    (``"PaginationRechercherStructure"``). ``columns`` are the accepted ``triColonne`` values
    (documented; an unknown value is not an error, ``PageRequest.from_params`` falls back to the
    default column). ``suffix`` builds the suffixed variant of ``consulter/historique``
    (``"ListeHistoStatut"``…).
    """
    column_help = "Sort column: " + ", ".join(columns) if columns else "Sort column (operation-specific)."
    attrs: dict[str, Any] = {
        "pageResultatDemandee" + suffix: serializers.IntegerField(
            required=False, allow_null=True, help_text="Page number, from 1 (default 1)."
        ),
        "nbResultatsParPage" + suffix: serializers.IntegerField(
            required=False,
            allow_null=True,
            help_text=f"Results per page (default 10, at most {MAX_PER_PAGE}).",
        ),
        "triSens" + suffix: serializers.CharField(
            required=False,
            allow_null=True,
            allow_blank=True,
            help_text='"Ascendant" or "Descendant" (default).',
        ),
        "triColonne" + suffix: serializers.CharField(
            required=False, allow_null=True, allow_blank=True, help_text=column_help
        ),
    }
    return type(name + suffix, (FilterSerializer,), attrs)
