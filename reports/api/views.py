"""Exports through the API, for a contest's organisers.

POST contests/{slug}/exports/{key}/ answers a small export with the file itself and a large one
(or any, with "background": true) with 202 and the generated-file resource to poll; its
download link appears when it is ready. Files belong to their creator: anyone else gets 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from contest.api.pagination import Pagination
from contest.api.views.base import ApiViewMixin, errors
from reports.api import serializers as shapes
from reports.exporters.base import exporters_for
from reports.exporters.writers import CONTENT_TYPES
from reports.models import GeneratedFile
from reports.selectors import exports as selectors
from reports.services import exports as services
from reports.services.generated_files import generated_file_delete
from reports.views.responses import export_response, generated_file_response

FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The export file, sent at once.")


class ReportsView(ApiViewMixin, GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = None

    def contest(self):
        self.contest_obj = selectors.access_reports(self.request.user, self.kwargs["slug"])
        return self.contest_obj


class ExportersView(ReportsView):
    """The exports the user may run in the contest."""

    serializer_class = shapes.ExporterSerializer

    @extend_schema(responses={200: shapes.ExporterSerializer(many=True), **errors(401, 403, 404)})
    def get(self, request, slug: str):
        available = exporters_for(request.user, self.contest())
        return Response(shapes.ExporterSerializer(available, many=True).data)


class ExportView(ReportsView):
    """Run an export: the file at once when small, else a generated file to poll."""

    serializer_class = shapes.ExportRequestSerializer

    @extend_schema(
        responses={
            (200, CONTENT_TYPES["xlsx"]): FILE,
            (200, "text/csv"): FILE,
            202: shapes.GeneratedFileSerializer,
            **errors(400, 401, 403, 404),
        },
    )
    def post(self, request, slug: str, key: str):
        contest = self.contest()
        data = self.validated()
        params = {"round": data.get("round"), "category": data.get("category")}
        exporter = services.export_build(user=request.user, contest=contest, key=key, params=params)
        if not data["background"] and services.export_is_small(exporter):
            return export_response(exporter, data["format"])
        generated = services.export_start(
            user=request.user, contest=contest, key=key, params=params, format=data["format"]
        )
        body = shapes.GeneratedFileSerializer(generated).data
        headers = {"Location": request.build_absolute_uri(_detail_url(generated))}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers=headers)


def _detail_url(generated: GeneratedFile) -> str:
    from django.urls import reverse

    return reverse("api-generated-file", args=[generated.pk])


class GeneratedFilesView(ReportsView):
    """The user's generated files of the contest that have not expired, newest first."""

    serializer_class = shapes.GeneratedFileSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GeneratedFile.objects.none()
        return selectors.files_of(self.request.user, self.contest())

    @extend_schema(
        responses={200: shapes.GeneratedFileSerializer(many=True), **errors(401, 403, 404)}
    )
    def get(self, request, slug: str):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(shapes.GeneratedFileSerializer(page, many=True).data)


class GeneratedFileView(ApiViewMixin, GenericAPIView):
    """GET: a generated file's state and progress (poll it). DELETE: remove it now rather than
    when it expires. Its creator only."""

    permission_classes = [IsAuthenticated]
    serializer_class = shapes.GeneratedFileSerializer
    filter_backends = []
    pagination_class = None

    @extend_schema(responses={200: shapes.GeneratedFileSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        generated = selectors.access_generated_file(request.user, pk)
        return Response(shapes.GeneratedFileSerializer(generated).data)

    @extend_schema(responses={204: None, **errors(401, 404)})
    def delete(self, request, pk: int):
        generated_file_delete(generated=selectors.access_generated_file(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class GeneratedFileDownloadView(ApiViewMixin, GenericAPIView):
    """The file itself, once ready and until it expires (then 410)."""

    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = None

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            **errors(401, 404, 410),
        }
    )
    def get(self, request, pk: int):
        generated = selectors.downloadable_file(request.user, pk)
        return generated_file_response(request, generated)
