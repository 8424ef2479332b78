"""The judges' API, under /api/v1/judging/. Assignments are named by their own id."""

from django.urls import path

from judging.api import views_workspace as views

urlpatterns = [
    path("judging/rounds/", views.JudgeRoundsView.as_view(), name="api-judge-rounds"),
    path("judging/rounds/<int:pk>/queue/", views.JudgeQueueView.as_view(), name="api-judge-queue"),
    path(
        "judging/assignments/<int:pk>/",
        views.AssignmentView.as_view(),
        name="api-judge-assignment",
    ),
    path("judging/assignments/<int:pk>/sheet/", views.SheetView.as_view(), name="api-judge-sheet"),
    path(
        "judging/assignments/<int:pk>/submit/",
        views.SubmitView.as_view(),
        name="api-judge-submit",
    ),
    path(
        "judging/assignments/<int:pk>/recuse/",
        views.RecuseView.as_view(),
        name="api-judge-recuse",
    ),
    path("judging/assignments/<int:pk>/flag/", views.FlagView.as_view(), name="api-judge-flag"),
    path(
        "judging/assignments/<int:pk>/playback/",
        views.PlaybackView.as_view(),
        name="api-judge-playback",
    ),
]
