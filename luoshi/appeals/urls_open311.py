"""Open311 GeoReport v2, mounted at /open311/v2/: JSON and XML."""

from django.urls import path

from . import open311

app_name = "open311"

urlpatterns = [
    path("services.json", open311.services_list, name="services"),
    path("requests.json", open311.requests_list, name="requests"),
    path("requests/<str:code>.json", open311.request_one, name="request"),
    # The spec's other format: the same answers as XML documents.
    path("services.xml", open311.services_list, {"fmt": "xml"}, name="services_xml"),
    path("requests.xml", open311.requests_list, {"fmt": "xml"}, name="requests_xml"),
    path("requests/<str:code>.xml", open311.request_one, {"fmt": "xml"}, name="request_xml"),
]
