"""Rubrics, their criteria, and rounds through the API.

Organisers of the contest write; its judges may read rounds and rubrics (they score against
them), never a round's works. Every object is fetched through one access helper, which raises
NotFound / PermissionDeniedError in the API's one error shape. An edit of a frozen rubric (one
used by a round that has opened) is made on a copy: the response then describes the copy and
carries the header X-Rubric-Copied-From with the original's id.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from contest.api.views.base import ApiViewMixin, errors
from judging.api.serializers_rubrics import (
    CriteriaOrderSerializer,
    CriterionSerializer,
    RefreshResultSerializer,
    RoundSerializer,
    RoundStateSerializer,
    RubricCreateSerializer,
    RubricFileSerializer,
    RubricSerializer,
    RubricUpdateSerializer,
)
from judging.models import Round, Rubric
from judging.selectors.rounds import (
    access_judging,
    access_round,
    access_rubric,
    criterion_of,
    rounds_of,
    rubric_export,
    rubrics_of,
)
from judging.services import rounds as round_services
from judging.services import rubrics as services

COPIED_HEADER = "X-Rubric-Copied-From"
COPIED = OpenApiParameter(
    COPIED_HEADER,
    int,
    OpenApiParameter.HEADER,
    response=True,
    description=_(
        "Present when the rubric was frozen: the change was made on a new copy, which the "
        "response describes; the value is the id of the untouched original."
    ),
)


class JudgingView(ApiViewMixin, GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = None
    contest = None

    def rubric(self, *, manage: bool = False) -> Rubric:
        rubric = access_rubric(self.request.user, self.kwargs["pk"], manage=manage)
        self.contest = rubric.contest
        return rubric

    def round(self, *, manage: bool = False) -> Round:
        round_ = access_round(self.request.user, self.kwargs["pk"], manage=manage)
        self.contest = round_.contest
        return round_

    def edited(self, edit, data, code: int = status.HTTP_200_OK) -> Response:
        headers = {}
        if edit.copied_from is not None:
            headers[COPIED_HEADER] = str(edit.copied_from.pk)
        return Response(data, status=code, headers=headers)


# --- Rubrics


class ContestRubricsView(JudgingView):
    serializer_class = RubricSerializer
    pagination_class = GenericAPIView.pagination_class

    def get_queryset(self):
        return rubrics_of(self.contest) if self.contest else Rubric.objects.none()

    @extend_schema(
        description="The contest's rubrics with their criteria (organisers and judges).",
        responses={200: RubricSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request, contest_slug: str):
        self.contest = access_judging(request.user, contest_slug, manage=False)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RubricSerializer(page, many=True).data)

    @extend_schema(
        request=RubricCreateSerializer,
        responses={201: RubricSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, contest_slug: str):
        self.contest = access_judging(request.user, contest_slug, manage=True)
        data = self.validated(serializer_class=RubricCreateSerializer)
        rubric = services.rubric_create(contest=self.contest, **data)
        return Response(RubricSerializer(rubric).data, status=status.HTTP_201_CREATED)


class RubricImportView(JudgingView):
    serializer_class = RubricFileSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        description="Create a rubric from the JSON shape of the shared rubric files (as "
        "exported): a missing step is 1, a missing weight 1; `includes` and `group` are kept "
        "in the description. Problems are listed per criterion and nothing is saved.",
        request=RubricFileSerializer,
        responses={201: RubricSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, contest_slug: str):
        self.contest = access_judging(request.user, contest_slug, manage=True)
        rubric = services.rubric_import(contest=self.contest, data=request.data)
        return Response(RubricSerializer(rubric).data, status=status.HTTP_201_CREATED)


class RubricDetailView(JudgingView):
    serializer_class = RubricSerializer

    @extend_schema(responses={200: RubricSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        return Response(RubricSerializer(self.rubric()).data)

    @extend_schema(
        request=RubricUpdateSerializer,
        parameters=[COPIED],
        responses={200: RubricSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request, pk: int):
        rubric = self.rubric(manage=True)
        data = self.validated(serializer_class=RubricUpdateSerializer)
        edit = services.rubric_update(rubric=rubric, **data)
        return self.edited(edit, RubricSerializer(edit.rubric).data)


class RubricExportView(JudgingView):
    serializer_class = RubricFileSerializer

    @extend_schema(
        description="The rubric in the shape the import reads.",
        responses={200: RubricFileSerializer, **errors(401, 404)},
    )
    def get(self, request, pk: int):
        return Response(rubric_export(self.rubric()))


class CriteriaView(JudgingView):
    serializer_class = CriterionSerializer

    @extend_schema(responses={200: CriterionSerializer(many=True), **errors(401, 404)})
    def get(self, request, pk: int):
        criteria = self.rubric().criteria.order_by("order", "pk")
        return Response(CriterionSerializer(criteria, many=True).data)

    @extend_schema(
        parameters=[COPIED],
        responses={201: CriterionSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        rubric = self.rubric(manage=True)
        edit = services.criterion_add(rubric=rubric, **self.validated())
        return self.edited(edit, CriterionSerializer(edit.criterion).data, status.HTTP_201_CREATED)


class CriterionDetailView(JudgingView):
    serializer_class = CriterionSerializer

    def criterion(self, *, manage: bool = False):
        return criterion_of(self.rubric(manage=manage), self.kwargs["criterion_pk"])

    @extend_schema(responses={200: CriterionSerializer, **errors(401, 404)})
    def get(self, request, pk: int, criterion_pk: int):
        return Response(CriterionSerializer(self.criterion()).data)

    @extend_schema(
        parameters=[COPIED],
        responses={200: CriterionSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request, pk: int, criterion_pk: int):
        criterion = self.criterion(manage=True)
        edit = services.criterion_update(criterion=criterion, **self.validated(partial=True))
        return self.edited(edit, CriterionSerializer(edit.criterion).data)

    @extend_schema(
        parameters=[COPIED],
        responses={
            204: None,
            200: OpenApiResponse(
                RubricSerializer, description="The rubric was frozen: the copy, without it."
            ),
            **errors(401, 403, 404, 409),
        },
    )
    def delete(self, request, pk: int, criterion_pk: int):
        edit = services.criterion_delete(criterion=self.criterion(manage=True))
        if edit.copied_from is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self.edited(edit, RubricSerializer(edit.rubric).data)


class CriteriaOrderView(JudgingView):
    serializer_class = CriteriaOrderSerializer

    @extend_schema(
        description="Put the criteria in this order (every criterion id of the rubric, once).",
        parameters=[COPIED],
        responses={200: RubricSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        rubric = self.rubric(manage=True)
        edit = services.criteria_reorder(rubric=rubric, **self.validated())
        return self.edited(edit, RubricSerializer(edit.rubric).data)


# --- Rounds


class ContestRoundsView(JudgingView):
    serializer_class = RoundSerializer
    pagination_class = GenericAPIView.pagination_class

    def get_queryset(self):
        return rounds_of(self.contest) if self.contest else Round.objects.none()

    @extend_schema(
        description="The contest's rounds in order (organisers and judges).",
        responses={200: RoundSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request, contest_slug: str):
        self.contest = access_judging(request.user, contest_slug, manage=False)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RoundSerializer(page, many=True).data)

    @extend_schema(responses={201: RoundSerializer, **errors(400, 401, 403, 404)})
    def post(self, request, contest_slug: str):
        self.contest = access_judging(request.user, contest_slug, manage=True)
        round_ = round_services.round_create(contest=self.contest, **self.validated())
        return Response(self.get_serializer(round_).data, status=status.HTTP_201_CREATED)


class RoundDetailView(JudgingView):
    serializer_class = RoundSerializer

    @extend_schema(responses={200: RoundSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        return Response(self.get_serializer(self.round()).data)

    @extend_schema(responses={200: RoundSerializer, **errors(400, 401, 403, 404, 409)})
    def patch(self, request, pk: int):
        round_ = self.round(manage=True)
        changes = self.validated(partial=True)
        round_ = round_services.round_update(round=round_, **changes)
        return Response(self.get_serializer(round_).data)


class RoundStateView(JudgingView):
    serializer_class = RoundStateSerializer

    @extend_schema(
        description="Move the round: draft → assigning → open → closed; open → assigning "
        "before any score sheet exists.",
        responses={200: RoundSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        round_ = self.round(manage=True)
        round_ = round_services.round_set_state(round=round_, **self.validated())
        return Response(RoundSerializer(round_, context=self.get_serializer_context()).data)


class RoundRefreshWorksView(JudgingView):
    serializer_class = RefreshResultSerializer

    @extend_schema(
        description="Add the accepted works not in the round yet (assigning or open rounds).",
        request=None,
        responses={200: RefreshResultSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        added = round_services.round_refresh_works(round=self.round(manage=True))
        return Response({"added": added})
