"""Organisers' rubric and round pages, under /contests/<slug>/judging/."""

from django.urls import path

from judging.views import rubrics as views

RUBRICS = "contests/<slug:slug>/judging/rubrics/"
ROUNDS = "contests/<slug:slug>/judging/rounds/"

urlpatterns = [
    path(RUBRICS, views.rubric_list, name="rubric_list"),
    path(f"{RUBRICS}new/", views.rubric_create, name="rubric_create"),
    path(f"{RUBRICS}import/", views.rubric_import, name="rubric_import"),
    path(f"{RUBRICS}<int:pk>/", views.rubric_detail, name="rubric_detail"),
    path(f"{RUBRICS}<int:pk>/edit/", views.rubric_edit, name="rubric_edit"),
    path(f"{RUBRICS}<int:pk>/export/", views.rubric_download, name="rubric_export"),
    path(f"{RUBRICS}<int:pk>/criteria/add/", views.criterion_add, name="criterion_add"),
    path(
        f"{RUBRICS}<int:pk>/criteria/<int:criterion_pk>/edit/",
        views.criterion_edit,
        name="criterion_edit",
    ),
    path(
        f"{RUBRICS}<int:pk>/criteria/<int:criterion_pk>/delete/",
        views.criterion_delete,
        name="criterion_delete",
    ),
    path(
        f"{RUBRICS}<int:pk>/criteria/<int:criterion_pk>/move/",
        views.criterion_move,
        name="criterion_move",
    ),
    path(ROUNDS, views.round_list, name="round_list"),
    path(f"{ROUNDS}new/", views.round_create, name="round_create"),
    path(f"{ROUNDS}<int:pk>/", views.round_detail, name="round_detail"),
    path(f"{ROUNDS}<int:pk>/edit/", views.round_edit, name="round_edit"),
    path(f"{ROUNDS}<int:pk>/state/", views.round_state, name="round_state"),
    path(f"{ROUNDS}<int:pk>/works/refresh/", views.round_refresh_works, name="round_refresh_works"),
]
