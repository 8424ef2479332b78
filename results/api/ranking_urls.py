"""Ranking endpoints, under /api/v1/."""

from django.urls import path

from results.api import ranking_views as views

RANKING = "rounds/<int:pk>/ranking/"

urlpatterns = [
    path("contests/<slug:contest_slug>/pools/", views.ContestPoolsView.as_view(), name="api-pools"),
    path("pools/<int:pk>/", views.PoolDetailView.as_view(), name="api-pool"),
    path(f"{RANKING}settings/", views.RankingSettingsView.as_view(), name="api-ranking-settings"),
    path(f"{RANKING}comparison/", views.ComparisonView.as_view(), name="api-ranking-comparison"),
    path(f"{RANKING}freeze/", views.FreezeView.as_view(), name="api-ranking-freeze"),
    path(f"{RANKING}unfreeze/", views.UnfreezeView.as_view(), name="api-ranking-unfreeze"),
    path(f"{RANKING}snapshot/", views.SnapshotView.as_view(), name="api-ranking-snapshot"),
    path(f"{RANKING}results/", views.ResultsView.as_view(), name="api-ranking-results"),
    path(f"{RANKING}results.csv", views.ResultsCsvView.as_view(), name="api-ranking-csv"),
    path(
        f"{RANKING}works/<int:work_pk>/",
        views.ExplanationView.as_view(),
        name="api-ranking-work",
    ),
    path(f"{RANKING}reproduce/", views.ReproduceView.as_view(), name="api-ranking-reproduce"),
    path(
        f"{RANKING}advancement/preview/",
        views.AdvancementPreviewView.as_view(),
        name="api-advancement-preview",
    ),
    path(f"{RANKING}advancement/", views.AdvancementView.as_view(), name="api-advancement"),
]
