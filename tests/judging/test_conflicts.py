"""Conflicts of interest (回避): automatic ones computed from institutions, organiser-set ones that
recuse an existing assignment and refill the round, and judges' own declarations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contest.errors import Conflict, PermissionDeniedError, ValidationFailed
from judging.models import Assignment, Round
from judging.models import Conflict as ConflictOfInterest
from judging.selectors.panel import (
    automatic_conflicts,
    conflict_pairs,
    conflict_reasons,
    normalise_name,
    region_conflicts,
)
from judging.services.conflicts import conflict_declare, conflict_remove, conflict_set
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf


@pytest.fixture
def round_(db):
    return jf.RoundFactory(judges_per_work=1)


@pytest.fixture
def organiser(round_):
    return factories.OrganiserFactory(contest=round_.contest).user


def school(name="杭州市犇鑫实验学校", province="33", city="杭州市"):
    return factories.InstitutionFactory(name=name, province=province, city=city)


def judge_at(round_, institution, **fields):
    return jf.judge(round_.contest, user=factories.UserFactory(institution=institution), **fields)


def work_from(round_, institution, **fields):
    return jf.accepted_work(
        round_, entrant=factories.UserFactory(institution=institution), **fields
    )


# --- Automatic conflicts


def test_names_are_compared_normalised():
    assert normalise_name(" 杭州市 犇鑫 实验学校 ") == normalise_name("杭州市犇鑫实验学校")
    assert normalise_name("ＡＢＣ　School") == normalise_name("abc school")


@pytest.mark.django_db
def test_same_institution_as_the_entrant(round_):
    here = school()
    member = judge_at(round_, here)
    mine = work_from(round_, here)
    work_from(round_, school("别的学校"))
    rows = automatic_conflicts(round_)
    assert [(r.judge.pk, r.work_id, r.reasons) for r in rows] == [
        (member.user_id, mine.pk, ["institution"])
    ]
    assert rows[0].work.anonymous_code == mine.anonymous_code


@pytest.mark.django_db
def test_co_author_and_supervisor_institution_names(round_):
    member = judge_at(round_, school("杭州市犇鑫实验学校"))
    co_authored = work_from(round_, school("别的学校"))
    wf.CoAuthorFactory(work=co_authored, name="欧阳燚", institution=" 杭州市犇鑫 实验学校")
    supervised = work_from(round_, school("第三学校"), supervisor_institution="杭州市犇鑫实验学校")
    unrelated = work_from(round_, school("第四学校"))
    wf.CoAuthorFactory(work=unrelated, institution="杭州市犇鑫实验学校分校")
    found = {(r.work_id, tuple(r.reasons)) for r in automatic_conflicts(round_)}
    assert found == {(co_authored.pk, ("co_author",)), (supervised.pk, ("supervisor",))}
    pairs = conflict_pairs(round_)
    assert (member.user_id, co_authored.pk) in pairs
    assert (member.user_id, unrelated.pk) not in pairs


@pytest.mark.django_db
def test_city_and_province_rules_follow_the_round(round_):
    member = judge_at(round_, school("甲校", "33", "杭州市"))
    same_city = work_from(round_, school("乙校", "33", "杭州市"))
    same_province = work_from(round_, school("丙校", "33", "宁波市"))
    elsewhere = work_from(round_, school("丁校", "11", "杭州市"))  # same city name, not province
    assert region_conflicts(round_) == []
    assert conflict_reasons(round_=round_, judge=member.user, work=same_city) == []

    Round.objects.filter(pk=round_.pk).update(same_city_conflict=True)
    round_.refresh_from_db()
    rows = region_conflicts(round_)
    assert [(r.kind, r.place, r.works) for r in rows] == [("city", "杭州市", 1)]
    assert conflict_reasons(round_=round_, judge=member.user, work=same_city) == ["city"]
    assert conflict_reasons(round_=round_, judge=member.user, work=elsewhere) == []

    Round.objects.filter(pk=round_.pk).update(same_province_conflict=True)
    round_.refresh_from_db()
    kinds = {(r.kind, r.works) for r in region_conflicts(round_)}
    assert kinds == {("city", 1), ("province", 2)}
    reasons = conflict_reasons(round_=round_, judge=member.user, work=same_province)
    assert reasons == ["province"]


@pytest.mark.django_db
def test_conflict_reasons_include_stored_conflicts(round_, organiser):
    member = judge_at(round_, school("甲校"))
    work = work_from(round_, school("乙校"))
    conflict_set(
        contest=round_.contest, judge=member.user, work=work, reason="亲属", actor=organiser
    )
    assert conflict_reasons(round_=round_, judge=member.user, work=work) == ["organiser"]
    assert (member.user_id, work.pk) in conflict_pairs(round_)


@pytest.mark.django_db
def test_automatic_conflicts_query_count_does_not_grow(round_):
    here = school()

    def queries(n):
        for _ in range(n):
            judge_at(round_, here)
            work = work_from(round_, here)
            wf.CoAuthorFactory(work=work, institution=here.name)
        with CaptureQueriesContext(connection) as ctx:
            automatic_conflicts(round_)
            region_conflicts(round_)
            conflict_pairs(round_)
        return len(ctx.captured_queries)

    assert queries(1) == queries(3)


# --- Organiser-set conflicts


@pytest.mark.django_db
def test_conflict_set_recuses_the_assignment_and_refills_the_round(
    round_, organiser, django_capture_on_commit_callbacks
):
    first = judge_at(round_, school("甲校"))
    second = judge_at(round_, school("乙校"))
    work = work_from(round_, school("丙校"))
    assignment = jf.assignment(round_, work=work, judge_user=first.user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        conflict = conflict_set(
            contest=round_.contest,
            judge=first.user,
            work=work,
            reason="曾指导该作者",
            actor=organiser,
        )
    assert conflict.source == ConflictOfInterest.Source.ORGANISER
    assert conflict.created_by == organiser
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.RECUSED
    assert assignment.recusal_reason == "曾指导该作者"
    assert callbacks  # the refill is queued only once the transaction commits
    # The refill task ran (tasks are immediate in tests): the other judge took the work.
    live = Assignment.objects.filter(work=work).exclude(state=Assignment.State.RECUSED)
    assert list(live.values_list("judge_id", flat=True)) == [second.user_id]


@pytest.mark.django_db
def test_conflict_set_leaves_submitted_and_closed_rounds_alone(
    round_, organiser, django_capture_on_commit_callbacks
):
    member = judge_at(round_, school("甲校"))
    work = work_from(round_, school("乙校"))
    closed = jf.RoundFactory(contest=round_.contest, rubric=round_.rubric, state="closed")
    done = jf.assignment(closed, work=work, judge_user=member.user)
    scored = jf.assignment(round_, work=work, judge_user=member.user, state="submitted")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        conflict_set(contest=round_.contest, judge=member.user, work=work, reason="x", actor=None)
    done.refresh_from_db()
    scored.refresh_from_db()
    # A closed round's results stand; a submitted sheet is the organisers' to reopen first.
    assert (done.state, scored.state) == (Assignment.State.PENDING, Assignment.State.SUBMITTED)
    assert callbacks == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "reason, field", [("", "reason"), ("   ", "reason"), ("长" * 1001, "reason")]
)
def test_conflict_set_needs_a_reason(round_, organiser, reason, field):
    member = judge_at(round_, school("甲校"))
    work = work_from(round_, school("乙校"))
    with pytest.raises(ValidationFailed) as err:
        conflict_set(
            contest=round_.contest, judge=member.user, work=work, reason=reason, actor=organiser
        )
    assert field in err.value.fields
    assert not ConflictOfInterest.objects.exists()


@pytest.mark.django_db
def test_conflict_set_refuses_outsiders_other_contests_and_duplicates(round_, organiser):
    member = judge_at(round_, school("甲校"))
    work = work_from(round_, school("乙校"))
    stranger = factories.UserFactory()
    other_work = wf.WorkFactory(status="accepted")
    with pytest.raises(ValidationFailed) as err:
        conflict_set(
            contest=round_.contest, judge=stranger, work=other_work, reason="r", actor=organiser
        )
    assert set(err.value.fields) == {"judge", "work"}
    conflict_set(contest=round_.contest, judge=member.user, work=work, reason="r", actor=organiser)
    with pytest.raises(Conflict) as err:
        conflict_set(
            contest=round_.contest, judge=member.user, work=work, reason="r", actor=organiser
        )
    assert err.value.code == "conflict_exists"
    assert ConflictOfInterest.objects.count() == 1


@pytest.mark.django_db
def test_conflict_remove_lifts_only_organiser_set_conflicts(round_, organiser):
    member = judge_at(round_, school("甲校"))
    work = work_from(round_, school("乙校"))
    conflict = conflict_set(
        contest=round_.contest, judge=member.user, work=work, reason="r", actor=organiser
    )
    conflict_remove(conflict=conflict)
    assert not ConflictOfInterest.objects.exists()
    declared = ConflictOfInterest.objects.create(
        contest=round_.contest, judge=member.user, work=work, source="declared", reason="r"
    )
    with pytest.raises(Conflict):
        conflict_remove(conflict=declared)
    assert ConflictOfInterest.objects.filter(pk=declared.pk).exists()


# --- Declared by the judge


@pytest.mark.django_db
def test_judge_declares_a_conflict_before_scoring(round_, django_capture_on_commit_callbacks):
    member = judge_at(round_, school("甲校"))
    judge_at(round_, school("乙校"))
    assignment = jf.assignment(round_, judge_user=member.user)
    with django_capture_on_commit_callbacks(execute=True):
        conflict = conflict_declare(judge=member.user, assignment=assignment, reason=" 亲属关系 ")
    assert (conflict.source, conflict.reason) == ("declared", "亲属关系")
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.RECUSED
    assert Assignment.objects.filter(work=assignment.work).count() == 2  # refilled


@pytest.mark.django_db
def test_judge_cannot_declare_on_another_judges_assignment(round_):
    member = judge_at(round_, school("甲校"))
    assignment = jf.assignment(round_)
    with pytest.raises(PermissionDeniedError):
        conflict_declare(judge=member.user, assignment=assignment, reason="r")
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.PENDING
    assert not ConflictOfInterest.objects.exists()
