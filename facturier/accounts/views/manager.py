"""Activités du gestionnaire: requests to decide, users of my structures, spaces opened, history,
and the manager operations (transfer of the principal-manager role, duplication of rights, merger
by absorption). Every object is looked up among the structures the actor manages: another
structure's request is a 404, never a peek."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from facturier.portal.access import SpaceViewMixin
from facturier.structures.models import Attachment, Role, SpaceSubscription, Structure
from facturier.structures.services import structure_close_space, structure_open_space
from facturier.structures.spaces import Space, SpaceMode

from ..forms import (
    CommentForm,
    DuplicateForm,
    DuplicateSourceForm,
    MergerManagerForm,
    MergerStartForm,
    TransferForm,
)
from ..membership import (
    NOT_SUBSCRIBABLE,
    attachment_refuse,
    attachment_validate,
    open_spaces,
    principal_manager_transfer,
    rights_duplicate,
    subscription_approve,
    subscription_refuse,
)
from ..merger import merger_designate_manager, merger_finish, merger_move_users, merger_start
from ..models import Merger, User
from ..selectors import (
    managed_structures,
    manager_history,
    member_users,
    mergers_for,
    pending_attachments,
    pending_subscriptions,
    structure_members,
)
from . import as_int, call_service


class ManagerPage(SpaceViewMixin):
    space = Space.GESTIONNAIRE
    # Manager grants are always in modification mode; the flag documents that these pages write.
    requires_modification = True


class RequestsView(ManagerPage, TemplateView):
    template_name = "accounts/manager/requests.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "title": gettext("Demandes à traiter"),
                "attachments": pending_attachments(manager=self.request.user),
                "subscriptions": pending_subscriptions(manager=self.request.user),
            }
        )
        return context


class DecideView(ManagerPage, TemplateView):
    """POST: validate or refuse one attachment or subscription request of a managed structure."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        form = CommentForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        accept = request.POST.get("decision") == "accept"
        user = request.user
        if kind == "rattachement":
            obj = get_object_or_404(Attachment, structure_id__in=self.space_structure_ids(), pk=pk)
            service = (lambda: attachment_validate(actor=user, attachment=obj, comment=comment)) if accept else (
                lambda: attachment_refuse(actor=user, attachment=obj, comment=comment))
        elif kind == "abonnement":
            obj = get_object_or_404(SpaceSubscription, structure_id__in=self.space_structure_ids(), pk=pk)
            service = (lambda: subscription_approve(actor=user, subscription=obj, comment=comment)) if accept else (
                lambda: subscription_refuse(actor=user, subscription=obj, comment=comment))
        else:
            raise Http404
        ok, _result = call_service(request, None, service)
        if ok:
            messages.success(request, gettext("Demande acceptée.") if accept else gettext("Demande refusée."))
        return HttpResponseRedirect(reverse("accounts:manager_requests"))


class MembersView(ManagerPage, TemplateView):
    template_name = "accounts/manager/members.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = gettext("Utilisateurs de mes structures")
        context["members"] = structure_members(manager=self.request.user)
        return context


class SpacesView(ManagerPage, TemplateView):
    template_name = "accounts/manager/spaces.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        spaces = [space for space in Space if space not in NOT_SUBSCRIBABLE]
        context["title"] = gettext("Espaces de mes structures")
        context["rows"] = [
            (structure, [(space, space in open_spaces(structure=structure)) for space in spaces])
            for structure in managed_structures(user=self.request.user)
        ]
        return context

    def post(self, request: HttpRequest) -> HttpResponse:
        structure = get_object_or_404(Structure, pk=as_int(request.POST.get("structure")),
                                      pk__in=self.space_structure_ids())
        try:
            space = Space(request.POST.get("space"))
        except ValueError as error:
            raise Http404 from error
        if request.POST.get("action") == "open":
            service = lambda: structure_open_space(actor=request.user, structure=structure, space=space)  # noqa: E731
        else:
            service = lambda: structure_close_space(actor=request.user, structure=structure, space=space)  # noqa: E731
        if call_service(request, None, service)[0]:
            messages.success(request, gettext("Les espaces de la structure sont à jour."))
        return HttpResponseRedirect(reverse("accounts:manager_spaces"))


