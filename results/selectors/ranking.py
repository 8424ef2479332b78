"""Reads for ranking: pools of a round, ranking settings, snapshots and their entries."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from contest.errors import NotFound
from contest.models import Category, Contest, User
from judging.models import Round
from judging.selectors.rounds import access_round
from results.models import (
    Advancement,
    Pool,
    PoolCategory,
    RankingSettings,
    ResultSnapshot,
    SnapshotEntry,
)


@dataclass(frozen=True)
class PoolRef:
    """Where a category is ranked: a Pool, or the category on its own (pool None)."""

    key: str
    name: str
    pool: int | None
    order: tuple


def pools_of(contest: Contest) -> QuerySet[Pool]:
    """The contest's pools in order, with their categories prefetched."""
    return (
        Pool.objects.filter(contest=contest)
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("order", "code", "pk"))
        )
        .order_by("order", "pk")
    )


def round_categories(round_: Round) -> list[Category]:
    """The round's categories (every category of the contest when it names none)."""
    chosen = list(round_.categories.order_by("order", "code", "pk"))
    if chosen:
        return chosen
    every = Category.objects.filter(contest_id=round_.contest_id)
    return list(every.order_by("order", "code", "pk"))


def category_pools(round_: Round) -> dict[int, PoolRef]:
    """category id → PoolRef for every category of the round's contest. Categories in no pool
    are their own pool."""
    categories = Category.objects.filter(contest_id=round_.contest_id).order_by(
        "order", "code", "pk"
    )
    joined = {
        m.category_id: m.pool
        for m in PoolCategory.objects.filter(pool__contest_id=round_.contest_id).select_related(
            "pool"
        )
    }
    out = {}
    for position, category in enumerate(categories):
        pool = joined.get(category.pk)
        if pool is None:
            out[category.pk] = PoolRef(
                f"category-{category.pk}", category.name, None, (1, position, category.pk)
            )
        else:
            order = (0, pool.order, pool.pk)
            out[category.pk] = PoolRef(f"pool-{pool.pk}", pool.name, pool.pk, order)
    return out


def ranking_settings(round_: Round) -> RankingSettings:
    """The round's settings, or unsaved defaults (method follows the recommendation)."""
    found = RankingSettings.objects.filter(round=round_).first()
    return found or RankingSettings(round=round_)


def snapshot_in_use(snapshot: ResultSnapshot) -> bool:
    """Whether something was built on the snapshot (an advancement; the awards app extends this
    through `SNAPSHOT_USERS`), so that it cannot be discarded."""
    return any(check(snapshot) for check in SNAPSHOT_USERS)


def _advanced(snapshot: ResultSnapshot) -> bool:
    return Advancement.objects.filter(snapshot=snapshot).exists()


# Callables snapshot → bool; later apps (awards) append theirs at import (AppConfig.ready).
SNAPSHOT_USERS: list = [_advanced]


def access_snapshot(user: User, round_pk: int) -> ResultSnapshot:
    """The frozen snapshot of a round the user manages (organisers only)."""
    round_ = access_round(user, round_pk, manage=True)
    snapshot = (
        ResultSnapshot.objects.filter(round=round_)
        .select_related("round", "round__contest", "created_by")
        .annotate(advanced=Exists(Advancement.objects.filter(snapshot=OuterRef("pk"))))
        .first()
    )
    if snapshot is None:
        raise NotFound()
    return snapshot


def snapshot_pools(snapshot: ResultSnapshot) -> list[dict]:
    """The snapshot's pools in order with their number of works: [{key, name, count, …}]."""
    counts = dict(
        SnapshotEntry.objects.filter(snapshot=snapshot)
        .values_list("pool_key")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        {**pool, "count": counts.get(pool["key"], 0)}
        for pool in snapshot.params.get("pools", [])
        if counts.get(pool["key"])
    ]


