from django.urls import path

from awards.api import boundary_views as views

ROUND = "rounds/<int:pk>/boundary/"

urlpatterns = [
    path(ROUND, views.BoundaryReviewView.as_view(), name="api-round-boundary"),
    path(
        f"{ROUND}preview/", views.BoundaryPreviewView.as_view(), name="api-round-boundary-preview"
    ),
    path(f"{ROUND}apply/", views.BoundaryApplyView.as_view(), name="api-round-boundary-apply"),
]
