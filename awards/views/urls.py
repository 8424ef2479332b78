from django.urls import include, path

urlpatterns = [
    path("", include("awards.views.pages_urls")),
    path("", include("awards.views.boundary_urls")),
]
