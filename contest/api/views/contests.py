"""Contests: the list one may see, creation, settings and phase."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from contest.api.permissions import CanCreateContest, ContestAccess
from contest.api.serializers import ContestSerializer, PhaseSerializer
from contest.api.views.base import ApiViewMixin, errors
from contest.models import Contest
from contest.selectors import contests_visible_to
from contest.services.contests import contest_create, contest_set_phase, contest_update


class ContestFilter(filters.FilterSet):
    class Meta:
        model = Contest
        fields = ["year", "phase"]


class ContestViewSet(ApiViewMixin, mixins.ListModelMixin, GenericViewSet):
    """Public contests and the drafts one organises. Writes are for organisers."""

    serializer_class = ContestSerializer
    permission_classes = [IsAuthenticatedOrReadOnly, CanCreateContest, ContestAccess]
    filterset_class = ContestFilter
    lookup_field = "slug"
    lookup_value_converter = "slug"
    contest_url_kwarg = "slug"

    def get_queryset(self):
        # Aggregating drops Meta.ordering; pages need a total order.
        return contests_visible_to(self.request.user)

    def get_object(self) -> Contest:
        return self.contest  # resolved and checked by ContestAccess

    @extend_schema(responses={200: ContestSerializer, **errors(404)})
    def retrieve(self, request, slug: str):
        return Response(self.get_serializer(self.contest).data)

    @extend_schema(responses={201: ContestSerializer, **errors(400, 401, 403)})
    def create(self, request):
        contest = contest_create(creator=request.user, **self.validated())
        return Response(self.get_serializer(contest).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ContestSerializer, **errors(400, 401, 403, 404)})
    def partial_update(self, request, slug: str):
        contest = contest_update(contest=self.contest, **self.validated(partial=True))
        return Response(self.get_serializer(contest).data)

    @extend_schema(
        request=PhaseSerializer,
        responses={200: ContestSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def phase(self, request, slug: str):
        data = self.validated(serializer_class=PhaseSerializer)
        contest = contest_set_phase(contest=self.contest, phase=data["phase"])
        return Response(self.get_serializer(contest).data)
