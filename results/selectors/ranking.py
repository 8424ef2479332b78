"""Reads for ranking: pools of a round, ranking settings, snapshots and their entries."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from contest.errors import NotFound
from contest.models import Category, Contest, User
from judging.models import Round
from judging.selectors.rounds import access_round
from results.models import Advancement, Pool, PoolCategory, RankingSettings, ResultSnapshot


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
