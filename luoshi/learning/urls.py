from django.urls import path

from . import views, views_office

app_name = "learning"

urlpatterns = [
    path("", views.my_courses, name="mine"),
    path("record/", views.my_record, name="record"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("courses/<int:pk>/start/", views.start, name="start"),
    path("exams/<int:pk>/", views.exam, name="exam"),
    path("materials/<int:pk>/", views.material_download, name="material"),
    path("office/", views_office.courses, name="office"),
    path("office/<int:pk>/", views_office.course, name="office_course"),
    path("office/<int:pk>/assign/", views_office.assign, name="assign"),
    path("office/<int:pk>/materials/", views_office.material_add, name="material_add"),
    path("office/<int:pk>/questions/", views_office.question_add, name="question_add"),
    path("office/<int:pk>/import/", views_office.question_import, name="import"),
    path("office/<int:pk>/edit/", views_office.course_edit, name="course_edit"),
    path("office/<int:pk>/withdraw/", views_office.course_withdraw, name="course_withdraw"),
    path("office/materials/<int:pk>/", views_office.material_edit, name="material_edit"),
    path("office/materials/<int:pk>/remove/", views_office.material_remove, name="material_remove"),
    path("office/questions/<int:pk>/", views_office.question_edit, name="question_edit"),
    path("office/questions/<int:pk>/remove/", views_office.question_remove, name="question_remove"),
]
