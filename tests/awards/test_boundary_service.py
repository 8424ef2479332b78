"""Boundary re-review service: cut-off lines and uncertain works per pool, the previewed workload,
applying extra judges, and refusals (see tests/boundary_factories.py for the numbers)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from awards.models import AwardScheme, TierPoolValue
from awards.services import boundary as service
from contest.errors import Conflict, ValidationFailed
from judging.models import Assignment, Round, RoundWork
from tests import boundary_factories as bf
from tests import factories
from tests import results_factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return bf.scene()


def codes(s, pool) -> list[str]:
    label = {w.pk: k for k, w in s.works.items()}
    return [label[w.work_id] for w in pool.uncertain]


def test_lines_and_uncertain_works_from_the_scheme(s):
    review = service.boundary_review(s.round)
    assert review.method == "mean" and review.spec.source == "scheme"
    [pool] = review.pools
    assert pool.works == 10
    assert [(line.tier, round(line.cutoff, 3)) for line in pool.lines] == [
        ("一等奖", 80.167),
        ("二等奖", 68.0),
    ]
    assert pool.lines[1].lowest_in == 69.0 and pool.lines[1].highest_out == 67.0
    assert codes(s, pool) == ["E"]
    e = pool.uncertain[0]
    assert (e.score, e.sheets, e.tier, e.distance) == (69.0, 3, "二等奖", 1.0)
    assert e.se == pytest.approx(1.4851, abs=1e-4)
    assert e.code == s.works["E"].anonymous_code
    assert review.work_ids == [s.works["E"].pk]


def test_a_wider_margin_finds_more_works_nearest_first(s):
    [pool] = service.boundary_review(s.round, margin=Decimal("2.5")).pools
    assert codes(s, pool) == ["E", "F", "C"]
    [pool] = service.boundary_review(s.round, margin=Decimal(0)).pools
    assert codes(s, pool) == []


def test_entered_percentages_give_the_same_lines(s):
    spec = service.entered_spec(AwardScheme.Mode.PERCENT, [Decimal(20), Decimal(30)])
    [pool] = service.boundary_review(s.round, spec=spec).pools
    assert [round(line.cutoff, 3) for line in pool.lines] == [80.167, 68.0]
    assert codes(s, pool) == ["E"]


def test_score_cutoffs_are_the_lines(s):
    bf.tiers(s.round, AwardScheme.Mode.CUTOFF, [("一等奖", 80), ("二等奖", 68)])
    review = service.boundary_review(s.round)
    [pool] = review.pools
    assert [line.cutoff for line in pool.lines] == [80.0, 68.0]
    assert codes(s, pool) == ["E"]  # F is 1 below 68 with se 0.93: z 1.07
    # a line above every work still counts
    bf.tiers(s.round, AwardScheme.Mode.CUTOFF, [("特等奖", 90.5)])
    [pool] = service.boundary_review(s.round).pools
    assert pool.lines[0].lowest_in is None
    assert codes(s, pool) == ["A"]  # 90, se 0.93: z 0.54


def test_pools_get_their_own_lines_and_per_pool_values():
    s = bf.scene()
    category = factories.CategoryFactory(contest=s.round.contest)
    other = [rf.work(s.round, category) for _ in range(4)]
    for work, total in zip(other, [90, 80, 70, 60], strict=True):
        for i, judge in enumerate(s.judges.values()):
            rf.sheet(s.round, work, judge, [total + (i % 2)])
    scheme = AwardScheme.objects.get(contest=s.round.contest)
    first = scheme.tiers.get(name="一等奖")
    TierPoolValue.objects.create(tier=first, pool_key=f"category-{category.pk}", value=1)
    review = service.boundary_review(s.round)
    by_works = {pool.works: pool for pool in review.pools}
    assert set(by_works) == {10, 4}
    small = by_works[4]
    # 1 first prize, then 3 second prizes: everyone is awarded, so only the first line exists
    assert [line.tier for line in small.lines] == ["一等奖"]
    assert small.lines[0].cutoff == pytest.approx(85.0, abs=0.5)


def test_no_tiers_and_bad_inputs():
    s = bf.scene(scheme=False)
    with translation.override("en"), pytest.raises(Conflict) as exc:
        service.boundary_review(s.round)
    assert exc.value.code == "no_tiers"
    assert "no award tiers" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        service.boundary_review(s.round, margin=Decimal(-1), spec=None)
    assert "margin" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        service.entered_spec(AwardScheme.Mode.PERCENT, [Decimal(60), Decimal(50)])
    assert "values" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        service.entered_spec(AwardScheme.Mode.CUTOFF, [Decimal(60), Decimal(70)])
    assert "values" in exc.value.fields
    with pytest.raises(ValidationFailed):
        service.entered_spec(AwardScheme.Mode.COUNT, [Decimal("1.5")])
    with pytest.raises(ValidationFailed):
        service.entered_spec("nope", [Decimal(1)])
    with pytest.raises(ValidationFailed):
        service.entered_spec(AwardScheme.Mode.COUNT, [])


def test_round_without_sheets_has_no_lines():
    round_, _works, _judges = rf.scored_round({"A": {}, "B": {}})
    bf.tiers(round_, AwardScheme.Mode.COUNT, [("一等奖", 1)])
    review = service.boundary_review(round_)
    assert review.pools == [] and review.work_ids == []


def test_preview_shows_the_added_workload_and_saves_nothing(s):
    before = Assignment.objects.count()
    plan = service.boundary_preview(round=s.round, work_ids=[s.works["E"].pk], count=2)
    assert plan.added_count == 2
    growing = [j for j in plan.judges if j.added]
    assert {j.user_id for j in growing} == {u.pk for u in s.spares}
    assert all(j.added == 1 and j.kept == 0 for j in growing)
    assert Assignment.objects.count() == before
    assert RoundWork.objects.get(round=s.round, work=s.works["E"]).extra_judges == 0


def test_preview_reports_works_left_short(s):
    plan = service.boundary_preview(round=s.round, work_ids=[s.works["E"].pk], count=3)
    assert plan.added_count == 2 and plan.unstaffed_count == 1


def test_apply_adds_judges_through_the_assignment(s):
    e = s.works["E"]
    result = service.boundary_apply(round=s.round, work_ids=[e.pk], count=1, actor=s.organiser)
    assert result.added_count == 1 and result.unstaffed_count == 0
    new = Assignment.objects.filter(round=s.round, work=e, state=Assignment.State.PENDING)
    assert new.count() == 1 and new.get().judge in s.spares
    assert RoundWork.objects.get(round=s.round, work=e).extra_judges == 1


def test_apply_needs_an_open_round_and_says_how_to_reopen():
    s = bf.scene(state=Round.State.CLOSED)
    with translation.override("en"), pytest.raises(Conflict) as exc:
        service.boundary_apply(
            round=s.round, work_ids=[s.works["E"].pk], count=1, actor=s.organiser
        )
    assert exc.value.code == "round_not_open"
    assert "Reopen it" in exc.value.message
    Round.objects.filter(pk=s.round.pk).update(closes_at=timezone.now() - dt.timedelta(hours=1))
    s.round.refresh_from_db()
    with translation.override("en"), pytest.raises(Conflict) as exc:
        service.boundary_apply(
            round=s.round, work_ids=[s.works["E"].pk], count=1, actor=s.organiser
        )
    assert "cannot reopen" in exc.value.message
    s.round.state = Round.State.FROZEN
    with pytest.raises(Conflict):
        service.check_open(s.round)
    assert not Assignment.objects.filter(state=Assignment.State.PENDING).exists()


@pytest.mark.parametrize("count", [0, 6])
def test_apply_refuses_bad_counts(s, count):
    with pytest.raises(ValidationFailed) as exc:
        service.boundary_apply(
            round=s.round, work_ids=[s.works["E"].pk], count=count, actor=s.organiser
        )
    assert "count" in exc.value.fields


def test_apply_refuses_no_works_and_foreign_works(s):
    with pytest.raises(ValidationFailed) as exc:
        service.boundary_apply(round=s.round, work_ids=[], count=1, actor=s.organiser)
    assert "works" in exc.value.fields
    other = bf.scene()
    with pytest.raises(ValidationFailed) as exc:
        service.boundary_apply(
            round=s.round, work_ids=[other.works["A"].pk], count=1, actor=s.organiser
        )
    assert exc.value.code == "not_in_round"
    with pytest.raises(ValidationFailed):
        service.boundary_preview(round=s.round, work_ids=[other.works["A"].pk], count=1)
    assert not Assignment.objects.filter(state=Assignment.State.PENDING).exists()
