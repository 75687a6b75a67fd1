from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("", views.scheme_list, name="schemes"),
    path("new/", views.scheme_new, name="scheme_new"),
    path("import/", views.scheme_import, name="import"),
    path("events/", views.event_list, name="events"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/run/", views.run_new, name="run_new"),
    path("indicators/<int:pk>/scores/", views.scores, name="scores"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/publish/", views.run_publish, name="publish"),
    path("runs/<int:pk>/results.xlsx", views.run_xlsx, name="xlsx"),
    path("runs/<int:pk>/bulletin.pdf", views.run_pdf, name="pdf"),
    path("runs/<int:pk>/units/<int:unit>/", views.breakdown, name="breakdown"),
    path("runs/<int:pk>/appeal/", views.appeal_new, name="appeal_new"),
    path("appeals/", views.appeal_list, name="appeals"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal"),
]
