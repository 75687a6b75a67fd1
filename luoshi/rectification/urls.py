from django.urls import path

from . import views

app_name = "rectification"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/problems/new/", views.problem_new, name="problem_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/export.<str:fmt>", views.round_export, name="round_export"),
    path("rounds/<int:pk>/import/", views.round_import, name="round_import"),
    path("rounds/<int:pk>/publication/", views.publication, name="publication"),
    path("rounds/<int:pk>/publication/publish/", views.publication_publish, name="publication_publish"),
    path("rounds/<int:pk>/publication/unpublish/", views.publication_unpublish, name="publication_unpublish"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/signoff/", views.signoff_submit, name="signoff_submit"),
    path("problems/<int:pk>/reopen/", views.problem_reopen, name="reopen"),
    path("signoffs/<int:pk>/approve/", views.signoff_approve, name="signoff_approve"),
    path("signoffs/<int:pk>/reject/", views.signoff_reject, name="signoff_reject"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