ACTION_LABELS = {
    "attachment.requested": _("Demande de rattachement"),
    "attachment.validated": _("Rattachement validé"),
    "attachment.refused": _("Rattachement refusé"),
    "subscription.requested": _("Demande d'abonnement"),
    "subscription.approved": _("Abonnement accepté"),
    "subscription.refused": _("Abonnement refusé"),
    "structure.space.opened": _("Espace ouvert"),
    "structure.space.closed": _("Espace fermé"),
    "structure.principal_manager.transferred": _("Rôle de gestionnaire principal transféré"),
    "structure.created": _("Structure créée"),
    "structure.inactivated": _("Structure inactivée"),
    "structure.activated": _("Structure réactivée"),
    "user.rights.duplicated": _("Droits dupliqués"),
    "merger.started": _("Fusion commencée"),
    "merger.manager.designated": _("Gestionnaire final désigné"),
    "merger.users.moved": _("Utilisateurs déplacés"),
    "merger.completed": _("Fusion terminée"),
}


class HistoryView(ManagerPage, TemplateView):
    template_name = "accounts/manager/history.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = gettext("Historique des actions")
        context["entries"] = [
            (entry, ACTION_LABELS.get(entry.action, entry.action))
            for entry in manager_history(manager=self.request.user)
        ]
        return context


class TransferView(ManagerPage, FormView):
    template_name = "accounts/manager/transfer.html"

    def get_form(self, form_class: Any = None) -> TransferForm:
        return TransferForm(**self.get_form_kwargs(), structures=managed_structures(user=self.request.user, principal_only=True))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = gettext("Transférer le rôle de gestionnaire principal")
        return context

    def form_valid(self, form: TransferForm) -> HttpResponse:
        data = form.cleaned_data
        ok, attachment = call_service(
            self.request,
            form,
            lambda: principal_manager_transfer(
                actor=self.request.user, structure=data["structure"], new_manager_email=data["new_manager_email"]
            ),
        )
        if not ok or attachment is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("%(user)s est désormais gestionnaire principal de %(structure)s ; vous êtes utilisateur.")
            % {"user": attachment.user.email, "structure": attachment.structure.name},
        )
        return HttpResponseRedirect(reverse("portal:home"))


