"""Third marking (三评) and arbitration (仲裁): opening a case, adding a judge, settling it
(agreed or still apart), arbitrating and reopening, with the refusals; idempotence."""

from decimal import Decimal

import pytest
from django.utils import translation

from contest.errors import Conflict, PermissionDeniedError, ValidationFailed
from judging.models import Assignment, CaseEvent, DivergenceCase, Round, RoundWork
from judging.selectors.divergence import round_cases
from judging.services.divergence import case_arbitrate, case_reopen, work_check
from judging.services.sheets import sheet_reopen
from tests import cases_factories as cf
from tests import judging_factories as jf

pytestmark = pytest.mark.django_db
S = DivergenceCase.State
K = CaseEvent.Kind


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def kinds(case) -> list[str]:
    return list(case.events.order_by("pk").values_list("kind", flat=True))


# --- Opening


def test_totals_within_the_tolerance_open_no_case():
    s = cf.scene(tolerance="10")
    assert cf.submit_all(s, 50, 60) is None
    assert not DivergenceCase.objects.exists()
    assert RoundWork.objects.get(round=s.round, work=s.work).extra_judges == 0


def test_nothing_happens_until_every_live_sheet_is_in():
    s = cf.scene(k=3, tolerance="5")
    cf.submit(s.first[0], 30)
    cf.submit(s.first[1], 90)
    assert work_check(round_id=s.round.pk, work_id=s.work.pk) is None
    assert not DivergenceCase.objects.exists()


def test_fewer_sheets_than_judges_per_work_open_no_case():
    s = cf.scene(k=2, tolerance="5")
    Round.objects.filter(pk=s.round.pk).update(judges_per_work=3)
    assert cf.submit_all(s, 30, 90) is None


def test_a_wide_spread_opens_a_case_and_adds_a_judge():
    s = cf.scene(tolerance="10")
    case = cf.submit_all(s, 50, 62.5)
    assert case.state == S.THIRD_MARKING and case.spread == Decimal("12.50")
    assert kinds(case) == [K.OPENED, K.JUDGE_ADDED]
    [third] = cf.new_assignments(s)
    assert third.judge == s.spare[0] and third.state == Assignment.State.PENDING
    opened = case.events.get(kind=K.OPENED)
    assert opened.detail["totals"] == {
        str(s.first[0].pk): "50.00",
        str(s.first[1].pk): "62.50",
    }
    assert case.events.get(kind=K.JUDGE_ADDED).detail == {"assignments": [third.pk]}
    assert RoundWork.objects.get(round=s.round, work=s.work).extra_judges == 1


def test_tolerance_zero_opens_a_case_on_any_difference():
    s = cf.scene(tolerance="0")
    assert cf.submit_all(s, 70, 70.5).state == S.THIRD_MARKING
    other = cf.scene(tolerance="0")
    assert cf.submit_all(other, 70, 70) is None


def test_with_no_judge_to_add_the_case_goes_straight_to_arbitration():
    s = cf.scene(spare=0)
    case = cf.submit_all(s, 40, 80)
    assert case.state == S.ARBITRATION
    assert kinds(case) == [K.OPENED, K.NO_JUDGE]
    # The request for a judge is withdrawn: a later fill staffs nobody for this work.
    assert RoundWork.objects.get(round=s.round, work=s.work).extra_judges == 0
    jf.judge(s.contest)
    from judging.services.assignment import round_fill

    assert round_fill(round_id=s.round.pk).added_count == 0


def test_a_closed_round_sends_the_case_to_arbitration():
    s = cf.scene()
    for assignment, total in zip(s.first, (40, 80), strict=True):
        cf.submit(assignment, total)
    Round.objects.filter(pk=s.round.pk).update(state=Round.State.CLOSED)
    case = work_check(round_id=s.round.pk, work_id=s.work.pk)
    assert case.state == S.ARBITRATION and kinds(case) == [K.OPENED, K.NO_JUDGE]
    assert cf.new_assignments(s) == []


def test_a_frozen_round_opens_no_case():
    s = cf.scene()
    for assignment, total in zip(s.first, (40, 80), strict=True):
        cf.submit(assignment, total)
    Round.objects.filter(pk=s.round.pk).update(state=Round.State.FROZEN)
    assert work_check(round_id=s.round.pk, work_id=s.work.pk) is None


def test_the_check_is_idempotent():
    s = cf.scene()
    case = cf.submit_all(s, 50, 70)
    for _ in range(3):
        assert work_check(round_id=s.round.pk, work_id=s.work.pk) == case
    assert DivergenceCase.objects.count() == 1 and CaseEvent.objects.count() == 2
    assert len(cf.new_assignments(s)) == 1
    assert RoundWork.objects.get(round=s.round, work=s.work).extra_judges == 1


