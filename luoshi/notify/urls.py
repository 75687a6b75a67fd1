from django.urls import path

from . import views

urlpatterns = [
    path("preference/", views.preference, name="notify_preference"),
    path("reminders/", views.reminders, name="notify_reminders"),
    path("outbox/", views.outbox, name="notify_outbox"),
    path("outbox/resend/", views.outbox_resend, name="notify_outbox_resend"),
]
