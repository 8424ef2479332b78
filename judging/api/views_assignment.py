"""Assignment and monitoring of a round, for its organisers.

Every request names a round (or an assignment) and is checked once by `access_round` /
`access_assignment` with "judging.manage_round": a round of a contest the user may not see is
404, one they see but may not manage is 403. Writes go through the services.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from contest.api.pagination import Pagination
from contest.api.views.base import ApiViewMixin, errors
from judging.api import serializers_assignment as shapes
from judging.models import Assignment, Round
from judging.selectors import assignment as selectors
from judging.selectors.monitoring import round_progress
from judging.services import assignment as services
from judging.services import monitoring


class RoundView(ApiViewMixin, GenericAPIView):
    """A view about one round, named by `pk` in the URL."""

    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = None

    def round(self) -> Round:
        round_ = selectors.access_round(self.request.user, self.kwargs["pk"])
        self.contest = round_.contest
        return round_

    def query(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class PlanView(RoundView):
    """Preview the engine's plan for the round: loads, coverage, conflicts avoided, works
    left short and why. Nothing is saved."""

    serializer_class = shapes.PlanPreviewSerializer

    @extend_schema(
        parameters=[shapes.PlanQuerySerializer],
        responses={200: shapes.PlanPreviewSerializer, **errors(400, 401, 403, 404)},
    )
    def get(self, request, pk: int):
        round_ = self.round()
        mode = self.query(shapes.PlanQuerySerializer)["mode"]
        preview = services.round_plan(round=round_, incremental=mode != "full")
        return Response(shapes.PlanPreviewSerializer(preview).data)


class AssignmentsView(RoundView):
    """GET: the round's assignments, filtered and paginated. POST: assign a work by hand."""

    serializer_class = shapes.AssignmentAddSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        filters = self.query(shapes.AssignmentFilterSerializer)
        filters = {name: value for name, value in filters.items() if value}
        return selectors.assignments_of_round(self.round(), **filters)

    @extend_schema(
        parameters=[shapes.AssignmentFilterSerializer],
        responses={200: shapes.AssignmentSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request, pk: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(shapes.AssignmentSerializer(page, many=True).data)

    @extend_schema(responses={201: shapes.AssignmentSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        round_ = self.round()
        data = self.validated()
        assignment = services.assignment_add(
            round=round_,
            work=selectors.round_work(round_, data["work"]),
            judge=selectors.panel_user(round_, data["judge"]),
            actor=request.user,
            force=data["force"],
        )
        return Response(
            shapes.AssignmentSerializer(_reloaded(assignment)).data, status=status.HTTP_201_CREATED
        )


def _reloaded(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_related("work__category", "judge").get(pk=assignment.pk)


class ApplyView(RoundView):
    """Save the engine's plan: incremental keeps every current assignment and adds missing
    judges; a full plan replaces the current one while the round is being assigned and
    nobody has a score sheet."""

    serializer_class = shapes.ApplySerializer

    @extend_schema(responses={200: shapes.ApplyResultSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        round_ = self.round()
        incremental = self.validated()["incremental"]
        result = services.round_apply(round=round_, actor=request.user, incremental=incremental)
        return Response(shapes.ApplyResultSerializer(result).data)


class AssignmentDetailView(ApiViewMixin, GenericAPIView):
    """DELETE: take the work back from a judge who has not scored it. PATCH: move it to
    another judge (a new assignment is made; its id is returned)."""

    permission_classes = [IsAuthenticated]
    serializer_class = shapes.AssignmentMoveSerializer
    filter_backends = []
    pagination_class = None

    def assignment(self) -> Assignment:
        assignment = selectors.access_assignment(self.request.user, self.kwargs["pk"])
        self.contest = assignment.round.contest
        return assignment

    @extend_schema(responses={204: None, **errors(401, 403, 404, 409)})
    def delete(self, request, pk: int):
        services.assignment_remove(assignment=self.assignment(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: shapes.AssignmentSerializer, **errors(400, 401, 403, 404, 409)})
    def patch(self, request, pk: int):
        assignment = self.assignment()
        data = self.validated()
        moved = services.assignment_move(
            assignment=assignment,
            to_judge=selectors.panel_user(assignment.round, data["judge"]),
            actor=request.user,
            force=data["force"],
        )
        return Response(shapes.AssignmentSerializer(_reloaded(moved)).data)


class ProgressView(RoundView):
    """Progress of the round in total, by category and by judge (assigned, submitted, in
    progress, not started, %, overdue)."""

    serializer_class = shapes.RoundProgressSerializer

    @extend_schema(responses={200: shapes.RoundProgressSerializer, **errors(401, 403, 404)})
    def get(self, request, pk: int):
        return Response(shapes.RoundProgressSerializer(round_progress(self.round())).data)


class RemindersView(RoundView):
    """E-mail a reminder, in their language, to each judge with unfinished work in the round
    (sent in the background)."""

    serializer_class = shapes.RemindersSerializer

    @extend_schema(
        request=None, responses={202: shapes.RemindersSerializer, **errors(401, 403, 404, 409)}
    )
    def post(self, request, pk: int):
        count = monitoring.reminders_queue(round=self.round(), actor=request.user)
        return Response({"judges": count}, status=status.HTTP_202_ACCEPTED)
