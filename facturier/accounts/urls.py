from django.urls import path

from .views import account, login, manager, registration

app_name = "accounts"

urlpatterns = [
    path("inscription/", registration.RegisterView.as_view(), name="register"),
    path("inscription/envoyee/", registration.RegisterDoneView.as_view(), name="register_done"),
    path("inscription/confirmation/<str:token>/", registration.RegisterConfirmView.as_view(), name="register_confirm"),
    path("connexion/verification/", login.SecondFactorView.as_view(), name="login_verify"),
    path("mon-compte/informations/", account.ProfileView.as_view(), name="profile"),
    path("mon-compte/double-authentification/", account.TwoFactorView.as_view(), name="two_factor"),
    path("mon-compte/rattachement/", account.AttachmentRequestView.as_view(), name="attachment_request"),
    path("mon-compte/abonnements/", account.SubscriptionRequestView.as_view(), name="subscription_request"),
    path("gestionnaire/demandes/", manager.RequestsView.as_view(), name="manager_requests"),
    path("gestionnaire/demandes/<str:kind>/<int:pk>/", manager.DecideView.as_view(), name="manager_decide"),
    path("gestionnaire/utilisateurs/", manager.MembersView.as_view(), name="manager_members"),
    path("gestionnaire/espaces/", manager.SpacesView.as_view(), name="manager_spaces"),
    path("gestionnaire/historique/", manager.HistoryView.as_view(), name="manager_history"),
    path("gestionnaire/transfert/", manager.TransferView.as_view(), name="manager_transfer"),
    path("gestionnaire/duplication/", manager.DuplicateView.as_view(), name="manager_duplicate"),
    path("gestionnaire/fusion/", manager.MergerListView.as_view(), name="manager_mergers"),
    path("gestionnaire/fusion/<int:pk>/", manager.MergerView.as_view(), name="manager_merger"),
]
