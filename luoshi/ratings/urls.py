from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/panels/", views.panel_new, name="panel_new"),
    path("rounds/<int:pk>/import/", views.raters_import, name="import"),
    path("rounds/<int:pk>/open/", views.round_open, name="open"),
    path("rounds/<int:pk>/close/", views.round_close, name="close"),
    path("rounds/<int:pk>/links/", views.tokens_issue, name="links"),
    path("rounds/<int:pk>/results/", views.results, name="results"),
    path("b/<str:token>/", views.ballot, name="ballot"),
]
