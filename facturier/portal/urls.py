from django.urls import path, register_converter

from .converters import SpaceConverter
from .views import auth, home, language, spaces

register_converter(SpaceConverter, "space")

app_name = "portal"

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("deconnexion/", auth.LogoutView.as_view(), name="logout"),
    path("langue/", language.SetLanguageView.as_view(), name="set_language"),
    path("mot-de-passe/oubli/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oubli/envoye/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/reinitialisation/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/reinitialisation/termine/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mot-de-passe/changement/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("espaces/<space:space>/", spaces.SpaceHomeView.as_view(), name="space"),
]
