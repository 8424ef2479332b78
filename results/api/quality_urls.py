from django.urls import path

from results.api import quality_views as views

urlpatterns = [
    path("rounds/<int:pk>/quality/", views.RoundQualityView.as_view(), name="api-round-quality"),
]
