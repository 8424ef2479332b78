"""Organisers' assignment and monitoring pages of a round, under the contest's judging pages."""

from django.urls import path

from judging.views import assignment as views

ROUND = "contests/<slug:slug>/judging/rounds/<int:pk>/"

urlpatterns = [
    path(f"{ROUND}assignment/", views.round_assignment, name="round_assignment"),
    path(
        f"{ROUND}assignment/apply/",
        views.round_assignment_apply,
        name="round_assignment_apply",
    ),
    path(f"{ROUND}assignment/add/", views.round_assignment_add, name="round_assignment_add"),
    path(
        f"{ROUND}assignment/<int:aid>/remove/",
        views.round_assignment_remove,
        name="round_assignment_remove",
    ),
    path(
        f"{ROUND}assignment/<int:aid>/move/",
        views.round_assignment_move,
        name="round_assignment_move",
    ),
    path(
        f"{ROUND}assignment/export.xlsx",
        views.round_assignment_export,
        name="round_assignment_export",
    ),
    path(
        f"{ROUND}assignment/import/",
        views.round_assignment_import,
        name="round_assignment_import",
    ),
    path(f"{ROUND}monitoring/", views.round_monitoring, name="round_monitoring"),
    path(f"{ROUND}monitoring/reminders/", views.round_reminders, name="round_reminders"),
    path(f"{ROUND}monitoring/reassign/", views.round_reassign, name="round_reassign"),
]
