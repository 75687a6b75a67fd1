from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("series/new/", views.series_new, name="series_new"),
    path("series/<int:pk>/schedule/", views.series_schedule, name="series_schedule"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/do/<slug:action>/", views.meeting_action, name="action"),
    path("<int:pk>/checkin/", views.checkin_card, name="checkin_card"),
    path("<int:pk>/checkin/<int:person>/", views.checkin_person, name="checkin_person"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("decisions/<int:pk>/delete/", views.decision_delete, name="decision_delete"),
    path("<int:pk>/memo.<str:ext>", views.memo_file, name="memo"),
    path("<int:pk>/door/", views.door, name="door"),
    path("qr/<str:token>/", views.qr_checkin, name="qr"),
    path("calendar/", views.calendar, name="calendar"),
    path("ical/<str:token>.ics", views.ical_feed, name="ical"),
]
