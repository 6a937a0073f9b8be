"""Portal forms of the structures pages. They parse input; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiConnection, Structure, TechnicalAccount
from .spaces import NOT_SUBSCRIBABLE, Space


class DirectorySearchForm(forms.Form):
    siret = forms.CharField(label=_("SIRET"), required=False, max_length=20)
    name = forms.CharField(label=_("Nom"), required=False, max_length=100)
    city = forms.CharField(label=_("Ville ou code postal"), required=False, max_length=100)


class TechnicalAccountForm(forms.Form):
    structure = forms.ModelChoiceField(label=_("Structure"), queryset=Structure.objects.none())
    login = forms.EmailField(label=_("Identifiant (adresse e-mail)"))
    password = forms.CharField(label=_("Mot de passe"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args: object, structures: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["structure"].queryset = structures  # type: ignore[attr-defined]


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=_("Nouveau mot de passe"), widget=forms.PasswordInput, strip=False)


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'application"), max_length=255)


class ConnectionForm(forms.Form):
    technical_account = forms.ModelChoiceField(
        label=_("Compte technique"), queryset=TechnicalAccount.objects.none()
    )
    application_name = forms.CharField(
        label=_("Nom de l'application"),
        max_length=255,
        help_text=_(
            "Exactement le nom de l'application enregistrée dans l'espace développeur (majuscules comprises)."
        ),
    )
    usage_type = forms.ChoiceField(label=_("Type d'usage"), choices=ApiConnection.UsageType.choices)
    partner_name = forms.CharField(
        label=_("Nom de l'éditeur ou de l'opérateur"), max_length=200, required=False
    )
    environment = forms.ChoiceField(label=_("Environnement"), choices=ApiConnection.Environment.choices)

    def __init__(self, *args: object, accounts: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["technical_account"].queryset = accounts  # type: ignore[attr-defined]


class StructureForm(forms.ModelForm):
    class Meta:
        model = Structure
        fields = [
            "label",
            "email",
            "vat_number",
            "address_line",
            "address_complement1",
            "postal_code",
            "city",
            "phone",
            "service_code_required",
            "commitment_required",
            "commitment_or_service_required",
            "payment_status_not_reported",
            "receives_by_edi",
        ]


class ServiceForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=100)
    name = forms.CharField(label=_("Nom"), max_length=200)
    valid_from = forms.DateField(
        label=_("Début de validité"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Fin de validité"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    commitment_required = forms.BooleanField(label=_("Numéro d'engagement obligatoire"), required=False)
    payment_status_reported = forms.BooleanField(
        label=_("Statut de mise en paiement remonté"), required=False, initial=True
    )


class ServiceEditForm(forms.Form):
    """A service's name, validity dates and parameters; its code never changes (invoices refer to it)."""

    name = forms.CharField(label=_("Nom"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    valid_from = forms.DateField(
        label=_("Début de validité"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Fin de validité"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    commitment_required = forms.BooleanField(label=_("Numéro d'engagement obligatoire"), required=False)
    payment_status_reported = forms.BooleanField(label=_("Statut de mise en paiement remonté"), required=False)


class BankAccountForm(forms.Form):
    name = forms.CharField(label=_("Intitulé"), max_length=100)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(label=_("BIC"), max_length=11)


class DocumentForm(forms.Form):
    designation = forms.CharField(label=_("Désignation"), max_length=200)
    file = forms.FileField(label=_("Fichier"))


class MandateForm(forms.Form):
    mandatary_name = forms.CharField(label=_("Nom du mandataire"), max_length=200)
    mandatary_identifier = forms.CharField(label=_("SIRET du mandataire"), max_length=20)
    valid_from = forms.DateField(label=_("Début"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Fin"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class SpaceForm(forms.Form):
    # Mon compte and the manager space are always there: a structure opens or closes the others.
    space = forms.ChoiceField(
        label=_("Espace"), choices=[(space.value, space.label) for space in Space if space not in NOT_SUBSCRIBABLE]
    )
