"""API of exports and generated files, under /api/v1/."""

from django.urls import path

from reports.api import views

urlpatterns = [
    path("contests/<slug:slug>/exports/", views.ExportersView.as_view(), name="api-exporters"),
    path(
        "contests/<slug:slug>/exports/<slug:key>/",
        views.ExportView.as_view(),
        name="api-export",
    ),
    path(
        "contests/<slug:slug>/generated-files/",
        views.GeneratedFilesView.as_view(),
        name="api-generated-files",
    ),
    path("generated-files/<int:pk>/", views.GeneratedFileView.as_view(), name="api-generated-file"),
    path(
        "generated-files/<int:pk>/download/",
        views.GeneratedFileDownloadView.as_view(),
        name="api-generated-file-download",
    ),
]
