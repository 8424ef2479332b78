"""Publication API: the notice (organisers), the public results (anyone, JSON) and their CSV
(organisers), an entrant's own result, and appeals (entrants file, organisers answer).

Every request resolves its object once through an access_* helper: a contest or work the user may
not reach is 404, one they see but may not manage is 403. Writes go through the services.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from contest.api.pagination import Pagination
from contest.api.views.base import ApiViewMixin, errors
from contest.errors import NotFound
from contest.models import Category
from contest.selectors import access_contest
from publication.api import serializers as shapes
from publication.exports import results_csv_response
from publication.models import Appeal
from publication.selectors.appeals import (
    access_appeal,
    access_notice_contest,
    access_own_work,
    appeals_of_contest,
    appeals_of_work,
    notice_of,
)
from publication.selectors.results import (
    public_row,
    published_awards,
    result_of_work,
    visible_notice,
)
from publication.services import appeals as appeal_services
from publication.services import notices as services


class View(ApiViewMixin, GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = None

    def body(self, serializer_class, *, partial: bool = False) -> dict:
        return self.validated(serializer_class=serializer_class, partial=partial)


class NoticeView(View):
    """The contest's notice: read, create or change (PUT / PATCH), delete while unpublished."""

    serializer_class = shapes.NoticeSerializer

    def _notice(self):
        contest = access_notice_contest(self.request.user, self.kwargs["slug"])
        return contest, notice_of(contest)

    @extend_schema(responses={200: shapes.NoticeSerializer, **errors(401, 403, 404)})
    def get(self, request, slug: str):
        _contest, notice = self._notice()
        if notice is None:
            raise NotFound()
        return Response(shapes.NoticeSerializer(notice).data)

    def _save(self, partial: bool):
        contest, _notice = self._notice()
        fields = self.body(shapes.NoticeSerializer, partial=partial)
        notice = services.notice_save(contest=contest, actor=self.request.user, fields=fields)
        return Response(shapes.NoticeSerializer(notice).data)

    @extend_schema(responses={200: shapes.NoticeSerializer, **errors(400, 401, 403, 404, 409)})
    def put(self, request, slug: str):
        return self._save(partial=False)

    @extend_schema(responses={200: shapes.NoticeSerializer, **errors(400, 401, 403, 404, 409)})
    def patch(self, request, slug: str):
        return self._save(partial=True)

    @extend_schema(responses={204: None, **errors(401, 403, 404, 409)})
    def delete(self, request, slug: str):
        contest, _notice = self._notice()
        services.notice_delete(contest=contest, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NoticeActionView(View):
    """Publish (needs confirmed awards, locks them) or withdraw (before the start)."""

    serializer_class = shapes.NoticeSerializer
    service = None

    @extend_schema(
        request=None, responses={200: shapes.NoticeSerializer, **errors(401, 403, 404, 409)}
    )
    def post(self, request, slug: str):
        contest = access_notice_contest(request.user, slug)
        notice = type(self).service(contest=contest, actor=request.user)
        return Response(shapes.NoticeSerializer(notice).data)


class NoticePublishView(NoticeActionView):
    service = services.notice_publish


class NoticeWithdrawView(NoticeActionView):
    service = services.notice_withdraw


class PublicResultsView(View):
    """The awarded works, top prizes first, then by tier and rank; only the fields the contest
    chose to show. No login needed; 404 until the notice has started."""

    permission_classes = [AllowAny]
    serializer_class = shapes.PublicResultsSerializer
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("category", str, description="A category's code.")],
        responses={200: shapes.PublicResultsSerializer, **errors(404)},
    )
    def get(self, request, slug: str):
        contest = access_contest(request.user, slug)
        notice = visible_notice(contest)
        if notice is None:
            raise NotFound()
        category = self._category(contest)
        page = self.paginate_queryset(published_awards(contest, category))
        rows = [public_row(award, notice) for award in page]
        data = {
            "contest": contest.title,
            "category": category.name if category else None,
            "notice_ends_at": notice.ends_at,
            "final": notice.is_final,
            "count": self.paginator.page.paginator.count,
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
            "results": shapes.PublicRowSerializer(rows, many=True, context={"notice": notice}).data,
        }
        response = Response(data)
        scope = "private" if request.user.is_authenticated else "public"
        response["Cache-Control"] = f"{scope}, max-age=60"
        return response

    def _category(self, contest):
        code = self.request.query_params.get("category", "")
        if not code:
            return None
        category = Category.objects.filter(contest=contest, code=code).first()
        if category is None:
            raise NotFound()
        return category


