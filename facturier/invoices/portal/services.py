"""Drafts (BROUILLON): save, delete. A draft is the user's own work in progress; its payload is
the form's raw values, so it may be incomplete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction

from .models import InvoiceDraft

if TYPE_CHECKING:
    from facturier.accounts.models import User
    from facturier.structures.models import Structure


@transaction.atomic
def draft_save(
    *, actor: User, supplier: Structure, payload: dict[str, Any], draft: InvoiceDraft | None = None,
    kind: str = InvoiceDraft.Kind.SAISIE, pdf: bytes | None = None, pdf_name: str = "",
) -> InvoiceDraft:
    """Create a draft, or update ``draft`` (which must be the actor's)."""
    if draft is None:
        draft = InvoiceDraft(owner=actor, kind=kind)
    elif draft.owner_id != actor.pk:
        raise PermissionError("a draft belongs to its owner")
    draft.supplier = supplier
    draft.payload = payload
    if pdf is not None:
        draft.pdf_name = pdf_name[:255]
        draft.pdf.save("draft.pdf", ContentFile(pdf), save=False)
    draft.save()
    return draft


def draft_delete(*, actor: User, draft: InvoiceDraft) -> None:
    if draft.owner_id != actor.pk:
        raise PermissionError("a draft belongs to its owner")
    draft.delete()
