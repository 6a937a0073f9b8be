"""Portal forms for identity: login by e-mail, password reset and change, language choice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from facturier.structures.models import IdentifierType, Structure
from facturier.structures.spaces import SpaceMode

from .models import Registration, User
from .services import user_set_password
from .services.registration import RegistrationData, registration_errors


class EmailAuthenticationForm(AuthenticationForm):
    """Login with the e-mail address. Technical (API/EDI) accounts cannot use the portal."""

    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Adresse e-mail ou mot de passe incorrect."),
        "inactive": _("Ce compte est désactivé."),
        "unconfirmed": _(
            "Confirmez d'abord votre adresse e-mail : cliquez sur le lien reçu à l'inscription "
            "(ou inscrivez-vous à nouveau pour en recevoir un autre)."
        ),
        "technical_account": _(
            "Ce compte technique sert aux échanges par API ou EDI ; "
            "il ne permet pas de se connecter au portail."
        ),
    }

    def get_invalid_login_error(self) -> ValidationError:
        # The backend refuses inactive accounts as if the password were wrong; a registration that
        # waits for its e-mail confirmation deserves to be told what to do.
        email = (self.cleaned_data.get("username") or "").lower()
        pending = Registration.objects.filter(
            user__email=email, user__is_active=False, status=Registration.Status.PENDING
        ).select_related("user").first()
        if pending is not None and pending.user.check_password(self.cleaned_data.get("password") or ""):
            return ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")
        return super().get_invalid_login_error()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if getattr(user, "is_technical", False):
            raise ValidationError(self.error_messages["technical_account"], code="technical_account")


class _SavesThroughService:
    """Route password writes through ``user_set_password`` so the change is dated and audited."""

    user: User
    cleaned_data: dict[str, Any]
    reason: str

    def save(self, commit: bool = True) -> User:
        if not commit:
            self.user.set_password(self.cleaned_data["new_password1"])
            return self.user
        return user_set_password(
            user=self.user, actor=self.user, password=self.cleaned_data["new_password1"], reason=self.reason
        )


class PortalPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email: str) -> Iterator[User]:
        # Technical accounts' passwords are managed by their structure's managers, not by e-mail.
        return (user for user in super().get_users(email) if not user.is_technical)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # Write to the account holder in the language of their account, not the requester's.
        language = getattr(context.get("user"), "language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name=html_email_template_name,
            )


class PortalSetPasswordForm(_SavesThroughService, SetPasswordForm):
    reason = "reset"


class PortalPasswordChangeForm(_SavesThroughService, PasswordChangeForm):
    reason = "change"


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Langue"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


# --- registration, second factor, Mon compte, manager operations --------------------------------


class RegistrationForm(forms.Form):
    identifier_type = forms.ChoiceField(
        label=_("Type d'identifiant"), choices=IdentifierType.choices, initial=IdentifierType.SIRET
    )
    identifier = forms.CharField(
        label=_("Numéro d'identification"),
        max_length=80,
        help_text=_("SIRET : 14 chiffres. Union européenne hors France : le numéro de TVA intracommunautaire."),
    )
    vat_number = forms.CharField(label=_("Numéro de TVA (facultatif)"), max_length=20, required=False)
    structure_name = forms.CharField(label=_("Raison sociale ou nom"), max_length=200)
    address_line = forms.CharField(label=_("Adresse"), max_length=200)
    postal_code = forms.CharField(label=_("Code postal"), max_length=12)
    city = forms.CharField(label=_("Ville"), max_length=100)
    country = forms.CharField(label=_("Pays (code à 2 lettres)"), max_length=2, initial="FR")
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(
        label=_("Adresse e-mail de connexion"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Mot de passe"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 10 caractères, pas seulement des chiffres, sans rapport avec votre nom."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("Les deux mots de passe diffèrent : saisissez deux fois le même."))
        if self.errors:
            return data
        for field, message in registration_errors(self.registration_data()).items():
            self.add_error("password1" if field == "password" else field, message)
        return data

    def registration_data(self) -> RegistrationData:
        data = self.cleaned_data
        return RegistrationData(
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            identifier_type=data["identifier_type"],
            identifier=data["identifier"],
            structure_name=data["structure_name"],
            vat_number=data.get("vat_number", ""),
            address_line=data["address_line"],
            postal_code=data["postal_code"],
            city=data["city"],
            country=data.get("country") or "FR",
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code de vérification"),
        max_length=20,
        help_text=_("Les 6 chiffres de votre application d'authentification, ou un code de récupération."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "phone",
            "contact_email",
            "language",
            "notifications_enabled",
            "notification_frequency",
        ]
        help_texts = {
            "contact_email": _(
                "Les notifications partent à cette adresse ; laissée vide, c'est l'adresse de connexion."
            ),
        }


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Commentaire"), max_length=255, required=False)


class StructureSearchForm(forms.Form):
    q = forms.CharField(
        label=_("SIRET ou nom de la structure"),
        min_length=3,
        max_length=200,
        error_messages={"min_length": _("Saisissez au moins 3 caractères du nom, ou le SIRET.")},
    )


class SubscriptionForm(forms.Form):
    structure = forms.ModelChoiceField(label=_("Structure"), queryset=Structure.objects.none())
    space = forms.ChoiceField(label=_("Espace"), choices=())
    mode = forms.ChoiceField(label=_("Mode"), choices=SpaceMode.choices, initial=SpaceMode.CONSULTATION)

    def __init__(self, *args: Any, structures: Any, spaces: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures
        self.fields["space"].choices = [(space.value, space.label) for space in spaces]


class TransferForm(forms.Form):
    structure = forms.ModelChoiceField(label=_("Structure"), queryset=Structure.objects.none())
    new_manager_email = forms.EmailField(
        label=_("Identifiant de connexion (e-mail) du nouveau gestionnaire principal"),
        help_text=_("Il doit déjà être rattaché à la structure. Vous deviendrez simple utilisateur."),
    )

    def __init__(self, *args: Any, structures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} <{obj.email}>" if name else obj.email


class DuplicateSourceForm(forms.Form):
    source = UserChoiceField(label=_("Utilisateur source"), queryset=User.objects.none())

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = users


class DuplicateForm(forms.Form):
    """The source user travels in a hidden input next to this form (the page was opened for them)."""

    target = UserChoiceField(label=_("Utilisateur cible"), queryset=User.objects.none())
    structures = forms.ModelMultipleChoiceField(
        label=_("Rattachements à copier"), queryset=Structure.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, users: Any, structures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = users
        self.fields["structures"].queryset = structures


class MergerStartForm(forms.Form):
    absorbing = forms.ModelChoiceField(label=_("Structure absorbante (elle continue)"), queryset=Structure.objects.none())
    absorbed = forms.ModelChoiceField(label=_("Structure absorbée (elle sera inactivée)"), queryset=Structure.objects.none())

    def __init__(self, *args: Any, absorbing: Any, absorbed: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["absorbing"].queryset = absorbing
        self.fields["absorbed"].queryset = absorbed


class MergerManagerForm(forms.Form):
    manager = UserChoiceField(label=_("Gestionnaire principal final"), queryset=User.objects.none())

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = users