def test_recusals_do_not_count():
    s = cf.scene(k=2, spare=1, tolerance="5")
    extra = jf.assignment(s.round, work=s.work, state=Assignment.State.RECUSED)
    case = cf.submit_all(s, 50, 70)
    assert str(extra.pk) not in case.events.get(kind=K.OPENED).detail["totals"]


# --- Settling


def test_a_third_sheet_close_to_one_resolves_the_case():
    s = cf.scene(tolerance="10")
    case = cf.submit_all(s, 50, 70)
    [third] = cf.new_assignments(s)
    cf.submit(third, 65)
    assert work_check(round_id=s.round.pk, work_id=s.work.pk).pk == case.pk
    case.refresh_from_db()
    assert case.state == S.RESOLVED and case.closed_at is not None
    agreed = case.events.get(kind=K.AGREED)
    assert agreed.detail["closest_pair_spread"] == "5.00"
    assert set(agreed.detail["totals"]) == {str(a.pk) for a in [*s.first, third]}


def test_a_third_sheet_still_apart_goes_to_arbitration():
    s = cf.scene(tolerance="10")
    case = cf.submit_all(s, 30, 90)
    [third] = cf.new_assignments(s)
    cf.submit(third, 60)
    work_check(round_id=s.round.pk, work_id=s.work.pk)
    case.refresh_from_db()
    assert case.state == S.ARBITRATION and case.closed_at is None
    assert kinds(case) == [K.OPENED, K.JUDGE_ADDED, K.STILL_APART]
    assert case.events.get(kind=K.STILL_APART).detail["closest_pair_spread"] == "30.00"


def test_tolerance_zero_resolves_only_on_an_exact_pair():
    s = cf.scene(tolerance="0")
    case = cf.submit_all(s, 60, 61)
    [third] = cf.new_assignments(s)
    cf.submit(third, 61)
    work_check(round_id=s.round.pk, work_id=s.work.pk)
    case.refresh_from_db()
    assert case.state == S.RESOLVED


def test_a_resubmitted_first_sheet_does_not_settle_the_case_without_the_third():
    s = cf.scene(tolerance="10")
    case = cf.submit_all(s, 50, 70)
    [third] = cf.new_assignments(s)
    # The third judge has not scored: nothing to settle, whatever is rechecked.
    sheet_reopen(assignment=s.first[0], actor=s.organiser, reason="再看一遍")
    cf.submit(Assignment.objects.get(pk=s.first[0].pk), 68)
    work_check(round_id=s.round.pk, work_id=s.work.pk)
    case.refresh_from_db()
    assert case.state == S.THIRD_MARKING and third.state == Assignment.State.PENDING


def test_the_submit_path_runs_the_check_after_commit(django_capture_on_commit_callbacks):
    s = cf.scene(tolerance="10")
    cf.submit(s.first[0], 40)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        cf.submit(s.first[1], 80)
    assert callbacks, "the submission enqueues the check on commit"
    case = DivergenceCase.objects.get(round=s.round, work=s.work)
    assert case.state == S.THIRD_MARKING and len(cf.new_assignments(s)) == 1


def test_a_resubmission_after_reopening_runs_the_check(django_capture_on_commit_callbacks):
    s = cf.scene(tolerance="10")
    assert cf.submit_all(s, 50, 55) is None
    sheet_reopen(assignment=s.first[1], actor=s.organiser, reason="评分有误")
    with django_capture_on_commit_callbacks(execute=True):
        cf.submit(Assignment.objects.get(pk=s.first[1].pk), 85)
    assert DivergenceCase.objects.get(round=s.round, work=s.work).spread == Decimal("35.00")


# --- Arbitration


def test_a_chief_judge_arbitrates():
    s, case = cf.in_arbitration()
    chief = cf.chief(s)
    case = case_arbitrate(case=case, actor=chief, score="72.5", note="视频质量好，取中间偏上")
    case.refresh_from_db()
    assert case.state == S.ARBITRATED and case.arbitrator == chief
    assert case.arbitrated_score == Decimal("72.50") and case.closed_at is not None
    event = case.events.get(kind=K.ARBITRATED)
    assert event.actor == chief and event.detail == {"score": "72.50"}
    summary = round_cases(s.round)[s.work.pk]
    assert (summary.state, summary.arbitrator_id, summary.score) == (
        S.ARBITRATED,
        chief.pk,
        Decimal("72.50"),
    )


def test_an_organiser_may_arbitrate_when_no_chief_is_set():
    s, case = cf.in_arbitration()
    case = case_arbitrate(case=case, actor=s.organiser, score=60, note="无组长，由组织方裁定")
    assert case.state == S.ARBITRATED and case.arbitrator == s.organiser


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("abc", "Enter a number."),
        ("NaN", "Enter a number."),
        ("-1", "Enter a score from 0 to 100."),
        ("100.5", "Enter a score from 0 to 100."),
        ("70.125", "Use at most two decimals."),
    ],
)
def test_a_wrong_score_is_refused_and_changes_nothing(score, message):
    s, case = cf.in_arbitration()
    chief = cf.chief(s)
    with pytest.raises(ValidationFailed) as refused:
        case_arbitrate(case=case, actor=chief, score=score, note="说明")
    assert refused.value.fields == {"score": [message]}
    case.refresh_from_db()
    assert case.state == S.ARBITRATION and case.arbitrated_score is None


