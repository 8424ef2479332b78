from django.urls import include, path

urlpatterns = [
    path("accounts/", include("contest.views.accounts_urls")),
    path("media/", include("contest.views.media_urls")),
    path("uploads/", include("contest.views.tus_urls")),
    path("", include("contest.views.works_urls")),
    path("", include("contest.views.screening_urls")),
    path("", include("contest.views.contests_urls")),
]
