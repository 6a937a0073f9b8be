"""Portal pages of the structures app.

* the public directory of recipients (no login): search, CSV, zip;
* « Raccordement EDI & API »: technical accounts, API connections, the developer area;
* « Activités du gestionnaire »: a manager's structures (identity, parameters, services, bank
  details, spaces, documents, billing mandate, status).

Views parse input, check the space and its mode (``SpaceViewMixin``), call one service and show
a message; a ``DomainError`` becomes an error message, never a 500. Objects are always looked up
within ``space_structure_ids()``: another structure's id answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from facturier.core.errors import DomainError
from facturier.portal.access import SpaceViewMixin

from . import forms, services
from .directory import directory_csv, directory_zip
from .models import ApiConnection, BankAccount, Service, Structure, StructureDocument, TechnicalAccount
from .selectors import api_connection_list, directory_search, managed_structure_ids, technical_account_list
from .spaces import Space


def _run(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label} : {error}" if label else error)


# --- public directory --------------------------------------------------------------------------


class DirectoryView(TemplateView):
    """Public: search active public recipients by SIRET, name and city."""

    template_name = "structures/directory.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = forms.DirectorySearchForm(self.request.GET or None)
        results = None
        if form.is_bound and form.is_valid() and any(form.cleaned_data.values()):
            results = list(directory_search(**form.cleaned_data).prefetch_related("services")[:100])
        context.update({"form": form, "results": results, "title": _("Annuaire des destinataires")})
        return context


class DirectoryCsvView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse("\ufeff" + directory_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="annuaire_destinataires.csv"'
        return response


class DirectoryZipView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(directory_zip(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="annuaire_destinataires.zip"'
        return response


# --- « Raccordement EDI & API » ----------------------------------------------------------------


class _RaccordementMixin(SpaceViewMixin):
    space = Space.RACCORDEMENT

    def post_redirect(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse(self.redirect_name))

    redirect_name = ""


class TechnicalAccountListView(_RaccordementMixin, TemplateView):
    template_name = "structures/technical_accounts.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ids = self.space_structure_ids()
        principal_of = managed_structure_ids(actor=self.request.user, principal_only=True) & ids
        context.update(
            {
                "title": _("Comptes techniques"),
                "accounts": technical_account_list(actor=self.request.user, structure_ids=ids),
                "principal_of": principal_of,
                "form": forms.TechnicalAccountForm(structures=Structure.objects.filter(pk__in=principal_of)),
                "reset_form": forms.PasswordResetForm(),
            }
        )
        return context


class TechnicalAccountCreateView(_RaccordementMixin, View):
    requires_modification = True
    redirect_name = "structures:technical_accounts"

    def post(self, request: HttpRequest) -> HttpResponseBase:
        structures = Structure.objects.filter(pk__in=self.space_structure_ids())
        form = forms.TechnicalAccountForm(request.POST, structures=structures)
        if not form.is_valid():
            _form_errors(request, form)
            return self.post_redirect()
        data = form.cleaned_data
        _run(
            request,
            lambda: services.technical_account_create(
                actor=request.user,
                structure=data["structure"],
                login=data["login"],
                password=data["password"],
            ),
            str(_("Compte technique créé.")),
        )
        return self.post_redirect()


class TechnicalAccountResetView(_RaccordementMixin, View):
    requires_modification = True
    redirect_name = "structures:technical_accounts"

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        account = get_object_or_404(TechnicalAccount, pk=pk, structure_id__in=self.space_structure_ids())
        form = forms.PasswordResetForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return self.post_redirect()
        _run(
            request,
            lambda: services.technical_account_reset_password(
                actor=request.user, technical_account=account, password=form.cleaned_data["password"]
            ),
            str(_("Mot de passe réinitialisé : il est valable 424 jours.")),
        )
        return self.post_redirect()


class ConnectionListView(_RaccordementMixin, TemplateView):
    template_name = "structures/connections.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ids = self.space_structure_ids()
        modifiable = self.space_structure_ids(modification=True)
        accounts = TechnicalAccount.objects.filter(structure_id__in=modifiable).select_related(
            "user", "structure"
        )
        context.update(
            {
                "title": _("Raccordements API"),
                "connections": api_connection_list(actor=self.request.user, structure_ids=ids),
                "principal_of": managed_structure_ids(actor=self.request.user, principal_only=True) & ids,
                "form": forms.ConnectionForm(accounts=accounts) if modifiable else None,
            }
        )
        return context


class ConnectionDeclareView(_RaccordementMixin, View):
    requires_modification = True
    redirect_name = "structures:connections"

    def post(self, request: HttpRequest) -> HttpResponseBase:
        accounts = TechnicalAccount.objects.filter(
            structure_id__in=self.space_structure_ids()
        ).select_related("structure", "user")
        form = forms.ConnectionForm(request.POST, accounts=accounts)
        if not form.is_valid():
            _form_errors(request, form)
            return self.post_redirect()
        data = form.cleaned_data
        _run(
            request,
            lambda: services.api_connection_declare(
                actor=request.user,
                structure=data["technical_account"].structure,
                application_name=data["application_name"],
                technical_account=data["technical_account"],
                usage_type=data["usage_type"],
                partner_name=data["partner_name"],
                environment=data["environment"],
            ),
            str(_("Raccordement déclaré : il attend la validation du gestionnaire principal.")),
        )
        return self.post_redirect()


class ConnectionDecisionView(_RaccordementMixin, View):
    requires_modification = True
    redirect_name = "structures:connections"

    def post(self, request: HttpRequest, pk: int, decision: str) -> HttpResponseBase:
        connection = get_object_or_404(ApiConnection, pk=pk, structure_id__in=self.space_structure_ids())
        if decision == "valider":
            _run(
                request,
                lambda: services.api_connection_validate(actor=request.user, connection=connection),
                str(_("Raccordement validé : il est actif.")),
            )
        elif decision == "desactiver":
            _run(
                request,
                lambda: services.api_connection_deactivate(actor=request.user, connection=connection),
                str(_("Raccordement désactivé.")),
            )
        else:
            raise Http404
        return self.post_redirect()


class ApplicationListView(_RaccordementMixin, TemplateView):
    """The developer area: the user's own API applications (the gateway's catalogue)."""

    template_name = "structures/applications.html"
    redirect_name = "structures:applications"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from oauth2_provider.models import get_application_model

        context = super().get_context_data(**kwargs)
        context.update(
            {
                "title": _("Espace développeur"),
                "applications": get_application_model()
                .objects.filter(user=self.request.user)
                .order_by("name"),
                "form": forms.ApplicationForm(),
                "new_secret": self.request.session.pop("structures_new_secret", None),
            }
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponseBase:
        form = forms.ApplicationForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return self.post_redirect()
        try:
            application, secret = services.api_application_register(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            messages.error(request, str(error))
            return self.post_redirect()
        # Shown once, on the next page: only its hash is stored.
        request.session["structures_new_secret"] = {"client_id": application.client_id, "secret": secret}
        messages.success(
            request, str(_("Application enregistrée. Copiez son secret : il ne sera plus affiché."))
        )
        return self.post_redirect()


# --- « Activités du gestionnaire » -------------------------------------------------------------


class ManagedStructureListView(SpaceViewMixin, TemplateView):
    space = Space.GESTIONNAIRE
    template_name = "structures/manage_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "title": _("Mes structures"),
                "structures": Structure.objects.filter(pk__in=self.space_structure_ids()).order_by("name"),
            }
        )
        return context


class ManagedStructureView(SpaceViewMixin, TemplateView):
    """One structure, for its managers: every edit is a POST with an ``action``."""

    space = Space.GESTIONNAIRE
    template_name = "structures/manage_detail.html"

    def get_structure(self) -> Structure:
        if int(self.kwargs["pk"]) not in self.space_structure_ids():
            raise Http404
        return get_object_or_404(Structure, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        structure = self.get_structure()
        context.update(
            {
                "title": structure.name,
                "structure": structure,
                "structure_form": forms.StructureForm(instance=structure),
                "service_form": forms.ServiceForm(),
                "bank_form": forms.BankAccountForm(),
                "document_form": forms.DocumentForm(),
                "mandate_form": forms.MandateForm(),
                "space_form": forms.SpaceForm(),
                "services": structure.services.order_by("code"),
                "bank_accounts": structure.bank_accounts.order_by("-is_active", "name"),
                "documents": structure.documents.order_by("-created_at"),
                "spaces": structure.open_spaces.order_by("space"),
                "is_principal": structure.pk
                in managed_structure_ids(actor=self.request.user, principal_only=True),
            }
        )
        return context

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        structure = self.get_structure()
        action = request.POST.get("action", "")
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            raise DjangoPermissionDenied
        handler(request, structure)
        return HttpResponseRedirect(reverse("structures:manage_detail", args=[structure.pk]))

    def do_update(self, request: HttpRequest, structure: Structure) -> None:
        form = forms.StructureForm(request.POST, instance=Structure.objects.get(pk=structure.pk))
        if not form.is_valid():
            _form_errors(request, form)
            return
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        _run(
            request,
            lambda: services.structure_update(actor=request.user, structure=structure, **changes),
            str(_("Structure mise à jour.")),
        )

    def do_add_service(self, request: HttpRequest, structure: Structure) -> None:
        form = forms.ServiceForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return
        data = dict(form.cleaned_data)
        code, name = data.pop("code"), data.pop("name")
        _run(
            request,
            lambda: services.service_create(
                actor=request.user, structure=structure, code=code, name=name, **data
            ),
            str(_("Service créé.")),
        )

    def _service(self, request: HttpRequest, structure: Structure) -> Service:
        return get_object_or_404(Service, pk=request.POST.get("service"), structure=structure)

    def do_activate_service(self, request: HttpRequest, structure: Structure) -> None:
        service = self._service(request, structure)
        _run(
            request,
            lambda: services.service_activate(actor=request.user, service=service),
            str(_("Service activé.")),
        )

    def do_deactivate_service(self, request: HttpRequest, structure: Structure) -> None:
        service = self._service(request, structure)
        _run(
            request,
            lambda: services.service_deactivate(actor=request.user, service=service),
            str(_("Service désactivé.")),
        )

    def do_add_bank_account(self, request: HttpRequest, structure: Structure) -> None:
        form = forms.BankAccountForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return
        _run(
            request,
            lambda: services.bank_account_add(actor=request.user, structure=structure, **form.cleaned_data),
            str(_("Coordonnées bancaires ajoutées.")),
        )

    def do_deactivate_bank_account(self, request: HttpRequest, structure: Structure) -> None:
        account = get_object_or_404(BankAccount, pk=request.POST.get("bank_account"), structure=structure)
        _run(
            request,
            lambda: services.bank_account_deactivate(actor=request.user, bank_account=account),
            str(_("Coordonnées bancaires désactivées.")),
        )

    def do_add_document(self, request: HttpRequest, structure: Structure) -> None:
        form = forms.DocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            _form_errors(request, form)
            return
        _run(
            request,
            lambda: services.structure_add_document(
                actor=request.user, structure=structure, **form.cleaned_data
            ),
            str(_("Pièce jointe ajoutée.")),
        )

    def do_mandate(self, request: HttpRequest, structure: Structure) -> None:
        form = forms.MandateForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return
        _run(
            request,
            lambda: services.structure_generate_mandate(
                actor=request.user, structure=structure, **form.cleaned_data
            ),
            str(_("Mandat de facturation généré.")),
        )

    def do_open_space(self, request: HttpRequest, structure: Structure) -> None:
        self._set_space(request, structure, services.structure_open_space, str(_("Espace ouvert.")))

    def do_close_space(self, request: HttpRequest, structure: Structure) -> None:
        self._set_space(request, structure, services.structure_close_space, str(_("Espace fermé.")))

    def _set_space(self, request: HttpRequest, structure: Structure, service: Callable[..., Any], done: str) -> None:
        form = forms.SpaceForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return
        space = Space(form.cleaned_data["space"])
        _run(request, lambda: service(actor=request.user, structure=structure, space=space), done)

    def do_inactivate(self, request: HttpRequest, structure: Structure) -> None:
        _run(
            request,
            lambda: services.structure_inactivate(actor=request.user, structure=structure),
            str(_("Structure inactivée : elle ne peut plus émettre ni recevoir de factures.")),
        )

    def do_activate(self, request: HttpRequest, structure: Structure) -> None:
        _run(
            request,
            lambda: services.structure_activate(actor=request.user, structure=structure),
            str(_("Structure réactivée.")),
        )


class ServiceEditView(SpaceViewMixin, TemplateView):
    """One service of a managed structure: its name, validity dates and parameters."""

    space = Space.GESTIONNAIRE
    requires_modification = True
    template_name = "structures/service_edit.html"

    def get_service(self) -> Service:
        return get_object_or_404(
            Service.objects.select_related("structure"),
            pk=self.kwargs["service_pk"],
            structure_id=self.kwargs["pk"],
            structure_id__in=self.space_structure_ids(),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        service = self.get_service()
        initial = {name: getattr(service, name) for name in forms.ServiceEditForm.base_fields}
        context.update(
            {
                "title": _("Service %(code)s") % {"code": service.code},
                "service": service,
                "structure": service.structure,
                "form": kwargs.get("form") or forms.ServiceEditForm(initial=initial),
            }
        )
        return context

    def post(self, request: HttpRequest, pk: int, service_pk: int) -> HttpResponseBase:
        service = self.get_service()
        form = forms.ServiceEditForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        if _run(
            request,
            lambda: services.service_update(actor=request.user, service=service, **form.cleaned_data),
            str(_("Service mis à jour.")),
        ):
            return HttpResponseRedirect(reverse("structures:manage_detail", args=[service.structure_id]))
        return self.render_to_response(self.get_context_data(form=form))


class DocumentDownloadView(SpaceViewMixin, View):
    space = Space.GESTIONNAIRE

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        from django.http import FileResponse

        document = get_object_or_404(StructureDocument, pk=pk, structure_id__in=self.space_structure_ids())
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.file.name.rsplit("/", 1)[-1],
            content_type=document.content_type or "application/octet-stream",
        )
