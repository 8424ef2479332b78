"""Screening pages (形式审查) of a contest's organisers, included at the site root."""

from django.urls import path

from contest.views import screening as views

urlpatterns = [
    path("contests/<slug:slug>/screening/", views.screening_queue, name="screening_queue"),
    path("contests/<slug:slug>/screening/bulk/", views.screening_bulk, name="screening_bulk"),
    path("contests/<slug:slug>/screening/<int:pk>/", views.screening_work, name="screening_work"),
    path(
        "contests/<slug:slug>/screening/<int:pk>/decide/",
        views.screening_decide,
        name="screening_decide",
    ),
]