def pool_of(snapshot: ResultSnapshot, key: str) -> dict:
    for pool in snapshot.params.get("pools", []):
        if pool["key"] == key:
            return pool
    raise NotFound()


def snapshot_entries(snapshot: ResultSnapshot, pool_key: str | None = None) -> QuerySet:
    """The snapshot's entries in rank order (per pool), with work and category joined: a page
    of them costs one query whatever its length."""
    entries = SnapshotEntry.objects.filter(snapshot=snapshot)
    if pool_key is not None:
        entries = entries.filter(pool_key=pool_key)
    return entries.select_related("work", "category").order_by("pool_key", "rank", "work_id")


def entry_of(snapshot: ResultSnapshot, work_pk: int) -> SnapshotEntry:
    entry = snapshot_entries(snapshot).filter(work_id=work_pk).first()
    if entry is None:
        raise NotFound()
    return entry


def _neighbours(entry: SnapshotEntry) -> tuple[SnapshotEntry | None, SnapshotEntry | None]:
    """The nearest entries ranked above and below in the same pool (excluding ties)."""
    same = snapshot_entries(entry.snapshot, entry.pool_key).exclude(pk=entry.pk)
    above = same.filter(rank__lt=entry.rank).order_by("-rank", "work_id").first()
    below = same.filter(rank__gt=entry.rank).order_by("rank", "work_id").first()
    return above, below


def _deciding(better: SnapshotEntry, worse: SnapshotEntry, tiebreaks: list[dict]) -> dict:
    """What puts ``better`` ahead of ``worse``: the score, else the first tie-break that
    differs (``by`` is "score" or the tie-break's label)."""
    if better.score != worse.score:
        return {"by": "score", "better": better.score, "worse": worse.score}
    for tb in tiebreaks:
        if tb["kind"] == "criterion":
            high = better.criterion_means.get(str(tb["id"]))
            low = worse.criterion_means.get(str(tb["id"]))
        else:
            high, low = better.sheet_count, worse.sheet_count
        if high != low:
            return {"by": tb["label"], "better": high, "worse": low}
    return {"by": "", "better": None, "worse": None}


def entry_explanation(entry: SnapshotEntry, *, names: bool) -> dict:
    """Everything that explains an entry's rank: method scores, per-judge totals (with names
    when ``names``: organisers only), criterion means with names, the adjustments and, against
    the neighbours above and below, what decided."""
    snapshot = entry.snapshot
    params = snapshot.params
    criteria = {str(c["id"]): c for c in params.get("criteria", [])}
    tiebreaks = [
        {"kind": "criterion", "id": pk, "label": criteria.get(str(pk), {}).get("name", str(pk))}
        for pk in params.get("tiebreak_criteria", [])
    ]
    if params.get("tiebreak_sheets"):
        tiebreaks.append({"kind": "sheets", "id": None, "label": _("number of sheets")})
    judge_ids = [abs(row["judge"]) for row in entry.judge_totals]
    people = (
        dict(User.objects.filter(pk__in=judge_ids).values_list("pk", "real_name")) if names else {}
    )
    above, below = _neighbours(entry)
    return {
        "entry": entry,
        "method": snapshot.method,
        "methods": entry.method_scores,
        "judges": [
            {**row, "name": people.get(abs(row["judge"]), "")} for row in entry.judge_totals
        ],
        "criteria": [
            {
                "id": c["id"],
                "name": c["name"],
                "weight": c["weight"],
                "mean": entry.criterion_means.get(key),
            }
            for key, c in criteria.items()
        ],
        "adjustments": entry.adjustments,
        "tiebreaks": tiebreaks,
        "ties": snapshot_entries(snapshot, entry.pool_key)
        .filter(rank=entry.rank)
        .exclude(pk=entry.pk),
        "above": above and {"entry": above, **_deciding(above, entry, tiebreaks)},
        "below": below and {"entry": below, **_deciding(entry, below, tiebreaks)},
    }
