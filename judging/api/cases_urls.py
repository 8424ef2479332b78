"""Divergence-case endpoints, under /api/v1/: the organisers' under rounds/ and cases/, the
chief judges' under judging/ with the rest of the judges' API."""

from django.urls import path

from judging.api import views_cases as views

urlpatterns = [
    path("rounds/<int:pk>/cases/", views.RoundCasesView.as_view(), name="api-round-cases"),
    path("cases/<int:pk>/", views.CaseView.as_view(), name="api-case"),
    path("cases/<int:pk>/reopen/", views.CaseReopenView.as_view(), name="api-case-reopen"),
    path(
        "judging/arbitration/",
        views.ArbitrationQueueView.as_view(),
        name="api-arbitration-queue",
    ),
    path(
        "judging/arbitration/<int:pk>/",
        views.ArbitrationCaseView.as_view(),
        name="api-arbitration-case",
    ),
]
