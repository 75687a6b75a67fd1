from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("", views.commitment_list, name="list"),
    path("<int:pk>/", views.commitment_detail, name="detail"),
    path("<int:pk>/edit/", views.commitment_edit, name="edit"),
    path("<int:pk>/compliance/", views.compliance_submit, name="compliance"),
    path("compliance/<int:pk>/review/", views.compliance_review, name="review"),
    path("queue/", views.compliance_queue, name="queue"),
    path("catalogues/", views.catalogues, name="catalogues"),
]
