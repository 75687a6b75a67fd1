"""The public portal's pages (no login), under /public/."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.units, name="units"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("catalogues/", views.catalogues, name="catalogues"),
    path("search/", views.search, name="search"),
    path("items/<int:pk>/", views.item, name="item"),
    path("language/", views.language, name="language"),
]
