"""Tie decisions, confirming, overrides, withdrawing the confirmation and the publication lock."""

from decimal import Decimal

import pytest
from django.utils import translation

from awards.models import Award, AwardEvent, Kind, TieDecision
from awards.selectors.schemes import awards_confirmed, awards_locked
from awards.services import decisions as services
from contest.errors import Conflict, ValidationFailed
from results.selectors.ranking import snapshot_in_use
from tests import awards_factories as af
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tied():
    """Pool A: 90, 80, 80, 70 with 一等奖 × 2 and 二等奖 × 1 — the two 80s tie at the cut-off."""
    contest = factories.ContestFactory(phase="judging")
    snapshot, works = af.frozen_snapshot(contest, {"A": [90, 80, 80, 70]})
    scheme = af.scheme(contest, snapshot.round, tiers=[("一等奖", 2), ("二等奖", 1)])
    return scheme, works["A"], af.organiser(contest)


def test_confirm_refuses_undecided_ties_and_writes_nothing(tied):
    scheme, _works, actor = tied
    with translation.override("en"), pytest.raises(Conflict) as info:
        services.awards_confirm(scheme=scheme, actor=actor)
    assert info.value.code == "undecided_ties"
    assert "2 tied" in str(info.value.message)
    assert not Award.objects.exists()
    assert not awards_confirmed(scheme.contest)


def test_settle_then_confirm(tied):
    scheme, works, actor = tied
    first, second = scheme.tiers.all()
    services.ties_settle(
        scheme=scheme,
        decisions=[
            {"kind": "tier", "work": works[1].pk, "tier": first.pk, "reason": "更多评委给了高分"},
            {"kind": "tier", "work": works[2].pk, "tier": second.pk, "reason": "更多评委给了高分"},
        ],
        actor=actor,
    )
    assert TieDecision.objects.count() == 2
    assert AwardEvent.objects.filter(action="tie").count() == 2
    event = AwardEvent.objects.filter(action="tie", work=works[2]).get()
    assert (event.before, event.after, event.actor) == ("一等奖", "二等奖", actor)
    services.awards_confirm(scheme=scheme, actor=actor)
    rows = {a.work_id: a for a in Award.objects.select_related("tier")}
    assert {w: a.tier.name for w, a in rows.items()} == {
        works[0].pk: "一等奖",
        works[1].pk: "一等奖",
        works[2].pk: "二等奖",
    }
    assert rows[works[2].pk].tie_at_cutoff and rows[works[2].pk].decided
    assert not rows[works[0].pk].tie_at_cutoff
    assert rows[works[0].pk].pool_name == "A" and rows[works[0].pk].score == Decimal(90)
    scheme.refresh_from_db()
    assert scheme.confirmed_by == actor and scheme.snapshot_id is not None
    assert awards_confirmed(scheme.contest)


def test_confirm_with_decisions_in_the_same_request(tied):
    scheme, works, actor = tied
    decisions = [
        {"kind": "tier", "work": works[1].pk, "tier": None, "reason": "r"},
        {"kind": "tier", "work": works[2].pk, "tier": None, "reason": "r"},
    ]
    services.awards_confirm(scheme=scheme, actor=actor, decisions=decisions)
    assert list(Award.objects.values_list("work_id", flat=True)) == [works[0].pk]


def test_a_bad_decision_in_confirm_loses_nothing(tied):
    scheme, works, actor = tied
    decisions = [
        {"kind": "tier", "work": works[1].pk, "tier": None, "reason": "r"},
        {"kind": "tier", "work": works[3].pk, "tier": None, "reason": "r"},
    ]
    with translation.override("en"), pytest.raises(ValidationFailed) as info:
        services.awards_confirm(scheme=scheme, actor=actor, decisions=decisions)
    assert info.value.fields == {"work": ["This one is not tied at a cut-off."]}
    assert not TieDecision.objects.exists() and not Award.objects.exists()


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"kind": "tier", "tier": 999999, "reason": "r"}, "tier"),
        ({"kind": "tier", "tier": None, "reason": " "}, "reason"),
        ({"kind": "prize", "tier": None, "reason": "r"}, "kind"),
    ],
)
def test_settle_refuses_bad_rows(tied, row, field):
    scheme, works, actor = tied
    with pytest.raises(ValidationFailed) as info:
        services.ties_settle(scheme=scheme, decisions=[{**row, "work": works[1].pk}], actor=actor)
    assert field in info.value.fields


def test_duplicate_confirm_is_a_conflict(tied):
    scheme, works, actor = tied
    decisions = [
        {"kind": "tier", "work": works[1].pk, "tier": None, "reason": "r"},
        {"kind": "tier", "work": works[2].pk, "tier": None, "reason": "r"},
    ]
    services.awards_confirm(scheme=scheme, actor=actor, decisions=decisions)
    with pytest.raises(Conflict) as info:
        services.awards_confirm(scheme=scheme, actor=actor)
    assert info.value.code == "confirmed"
    assert Award.objects.count() == 1


