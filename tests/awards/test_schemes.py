"""Scheme set-up: tiers by mode, top prizes, organisation settings, and what is refused."""

from decimal import Decimal

import pytest
from django.utils import translation

from awards.models import AwardScheme, TieDecision
from awards.services import decisions
from awards.services import schemes as services
from contest.errors import Conflict, ValidationFailed
from tests import awards_factories as af
from tests import factories
from tests import judging_factories as jf

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme():
    contest = factories.ContestFactory(phase="judging")
    return services.scheme_save(contest=contest, mode="percent")


def _tiers(scheme, *values):
    names = ["一等奖", "二等奖", "三等奖", "优秀奖"]
    rows = [{"name": names[i], "value": Decimal(v)} for i, v in enumerate(values)]
    return services.tiers_set(scheme=scheme, tiers=rows)


def test_scheme_save_creates_then_updates():
    contest = factories.ContestFactory(phase="judging")
    round_ = jf.RoundFactory(contest=contest)
    made = services.scheme_save(contest=contest, round=round_, mode="count")
    again = services.scheme_save(contest=contest, mode="cutoff")
    assert made.pk == again.pk and again.round == round_ and again.mode == "cutoff"
    assert AwardScheme.objects.count() == 1


def test_round_of_another_contest_is_refused():
    contest = factories.ContestFactory(phase="judging")
    other = jf.RoundFactory()
    with pytest.raises(ValidationFailed) as info:
        services.scheme_save(contest=contest, round=other)
    assert "round" in info.value.fields
    assert not AwardScheme.objects.exists()


def test_tiers_set_orders_and_replaces(scheme):
    first = _tiers(scheme, 10, 20, 30)
    rows = [{"id": first[1].pk, "name": "一等奖", "value": Decimal(15)}, {"name": "新", "value": 5}]
    services.tiers_set(scheme=scheme, tiers=rows)
    assert [(t.pk == first[1].pk, t.name, t.order) for t in scheme.tiers.all()] == [
        (True, "一等奖", 0),
        (False, "新", 1),
    ]


@pytest.mark.parametrize(
    ("mode", "values", "message"),
    [
        ("percent", (50, 40, 20), "The tiers' percentages add up to more than 100 %."),
        ("count", (2, "-1"), "Values may not be negative."),
        ("count", ("1.5",), "A number of works is a whole number."),
        ("cutoff", (80, 90), "Each tier's minimal score must not exceed the better tier's."),
    ],
)
def test_tiers_that_cannot_allocate_are_refused(scheme, mode, values, message):
    services.scheme_save(contest=scheme.contest, mode=mode)
    with translation.override("en"), pytest.raises(ValidationFailed) as info:
        _tiers(scheme, *values)
    assert info.value.fields == {"value": [message]}
    assert not scheme.tiers.exists()


def test_changing_the_mode_rechecks_the_tiers(scheme):
    services.scheme_save(contest=scheme.contest, mode="cutoff")
    _tiers(scheme, "90", "80.5")
    with pytest.raises(ValidationFailed):  # 90 + 80.5 > 100 %
        services.scheme_save(contest=scheme.contest, mode="percent")
    with pytest.raises(ValidationFailed):  # 80.5 works
        services.scheme_save(contest=scheme.contest, mode="count")
    scheme.refresh_from_db()
    assert scheme.mode == "cutoff"


def test_tier_add_update_delete_check_the_whole_list(scheme):
    services.scheme_save(contest=scheme.contest, mode="cutoff")
    first = services.tier_add(scheme=scheme, name="一等奖", value=Decimal(90))
    second = services.tier_add(scheme=scheme, name="二等奖", value=Decimal(80))
    assert (first.order, second.order) == (0, 1)
    with pytest.raises(ValidationFailed):
        services.tier_add(scheme=scheme, name="三等奖", value=Decimal(85))
    with pytest.raises(ValidationFailed):
        services.tier_update(tier=second, value=Decimal(95))
    services.tier_update(tier=second, pool_values={"category-1": Decimal(70)})
    assert second.pool_values.get().value == Decimal(70)
    with pytest.raises(ValidationFailed):
        services.tier_update(tier=first, pool_values={"category-1": Decimal(60)})
    services.tier_delete(tier=first)
    assert [t.name for t in scheme.tiers.all()] == ["二等奖"]


