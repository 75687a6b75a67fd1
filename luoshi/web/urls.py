from django.contrib.auth import views as auth_views
from django.urls import path

from luoshi.identity import views as identity_views

from . import health, search, views

urlpatterns = [
    path("", views.home, name="home"),
    # Sign-in in steps: password, then the second factor (luoshi/identity/views.py).
    path("login/", identity_views.sign_in, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("audit/", views.audit_trail, name="audit"),
    path("search/", search.search_page, name="search"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
