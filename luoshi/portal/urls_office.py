"""The office's portal pages (review, moderation, publications), under /portal/."""

from django.urls import path

from . import views_office as views

app_name = "portal_office"

urlpatterns = [
    path("", views.review_queue, name="review"),
    path("review/<int:pk>/", views.review, name="review_one"),
    path("review/many/", views.review_many, name="review_many"),
    path("sync/", views.sync, name="sync"),
    path("projects/publish/", views.publish_projects, name="publish_projects"),
    path("feedback/", views.feedback_queue, name="feedback"),
    path("feedback/<int:pk>/", views.moderate, name="moderate"),
    path("publications/", views.publications, name="publications"),
    path("publications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
