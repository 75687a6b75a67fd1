from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.board, name="board"),
    path("warnings/<int:pk>/", views.warning, name="warning"),
    path("flags/", views.flag_list, name="flags"),
    path("flags/<int:pk>/decide/", views.flag_decide, name="flag_decide"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("settings/", views.settings_home, name="settings"),
    path("plans/<int:plan_id>/settings/", views.plan_settings, name="plan_settings"),
]