def test_a_note_is_required():
    s, case = cf.in_arbitration()
    with pytest.raises(ValidationFailed) as refused:
        case_arbitrate(case=case, actor=cf.chief(s), score="70", note="  ")
    assert refused.value.fields == {"note": ["Say why you give this score."]}


def test_the_maximum_follows_the_rubric_weights():
    s, case = cf.in_arbitration()
    s.round.rubric.criteria.filter(order=0).update(weight=Decimal("2"))  # 100 + 20
    case_arbitrate(case=case, actor=cf.chief(s), score="120", note="满分")
    case.refresh_from_db()
    assert case.arbitrated_score == Decimal("120.00")


def test_only_a_case_in_arbitration_can_be_arbitrated():
    s = cf.scene()
    case = cf.submit_all(s, 40, 80)  # third marking
    with pytest.raises(Conflict) as refused:
        case_arbitrate(case=case, actor=cf.chief(s), score="60", note="x")
    assert refused.value.code == "not_in_arbitration"


def test_who_may_not_arbitrate():
    s, case = cf.in_arbitration()
    other = cf.scene()
    cf.chief(other)
    plain_judge = jf.judge(s.contest).user
    other_round_chief = cf.chief(other)
    for actor in (plain_judge, other_round_chief, s.first[0].judge):
        with pytest.raises(PermissionDeniedError):
            case_arbitrate(case=case, actor=actor, score="60", note="x")
    from tests import factories

    category_chief = cf.chief(s, category=factories.CategoryFactory(contest=s.contest))
    with pytest.raises(PermissionDeniedError):
        case_arbitrate(case=case, actor=category_chief, score="60", note="x")


def test_a_chief_of_the_works_category_may_arbitrate():
    s, case = cf.in_arbitration()
    chief = cf.chief(s, category=s.work.category)
    assert case_arbitrate(case=case, actor=chief, score="60", note="x").state == S.ARBITRATED


def test_a_chief_with_a_conflict_may_not_arbitrate():
    from judging.models import Conflict as ConflictOfInterest

    s, case = cf.in_arbitration()
    chief = cf.chief(s)
    ConflictOfInterest.objects.create(
        contest=s.contest, judge=chief, work=s.work, source="declared", reason="同事"
    )
    with pytest.raises(PermissionDeniedError):
        case_arbitrate(case=case, actor=chief, score="60", note="x")


def test_nothing_changes_once_the_round_is_frozen():
    s, case = cf.in_arbitration()
    chief = cf.chief(s)
    Round.objects.filter(pk=s.round.pk).update(state=Round.State.FROZEN)
    with pytest.raises(Conflict) as refused:
        case_arbitrate(case=case, actor=chief, score="60", note="x")
    assert refused.value.code == "round_frozen"
    with pytest.raises(Conflict):
        case_reopen(case=case, actor=s.organiser, reason="x")


# --- Reopening


def test_an_organiser_reopens_an_arbitrated_case():
    s, case = cf.in_arbitration()
    chief = cf.chief(s)
    case_arbitrate(case=case, actor=chief, score="66", note="x")
    case = case_reopen(case=case, actor=s.organiser, reason="申诉后复核")
    case.refresh_from_db()
    assert case.state == S.ARBITRATION and case.arbitrated_score is None
    assert case.arbitrator is None and case.closed_at is None
    event = case.events.get(kind=K.REOPENED)
    assert event.note == "申诉后复核" and event.actor == s.organiser
    assert event.detail == {"previous_state": "arbitrated", "previous_score": "66.00"}
    # …and it can be arbitrated again.
    assert case_arbitrate(case=case, actor=chief, score="70", note="y").state == S.ARBITRATED


def test_a_resolved_case_can_be_reopened():
    s = cf.scene(tolerance="10")
    case = cf.submit_all(s, 50, 70)
    [third] = cf.new_assignments(s)
    cf.submit(third, 69)
    work_check(round_id=s.round.pk, work_id=s.work.pk)
    case = case_reopen(case=case, actor=s.organiser, reason="组长要求仲裁")
    assert case.state == S.ARBITRATION


def test_reopen_refusals():
    s, case = cf.in_arbitration()
    with pytest.raises(Conflict) as refused:
        case_reopen(case=case, actor=s.organiser, reason="x")
    assert refused.value.code == "not_closed"
    with pytest.raises(ValidationFailed) as refused:
        case_reopen(case=case, actor=s.organiser, reason="")
    assert refused.value.fields == {"reason": ["Give a reason."]}
    with pytest.raises(PermissionDeniedError):
        case_reopen(case=case, actor=cf.chief(s), reason="x")
