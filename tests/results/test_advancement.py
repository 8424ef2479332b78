"""Advancement rules: top N, top N %, threshold, per pool or overall, ties at the cut-off."""

from decimal import Decimal

import pytest

from contest.errors import Conflict, ValidationFailed
from judging.models import Round, RoundWork
from results.models import Advancement, RankingSettings
from results.services.advancement import advancement_apply, advancement_plan
from results.services.snapshots import snapshot_freeze
from tests import factories
from tests import judging_factories as jf
from tests import results_factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    """Pool 1: A 9, B 8, C 8, D 5, E 3; pool 2 (another category): F 7, G 6."""
    round_, works, judges = rf.scored_round(
        {label: {"j1": [v]} for label, v in zip("ABCDE", [9, 8, 8, 5, 3], strict=True)}
    )
    other = factories.CategoryFactory(contest=round_.contest)
    for label, v in (("F", 7), ("G", 6)):
        works[label] = rf.work(round_, other)
        rf.sheet(round_, works[label], judges["j1"], [v])
    RankingSettings.objects.create(round=round_, method="mean")
    snapshot = snapshot_freeze(round=round_, actor=factories.UserFactory())
    return snapshot, works


def ids(works, labels):
    return {works[x].pk for x in labels}


def test_top_n_per_pool_takes_the_whole_tie(frozen):
    snapshot, works = frozen
    plan = advancement_plan(snapshot=snapshot, rule="top_n", value=2)
    assert set(plan.work_ids) == ids(works, "ABCFG")
    first = plan.pools[0]
    assert (first.count, first.cutoff_rank, first.cutoff_score, first.tied) == (
        3,
        2,
        Decimal("8.0000"),
        2,
    )
    assert plan.tied_ids == ids(works, "BC")


def test_top_percent_per_pool(frozen):
    snapshot, works = frozen
    # 40 % of 5 = 2 (tie → 3); 40 % of 2 = 0.8 → at least 1.
    plan = advancement_plan(snapshot=snapshot, rule="top_percent", value="40")
    assert set(plan.work_ids) == ids(works, "ABCF")


def test_threshold(frozen):
    snapshot, works = frozen
    plan = advancement_plan(snapshot=snapshot, rule="threshold", value="6")
    assert set(plan.work_ids) == ids(works, "ABCFG")
    assert not plan.tied_ids


def test_top_n_overall(frozen):
    snapshot, works = frozen
    plan = advancement_plan(snapshot=snapshot, rule="top_n", value=4, per_pool=False)
    assert set(plan.work_ids) == ids(works, "ABCF")
    plan = advancement_plan(snapshot=snapshot, rule="top_n", value=2, per_pool=False)
    assert set(plan.work_ids) == ids(works, "ABC")


@pytest.mark.parametrize(
    ("rule", "value", "field"),
    [
        ("top_n", "2.5", "value"),
        ("top_n", "-1", "value"),
        ("top_percent", "120", "value"),
        ("threshold", "abc", "value"),
        ("best", "1", "rule"),
    ],
)
def test_bad_rules(frozen, rule, value, field):
    snapshot, _works = frozen
    with pytest.raises(ValidationFailed) as exc:
        advancement_plan(snapshot=snapshot, rule=rule, value=value)
    assert field in exc.value.fields


def test_apply_sets_the_next_rounds_works(frozen):
    snapshot, works = frozen
    later = jf.RoundFactory(
        contest=snapshot.round.contest, state=Round.State.DRAFT, order=snapshot.round.order + 1
    )
    user = factories.UserFactory()
    done = advancement_apply(snapshot=snapshot, to_round=later, rule="top_n", value=1, actor=user)
    assert done.count == 2 and done.created_by == user
    assert set(RoundWork.objects.filter(round=later).values_list("work_id", flat=True)) == ids(
        works, "AF"
    )
    # Applying again replaces it.
    again = advancement_apply(
        snapshot=snapshot, to_round=later, rule="threshold", value=8, actor=user
    )
    assert Advancement.objects.get().pk == again.pk
    assert RoundWork.objects.filter(round=later).count() == 3
    assert again.detail[f"category-{works['A'].category_id}"]["count"] == 3


def test_apply_refuses_an_open_or_earlier_round(frozen):
    snapshot, _works = frozen
    contest = snapshot.round.contest
    opened = jf.RoundFactory(
        contest=contest, state=Round.State.OPEN, order=snapshot.round.order + 10
    )
    with pytest.raises(Conflict):
        advancement_apply(
            snapshot=snapshot, to_round=opened, rule="top_n", value=1, actor=factories.UserFactory()
        )
    earlier = jf.RoundFactory(contest=contest, state=Round.State.DRAFT, order=0)
    with pytest.raises(ValidationFailed):
        advancement_apply(
            snapshot=snapshot,
            to_round=earlier,
            rule="top_n",
            value=1,
            actor=factories.UserFactory(),
        )
    elsewhere = jf.RoundFactory(state=Round.State.DRAFT, order=60)
    with pytest.raises(ValidationFailed):
        advancement_apply(
            snapshot=snapshot,
            to_round=elsewhere,
            rule="top_n",
            value=1,
            actor=factories.UserFactory(),
        )
