"""Divergence cases: the organisers' pages under a round, the chief judges' under /judging/.
Cases are named by their own id, never by a work's."""

from django.urls import path

from judging.views import cases as views

ROUND = "contests/<slug:slug>/judging/rounds/<int:pk>/"

urlpatterns = [
    path(f"{ROUND}cases/", views.round_cases, name="round_cases"),
    path(f"{ROUND}cases/<int:cid>/", views.round_case, name="round_case"),
    path(
        f"{ROUND}cases/<int:cid>/arbitrate/",
        views.round_case_arbitrate,
        name="round_case_arbitrate",
    ),
    path(f"{ROUND}cases/<int:cid>/reopen/", views.round_case_reopen, name="round_case_reopen"),
    path("judging/arbitration/", views.arbitration_list, name="arbitration_queue"),
    path("judging/arbitration/<int:pk>/", views.arbitration_case, name="arbitration_case"),
]
