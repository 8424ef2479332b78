"""Resumable (tus) uploads from the work's page, included at /uploads/."""

from django.urls import path

from contest.views import tus as views

urlpatterns = [
    path("tus/", views.tus_uploads, name="tus_uploads"),
    path("tus/<uuid:upload_id>", views.tus_upload, name="tus_upload"),
]
