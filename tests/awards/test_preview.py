"""The awards preview on small hand-made snapshots: exact allocations, ties, top prizes and the
organisation award formula."""

import datetime as dt
from decimal import Decimal

import pytest

from awards.models import AwardTier, Kind, TieDecision, TopPrize
from awards.services.preview import awards_preview
from contest.errors import Conflict
from contest.models import Work
from results.models import ResultSnapshot
from tests import awards_factories as af
from tests import factories
from tests import judging_factories as jf

pytestmark = pytest.mark.django_db

TEN = [95, 90, 90, 80, 70, 60, 50, 40, 30, 20]


def _tiers_by_work(preview, works, kind=Kind.TIER):
    model = AwardTier if kind == Kind.TIER else TopPrize
    names = {t.pk: t.name for t in model.objects.all()}
    by_work = {line.work: names[line.prize] for line in preview.lines if line.kind == kind}
    return [by_work.get(w.pk) for w in works]


def _setup(pools, **scheme):
    contest = factories.ContestFactory(phase="judging")
    snapshot, works = af.frozen_snapshot(contest, pools)
    made = af.scheme(contest, snapshot.round, **scheme)
    return made, works


def test_counts_allocate_exactly():
    scheme, works = _setup(
        {"A": TEN}, mode="count", tiers=[("一等奖", 1), ("二等奖", 2), ("三等奖", 3)]
    )
    preview = awards_preview(scheme=scheme)
    assert _tiers_by_work(preview, works["A"]) == [
        "一等奖",
        "二等奖",
        "二等奖",
        "三等奖",
        "三等奖",
        "三等奖",
        None,
        None,
        None,
        None,
    ]
    assert preview.ties == []
    [pool] = preview.pools
    assert pool.name == "A" and pool.size == 10
    assert sorted(pool.counts.values()) == [1, 2, 3]


def test_percents_allocate_on_the_pool_size():
    scheme, works = _setup(
        {"A": TEN, "B": [80, 70, 60, 50]},
        mode="percent",
        tiers=[("一等奖", 10), ("二等奖", 20), ("三等奖", 30)],
    )
    preview = awards_preview(scheme=scheme)
    assert _tiers_by_work(preview, works["A"])[:7] == [
        "一等奖",
        "二等奖",
        "二等奖",
        "三等奖",
        "三等奖",
        "三等奖",
        None,
    ]
    # 4 works: floor(0.4) = 0, floor(0.8) = 0, floor(1.2) = 1.
    assert _tiers_by_work(preview, works["B"]) == ["三等奖", None, None, None]


def test_cutoffs_allocate_by_score_and_never_split_ties():
    scheme, works = _setup(
        {"A": TEN}, mode="cutoff", tiers=[("一等奖", 90), ("二等奖", 80), ("三等奖", 60)]
    )
    preview = awards_preview(scheme=scheme)
    assert _tiers_by_work(preview, works["A"]) == [
        "一等奖",
        "一等奖",
        "一等奖",
        "二等奖",
        "三等奖",
        "三等奖",
        None,
        None,
        None,
        None,
    ]
    assert preview.ties == []


def test_per_pool_value_replaces_the_tier_value():
    scheme, works = _setup({"A": [90, 80, 70], "B": [90, 80, 70]}, tiers=[("一等奖", 1)])
    tier = scheme.tiers.get()
    key = ResultSnapshot.objects.get().params["pools"][1]["key"]
    tier.pool_values.create(pool_key=key, value=2)
    preview = awards_preview(scheme=scheme)
    assert _tiers_by_work(preview, works["A"]) == ["一等奖", None, None]
    assert _tiers_by_work(preview, works["B"]) == ["一等奖", "一等奖", None]


def test_tie_at_a_cutoff_is_flagged_then_settled():
    scheme, works = _setup({"A": [90, 80, 80, 70]}, tiers=[("一等奖", 2), ("二等奖", 1)])
    preview = awards_preview(scheme=scheme)
    first, second = scheme.tiers.all()
    tied = {t.work for t in preview.ties}
    assert tied == {works["A"][1].pk, works["A"][2].pk}
    assert {t.proposed for t in preview.ties} == {first.pk}
    assert len(preview.undecided) == 2
    # The tied pair overflows into the second tier's place: the 70 gets nothing.
    assert _tiers_by_work(preview, works["A"]) == ["一等奖", "一等奖", "一等奖", None]
    TieDecision.objects.create(
        scheme=scheme, kind="tier", work=works["A"][2], tier=second, awarded=True, reason="r"
    )
    preview = awards_preview(scheme=scheme)
    assert _tiers_by_work(preview, works["A"]) == ["一等奖", "一等奖", "二等奖", None]
    assert len(preview.undecided) == 1
    decided = next(line for line in preview.lines if line.work == works["A"][2].pk)
    assert decided.decided and decided.tie_at_cutoff and decided.reason == "r"


