from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("", include("contest.urls")),
    path("", include("judging.urls")),
    path("", include("results.urls")),
    path("", include("awards.views.urls")),
    path("", include("publication.views.urls")),
    path("", include("certificates.views.urls")),
    path("", include("reports.views.urls")),
    path("api/v1/", include("judging.api.urls")),
    path("api/v1/", include("results.api.urls")),
    path("api/v1/", include("awards.api.urls")),
    path("api/v1/", include("publication.api.urls")),
    path("api/v1/", include("certificates.api.urls")),
    path("api/v1/", include("reports.api.urls")),
    path("api/", include("contest.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]