@pytest.fixture
def confirmed():
    contest = factories.ContestFactory(phase="judging")
    snapshot, works = af.frozen_snapshot(contest, {"A": [90, 80, 70]})
    scheme = af.scheme(contest, snapshot.round, tiers=[("一等奖", 1), ("二等奖", 1)])
    actor = af.organiser(contest)
    services.awards_confirm(scheme=scheme, actor=actor)
    return scheme, works["A"], actor


def test_override_changes_the_tier_and_is_recorded(confirmed):
    scheme, works, actor = confirmed
    first, _second = scheme.tiers.all()
    award = Award.objects.get(work=works[1])
    services.award_override(award=award, actor=actor, reason="申诉成立", tier=first.pk)
    award.refresh_from_db()
    assert award.tier == first and award.overridden
    assert (award.override_reason, award.overridden_by) == ("申诉成立", actor)
    assert award.overridden_at is not None
    event = AwardEvent.objects.get(action="override")
    assert (event.before, event.after, event.work_id) == ("二等奖", "一等奖", works[1].pk)


def test_override_removes_an_award(confirmed):
    _scheme, works, actor = confirmed
    award = Award.objects.get(work=works[0])
    assert services.award_override(award=award, actor=actor, reason="违规", remove=True) is None
    assert not Award.objects.filter(work=works[0]).exists()
    event = AwardEvent.objects.get(action="remove")
    assert (event.before, event.reason) == ("一等奖", "违规")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reason": "", "tier": None}, "reason"),
        ({"reason": "r", "tier": 999999}, "tier"),
        ({"reason": "r", "tier": None}, "tier"),
    ],
)
def test_override_refuses_bad_input(confirmed, kwargs, field):
    _scheme, works, actor = confirmed
    award = Award.objects.get(work=works[0])
    with pytest.raises(ValidationFailed) as info:
        services.award_override(award=award, actor=actor, **kwargs)
    assert field in info.value.fields
    award.refresh_from_db()
    assert not award.overridden


def test_override_to_the_same_tier_is_refused(confirmed):
    _scheme, works, actor = confirmed
    award = Award.objects.get(work=works[0])
    with pytest.raises(ValidationFailed):
        services.award_override(award=award, actor=actor, reason="r", tier=award.tier_id)


def test_unconfirm_deletes_awards_unless_locked(confirmed):
    scheme, _works, actor = confirmed
    services.awards_lock(contest=scheme.contest, actor=actor)
    assert awards_locked(scheme.contest)
    with pytest.raises(Conflict) as info:
        services.awards_unconfirm(scheme=scheme, actor=actor)
    assert info.value.code == "locked"
    assert Award.objects.count() == 2
    services.awards_unlock(contest=scheme.contest, actor=actor)
    assert not awards_locked(scheme.contest)
    services.awards_unconfirm(scheme=scheme, actor=actor, reason="重新评定")
    scheme.refresh_from_db()
    assert not Award.objects.exists() and scheme.confirmed_at is None
    assert list(AwardEvent.objects.values_list("action", flat=True))[:3] == [
        "unconfirm",
        "unlock",
        "lock",
    ]


def test_lock_needs_confirmed_awards():
    contest = factories.ContestFactory(phase="judging")
    with pytest.raises(Conflict) as info:
        services.awards_lock(contest=contest, actor=None)
    assert info.value.code == "awards_not_confirmed"
    assert not awards_locked(contest)


def test_unconfirm_when_not_confirmed_is_a_conflict(tied):
    scheme, _works, actor = tied
    with pytest.raises(Conflict):
        services.awards_unconfirm(scheme=scheme, actor=actor)


def test_organisation_tie_settled():
    x, y = (factories.InstitutionFactory() for _ in range(2))
    contest = factories.ContestFactory(phase="judging")
    snapshot, _works = af.frozen_snapshot(contest, {"A": [(90, x), (90, y)]})
    scheme = af.scheme(
        contest,
        snapshot.round,
        tiers=[("一等奖", 2, 10)],
        org_award_name="优秀组织奖",
        org_top_count=1,
    )
    actor = af.organiser(contest)
    decisions = [
        {"kind": "organisation", "institution": x.pk, "awarded": True, "reason": "r"},
        {"kind": "organisation", "institution": y.pk, "awarded": False, "reason": "r"},
    ]
    services.awards_confirm(scheme=scheme, actor=actor, decisions=decisions)
    org = Award.objects.get(kind=Kind.ORGANISATION)
    assert (org.institution, org.score, org.decided, org.prize_name) == (
        x,
        Decimal(10),
        True,
        "优秀组织奖",
    )


def test_confirmed_awards_keep_the_snapshot_frozen(confirmed):
    scheme, _works, actor = confirmed
    scheme.refresh_from_db()
    assert snapshot_in_use(scheme.snapshot)
    snapshot = scheme.snapshot
    services.awards_unconfirm(scheme=scheme, actor=actor)
    assert not snapshot_in_use(snapshot)
