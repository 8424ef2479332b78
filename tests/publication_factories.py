"""Factories for publication: a contest whose last round is frozen into a snapshot and whose
awards are confirmed, written directly (these tests are about what happens after awarding).

`awarded_contest()` builds one category (初中·数学·教师组) with works ranked 1…n and awards:
rank 1 → 一等奖, ranks 2–3 → 二等奖, others unawarded but ranked. Names have rare characters.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from awards.models import Award, AwardScheme, AwardTier
from contest.models import Contest, Work
from judging.models import Round
from publication.models import Notice
from results.models import ResultSnapshot, SnapshotEntry
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf

RARE_NAMES = ["龘靐", "䶮璿", "堃燚", "喆犇", "淼鑫", "垚焱"]


@dataclass
class Awarded:
    contest: Contest
    organiser: object
    round: Round
    snapshot: ResultSnapshot
    scheme: AwardScheme
    category: object
    works: list[Work] = field(default_factory=list)
    tiers: dict[str, AwardTier] = field(default_factory=dict)


def _work(contest, category, rank: int) -> Work:
    entrant = factories.UserFactory(real_name=RARE_NAMES[(rank - 1) % len(RARE_NAMES)] + str(rank))
    work = wf.WorkFactory(
        contest=contest,
        category=category,
        entrant=entrant,
        status=Work.Status.ACCEPTED,
        title=f"勾股定理的证明·第{rank}名",
    )
    wf.CoAuthorFactory(work=work, name=f"欧阳燚{rank}")
    return work


def awarded_contest(n: int = 5, *, confirmed: bool = True, category=None, contest=None) -> Awarded:
    """A contest in results with a frozen round of `n` ranked works and confirmed awards."""
    contest = contest or factories.ContestFactory(phase=Contest.Phase.JUDGING)
    organiser = factories.OrganiserFactory(contest=contest).user
    category = category or factories.CategoryFactory(contest=contest)
    round_ = jf.RoundFactory(contest=contest, state=Round.State.FROZEN)
    snapshot = ResultSnapshot.objects.create(
        round=round_,
        method="mean",
        recommended_method="mean",
        input_hash="0" * 64,
        work_count=n,
        params={"pools": [{"key": f"category-{category.pk}", "name": category.name}]},
    )
    scheme = AwardScheme.objects.create(
        contest=contest, round=round_, mode=AwardScheme.Mode.COUNT, org_award_name="优秀组织奖"
    )
    tiers = {
        "一等奖": AwardTier.objects.create(scheme=scheme, name="一等奖", order=1, value=1),
        "二等奖": AwardTier.objects.create(scheme=scheme, name="二等奖", order=2, value=2),
    }
    made = Awarded(contest, organiser, round_, snapshot, scheme, category, tiers=tiers)
    for rank in range(1, n + 1):
        made.works.append(add_ranked(made, rank))
    if confirmed:
        confirm(made)
    return made


def add_ranked(made: Awarded, rank: int, category=None) -> Work:
    category = category or made.category
    work = _work(made.contest, category, rank)
    SnapshotEntry.objects.create(
        snapshot=made.snapshot,
        work=work,
        pool_key=f"category-{category.pk}",
        category=category,
        rank=rank,
        score=Decimal("95") - rank,
        sheet_count=3,
        judge_totals=[{"judge": 1, "total": 90, "counted": True, "arbitrator": False}],
    )
    return work


def confirm(made: Awarded) -> None:
    """Write the awards as awards' confirmation would: tiers by rank in the pool."""
    scheme = made.scheme
    entries = SnapshotEntry.objects.filter(snapshot=made.snapshot).select_related("category")
    for entry in entries:
        tier = (
            made.tiers["一等奖"]
            if entry.rank == 1
            else made.tiers["二等奖"]
            if entry.rank <= 3
            else None
        )
        if tier is None:
            continue
        Award.objects.create(
            scheme=scheme,
            kind=Award.Kind.TIER,
            work_id=entry.work_id,
            tier=tier,
            pool_key=entry.pool_key,
            pool_name=entry.category.name,
            rank=entry.rank,
            score=entry.score,
        )
    scheme.snapshot = made.snapshot
    scheme.confirmed_at = timezone.now()
    scheme.confirmed_by = made.organiser
    scheme.save()


def notice(contest, *, state: str = "open", **fields) -> Notice:
    """A notice published and, by its times, in `state` (draft, scheduled, open or closed)."""
    now = timezone.now()
    day = dt.timedelta(days=1)
    starts, ends = {
        "draft": (now + day, now + 8 * day),
        "scheduled": (now + day, now + 8 * day),
        "open": (now - day, now + 6 * day),
        "closed": (now - 8 * day, now - day),
    }[state]
    published = None if state == "draft" else now - 2 * day
    return Notice.objects.create(
        contest=contest, starts_at=starts, ends_at=ends, published_at=published, **fields
    )


def award(made: Awarded, work: Work, tier: str, rank: int) -> Award:
    """A tier award for a work added by `add_ranked` (as if confirmed with the others)."""
    return Award.objects.create(
        scheme=made.scheme,
        kind=Award.Kind.TIER,
        work=work,
        tier=made.tiers[tier],
        pool_key=f"category-{work.category_id}",
        pool_name=work.category.name,
        rank=rank,
        score=Decimal("95") - rank,
    )
