from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.item_list, name="items"),
    path("new/", views.item_new, name="item_new"),
    path("queue/", views.queue, name="queue"),
    path("queue/decide/", views.queue_decide, name="queue_decide"),
    path("idle/", views.idle, name="idle"),
    path("accountability/", views.accountability_list, name="accountability"),
    path("export.xlsx", views.export, name="export"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/handoff/", views.item_handoff, name="handoff"),
    path("items/<int:pk>/notice/", views.notice_new, name="notice_new"),
    path("items/<int:pk>/close/", views.item_close, name="close"),
    path("items/<int:pk>/accountability/", views.accountability_new, name="accountability_new"),
    path("notices/<int:pk>.<str:ext>", views.notice_file, name="notice_file"),
    path("notices/<int:pk>/respond/", views.response_new, name="respond"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
