from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("ledger.xlsx", views.ledger, {"fmt": "xlsx"}, name="ledger_xlsx"),
    path("ledger.csv", views.ledger, {"fmt": "csv"}, name="ledger_csv"),
    path("bulletin/", views.bulletin_index, name="bulletin_index"),
    path("bulletin/<int:plan_id>/", views.bulletin, name="bulletin"),
    path("bulletin/<int:plan_id>/publish/", views.bulletin_publish_view, name="bulletin_publish"),
]
