"""Works: entrants create, edit, upload, submit and withdraw them; institution coordinators
endorse them; organisers list and screen them.

Every work is fetched through `access_work` with the one perm the action needs: a work the user
may not see is 404, one they see but may not act on is 403. Writes go through the services.
"""

from urllib.parse import unquote

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from contest.api.permissions import ContestAccess
from contest.api.serializers_works import (
    AttachmentSerializer,
    BulkResultSerializer,
    BulkScreenSerializer,
    ScreenSerializer,
    SubmitSerializer,
    VideoSerializer,
    WorkFilterSerializer,
    WorkListItemSerializer,
    WorkMediaSerializer,
    WorkSerializer,
    WorkWriteSerializer,
)
from contest.api.views.base import ApiViewMixin, errors
from contest.errors import DomainError, ValidationFailed
from contest.models import Work
from contest.models.contests import AttachmentKind
from contest.selectors import access_work, work_media, works_for_screening, works_of_entrant
from contest.services import media as media_services
from contest.services import works as services

MANAGE = "contest.manage_contest"
DOCUMENT_TYPES = {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
BINARY = "application/octet-stream"
FILE_NAME = OpenApiParameter(
    "X-File-Name",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy("The file's name on the entrant's computer, percent-encoded UTF-8."),
)


class LengthRequired(DomainError):
    code = "length_required"
    default_message = gettext_lazy("The upload must state its length (Content-Length).")
    status = 411


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    default_message = gettext_lazy("Send the file itself as the request body.")
    status = 415


class WorkView(ApiViewMixin, GenericAPIView):
    """A view about one work, named by `pk` in the URL."""

    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = None
    serializer_class = WorkSerializer
    perm = "contest.view_work"

    def work(self, perm: str | None = None) -> Work:
        work = access_work(self.request.user, self.kwargs["pk"], perm or self.perm)
        self.contest = work.contest
        return work

    def show(self, work: Work) -> Response:
        return Response(WorkSerializer(work, context=self.get_serializer_context()).data)


class ContestWorksView(ApiViewMixin, GenericAPIView):
    """A contest's works: one's own, or for its organisers the screening queue."""

    permission_classes = [IsAuthenticated, ContestAccess]
    contest_write_perm = "contest.enter_contest"
    serializer_class = WorkWriteSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request contest
            return Work.objects.none()
        user = self.request.user
        if not user.has_perm(MANAGE, self.contest):
            return works_of_entrant(user, self.contest)
        serializer = WorkFilterSerializer(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return works_for_screening(self.contest, **serializer.validated_data)

    @extend_schema(
        description="One's own works in the contest; for its organisers, every work that left "
        "the draft stage, filtered like the screening queue.",
        parameters=[WorkFilterSerializer],
        responses={200: WorkListItemSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request, contest_slug: str):
        page = self.paginate_queryset(self.get_queryset())
        data = WorkListItemSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(
        description="Enter a new work, as a draft, while the contest takes submissions.",
        responses={201: WorkSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, contest_slug: str):
        data = self.validated()
        work = services.work_create(
            contest=self.contest,
            entrant=request.user,
            co_authors=data.pop("co_authors", []),
            **data,
        )
        return Response(
            WorkSerializer(work, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class WorkDetailView(WorkView):
    """GET: a work (its entrant, the contest's organisers). PATCH: the entrant changes it, until
    the deadline (or the screening deadline for a work returned for fixes)."""

    serializer_class = WorkWriteSerializer

    @extend_schema(responses={200: WorkSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        return self.show(self.work())

    @extend_schema(responses={200: WorkSerializer, **errors(400, 401, 403, 404, 409)})
    def patch(self, request, pk: int):
        work = self.work("contest.edit_work")
        data = self.validated(partial=True)
        work = services.work_update(work=work, co_authors=data.pop("co_authors", None), **data)
        return self.show(work)


class WorkSubmitView(WorkView):
    """Submit the work once its video and required attachments passed the checks."""

    serializer_class = SubmitSerializer

    @extend_schema(responses={200: WorkSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        work = self.work("contest.edit_work")
        data = self.validated()
        return self.show(services.work_submit(work=work, actor=request.user, **data))


class WorkWithdrawView(WorkView):
    """Withdraw the work from the contest (before the deadline)."""

    @extend_schema(request=None, responses={200: WorkSerializer, **errors(401, 403, 404, 409)})
    def post(self, request, pk: int):
        work = self.work("contest.edit_work")
        return self.show(services.work_withdraw(work=work, actor=request.user))


class WorkEndorseView(WorkView):
    """An institution's coordinator recommends a submitted work (单位推荐), within the quota."""

    @extend_schema(request=None, responses={200: WorkSerializer, **errors(401, 403, 404, 409)})
    def post(self, request, pk: int):
        work = self.work("contest.endorse_work")
        return self.show(services.work_endorse(work=work, actor=request.user))


class WorkScreenView(WorkView):
    """An organiser's screening decision: accept, return for fixes, reject or disqualify. The
    entrant reads the reason and gets an e-mail."""

    serializer_class = ScreenSerializer

    @extend_schema(responses={200: WorkSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        work = self.work("contest.screen_work")
        data = self.validated()
        return self.show(services.work_screen(work=work, actor=request.user, **data))


class BulkScreenView(ApiViewMixin, GenericAPIView):
    """One decision for several works of the contest. Each work is decided on its own: the
    refused ones are listed with the reason, the others are changed."""

    permission_classes = [IsAuthenticated, ContestAccess]
    serializer_class = BulkScreenSerializer
    filter_backends = []
    pagination_class = None

    def _works(self, ids: list[int]) -> list[Work]:
        works = list(
            Work.objects.filter(contest=self.contest, pk__in=ids).select_related("contest")
        )
        unknown = sorted(set(ids) - {work.pk for work in works})
        if unknown:
            raise ValidationFailed(
                fields={
                    "ids": [
                        _("These works are not in this contest: %s.") % ", ".join(map(str, unknown))
                    ]
                }
            )
        return works

    @extend_schema(responses={200: BulkResultSerializer, **errors(400, 401, 403, 404)})
    def post(self, request, contest_slug: str):
        data = self.validated()
        works = self._works(data.pop("ids"))
        allowed = [w for w in works if request.user.has_perm("contest.screen_work", w)]
        refused = dict.fromkeys(
            {w.pk for w in works} - {w.pk for w in allowed},
            _("You do not have permission to do this."),
        )
        refused |= services.works_screen_bulk(works=allowed, actor=request.user, **data)
        return Response(
            {
                "screened": [w.pk for w in works if w.pk not in refused],
                "refused": [
                    {"id": w.pk, "anonymous_code": w.anonymous_code, "message": refused[w.pk]}
                    for w in works
                    if w.pk in refused
                ],
            }
        )


class WorkMediaView(WorkView):
    """The work's video and attachments: the current (checked) ones and the latest uploads with
    their processing state, the reason of a refusal, and links to what judges will get."""

    serializer_class = WorkMediaSerializer

    @extend_schema(responses={200: WorkMediaSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        media = work_media(self.work())
        return Response(WorkMediaSerializer(media, context=self.get_serializer_context()).data)


# --- Uploads: the raw file is the request body, streamed to disk and never parsed.


def _declared_length(request) -> int:
    value = request.META.get("CONTENT_LENGTH", "")
    if not value.isdigit():
        raise LengthRequired()
    return int(value)


def _file_name(request) -> str:
    """The name the entrant's computer gave the file (kept for them, never shown to judges)."""
    name = unquote(request.headers.get("X-File-Name", ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isprintable())[:255]


def _check_type(request, accepted) -> None:
    content_type = request.content_type.split(";")[0].strip().lower()
    if content_type and content_type != BINARY and not accepted(content_type):
        raise UnsupportedMediaType()


def _upload_schema(description: str, content_types: list[str], response, parameters=()):
    return extend_schema(
        description=description,
        request=dict.fromkeys([BINARY, *content_types], OpenApiTypes.BINARY),
        parameters=[FILE_NAME, *parameters],
        responses={201: response, **errors(400, 401, 403, 404, 409, 411, 413, 415)},
    )


class UploadView(WorkView):
    """Shared by the video and the attachment uploads."""

    parser_classes = []  # the body is read as a stream by the service, never by DRF

    def received(self, item) -> Response:
        item.refresh_from_db(fields=["state", "error_code", "error_params", "is_current"])
        data = self.get_serializer(item).data
        return Response(data, status=status.HTTP_201_CREATED)


class VideoUploadView(UploadView):
    serializer_class = VideoSerializer

    @_upload_schema(
        "Upload the work's video as the raw request body. It replaces the current video once "
        "it passes the checks, which run in the background: follow them on the media endpoint.",
        ["video/*"],
        VideoSerializer,
    )
    def put(self, request, pk: int):
        work = self.work("contest.edit_work")
        _check_type(request, lambda t: t.startswith("video/"))
        length = _declared_length(request)
        video = media_services.video_receive(
            work=work, stream=request._request, length=length, original_name=_file_name(request)
        )
        return self.received(video)


class AttachmentUploadView(UploadView):
    serializer_class = AttachmentSerializer

    @_upload_schema(
        "Upload an attachment as the raw request body: `design` (docx or pdf) or `slides` "
        "(pptx or pdf).",
        sorted(DOCUMENT_TYPES),
        AttachmentSerializer,
        [OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=AttachmentKind.values)],
    )
    def put(self, request, pk: int, kind: str):
        work = self.work("contest.edit_work")
        _check_type(request, DOCUMENT_TYPES.__contains__)
        length = _declared_length(request)
        attachment = media_services.attachment_receive(
            work=work,
            kind=kind,
            stream=request._request,
            length=length,
            original_name=_file_name(request),
        )
        return self.received(attachment)
