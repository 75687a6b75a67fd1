from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("", views.account, name="account"),
    path("password/", views.password_change, name="password_change"),
    path("totp/", views.account_enrol, name="account_enrol"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("security/", views.security, name="security"),
    path("security/<int:user_id>/<str:action>/", views.security_action, name="security_action"),
]
