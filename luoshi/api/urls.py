"""/api/v1/: the JSON API, its OpenAPI schema (openapi.json) and the offline docs page (docs)."""

from django.urls import path

from .api import api

urlpatterns = [path("", api.urls)]