def test_per_pool_percentages_are_checked(scheme):
    tier = services.tier_add(scheme=scheme, name="一等奖", value=Decimal(50))
    services.tier_add(scheme=scheme, name="二等奖", value=Decimal(40))
    with pytest.raises(ValidationFailed):
        services.tier_update(tier=tier, pool_values={"pool-1": Decimal(70)})


def test_duplicate_tier_name_is_refused(scheme):
    services.tier_add(scheme=scheme, name="一等奖", value=Decimal(10))
    with pytest.raises(ValidationFailed):
        services.tier_add(scheme=scheme, name="一等奖", value=Decimal(10))


def test_top_prizes(scheme):
    prize = services.top_prize_add(scheme=scheme, name="特等奖", count=17)
    with pytest.raises(ValidationFailed):
        services.top_prize_add(scheme=scheme, name="特等奖", count=3)
    with pytest.raises(ValidationFailed):
        services.top_prize_update(prize=prize, count=0)
    services.top_prize_update(prize=prize, count=12, points=Decimal(5))
    prize.refresh_from_db()
    assert (prize.count, prize.points) == (12, Decimal(5))
    services.top_prize_delete(prize=prize)
    assert not scheme.top_prizes.exists()


def test_organisation_award_needs_a_count_or_points(scheme):
    with pytest.raises(ValidationFailed):
        services.scheme_save(contest=scheme.contest, org_award_name="优秀组织奖")
    services.scheme_save(contest=scheme.contest, org_award_name="优秀组织奖", org_top_count=12)


def test_confirmed_scheme_is_not_edited_and_changes_forget_ties():
    contest = factories.ContestFactory(phase="judging")
    snapshot, works = af.frozen_snapshot(contest, {"A": [90, 80, 80]})
    made = af.scheme(contest, snapshot.round, tiers=[("一等奖", 2)])
    actor = af.organiser(contest)
    row = {"kind": "tier", "work": works["A"][1].pk, "tier": None, "reason": "r"}
    decisions.ties_settle(scheme=made, decisions=[row], actor=actor)
    services.tier_update(tier=made.tiers.get(), value=Decimal(3))
    assert not TieDecision.objects.exists()
    decisions.awards_confirm(scheme=made, actor=actor)
    for call in (
        lambda: services.scheme_save(contest=contest, mode="percent"),
        lambda: services.tier_add(scheme=made, name="二等奖", value=Decimal(1)),
        lambda: services.top_prize_add(scheme=made, name="特等奖", count=1),
    ):
        with pytest.raises(Conflict) as info:
            call()
        assert info.value.code == "confirmed"


def test_setup_changes_mode_and_tiers_together():
    contest = factories.ContestFactory(phase="judging")
    services.scheme_setup(
        contest=contest,
        settings={"mode": "cutoff"},
        tiers=[{"name": "一等奖", "value": Decimal(90)}, {"name": "二等奖", "value": Decimal(80)}],
        top_prizes=[{"name": "特等奖", "count": 17}],
    )
    scheme = AwardScheme.objects.get()
    kept = scheme.tiers.get(name="二等奖")
    # 90 + 80 would be refused as percentages, but the new tiers come with the new mode.
    services.scheme_setup(
        contest=contest,
        settings={"mode": "percent"},
        tiers=[{"id": kept.pk, "name": "一等奖", "value": Decimal(10)}],
        top_prizes=[],
    )
    scheme.refresh_from_db()
    assert scheme.mode == "percent"
    assert [(t.pk, t.name, t.value) for t in scheme.tiers.all()] == [(kept.pk, "一等奖", 10)]
    assert not scheme.top_prizes.exists()


def test_setup_refusal_loses_nothing():
    contest = factories.ContestFactory(phase="judging")
    services.scheme_setup(
        contest=contest,
        settings={"mode": "count"},
        tiers=[{"name": "一等奖", "value": Decimal(2)}],
        top_prizes=[],
    )
    with pytest.raises(ValidationFailed):
        services.scheme_setup(
            contest=contest,
            settings={"mode": "count"},
            tiers=[{"name": "一等奖", "value": Decimal(1)}],
            top_prizes=[{"name": "特等奖", "count": 1}, {"name": "特等奖", "count": 2}],
        )
    scheme = AwardScheme.objects.get()
    assert [(t.name, t.value) for t in scheme.tiers.all()] == [("一等奖", 2)]
    assert not scheme.top_prizes.exists()
