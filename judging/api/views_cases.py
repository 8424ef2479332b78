"""Divergence cases (三评 / 仲裁) in the API.

Organisers: a round's cases (GET rounds/{id}/cases/, ?state=), one case with its history
(GET cases/{id}/) and reopening (POST cases/{id}/reopen/), checked by `access_round` /
`access_case`: a contest the user may not see is 404, one they see but may not manage is 403.
Chief judges: their queue (GET judging/arbitration/) and one case, blind (GET and POST
judging/arbitration/{id}/, `access_arbitration`); organisers may arbitrate there too. Writes call
judging.services.divergence, whose refusals come back in the API's one error shape.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from contest.api.pagination import Pagination
from contest.api.views.base import ApiViewMixin, errors
from judging.api import serializers_cases as shapes
from judging.models import DivergenceCase
from judging.selectors.assignment import access_round
from judging.selectors.divergence import (
    access_arbitration,
    access_case,
    arbitration_queue,
    case_bundle,
    case_history,
    cases_of_round,
)
from judging.services.divergence import case_arbitrate, case_reopen


class CaseApiView(ApiViewMixin, GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = None

    def detail(self, case: DivergenceCase) -> Response:
        case = access_case(self.request.user, case.pk)  # reloaded with what the shape reads
        case.history = case_history(case)
        context = self.get_serializer_context()
        return Response(shapes.CaseDetailSerializer(case, context=context).data)


class RoundCasesView(CaseApiView):
    """The round's divergence cases, newest first, optionally of one state."""

    serializer_class = shapes.CaseSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DivergenceCase.objects.none()
        round_ = access_round(self.request.user, self.kwargs["pk"])
        query = shapes.CaseFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return cases_of_round(round_, state=query.validated_data.get("state", ""))

    @extend_schema(
        parameters=[shapes.CaseFilterSerializer],
        responses={200: shapes.CaseSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request, pk: int):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CaseView(CaseApiView):
    """One case with its whole history (judges' names included: organisers only)."""

    serializer_class = shapes.CaseDetailSerializer

    @extend_schema(responses={200: shapes.CaseDetailSerializer, **errors(401, 403, 404)})
    def get(self, request, pk: int):
        return self.detail(access_case(request.user, pk))


class CaseReopenView(CaseApiView):
    """Send a resolved or arbitrated case back to arbitration, with a reason."""

    serializer_class = shapes.CaseReopenSerializer

    @extend_schema(responses={200: shapes.CaseDetailSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        case = access_case(request.user, pk)
        data = self.validated()
        return self.detail(case_reopen(case=case, actor=request.user, reason=data["reason"]))


class ArbitrationQueueView(CaseApiView):
    """The cases awaiting my arbitration as a chief judge, oldest first (blind)."""

    serializer_class = shapes.ArbitrationItemSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DivergenceCase.objects.none()
        return arbitration_queue(self.request.user)

    @extend_schema(responses={200: shapes.ArbitrationItemSerializer(many=True), **errors(401)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ArbitrationCaseView(CaseApiView):
    """GET: a case as its chief judge sees it (blind): the work, its judges' copies, the
    counted sheets as "Judge 1"…. POST: give the arbitrated score with the reasons."""

    serializer_class = shapes.ArbitrateSerializer

    def blind(self, case: DivergenceCase) -> Response:
        bundle = case_bundle(case)
        context = self.get_serializer_context()
        return Response(shapes.ArbitrationCaseSerializer(bundle, context=context).data)

    @extend_schema(responses={200: shapes.ArbitrationCaseSerializer, **errors(401, 403, 404)})
    def get(self, request, pk: int):
        return self.blind(access_arbitration(request.user, pk))

    @extend_schema(
        responses={200: shapes.ArbitrationCaseSerializer, **errors(400, 401, 403, 404, 409)}
    )
    def post(self, request, pk: int):
        case = access_arbitration(request.user, pk)
        data = self.validated()
        case_arbitrate(case=case, actor=request.user, score=data["score"], note=data["note"])
        return self.blind(access_arbitration(request.user, pk))
