from django.urls import path

from results.views import quality as views

ROUND = "contests/<slug:slug>/judging/rounds/<int:pk>/"

urlpatterns = [
    path(f"{ROUND}quality/", views.round_quality_view, name="round_quality"),
]
