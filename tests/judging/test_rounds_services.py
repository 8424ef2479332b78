"""Round services: settings, the state machine, and the works of a round."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from contest.errors import Conflict, ValidationFailed
from judging.models import Round, RoundWork, ScoreSheet
from judging.selectors.rounds import rubric_is_frozen
from judging.services import rounds as services
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf
from tests.judging.test_rounds_helpers import empty_rubric, round_, rubric, window


@pytest.fixture(autouse=True)
def _english():
    """Services speak the active language; these tests read their English messages."""
    with translation.override("en"):
        yield


S = Round.State


@pytest.fixture
def contest(db):
    return factories.ContestFactory(phase="judging")


def _work(contest, category=None, status="accepted"):
    category = category or factories.CategoryFactory(contest=contest)
    return wf.WorkFactory(contest=contest, category=category, status=status)


def _works_of(round_obj) -> set[int]:
    return set(RoundWork.objects.filter(round=round_obj).values_list("work_id", flat=True))


def _create(contest, **changes) -> Round:
    fields = {"name": "初评", "order": 1, "rubric": rubric(contest), **window(), **changes}
    return services.round_create(contest=contest, **fields)


# --- Settings


@pytest.mark.django_db
def test_create_a_draft_round(contest):
    category = factories.CategoryFactory(contest=contest)
    created = _create(contest, categories=[category], tolerance=Decimal("10"))
    assert created.state == S.DRAFT
    assert list(created.categories.all()) == [category]
    assert (created.judges_per_work, created.tolerance) == (3, Decimal("10"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closes_at": timezone.now() - dt.timedelta(days=30)}, "closes_at"),
        ({"name": ""}, "name"),
        ({"name": "名" * 61}, "name"),
        ({"judges_per_work": 0}, "judges_per_work"),
        ({"judges_per_work": 16}, "judges_per_work"),
        ({"min_play_percent": 101}, "min_play_percent"),
        ({"tolerance": Decimal("-1")}, "tolerance"),
        ({"expertise": "psychic"}, "expertise"),
        ({"colour": "red"}, "colour"),
    ],
)
@pytest.mark.django_db
def test_bad_settings_are_refused(contest, changes, field):
    with pytest.raises(ValidationFailed) as caught:
        _create(contest, **changes)
    assert field in caught.value.fields
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_window_must_close_after_it_opens(contest):
    opens = timezone.now() + dt.timedelta(days=2)
    for closes in (opens, opens - dt.timedelta(minutes=1)):
        with pytest.raises(ValidationFailed) as caught:
            _create(contest, opens_at=opens, closes_at=closes)
        assert "closes_at" in caught.value.fields


@pytest.mark.django_db
def test_rubric_and_categories_of_another_contest_are_refused(contest):
    other = factories.ContestFactory(phase="judging")
    with pytest.raises(ValidationFailed) as caught:
        _create(contest, rubric=rubric(other))
    assert "rubric" in caught.value.fields
    with pytest.raises(ValidationFailed) as caught:
        _create(contest, categories=[factories.CategoryFactory(contest=other)])
    assert "categories" in caught.value.fields
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_position_is_unique_in_the_contest(contest):
    _create(contest, order=1)
    with pytest.raises(ValidationFailed) as caught:
        _create(contest, order=1, name="复评")
    assert "order" in caught.value.fields
    _create(factories.ContestFactory(phase="judging"), order=1)  # another contest: fine


@pytest.mark.django_db
def test_rubric_and_categories_are_fixed_once_open(contest):
    opened = round_(contest, state=S.OPEN)
    with pytest.raises(Conflict) as caught:
        services.round_update(round=opened, rubric=rubric(contest, name="另一个"))
    assert "rubric" in caught.value.fields
    with pytest.raises(Conflict):
        services.round_update(round=opened, categories=[factories.CategoryFactory(contest=contest)])
    # Sending the same values back (as the edit form does) is fine; other settings may change.
    later = opened.closes_at + dt.timedelta(days=3)
    services.round_update(round=opened, rubric=opened.rubric, categories=[], closes_at=later)
    assert Round.objects.get(pk=opened.pk).closes_at == later


@pytest.mark.django_db
def test_closed_round_keeps_all_but_its_name_and_closing_time(contest):
    closed = round_(contest, state=S.CLOSED)
    services.round_update(round=closed, name="初评（已结束）")
    later = closed.closes_at + dt.timedelta(days=2)
    services.round_update(round=closed, closes_at=later)
    assert Round.objects.get(pk=closed.pk).closes_at == later
    with pytest.raises(Conflict):
        services.round_update(round=closed, judges_per_work=5)
    assert Round.objects.get(pk=closed.pk).judges_per_work == 3


@pytest.mark.django_db
def test_frozen_round_keeps_all_but_its_name(contest):
    frozen = round_(contest, state=S.FROZEN)
    services.round_update(round=frozen, name="初评（已定）")
    with pytest.raises(Conflict) as refused:
        services.round_update(round=frozen, closes_at=frozen.closes_at + dt.timedelta(days=2))
    assert "closes_at" in refused.value.fields


# --- The state machine


@pytest.mark.django_db
def test_assigning_takes_the_accepted_works_of_the_categories(contest):
    math, art = (factories.CategoryFactory(contest=contest) for _ in range(2))
    accepted = [_work(contest, math), _work(contest, math)]
    _work(contest, art)  # another category
    for status in ("draft", "submitted", "returned", "rejected"):
        _work(contest, math, status)
    _work(factories.ContestFactory(phase="judging"))  # another contest
    draft = round_(contest)
    draft.categories.set([math])

    services.round_set_state(round=draft, state=S.ASSIGNING)

    assert Round.objects.get(pk=draft.pk).state == S.ASSIGNING
    assert _works_of(draft) == {w.pk for w in accepted}


@pytest.mark.django_db
def test_no_categories_means_every_category(contest):
    works = [_work(contest) for _ in range(3)]
    draft = round_(contest)
    services.round_set_state(round=draft, state=S.ASSIGNING)
    assert _works_of(draft) == {w.pk for w in works}


@pytest.mark.django_db
def test_a_given_list_of_works_is_kept(contest):
    chosen, _other = _work(contest), _work(contest)
    draft = round_(contest)
    assert services.round_set_works(round=draft, works=[chosen]) == 1
    services.round_set_state(round=draft, state=S.ASSIGNING)
    assert _works_of(draft) == {chosen.pk}


@pytest.mark.parametrize("status", ["submitted", "rejected"])
@pytest.mark.django_db
def test_given_works_must_be_accepted_works_of_the_contest(contest, status):
    draft = round_(contest)
    for work in (_work(contest, status=status), _work(factories.ContestFactory())):
        with pytest.raises(ValidationFailed):
            services.round_set_works(round=draft, works=[_work(contest), work])
    assert _works_of(draft) == set()


@pytest.mark.django_db
def test_given_works_cannot_drop_assigned_ones(contest):
    assigning = round_(contest, state=S.ASSIGNING)
    kept = jf.accepted_work(assigning)
    assigned = jf.accepted_work(assigning)
    jf.assignment(assigning, work=assigned)
    with pytest.raises(Conflict):
        services.round_set_works(round=assigning, works=[kept])
    assert _works_of(assigning) == {kept.pk, assigned.pk}
    services.round_set_works(round=assigning, works=[assigned])
    assert _works_of(assigning) == {assigned.pk}


@pytest.mark.django_db
def test_opening_needs_criteria_works_and_a_window(contest):
    bare = round_(contest, state=S.ASSIGNING, rubric_=empty_rubric(contest), **window())
    with pytest.raises(Conflict) as caught:
        services.round_set_state(round=bare, state=S.OPEN)
    assert "no criteria" in str(caught.value.message)
    assert "no works" in str(caught.value.message)
    assert Round.objects.get(pk=bare.pk).state == S.ASSIGNING

    late = round_(contest, state=S.ASSIGNING, order=2, **window(days_from_now=-30, length=5))
    jf.accepted_work(late)
    with pytest.raises(Conflict) as caught:
        services.round_set_state(round=late, state=S.OPEN)
    assert "window" in str(caught.value.message)


@pytest.mark.django_db
def test_opening_freezes_the_rubric(contest):
    ready = round_(contest, state=S.ASSIGNING, **window())
    jf.accepted_work(ready)
    assert not rubric_is_frozen(ready.rubric)
    services.round_set_state(round=ready, state=S.OPEN)
    assert rubric_is_frozen(ready.rubric)
    services.round_set_state(round=ready, state=S.CLOSED)
    assert rubric_is_frozen(ready.rubric)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.DRAFT, S.OPEN),
        (S.DRAFT, S.CLOSED),
        (S.ASSIGNING, S.DRAFT),
        (S.ASSIGNING, S.CLOSED),
        (S.OPEN, S.FROZEN),
        (S.CLOSED, S.FROZEN),
        (S.OPEN, "nonsense"),
    ],
)
@pytest.mark.django_db
def test_other_moves_are_refused(contest, start, target):
    current = round_(contest, state=start)
    with pytest.raises(Conflict) as caught:
        services.round_set_state(round=current, state=target)
    assert caught.value.code == "invalid_state"
    assert Round.objects.get(pk=current.pk).state == start


@pytest.mark.django_db
def test_a_closed_round_reopens_only_with_a_later_closing_time(contest):
    closed = round_(contest, state=S.CLOSED)
    jf.accepted_work(closed)
    closed.closes_at = timezone.now() - dt.timedelta(hours=1)
    closed.opens_at = closed.closes_at - dt.timedelta(days=3)
    closed.save()
    with pytest.raises(Conflict) as caught:
        services.round_set_state(round=closed, state=S.OPEN)
    assert caught.value.code == "not_ready"
    assert Round.objects.get(pk=closed.pk).state == S.CLOSED

    closed.closes_at = timezone.now() + dt.timedelta(days=1)
    closed.save()
    services.round_set_state(round=closed, state=S.OPEN)
    assert Round.objects.get(pk=closed.pk).state == S.OPEN


@pytest.mark.django_db
def test_back_to_assigning_only_before_any_sheet(contest):
    opened = round_(contest, state=S.OPEN)
    services.round_set_state(round=opened, state=S.ASSIGNING)
    assert Round.objects.get(pk=opened.pk).state == S.ASSIGNING

    scored = round_(contest, state=S.OPEN, order=2)
    ScoreSheet.objects.create(assignment=jf.assignment(scored))
    with pytest.raises(Conflict) as caught:
        services.round_set_state(round=scored, state=S.ASSIGNING)
    assert caught.value.code == "scoring_started"
    assert Round.objects.get(pk=scored.pk).state == S.OPEN


# --- Late works


@pytest.mark.parametrize("state", [S.ASSIGNING, S.OPEN])
@pytest.mark.django_db
def test_refresh_adds_late_works_and_keeps_the_others(contest, state):
    current = round_(contest, state=state)
    present = jf.accepted_work(current)
    given = _work(contest)
    RoundWork.objects.create(round=current, work=given)
    given.status = "returned"  # no longer accepted, but already in the round: it stays
    given.save()
    late = [_work(contest), _work(contest)]
    _work(contest, status="submitted")

    assert services.round_refresh_works(round=current) == 2
    assert _works_of(current) == {present.pk, given.pk, *(w.pk for w in late)}
    assert services.round_refresh_works(round=current) == 0


@pytest.mark.parametrize("state", [S.DRAFT, S.CLOSED, S.FROZEN])
@pytest.mark.django_db
def test_refresh_only_while_assigning_or_open(contest, state):
    current = round_(contest, state=state)
    _work(contest)
    with pytest.raises(Conflict):
        services.round_refresh_works(round=current)
    assert _works_of(current) == set()


@pytest.mark.django_db
def test_refresh_leaves_a_given_list_alone(contest):
    chosen = _work(contest)
    later = round_(contest)
    services.round_set_works(round=later, works=[chosen])
    services.round_set_state(round=later, state=S.ASSIGNING)
    _work(contest)  # accepted, but not advanced to this round
    with pytest.raises(Conflict):
        services.round_refresh_works(round=later)
    assert _works_of(later) == {chosen.pk}
