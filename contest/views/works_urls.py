"""The entrant's work pages and the coordinators' endorsement queue, included at the site root."""

from django.urls import path

from contest.views import works as views

urlpatterns = [
    path("contests/<slug:slug>/works/new/", views.work_create, name="work_create"),
    path("contests/<slug:slug>/endorse/", views.endorse_queue, name="endorse_queue"),
    path("works/", views.my_works, name="my_works"),
    path("works/<int:pk>/", views.work_detail, name="work_detail"),
    path("works/<int:pk>/edit/", views.work_edit, name="work_edit"),
    path("works/<int:pk>/media-state/", views.work_media_state, name="work_media_state"),
    path("works/<int:pk>/submit/", views.work_submit, name="work_submit"),
    path("works/<int:pk>/withdraw/", views.work_withdraw, name="work_withdraw"),
    path("works/<int:pk>/endorse/", views.work_endorse, name="work_endorse"),
]
