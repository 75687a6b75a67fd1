"""Public (no account) appeal pages, mounted at /public/appeals/."""

from django.urls import path

from . import views_public

app_name = "appeals_public"

urlpatterns = [
    path("new/", views_public.appeal_new, name="new"),
    path("track/", views_public.appeal_track, name="track"),
    path("track/rate/", views_public.appeal_rate, name="rate"),
    path("track/reopen/", views_public.appeal_reopen, name="reopen"),
]
