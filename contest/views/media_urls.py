"""Media of works, included at /media/. Files are addressed by their random uuid only."""

from django.urls import include, path

from contest.views import media as views

urlpatterns = [
    path("videos/<uuid:uuid>/original", views.video_original, name="video_original"),
    path("videos/<uuid:uuid>/blind.mp4", views.video_blind, name="video_blind"),
    path("videos/<uuid:uuid>/full.mp4", views.video_full, name="video_full"),
    path("videos/<uuid:uuid>/poster.jpg", views.video_poster, name="video_poster"),
    path("attachments/<uuid:uuid>/original", views.attachment_original, name="attachment_original"),
    path(
        "attachments/<uuid:uuid>/sanitised",
        views.attachment_sanitised,
        name="attachment_sanitised",
    ),
    path("works/<int:work_id>/video", views.video_upload, name="video_upload"),
    path(
        "works/<int:work_id>/attachments/<str:kind>",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path("", include("contest.views.direct_upload_urls")),
]
