"""API of a round's assignment and monitoring, for its organisers, under /api/v1/."""

from django.urls import path

from judging.api import views_assignment as views

urlpatterns = [
    path("rounds/<int:pk>/plan/", views.PlanView.as_view(), name="api-round-plan"),
    path(
        "rounds/<int:pk>/assignments/",
        views.AssignmentsView.as_view(),
        name="api-round-assignments",
    ),
    path(
        "rounds/<int:pk>/assignments/apply/",
        views.ApplyView.as_view(),
        name="api-round-assignments-apply",
    ),
    path(
        "assignments/<int:pk>/",
        views.AssignmentDetailView.as_view(),
        name="api-assignment-detail",
    ),
    path("rounds/<int:pk>/progress/", views.ProgressView.as_view(), name="api-round-progress"),
    path("rounds/<int:pk>/reminders/", views.RemindersView.as_view(), name="api-round-reminders"),
]