class DuplicateView(ManagerPage, TemplateView):
    """Step 1 (GET ?source=): pick the source user and see their valid attachments; step 2 (POST):
    pick the target and the attachments to copy."""

    template_name = "accounts/manager/duplicate.html"

    def users(self) -> Any:
        return member_users(manager=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        users = self.users()
        source_form = DuplicateSourceForm(self.request.GET or None, users=users)
        context.update({"title": gettext("Dupliquer les droits d'un utilisateur"), "source_form": source_form})
        source = source_form.cleaned_data["source"] if source_form.is_valid() else None
        if source is not None:
            attachments = Attachment.objects.filter(
                user=source, status=Attachment.Status.VALIDATED
            ).select_related("structure").order_by("structure__name")
            context["source"] = source
            context["source_attachments"] = attachments
            context["form"] = kwargs.get("form") or DuplicateForm(
                initial={"structures": [a.structure_id for a in attachments
                                                              if a.structure_id in self.space_structure_ids()]},
                users=users.exclude(pk=source.pk),
                structures=self.copyable(source),
            )
        return context

    def copyable(self, source: User) -> Any:
        return Structure.objects.filter(
            attachments__user=source, attachments__status=Attachment.Status.VALIDATED,
        ).order_by("name")

    def post(self, request: HttpRequest) -> HttpResponse:
        users = self.users()
        source = users.filter(pk=as_int(request.POST.get("source"))).first()
        if source is None:
            raise Http404
        form = DuplicateForm(request.POST, users=users.exclude(pk=source.pk), structures=self.copyable(source))
        if form.is_valid():
            data = form.cleaned_data
            ok, copied = call_service(
                request,
                form,
                lambda: rights_duplicate(
                    actor=request.user, source=source, target=data["target"],
                    structure_ids=[structure.pk for structure in data["structures"]],
                ),
            )
            if ok:
                messages.success(
                    request,
                    gettext("Droits copiés de %(source)s vers %(target)s.")
                    % {"source": source.email, "target": data["target"].email},
                )
                return HttpResponseRedirect(reverse("accounts:manager_members"))
        self.request.GET = self.request.GET.copy()
        self.request.GET["source"] = str(source.pk)
        return self.render_to_response(self.get_context_data(form=form))


class MergerListView(ManagerPage, FormView):
    template_name = "accounts/manager/merger_list.html"

    def get_form(self, form_class: Any = None) -> MergerStartForm:
        return MergerStartForm(
            **self.get_form_kwargs(),
            absorbing=managed_structures(user=self.request.user, principal_only=True).filter(status=Structure.Status.ACTIVE),
            absorbed=managed_structures(user=self.request.user, principal_only=True).filter(
                status=Structure.Status.ACTIVE
            ),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = gettext("Fusion par absorption")
        context["mergers"] = mergers_for(manager=self.request.user)
        return context

    def form_valid(self, form: MergerStartForm) -> HttpResponse:
        data = form.cleaned_data
        ok, merger = call_service(
            self.request, form,
            lambda: merger_start(actor=self.request.user, absorbing=data["absorbing"], absorbed=data["absorbed"]),
        )
        if not ok or merger is None:
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("accounts:manager_merger", kwargs={"pk": merger.pk}))


class MergerView(ManagerPage, TemplateView):
    """The guided procedure: a checklist of three steps, then the summary."""

    template_name = "accounts/manager/merger.html"

    def get_merger(self) -> Merger:
        return get_object_or_404(mergers_for(manager=self.request.user), pk=self.kwargs["pk"])

    def candidates(self, merger: Merger) -> Any:
        attached = User.objects.filter(
            attachments__structure=merger.absorbing, attachments__status=Attachment.Status.VALIDATED
        )
        return attached.filter(
            pk__in=Attachment.objects.filter(structure=merger.absorbed, status=Attachment.Status.VALIDATED).values("user")
        ).order_by("email")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        merger = self.get_merger()
        context.update(
            {
                "title": gettext("Fusion par absorption"),
                "merger": merger,
                "manager_form": kwargs.get("manager_form")
                or MergerManagerForm(users=self.candidates(merger), initial={"manager": merger.final_manager_id}),
                "moved_rows": self.moved_rows(merger),
                "absorbed_users": Attachment.objects.filter(
                    structure=merger.absorbed, status=Attachment.Status.VALIDATED
                ).select_related("user").order_by("user__email"),
            }
        )
        return context

    def moved_rows(self, merger: Merger) -> list[tuple[str, str, str]]:
        """The summary: each moved user, their role in the absorbing structure now, the spaces copied."""
        roles = dict(
            Attachment.objects.filter(structure=merger.absorbing).values_list("user__email", "role")
        )
        rows = []
        for moved in merger.users_moved:
            spaces = []
            for grant in moved.get("spaces", []):
                space, _sep, mode = grant.partition(":")
                spaces.append(f"{Space(space).label} ({SpaceMode(mode).label})")
            role = roles.get(moved["user"], moved["role"])
            rows.append((moved["user"], str(Role(role).label), ", ".join(spaces)))
        return rows

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        merger = self.get_merger()
        step = request.POST.get("step")
        user = request.user
        if step == "manager":
            form = MergerManagerForm(request.POST, users=self.candidates(merger))
            if not form.is_valid() or not call_service(
                request, form, lambda: merger_designate_manager(actor=user, merger=merger, manager=form.cleaned_data["manager"])
            )[0]:
                return self.render_to_response(self.get_context_data(manager_form=form))
        elif step == "users":
            call_service(request, None, lambda: merger_move_users(actor=user, merger=merger))
        elif step == "finish":
            if call_service(request, None, lambda: merger_finish(actor=user, merger=merger))[0]:
                messages.success(request, gettext("La fusion est terminée."))
        return HttpResponseRedirect(reverse("accounts:manager_merger", kwargs={"pk": merger.pk}))
