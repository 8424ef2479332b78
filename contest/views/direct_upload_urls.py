"""Uploads straight to the bucket (when files live in S3), included at /media/. The start URL
is the plain upload's URL with "/multipart" added, so the page's script finds it alone."""

from django.urls import path

from contest.views import direct_uploads as views

urlpatterns = [
    path("works/<int:work_id>/video/multipart", views.video_start, name="direct_upload_video"),
    path(
        "works/<int:work_id>/attachments/<str:kind>/multipart",
        views.attachment_start,
        name="direct_upload_attachment",
    ),
    path("multipart/parts", views.part_urls, name="direct_upload_parts"),
    path("multipart/received", views.parts_received, name="direct_upload_received"),
    path("multipart/complete", views.complete, name="direct_upload_complete"),
    path("multipart/abort", views.abort, name="direct_upload_abort"),
]
