"""Awards endpoints, under /api/v1/contests/<slug>/awards/."""

from django.urls import include, path

from awards.api import views

AWARDS = "contests/<slug:contest_slug>/awards/"

urlpatterns = [
    path(AWARDS, views.AwardListView.as_view(), name="api-awards"),
    path(f"{AWARDS}scheme/", views.SchemeView.as_view(), name="api-award-scheme"),
    path(f"{AWARDS}tiers/", views.TiersView.as_view(), name="api-award-tiers"),
    path(f"{AWARDS}tiers/<int:pk>/", views.TierDetailView.as_view(), name="api-award-tier"),
    path(f"{AWARDS}top-prizes/", views.TopPrizesView.as_view(), name="api-top-prizes"),
    path(f"{AWARDS}top-prizes/<int:pk>/", views.TopPrizeDetailView.as_view(), name="api-top-prize"),
    path(f"{AWARDS}preview/", views.PreviewView.as_view(), name="api-awards-preview"),
    path(f"{AWARDS}ties/", views.TiesView.as_view(), name="api-award-ties"),
    path(f"{AWARDS}confirm/", views.ConfirmView.as_view(), name="api-awards-confirm"),
    path(f"{AWARDS}unconfirm/", views.UnconfirmView.as_view(), name="api-awards-unconfirm"),
    path(f"{AWARDS}<int:pk>/override/", views.OverrideView.as_view(), name="api-award-override"),
    path("", include("awards.api.boundary_urls")),
]
