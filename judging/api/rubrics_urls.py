"""Rubric and round endpoints, under /api/v1/."""

from django.urls import path

from judging.api import views_rubrics as views

urlpatterns = [
    path(
        "contests/<slug:contest_slug>/rubrics/",
        views.ContestRubricsView.as_view(),
        name="api-contest-rubrics",
    ),
    path(
        "contests/<slug:contest_slug>/rubrics/import/",
        views.RubricImportView.as_view(),
        name="api-rubric-import",
    ),
    path("rubrics/<int:pk>/", views.RubricDetailView.as_view(), name="api-rubric"),
    path("rubrics/<int:pk>/export/", views.RubricExportView.as_view(), name="api-rubric-export"),
    path("rubrics/<int:pk>/criteria/", views.CriteriaView.as_view(), name="api-criteria"),
    path(
        "rubrics/<int:pk>/criteria/order/",
        views.CriteriaOrderView.as_view(),
        name="api-criteria-order",
    ),
    path(
        "rubrics/<int:pk>/criteria/<int:criterion_pk>/",
        views.CriterionDetailView.as_view(),
        name="api-criterion",
    ),
    path(
        "contests/<slug:contest_slug>/rounds/",
        views.ContestRoundsView.as_view(),
        name="api-contest-rounds",
    ),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="api-round"),
    path("rounds/<int:pk>/state/", views.RoundStateView.as_view(), name="api-round-state"),
    path(
        "rounds/<int:pk>/works/refresh/",
        views.RoundRefreshWorksView.as_view(),
        name="api-round-refresh-works",
    ),
]
