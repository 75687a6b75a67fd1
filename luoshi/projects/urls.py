from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("board/", views.board, name="board"),
    path("map/", views.project_map, name="map"),
    path("map/boundary/", views.boundary_upload, name="boundary"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("new/", views.project_new, name="new"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/edit/stages/", views.stage_plan, name="stage_plan"),
    path("<int:pk>/edit/owners/", views.owners, name="owners"),
    path("<int:pk>/stage/", views.stage_met, name="stage_met"),
    path("<int:pk>/investment/", views.investment_report, name="investment"),
    path("<int:pk>/problems/", views.problem_add, name="problem_add"),
    path("<int:pk>/problems/<int:problem_id>/task/", views.problem_to_task, name="problem_task"),
    path("<int:pk>/problems/tasks/", views.problems_to_tasks, name="problems_tasks"),
]
