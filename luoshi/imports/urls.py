from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/progress/", views.batch_progress, name="progress"),
    path("<int:pk>/commit/", views.batch_commit_view, name="commit"),
    path("<int:pk>/map/", views.batch_map_view, name="map"),
    path("<int:pk>/lead/", views.batch_lead_view, name="lead"),
]
