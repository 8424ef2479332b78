from django.urls import include, path

urlpatterns = [
    path("accounts/", include("contest.views.accounts_urls")),
    path("", include("contest.views.contests_urls")),
]
