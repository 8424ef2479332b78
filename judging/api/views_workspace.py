"""The judges' API: my rounds, my queue, and scoring one assignment of mine.

Assignments are named by their own id; another judge's (or any id that is not mine) is 404, as
on the pages. Writes call judging.services.sheets, whose refusals come back in the API's one
error shape: 400 for a wrong score, 409 for a locked sheet, a closed window, a recusal or a
stale version.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from contest.api.pagination import Pagination
from contest.api.views.base import ApiViewMixin, errors
from judging.api.serializers_workspace import (
    JudgeAssignmentSerializer,
    JudgeAssignmentStateSerializer,
    JudgeFlagNoteSerializer,
    JudgeFlagSerializer,
    JudgePlaybackSerializer,
    JudgePlaybackStateSerializer,
    JudgeQueueItemSerializer,
    JudgeRecusalSerializer,
    JudgeRoundSerializer,
    JudgeSheetSerializer,
    JudgeSheetSubmitSerializer,
    JudgeSheetWriteSerializer,
)
from judging.models import Assignment, Round
from judging.selectors.workspace import (
    access_assignment,
    access_round_for_judge,
    queue_of,
    rounds_of_judge,
    scoring_bundle,
    sheet_of,
)
from judging.services import sheets as services


class JudgeView(ApiViewMixin, GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = None

    def assignment(self) -> Assignment:
        return access_assignment(self.request.user, self.kwargs["pk"])

    def sheet(self, sheet) -> Response:
        sheet = sheet_of(sheet.assignment)  # with its scores, as saved
        return Response(JudgeSheetSerializer(sheet, context=self.get_serializer_context()).data)


class JudgeRoundsView(JudgeView):
    """The open and closed rounds of the contests I judge, with my progress and due date."""

    serializer_class = JudgeRoundSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Round.objects.none()
        return rounds_of_judge(self.request.user)

    @extend_schema(responses={200: JudgeRoundSerializer(many=True), **errors(401)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class JudgeQueueView(JudgeView):
    """My assignments in a round, unfinished first, with links to the judges' copies."""

    serializer_class = JudgeQueueItemSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        round_ = access_round_for_judge(self.request.user, self.kwargs["pk"])
        return queue_of(self.request.user, round_, with_media=True)

    @extend_schema(responses={200: JudgeQueueItemSerializer(many=True), **errors(401, 404)})
    def get(self, request, pk: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class AssignmentView(JudgeView):
    """One of my assignments: the rubric, my sheet and its version, the judges' copies."""

    serializer_class = JudgeAssignmentSerializer

    @extend_schema(responses={200: JudgeAssignmentSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        bundle = scoring_bundle(self.assignment())
        return Response(self.get_serializer(bundle).data)


class SheetView(JudgeView):
    """Save my sheet as a draft. It replaces the whole sheet, and needs the version read."""

    serializer_class = JudgeSheetWriteSerializer

    @extend_schema(responses={200: JudgeSheetSerializer, **errors(400, 401, 404, 409)})
    def put(self, request, pk: int):
        data = self.validated()
        sheet = services.sheet_save(
            assignment=self.assignment(),
            actor=request.user,
            values=data["values"],
            comments=data.get("comments", {}),
            expected_version=data["version"],
        )
        return self.sheet(sheet)


class SubmitView(JudgeView):
    """Submit my sheet; it is locked afterwards. Every criterion needs a score, and a comment
    where the rubric requires one."""

    serializer_class = JudgeSheetSubmitSerializer

    @extend_schema(responses={200: JudgeSheetSerializer, **errors(400, 401, 404, 409)})
    def post(self, request, pk: int):
        data = self.validated()
        sheet = services.sheet_submit(
            assignment=self.assignment(),
            actor=request.user,
            values=data.get("values"),
            comments=data.get("comments"),
            expected_version=data.get("version"),
        )
        return self.sheet(sheet)


class RecuseView(JudgeView):
    """Declare a conflict of interest with the work: I stop judging it, another judge is found."""

    serializer_class = JudgeRecusalSerializer

    @extend_schema(responses={200: JudgeAssignmentStateSerializer, **errors(400, 401, 404, 409)})
    def post(self, request, pk: int):
        data = self.validated()
        assignment = services.assignment_recuse(
            assignment=self.assignment(), actor=request.user, reason=data["reason"]
        )
        return Response(JudgeAssignmentStateSerializer(assignment).data)


class FlagView(JudgeView):
    """Tell the organisers that the work reveals its author (a name or school on screen)."""

    serializer_class = JudgeFlagNoteSerializer

    @extend_schema(responses={201: JudgeFlagSerializer, **errors(400, 401, 404)})
    def post(self, request, pk: int):
        data = self.validated()
        flag = services.author_flag_create(
            assignment=self.assignment(), actor=request.user, note=data["note"]
        )
        return Response(JudgeFlagSerializer(flag).data, status=status.HTTP_201_CREATED)


class PlaybackView(JudgeView):
    """Where I am in the video (to resume there) and the furthest point I played."""

    serializer_class = JudgePlaybackSerializer

    @extend_schema(responses={200: JudgePlaybackStateSerializer, **errors(400, 401, 404)})
    def post(self, request, pk: int):
        data = self.validated()
        assignment = services.playback_record(
            assignment=self.assignment(), actor=request.user, **data
        )
        return Response(JudgePlaybackStateSerializer(assignment).data)
