from django.urls import path

from awards.views import boundary as views

ROUND = "contests/<slug:slug>/judging/rounds/<int:pk>/"

urlpatterns = [
    path(f"{ROUND}boundary/", views.round_boundary, name="round_boundary"),
    path(f"{ROUND}boundary/apply/", views.round_boundary_apply, name="round_boundary_apply"),
]
