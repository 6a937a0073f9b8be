"""Portal downloads of invoices, in each of the three invoice spaces (« Factures émises »,
« Factures reçues », « Factures à valider »):

* ``…/factures/<id>/bordereau-de-suivi.pdf``: the tracking slip, in the user's language;
* ``…/factures/<id>/telecharger.pdf``: the invoice as one PDF (its original PDF or the rendering of
  its XML), recorded as a download;
* ``…/factures/telecharger/`` (POST ``factures``=ids, ``format`` ZIP/PDF/PIVOT, ``pieces_jointes``):
  a selection, recorded as a download of each invoice.

The space comes from the URL (``<space>`` is ``factures-emises``, ``factures-recues`` or
``factures-a-valider``): the user must see the space, and the invoice must be visible through it,
else 404. Links: ``{% url "invoices_portal:slip" space="factures-recues" pk=invoice.pk %}``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext
from django.views import View

from facturier.core.errors import DomainError
from facturier.invoices.downloads import Download, DownloadFormat, invoices_download
from facturier.invoices.models import Invoice
from facturier.invoices.selectors import invoices_visible_in
from facturier.invoices.slip import invoice_slip_pdf, slip_file_name
from facturier.portal.access import SpaceViewMixin
from facturier.portal.spaces import BY_SLUG, SLUGS
from facturier.structures.spaces import Space

# The URL part naming the space, for the three invoice spaces only.
INVOICE_SPACES = (Space.FACTURES_EMISES, Space.FACTURES_RECUES, Space.FACTURES_A_VALIDER)
SPACE_PATTERN = "(?P<space>%s)" % "|".join(SLUGS[space] for space in INVOICE_SPACES)


def file_response(download: Download) -> HttpResponse:
    response = HttpResponse(download.data, content_type=download.content_type)
    response["Content-Disposition"] = content_disposition_header(True, download.name)
    response["Content-Length"] = str(len(download.data))
    return response


class _DownloadMixin(SpaceViewMixin):
    def get_space(self) -> Space:
        return BY_SLUG[self.kwargs["space"]]

    def get_invoice(self) -> Invoice:
        invoice = invoices_visible_in(actor=self.request.user, space=self.get_space()).filter(
            pk=self.kwargs["pk"]).first()
        if invoice is None:
            raise Http404(gettext("Cette facture n'existe pas ou ne vous est pas accessible."))
        return invoice

    def back(self) -> str:
        """Where a refusal is shown: the page the user came from (same site), else the space."""
        request = self.request
        for target in (request.POST.get("next", ""), request.headers.get("referer", "")):
            if target and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return target
        return reverse("portal:space", kwargs={"space": self.get_space()})


class SlipView(_DownloadMixin, View):
    """The tracking slip (not a download of the invoice itself: nothing is recorded)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = self.get_invoice()
        data = invoice_slip_pdf(invoice=invoice, language=get_language() or "fr")
        return file_response(Download(slip_file_name(invoice), "application/pdf", data))


class InvoicePdfView(_DownloadMixin, View):
    """One invoice as PDF (a ZIP with its original when no PDF can be made of it)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invoice = self.get_invoice()
        try:
            download = invoices_download(actor=request.user, invoices=[invoice], format=DownloadFormat.PDF)
        except DomainError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(self.back())
        return file_response(download)


class SelectionDownloadView(_DownloadMixin, View):
    """A selection of invoices as ZIP (default), PDF or PIVOT; a refusal (nothing selected, too
    large, an invoice not visible) is a message on the page the form came from."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ids = [int(value) for value in request.POST.getlist("factures") if value.isdigit()]
        fmt = request.POST.get("format") or DownloadFormat.ZIP
        with_attachments = request.POST.get("pieces_jointes") in ("1", "on", "true", "OUI")
        visible = set(invoices_visible_in(actor=request.user, space=self.get_space()).filter(pk__in=ids)
                      .values_list("pk", flat=True))
        if len(visible) != len(set(ids)):
            raise Http404(gettext("Cette facture n'existe pas ou ne vous est pas accessible."))
        try:
            download = invoices_download(actor=request.user, invoices=ids, format=fmt,
                                         with_attachments=with_attachments)
        except DomainError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(self.back())
        return file_response(download)
