"""Ranking through the API: pools, ranking settings, method comparison, freeze and unfreeze,
the frozen results (JSON, paginated; CSV, streamed), a work's explanation, reproduce, and
advancement. Organisers of the round's contest only: access_round(manage=True) answers 404 to
people who cannot see the round and 403 to its judges, in the API's one error shape.
"""

import csv

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from contest.api.pagination import Pagination
from contest.api.views.base import ApiViewMixin, errors
from contest.errors import NotFound
from contest.models import Work
from judging.models import Round
from judging.selectors.rounds import access_judging, access_round
from results.api.ranking_serializers import (
    AdvancementInputSerializer,
    AdvancementPlanSerializer,
    AdvancementSerializer,
    ComparisonSerializer,
    EntrySerializer,
    ExplanationSerializer,
    PoolSerializer,
    RankingSettingsSerializer,
    ReproduceSerializer,
    SnapshotSerializer,
)
from results.models import METHOD_LABELS, Pool
from results.selectors.ranking import (
    access_snapshot,
    entry_explanation,
    entry_of,
    pool_of,
    pools_of,
    ranking_settings,
    snapshot_entries,
    snapshot_pools,
)
from results.services import pools as pool_services
from results.services.advancement import advancement_apply, advancement_plan
from results.services.aggregation import method_comparison, round_scores, tiebreak_columns
from results.services.snapshots import (
    ranking_settings_update,
    snapshot_freeze,
    snapshot_reproduce,
    snapshot_unfreeze,
)

POOL = OpenApiParameter("pool", str, description="A pool key (pool-<id> or category-<id>).")
RISKY = ("=", "+", "-", "@", "\t", "\r")


class RankingView(ApiViewMixin, GenericAPIView):
    permission_classes = [IsAuthenticated]
    filter_backends = []
    pagination_class = None

    def round(self) -> Round:
        return access_round(self.request.user, self.kwargs["pk"], manage=True)

    def snapshot(self):
        self.round()  # 404 / 403 before saying whether a snapshot exists
        return access_snapshot(self.request.user, self.kwargs["pk"])


# --- Pools


