"""Routes of the office's plan and task pages (mounted at /work/manage/)."""

from django.urls import path

from . import views_manage as views

app_name = "manage"

urlpatterns = [
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/lock/", views.plan_lock, name="plan_lock"),
    path("plans/<int:plan_pk>/tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/split/", views.task_split_view, name="task_split"),
    path("tasks/<int:pk>/status/", views.task_status, name="task_status"),
    path("tasks/<int:pk>/milestones/", views.task_milestones, name="task_milestones"),
    path("tasks/<int:pk>/measure/", views.task_measure, name="task_measure"),
    path("milestones/<int:pk>/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/delete/", views.milestone_remove, name="milestone_delete"),
]
