"""Organisers' reports pages, included at the site root."""

from django.urls import path

from reports.views import exports as views

urlpatterns = [
    path("contests/<slug:slug>/reports/", views.reports_page, name="reports"),
    path("contests/<slug:slug>/reports/files/", views.generated_files_status, name="reports_files"),
    path("contests/<slug:slug>/reports/<slug:key>/", views.export_run, name="report_export"),
    path(
        "files/<int:pk>/download/",
        views.generated_file_download,
        name="generated_file_download",
    ),
]
