from django.urls import path

from judging.views import review as views

ROUND = "contests/<slug:slug>/judging/rounds/<int:pk>/"

urlpatterns = [
    path(f"{ROUND}review/", views.round_review, name="round_review"),
    path(
        f"{ROUND}review/sheets/<int:aid>/reopen/",
        views.sheet_reopen_view,
        name="round_sheet_reopen",
    ),
    path(
        f"{ROUND}review/flags/<int:fid>/resolve/",
        views.flag_resolve_view,
        name="round_flag_resolve",
    ),
]
