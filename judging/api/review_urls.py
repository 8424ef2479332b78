from django.urls import path

from judging.api import views_review as views

urlpatterns = [
    path("rounds/<int:pk>/flags/", views.RoundFlagsView.as_view(), name="api-round-flags"),
    path(
        "rounds/<int:pk>/flags/<int:fid>/resolve/",
        views.FlagResolveView.as_view(),
        name="api-flag-resolve",
    ),
    path("assignments/<int:aid>/reopen/", views.SheetReopenView.as_view(), name="api-sheet-reopen"),
]
