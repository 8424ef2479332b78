"""Reads for the results exports: a round's frozen ranking with its people and awards, the
confirmed awards for publication.

Rankings come from the frozen snapshot only (never recomputed here), so an export matches what
was frozen. One query for the entries whatever their number: authors, institutions and the
confirmed award come in as subqueries, rows are read in chunks.
"""

from django.db.models import (
    Case,
    CharField,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _

from awards.models import Award, Kind
from awards.selectors.awards import awards_of
from contest.errors import ValidationFailed
from contest.models import Contest
from judging.models import Round
from reports.selectors.works import co_authors
from results.models import ResultSnapshot, SnapshotEntry

CHUNK = 2000

RANKING_FIELDS = (
    "rank",
    "shares_rank",
    "pool_key",
    "category__name",
    "work__anonymous_code",
    "work__title",
    "work__entrant__real_name",
    "co_author_names",
    "work__entrant__institution__name",
    "co_author_institutions",
    "judge_totals",
    "method_scores",
    "score",
    "sheet_count",
    "tier_name",
    "top_prize_name",
)


def snapshot_of(round: Round) -> ResultSnapshot:
    """The round's frozen snapshot; a clear error while its results are not frozen."""
    snapshot = ResultSnapshot.objects.filter(round=round).first()
    if snapshot is None:
        message = _("The results of this round are not frozen yet: freeze them first.")
        raise ValidationFailed(message, code="not_frozen", fields={"round": [message]})
    return snapshot


def ranking_entries(snapshot: ResultSnapshot, *, category=None) -> QuerySet[SnapshotEntry]:
    entries = SnapshotEntry.objects.filter(snapshot=snapshot)
    if category is not None:
        entries = entries.filter(category=category)
    return entries


def pool_names(snapshot: ResultSnapshot) -> dict[str, str]:
    return {pool["key"]: pool["name"] for pool in snapshot.params.get("pools", [])}


class JsonArrayLength(Func):
    """The length of a JSON array column (SQLite's json_array_length, PostgreSQL's jsonb one)."""

    function = "json_array_length"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="jsonb_array_length", **extra)


def most_judge_totals(snapshot: ResultSnapshot) -> int:
    """The longest list of judges' totals of the snapshot's works: the per-judge columns
    needed (an arbitrator's score, listed there too, may make it one more than needed)."""
    entries = SnapshotEntry.objects.filter(snapshot=snapshot)
    return entries.aggregate(most=Max(JsonArrayLength("judge_totals")))["most"] or 0


def _award_names(snapshot: ResultSnapshot) -> dict:
    """The confirmed tier and top prize of each entry's work, as subqueries; plain nulls when
    no award was confirmed on this round (saving two subqueries a row)."""
    awards = Award.objects.filter(scheme__round_id=snapshot.round_id)
    if not awards.exists():
        return {"tier_name": Value(None, CharField()), "top_prize_name": Value(None, CharField())}
    mine = awards.filter(work=OuterRef("work"))
    return {
        "tier_name": Subquery(mine.filter(kind=Kind.TIER).values("tier__name")[:1]),
        "top_prize_name": Subquery(mine.filter(kind=Kind.TOP_PRIZE).values("top_prize__name")[:1]),
    }


def ranking_rows(snapshot: ResultSnapshot, *, category=None):
    """Tuples in RANKING_FIELDS order: pool by pool (in the snapshot's pool order), by rank,
    then anonymous code. Tier and top prize are the confirmed awards of a scheme on this round."""
    order = {pool["key"]: i for i, pool in enumerate(snapshot.params.get("pools", []))}
    pool_order = Case(
        *(When(pool_key=key, then=Value(i)) for key, i in order.items()),
        default=Value(len(order)),
        output_field=IntegerField(),
    )
    return (
        ranking_entries(snapshot, category=category)
        .annotate(
            co_author_names=co_authors("name", "work"),
            co_author_institutions=co_authors("institution", "work"),
            **_award_names(snapshot),
        )
        .order_by(pool_order, "pool_key", "rank", "work__anonymous_code")
        .values_list(*RANKING_FIELDS)
        .iterator(chunk_size=CHUNK)
    )


# --- Awards for publication

AWARD_FIELDS = (
    "kind",
    "prize",
    "pool_name",
    "rank",
    "score",
    "work__anonymous_code",
    "work__title",
    "work__category__name",
    "work__entrant__real_name",
    "co_author_names",
    "work__entrant__institution__name",
    "co_author_institutions",
    "work__supervisor_name",
    "work__supervisor_institution",
    "institution__name",
)


def awards_in_scope(contest: Contest, *, category=None) -> QuerySet[Award]:
    awards = awards_of(contest)
    if category is not None:
        awards = awards.filter(work__category=category)
    return awards


def award_rows(contest: Contest, *, category=None):
    """Tuples in AWARD_FIELDS order (`prize` is the tier's, top prize's or organisation award's
    name), in `awards_of` order: top prizes, then pools by rank, then organisations."""
    prize = Case(
        When(kind=Kind.TIER, then=F("tier__name")),
        When(kind=Kind.TOP_PRIZE, then=F("top_prize__name")),
        default=F("scheme__org_award_name"),
        output_field=CharField(),
    )
    return (
        awards_in_scope(contest, category=category)
        .annotate(
            prize=prize,
            co_author_names=co_authors("name", "work"),
            co_author_institutions=co_authors("institution", "work"),
        )
        .values_list(*AWARD_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
