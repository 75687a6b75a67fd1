from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_new, name="new"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/flags/", views.flag_raise, name="flag_raise"),
    path("<int:pk>/flags/<int:flag_pk>/close/", views.flag_close, name="flag_close"),
    path("<int:pk>/visits/", views.visit_new, name="visit_new"),
    path("<int:pk>/problems/", views.problem_new, name="problem_new"),
    path("<int:pk>/team/", views.team_set, name="team"),
]
