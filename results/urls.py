from django.urls import include, path

urlpatterns = [
    path("", include("results.views.ranking_urls")),
    path("", include("results.views.quality_urls")),
]
