from django.urls import include, path

urlpatterns = [
    path("", include("judging.api.rubrics_urls")),
    path("", include("judging.api.panel_urls")),
    path("", include("judging.api.assignment_urls")),
    path("", include("judging.api.workspace_urls")),
    path("", include("judging.api.review_urls")),
    path("", include("judging.api.cases_urls")),
]
