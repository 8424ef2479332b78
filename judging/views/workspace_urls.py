"""The judge's workspace pages, under /judging/. Assignments are named by their own id, never
by a work's."""

from django.urls import path

from judging.views import workspace as views

urlpatterns = [
    path("judging/", views.judge_home, name="judge_home"),
    path("judging/rounds/<int:pk>/", views.judge_queue, name="judge_queue"),
    path("judging/assignments/<int:pk>/", views.judge_score, name="judge_score"),
    path("judging/assignments/<int:pk>/autosave/", views.judge_autosave, name="judge_autosave"),
    path("judging/assignments/<int:pk>/submit/", views.judge_submit, name="judge_submit"),
    path("judging/assignments/<int:pk>/recuse/", views.judge_recuse, name="judge_recuse"),
    path("judging/assignments/<int:pk>/flag/", views.judge_flag, name="judge_flag"),
    path("judging/assignments/<int:pk>/playback/", views.judge_playback, name="judge_playback"),
]