class ContestPoolsView(RankingView):
    serializer_class = PoolSerializer

    @extend_schema(responses={200: PoolSerializer(many=True), **errors(401, 403, 404)})
    def get(self, request, contest_slug: str):
        self.contest = access_judging(request.user, contest_slug, manage=True)
        return Response(PoolSerializer(pools_of(self.contest), many=True).data)

    @extend_schema(responses={201: PoolSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, contest_slug: str):
        self.contest = access_judging(request.user, contest_slug, manage=True)
        pool = pool_services.pool_create(contest=self.contest, **self.validated())
        return Response(PoolSerializer(pool).data, status=status.HTTP_201_CREATED)


class PoolDetailView(RankingView):
    serializer_class = PoolSerializer

    def pool(self) -> Pool:
        pool = Pool.objects.select_related("contest").filter(pk=self.kwargs["pk"]).first()
        if pool is None:
            raise NotFound()
        self.contest = access_judging(self.request.user, pool.contest.slug, manage=True)
        return pool

    @extend_schema(responses={200: PoolSerializer, **errors(401, 403, 404)})
    def get(self, request, pk: int):
        return Response(PoolSerializer(self.pool()).data)

    @extend_schema(responses={200: PoolSerializer, **errors(400, 401, 403, 404, 409)})
    def patch(self, request, pk: int):
        pool = self.pool()
        pool = pool_services.pool_update(pool=pool, **self.validated(partial=True))
        return Response(PoolSerializer(pool).data)

    @extend_schema(responses={204: None, **errors(401, 403, 404, 409)})
    def delete(self, request, pk: int):
        pool_services.pool_delete(pool=self.pool())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Before freezing


class RankingSettingsView(RankingView):
    serializer_class = RankingSettingsSerializer

    @extend_schema(responses={200: RankingSettingsSerializer, **errors(401, 403, 404)})
    def get(self, request, pk: int):
        settings = ranking_settings(self.round())
        return Response(RankingSettingsSerializer(settings).data)

    @extend_schema(responses={200: RankingSettingsSerializer, **errors(400, 401, 403, 404, 409)})
    def put(self, request, pk: int):
        round_ = self.round()
        settings = ranking_settings_update(round=round_, actor=request.user, **self.validated())
        return Response(RankingSettingsSerializer(settings).data)


class ComparisonView(RankingView):
    serializer_class = ComparisonSerializer

    @extend_schema(
        description="Each method's score and rank per pool side by side, with the method that "
        "counts, the recommendation and its reason. `changed=1` lists only the works whose "
        "rank changes between methods. Paginated (`page`, `page_size`).",
        parameters=[OpenApiParameter("changed", bool)],
        responses={200: ComparisonSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk: int):
        round_ = self.round()
        settings = ranking_settings(round_)
        frame = round_scores(round_)
        tiebreaks = tiebreak_columns(frame, settings.tiebreak_criteria, settings.tiebreak_sheets)
        compared = method_comparison(frame, tiebreaks)
        pools = [
            {
                "key": key,
                "name": name,
                "works": len(rows),
                "changes": int(rows["changes"].sum()),
            }
            for (key, name), rows in compared.groupby(["pool_key", "pool_name"], sort=False)
        ]
        if request.query_params.get("changed") in ("1", "true"):
            compared = compared[compared["changes"]]
        paginator = Pagination()
        page = paginator.paginate_queryset(compared.reset_index().to_dict("records"), request, self)
        codes = dict(
            Work.objects.filter(pk__in=[r["work"] for r in page]).values_list(
                "pk", "anonymous_code"
            )
        )
        rows = [_comparison_row(row, codes) for row in page]
        data = {
            "method": frame.attrs["method"],
            "recommended": frame.attrs["recommended"],
            "reason": frame.attrs["reason"],
            "pools": pools,
            "count": paginator.page.paginator.count,
            "results": rows,
        }
        return Response(ComparisonSerializer(data).data)


def _number(value) -> float | None:
    return None if value != value else float(value)  # NaN → None


def _comparison_row(row: dict, codes: dict) -> dict:
    return {
        "work": int(row["work"]),
        "code": codes.get(row["work"], ""),
        "pool": row["pool_key"],
        "sheets": int(row["sheets"]),
        "changes": bool(row["changes"]),
        "methods": {
            m: {"score": _number(row[m]), "rank": int(row[f"rank_{m}"])} for m in METHOD_LABELS
        },
    }


class FreezeView(RankingView):
    serializer_class = SnapshotSerializer

    @extend_schema(
        request=None,
        description="Rank every pool and freeze a snapshot; the round becomes frozen. Refused "
        "(409) unless the round is closed with no work in third marking or arbitration.",
        responses={201: SnapshotSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        snapshot = snapshot_freeze(round=self.round(), actor=request.user)
        context = {"pools": snapshot_pools(snapshot)}
        return Response(SnapshotSerializer(snapshot, context=context).data, status=201)


class UnfreezeView(RankingView):
    @extend_schema(
        request=None,
        description="Discard the snapshot (the round is closed again); refused (409) while "
        "an advancement or awards use it.",
        responses={204: None, **errors(401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        snapshot_unfreeze(round=self.round())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Frozen results


class SnapshotView(RankingView):
    serializer_class = SnapshotSerializer

    @extend_schema(responses={200: SnapshotSerializer, **errors(401, 403, 404)})
    def get(self, request, pk: int):
        snapshot = self.snapshot()
        context = {"pools": snapshot_pools(snapshot)}
        return Response(SnapshotSerializer(snapshot, context=context).data)


class ResultsView(RankingView):
    serializer_class = EntrySerializer
    pagination_class = Pagination

    @extend_schema(
        description="The frozen results in rank order per pool, paginated.",
        parameters=[POOL],
        responses={200: EntrySerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request, pk: int):
        snapshot = self.snapshot()
        key = request.query_params.get("pool")
        if key:
            pool_of(snapshot, key)
        page = self.paginate_queryset(snapshot_entries(snapshot, key or None))
        return self.get_paginated_response(EntrySerializer(page, many=True).data)


class Echo:
    def write(self, value):
        return value


def neutralise(cell):
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(cell, str) and cell.startswith(RISKY):
        return "'" + cell
    return cell


def csv_rows(snapshot, key: str | None):
    methods = list(METHOD_LABELS)
    names = {p["key"]: p["name"] for p in snapshot.params.get("pools", [])}
    yield ["pool", "rank", "shares_rank", "code", "title", "category", "score", "sheets", *methods]
    rows = snapshot_entries(snapshot, key).values_list(
        "pool_key",
        "rank",
        "shares_rank",
        "work__anonymous_code",
        "work__title",
        "category__name",
        "score",
        "sheet_count",
        "method_scores",
    )
    for pool_key, rank, shares, code, title, category, score, sheets, scores in rows.iterator(
        chunk_size=2000
    ):
        cells = [names.get(pool_key, pool_key), rank, shares, code, title, category, score, sheets]
        cells += [scores.get(m) for m in methods]
        yield [neutralise(c) for c in cells]


class ResultsCsvView(RankingView):
    @extend_schema(
        description="The frozen results as CSV (UTF-8 with BOM), streamed; text cells that a "
        "spreadsheet would run as a formula are neutralised.",
        parameters=[POOL],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            **errors(401, 403, 404),
        },
    )
    def get(self, request, pk: int):
        snapshot = self.snapshot()
        key = request.query_params.get("pool") or None
        if key:
            pool_of(snapshot, key)
        writer = csv.writer(Echo())
        lines = (writer.writerow(row) for row in csv_rows(snapshot, key))
        response = StreamingHttpResponse(_with_bom(lines), content_type="text/csv; charset=utf-8")
        name = f"results-round-{snapshot.round_id}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _with_bom(lines):
    yield "\ufeff"
    yield from lines


class ExplanationView(RankingView):
    serializer_class = ExplanationSerializer

    @extend_schema(
        description="Why a work is ranked where it is: each method's score, the judges' totals "
        "(with names), criterion means, adjustments, and what separates it from its neighbours.",
        responses={200: ExplanationSerializer, **errors(401, 403, 404)},
    )
    def get(self, request, pk: int, work_pk: int):
        entry = entry_of(self.snapshot(), work_pk)
        return Response(ExplanationSerializer(entry_explanation(entry, names=True)).data)


class ReproduceView(RankingView):
    serializer_class = ReproduceSerializer

    @extend_schema(
        request=None,
        description="Recompute from the database with the snapshot's method and tie-breaks: "
        "whether the input hash, every rank and every score still match.",
        responses={200: ReproduceSerializer, **errors(401, 403, 404)},
    )
    def post(self, request, pk: int):
        return Response(ReproduceSerializer(snapshot_reproduce(snapshot=self.snapshot())).data)


class AdvancementPreviewView(RankingView):
    serializer_class = AdvancementInputSerializer

    @extend_schema(
        responses={200: AdvancementPlanSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        snapshot = self.snapshot()
        data = self.validated()
        data.pop("to_round")
        plan = advancement_plan(snapshot=snapshot, **data)
        return Response(AdvancementPlanSerializer(plan).data)


class AdvancementView(RankingView):
    serializer_class = AdvancementInputSerializer

    @extend_schema(
        description="Send the works the rule selects (ties at the cut-off included) to a "
        "later round of the contest that is a draft or being assigned.",
        responses={201: AdvancementSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        snapshot = self.snapshot()
        done = advancement_apply(snapshot=snapshot, actor=request.user, **self.validated())
        return Response(AdvancementSerializer(done).data, status=status.HTTP_201_CREATED)
