"""The certificates API: templates, issuing, batch files, revoking and reissuing for organisers;
the entrant's own certificates; the public, rate-limited verification.

Organiser endpoints resolve the contest or object with one access helper: a contest the user
may not see, and any object of a contest they do not organise, is 404; a visible contest they do
not organise is 403. Writes go through the services; refusals come back in the API's one shape.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from certificates.api import serializers as s
from certificates.selectors import (
    access_certificate,
    access_certificate_file,
    access_certificates,
    access_template,
    certificates_of,
    certificates_of_entrant,
    templates_of,
)
from certificates.services import issuing, templates
from certificates.services.batches import certificate_batch_start
from certificates.services.templates import IMAGE_SLOTS
from certificates.services.verification import certificate_verify, client_address
from contest.api.views.base import ApiViewMixin, errors
from contest.errors import NotFound


class CertificateApiView(ApiViewMixin, GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def page(self, queryset, serializer_class) -> Response:
        items = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(items, many=True).data)


class ContestTemplatesView(CertificateApiView):
    serializer_class = s.TemplateSerializer
    pagination_class = None

    @extend_schema(responses={200: s.TemplateSerializer(many=True), **errors(401, 403, 404)})
    def get(self, request, contest_slug: str):
        contest = access_certificates(request.user, contest_slug)
        return Response(s.TemplateSerializer(templates_of(contest), many=True).data)

    @extend_schema(
        description="Create the contest's template of a kind (one per kind); values left out "
        "come from the default design.",
        responses={201: s.TemplateSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, contest_slug: str):
        contest = access_certificates(request.user, contest_slug)
        data = self.validated()
        template = templates.template_create(contest=contest, **data)
        return Response(s.TemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateView(CertificateApiView):
    serializer_class = s.TemplateUpdateSerializer

    @extend_schema(responses={200: s.TemplateSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        return Response(s.TemplateSerializer(access_template(request.user, pk)).data)

    @extend_schema(responses={200: s.TemplateSerializer, **errors(400, 401, 404)})
    def patch(self, request, pk: int):
        template = access_template(request.user, pk)
        data = self.validated(partial=True)
        template = templates.template_update(template=template, **data)
        return Response(s.TemplateSerializer(template).data)

    @extend_schema(responses={204: None, **errors(401, 404, 409)})
    def delete(self, request, pk: int):
        templates.template_delete(template=access_template(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateImageView(CertificateApiView):
    serializer_class = s.ImageSerializer
    parser_classes = [MultiPartParser]

    def _template(self, pk: int, slot: str):
        if slot not in IMAGE_SLOTS:
            raise NotFound()
        return access_template(self.request.user, pk)

    @extend_schema(
        description="Upload the background, seal or signature (PNG or JPEG).",
        responses={200: s.TemplateSerializer, **errors(400, 401, 404)},
    )
    def put(self, request, pk: int, slot: str):
        template = self._template(pk, slot)
        data = self.validated()
        templates.template_set_image(template=template, slot=slot, upload=data["image"])
        return Response(s.TemplateSerializer(template).data)

    @extend_schema(responses={204: None, **errors(401, 404)})
    def delete(self, request, pk: int, slot: str):
        templates.template_clear_image(template=self._template(pk, slot), slot=slot)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContestCertificatesView(CertificateApiView):
    serializer_class = s.CertificateSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="Part of the number or a holder."),
            OpenApiParameter("state", str, enum=["issued", "revoked"]),
        ],
        responses={200: s.CertificateSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request, contest_slug: str):
        contest = access_certificates(request.user, contest_slug)
        query = certificates_of(
            contest,
            search=request.query_params.get("search", "")[:80],
            state=request.query_params.get("state", ""),
        )
        return self.page(query, s.CertificateSerializer)


class CheckView(CertificateApiView):
    pagination_class = None

    @extend_schema(
        description="Holders whose certificate needs a character no font has (not issued).",
        responses={200: s.ProblemSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request, contest_slug: str):
        contest = access_certificates(request.user, contest_slug)
        return Response(
            s.ProblemSerializer(issuing.certificates_check(contest=contest), many=True).data
        )


class IssueView(CertificateApiView):
    @extend_schema(
        request=None,
        description="Issue certificates for the confirmed awards; issued ones are regenerated "
        "with the same numbers.",
        responses={200: s.IssueReportSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, contest_slug: str):
        contest = access_certificates(request.user, contest_slug)
        report = issuing.certificates_issue(contest=contest, actor=request.user)
        return Response(s.IssueReportSerializer(report).data)


class BatchView(CertificateApiView):
    @extend_schema(
        request=None,
        description="Queue a ZIP of PDFs and one merged PDF of the issued certificates "
        "(409 when none is issued).",
        responses={202: s.FileSerializer(many=True), **errors(401, 403, 404, 409)},
    )
    def post(self, request, contest_slug: str):
        contest = access_certificates(request.user, contest_slug)
        files = certificate_batch_start(contest=contest, actor=request.user)
        return Response(s.FileSerializer(files, many=True).data, status=status.HTTP_202_ACCEPTED)


class FileView(CertificateApiView):
    @extend_schema(responses={200: s.FileSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        return Response(s.FileSerializer(access_certificate_file(request.user, pk)).data)


class CertificateView(CertificateApiView):
    @extend_schema(responses={200: s.CertificateSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        return Response(s.CertificateSerializer(access_certificate(request.user, pk)).data)


class RevokeView(CertificateApiView):
    serializer_class = s.CertificateReasonSerializer

    @extend_schema(responses={200: s.CertificateSerializer, **errors(400, 401, 404, 409)})
    def post(self, request, pk: int):
        certificate = access_certificate(request.user, pk)
        data = self.validated()
        issuing.certificate_revoke(
            certificate=certificate, actor=request.user, reason=data["reason"]
        )
        return Response(s.CertificateSerializer(access_certificate(request.user, pk)).data)


class ReissueView(CertificateApiView):
    serializer_class = s.CertificateReasonSerializer

    @extend_schema(
        description="Revoke the certificate (if needed) and issue a linked replacement.",
        responses={201: s.CertificateSerializer, **errors(400, 401, 404, 409)},
    )
    def post(self, request, pk: int):
        certificate = access_certificate(request.user, pk)
        data = self.validated()
        new = issuing.certificate_reissue(
            certificate=certificate, actor=request.user, reason=data["reason"]
        )
        body = s.CertificateSerializer(access_certificate(request.user, new.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class MyCertificatesView(CertificateApiView):
    @extend_schema(responses={200: s.OwnCertificateSerializer(many=True), **errors(401)})
    def get(self, request):
        return self.page(certificates_of_entrant(request.user), s.OwnCertificateSerializer)


class VerifyView(ApiViewMixin, GenericAPIView):
    """Public: no login. Each call counts against the caller's address allowance (429 past it)."""

    permission_classes = [AllowAny]
    filter_backends = []

    @extend_schema(
        parameters=[s.VerifyQuerySerializer],
        responses={200: s.VerificationSerializer, **errors(400, 404, 429)},
    )
    def get(self, request):
        query = s.VerifyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = certificate_verify(
            address=client_address(request.META),
            code=query.validated_data["code"],
            number=query.validated_data.get("number"),
        )
        if result is None:
            raise NotFound()
        return Response(s.VerificationSerializer(result).data)
