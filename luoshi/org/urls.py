"""Routes of the organisation pages (mounted at /org/)."""

from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("units/", views.unit_tree, name="units"),
    path("units/new/", views.unit_new, name="unit_new"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("units/<int:pk>/posts/", views.post_new, name="post_new"),
    path("units/<int:pk>/holders/", views.holder_new, name="holder_new"),
    path("posts/<int:pk>/", views.post_edit, name="post_edit"),
    path("memberships/<int:pk>/end/", views.holder_leave, name="membership_end"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/portfolio/", views.person_portfolio, name="portfolio"),
]
