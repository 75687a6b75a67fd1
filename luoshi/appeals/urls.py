from django.urls import path

from . import views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("phone/", views.appeal_phone, name="phone"),
    path("services/", views.service_list, name="services"),
    path("services/clients/", views.client_new, name="client_new"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/route/", views.appeal_route, name="route"),
    path("<int:pk>/pause/", views.appeal_pause, name="pause"),
    path("<int:pk>/resume/", views.appeal_resume, name="resume"),
    path("<int:pk>/reply/", views.appeal_reply, name="reply"),
    path("<int:pk>/close/", views.appeal_close, name="close"),
    path("<int:pk>/reopen/", views.appeal_reopen, name="reopen"),
    path("<int:pk>/verify/", views.appeal_verify, name="verify"),
]