def test_top_prizes_across_pools_leave_their_pools():
    scheme, works = _setup(
        {"A": [95, 88, 60], "B": [92, 70, 50]},
        tiers=[("一等奖", 1)],
        top=[("特等奖", 2)],
    )
    preview = awards_preview(scheme=scheme)
    assert _tiers_by_work(preview, works["A"], Kind.TOP_PRIZE) == ["特等奖", None, None]
    assert _tiers_by_work(preview, works["B"], Kind.TOP_PRIZE) == ["特等奖", None, None]
    assert _tiers_by_work(preview, works["A"]) == [None, "一等奖", None]
    assert _tiers_by_work(preview, works["B"]) == [None, "一等奖", None]
    top = [line for line in preview.lines if line.kind == Kind.TOP_PRIZE]
    assert [(line.rank, line.score) for line in top] == [(1, Decimal("95")), (2, Decimal("92"))]


def test_top_prizes_may_keep_the_pool_tier():
    scheme, works = _setup(
        {"A": [95, 88]}, tiers=[("一等奖", 1)], top=[("特等奖", 1)], top_prizes_keep_tier=True
    )
    preview = awards_preview(scheme=scheme)
    assert _tiers_by_work(preview, works["A"], Kind.TOP_PRIZE) == ["特等奖", None]
    assert _tiers_by_work(preview, works["A"]) == ["一等奖", None]


def test_top_prize_tie_across_pools_is_flagged():
    scheme, works = _setup({"A": [95, 90], "B": [90, 50]}, top=[("特等奖", 2)])
    preview = awards_preview(scheme=scheme)
    assert {(t.kind, t.work) for t in preview.ties} == {
        (Kind.TOP_PRIZE, works["A"][1].pk),
        (Kind.TOP_PRIZE, works["B"][0].pk),
    }


def test_works_without_a_final_score_get_nothing():
    scheme, works = _setup({"A": [90, None]}, tiers=[("一等奖", 5)])
    preview = awards_preview(scheme=scheme)
    assert _tiers_by_work(preview, works["A"]) == ["一等奖", None]


def test_organisation_award_formula():
    x, y, z = (factories.InstitutionFactory() for _ in range(3))
    # x: 3 entries, a 一等奖 (10) and a 特等奖 (20) → 3 + 30 = 33
    # y: 2 entries, a 二等奖 (5) → 2 + 5 = 7;  z: 1 entry, nothing → 1
    scheme, _works = _setup(
        {"A": [(99, x), (90, x), (80, y), (70, x), (60, y), (50, z)]},
        tiers=[("一等奖", 1, 10), ("二等奖", 1, 5)],
        top=[("特等奖", 1, 20)],
        org_award_name="优秀组织奖",
        org_entry_points=Decimal(1),
        org_top_count=2,
    )
    preview = awards_preview(scheme=scheme)
    points = {i.id: (i.entries, i.points, i.rank, i.awarded) for i in preview.institutions}
    assert points[x.pk] == (3, Decimal(33), 1, True)
    assert points[y.pk] == (2, Decimal(7), 2, True)
    assert points[z.pk] == (1, Decimal(1), 3, False)
    org = [line for line in preview.lines if line.kind == Kind.ORGANISATION]
    assert [(line.institution, line.rank, line.score) for line in org] == [
        (x.pk, 1, Decimal(33)),
        (y.pk, 2, Decimal(7)),
    ]


def test_organisation_minimal_points_and_ties():
    x, y, z = (factories.InstitutionFactory() for _ in range(3))
    scheme, _works = _setup(
        {"A": [(90, x), (80, y), (70, z)]},
        tiers=[("一等奖", 3, 10)],
        org_award_name="优秀组织奖",
        org_top_count=2,
        org_min_points=Decimal(10),
    )
    preview = awards_preview(scheme=scheme)
    # All three have 10 points: the top 2 splits a tie of three.
    assert {t.institution for t in preview.ties} == {x.pk, y.pk, z.pk}
    assert all(t.kind == Kind.ORGANISATION for t in preview.ties)


def test_no_frozen_snapshot_is_a_conflict():
    contest = factories.ContestFactory(phase="judging")
    made = af.scheme(contest, jf.RoundFactory(contest=contest), tiers=[("一等奖", 1)])
    with pytest.raises(Conflict) as info:
        awards_preview(scheme=made)
    assert info.value.code == "no_snapshot"


def test_disqualified_works_and_stale_decisions_are_left_out():
    scheme, works = _setup({"A": [90, 80, 80, 70]}, tiers=[("一等奖", 2)])
    first = scheme.tiers.get()
    decision = TieDecision.objects.create(
        scheme=scheme, kind="tier", work=works["A"][1], tier=None, awarded=False, reason="r"
    )
    snapshot = ResultSnapshot.objects.get()
    # A decision taken before the snapshot was (re)frozen no longer counts.
    TieDecision.objects.filter(pk=decision.pk).update(
        decided_at=snapshot.created_at - dt.timedelta(seconds=1)
    )
    assert len(awards_preview(scheme=scheme).undecided) == 2
    Work.objects.filter(pk=works["A"][0].pk).update(status=Work.Status.DISQUALIFIED)
    preview = awards_preview(scheme=scheme)
    assert preview.ties == []
    assert _tiers_by_work(preview, works["A"]) == [None, "一等奖", "一等奖", None]
    assert {line.prize for line in preview.lines} == {first.pk}


def test_a_scheme_without_a_round_is_a_conflict():
    contest = factories.ContestFactory(phase="judging")
    made = af.scheme(contest, None)
    with pytest.raises(Conflict) as info:
        awards_preview(scheme=made)
    assert info.value.code == "no_snapshot"
