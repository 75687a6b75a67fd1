"""URL map: one include per app, so each area owns its own routes."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("luoshi.api.urls")),
    path("work/dashboard/", include("luoshi.work.urls_dashboard")),
    path("work/manage/", include("luoshi.work.urls_manage")),
    path("org/", include("luoshi.org.urls")),
    path("work/", include("luoshi.work.urls_flow")),
    path("work/", include("luoshi.work.urls")),
    path("documents/", include("luoshi.documents.urls")),
    path("imports/", include("luoshi.imports.urls")),
    path("notifications/", include("luoshi.notify.urls")),
    path("projects/", include("luoshi.projects.urls")),
    path("meetings/", include("luoshi.meetings.urls")),
    path("rectification/", include("luoshi.rectification.urls")),
    path("supervision/", include("luoshi.supervision.urls")),
    path("alerts/", include("luoshi.alerts.urls")),
    path("ratings/", include("luoshi.ratings.urls")),
    path("assessment/", include("luoshi.assessment.urls")),
    path("benchmark/", include("luoshi.benchmark.urls")),
    path("public/", include("luoshi.portal.urls")),
    path("portal/", include("luoshi.portal.urls_office")),
    path("commitments/", include("luoshi.commitments.urls")),
    path("appeals/", include("luoshi.appeals.urls")),
    path("learning/", include("luoshi.learning.urls")),
    path("public/appeals/", include("luoshi.appeals.urls_public")),
    path("open311/v2/", include("luoshi.appeals.urls_open311")),
    path("enterprises/", include("luoshi.enterprises.urls")),
    path("account/", include("luoshi.identity.urls")),
    path("", include("luoshi.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "luoshi.web.views.bad_request"
