from django.urls import path

from . import views

app_name = "benchmark"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.stats_import, name="import"),
    path("groups/new/", views.group_new, name="group_new"),
    path("own/", views.own_value, name="own_value"),
    path("groups/<int:pk>/", views.ranking, name="ranking"),
]