class ResultsCsvView(View):
    """Every published award with all its fields, as CSV (organisers). Cells that a spreadsheet
    would read as a formula are neutralised."""

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            **errors(401, 403, 404),
        }
    )
    def get(self, request, slug: str):
        return results_csv_response(access_notice_contest(request.user, slug))


class OwnResultView(View):
    """My work's result once the notice has started (404 before, and for anybody else's work)."""

    serializer_class = shapes.OwnResultSerializer

    @extend_schema(responses={200: shapes.OwnResultSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        work = access_own_work(request.user, pk)
        result = result_of_work(work, notice_of(work.contest))
        if result is None:
            raise NotFound()
        return Response(shapes.OwnResultSerializer(result).data)


class WorkAppealsView(View):
    """My work's appeals (GET) and filing one during the notice (POST)."""

    serializer_class = shapes.AppealCreateSerializer

    @extend_schema(responses={200: shapes.AppealSerializer(many=True), **errors(401, 404)})
    def get(self, request, pk: int):
        work = access_own_work(request.user, pk)
        return Response(shapes.AppealSerializer(appeals_of_work(work), many=True).data)

    @extend_schema(responses={201: shapes.AppealSerializer, **errors(400, 401, 404, 409)})
    def post(self, request, pk: int):
        work = access_own_work(request.user, pk)
        data = self.body(shapes.AppealCreateSerializer)
        appeal = appeal_services.appeal_file(work=work, user=request.user, **data)
        return Response(shapes.AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


class ContestAppealsView(View):
    """The contest's appeals for its organisers, newest first, filtered by state, paginated."""

    serializer_class = shapes.AppealOrganiserSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Appeal.objects.none()
        contest = access_notice_contest(self.request.user, self.kwargs["slug"])
        query = shapes.AppealFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return appeals_of_contest(contest, state=query.validated_data.get("state", ""))

    @extend_schema(
        parameters=[shapes.AppealFilterSerializer],
        responses={200: shapes.AppealOrganiserSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request, slug: str):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(shapes.AppealOrganiserSerializer(page, many=True).data)


def _appeal_data(request, appeal) -> dict:
    if request.user.has_perm("publication.answer_appeal", appeal):
        return shapes.AppealOrganiserSerializer(appeal).data
    return shapes.AppealSerializer(appeal).data


class AppealDetailView(View):
    """One appeal, for its entrant or the contest's organisers."""

    serializer_class = shapes.AppealSerializer

    @extend_schema(responses={200: shapes.AppealSerializer, **errors(401, 404)})
    def get(self, request, pk: int):
        return Response(_appeal_data(request, access_appeal(request.user, pk)))


class AppealAnswerView(View):
    """Answer an open appeal with an outcome (organisers)."""

    serializer_class = shapes.AppealAnswerSerializer

    @extend_schema(
        responses={200: shapes.AppealOrganiserSerializer, **errors(400, 401, 403, 404, 409)}
    )
    def post(self, request, pk: int):
        appeal = access_appeal(request.user, pk, answer=True)
        data = self.body(shapes.AppealAnswerSerializer)
        appeal = appeal_services.appeal_answer(appeal=appeal, actor=request.user, **data)
        return Response(_appeal_data(request, access_appeal(request.user, appeal.pk)))
