from django.urls import include, path

urlpatterns = [
    path("", include("judging.views.rubrics_urls")),
    path("", include("judging.views.panel_urls")),
    path("", include("judging.views.assignment_urls")),
    path("", include("judging.views.workspace_urls")),
    path("", include("judging.views.review_urls")),
    path("", include("judging.views.cases_urls")),
]
