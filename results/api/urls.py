from django.urls import include, path

urlpatterns = [
    path("", include("results.api.ranking_urls")),
    path("", include("results.api.quality_urls")),
]
