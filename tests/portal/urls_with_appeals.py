"""The project's URLs plus a stand-in for the appeals app's public form."""

from django.http import HttpResponse
from django.urls import path

from luoshi.urls import urlpatterns as project_urls

urlpatterns = [path("public/appeals/new/", lambda request: HttpResponse("appeal form")), *project_urls]
