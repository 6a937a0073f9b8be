"""Invoice drafts (BROUILLON): an invoice being entered or a PDF being deposited, not yet submitted.

A draft is the user's work in progress, not a legal record: it may be changed and deleted, and it
becomes an invoice only through ``invoice_submit`` (which then deletes it). The payload is the
form's raw values (JSON), so a draft may be incomplete or invalid.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facturier.structures.models import Structure


def _pdf_path(instance: InvoiceDraft, filename: str) -> str:
    return f"drafts/{instance.owner_id}/{timezone.now():%Y%m%d%H%M%S%f}.pdf"


class InvoiceDraft(models.Model):
    class Kind(models.TextChoices):
        SAISIE = "SAISIE", _("Saisie")
        DEPOT_PDF = "DEPOT_PDF", _("Dépôt PDF")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invoice_drafts")
    supplier = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices, default=Kind.SAISIE)
    payload = models.JSONField(_("données saisies"), default=dict, blank=True)
    # A PDF deposit keeps the supplier's PDF until it is submitted.
    pdf = models.FileField(_("PDF déposé"), upload_to=_pdf_path, max_length=255, blank=True)
    pdf_name = models.CharField(_("nom du PDF"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("brouillon de facture")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return str(self.payload.get("number") or "") or str(_("Sans numéro"))

    @property
    def recipient_label(self) -> str:
        return str(self.payload.get("recipient_name") or self.payload.get("recipient") or "")

    def pdf_bytes(self) -> bytes | None:
        if not self.pdf:
            return None
        with self.pdf.open("rb") as handle:
            return handle.read()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        stored = self.pdf.name if self.pdf else ""
        result = super().delete(*args, **kwargs)
        if stored:
            self.pdf.storage.delete(stored)
        return result
