"""Score storage (judging.services.sheets): values within [0, max] on the step, the derived
total, an append-only revision per save, locks, the window, recusal, reopening."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from contest.errors import Conflict, PermissionDeniedError, ValidationFailed
from judging.models import (
    Assignment,
    AuthorFlag,
    Criterion,
    Round,
    Score,
    ScoreRevision,
    ScoreSheet,
)
from judging.models import Conflict as ConflictOfInterest
from judging.services import sheets
from tests import factories
from tests import judging_factories as jf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The services speak the active language; these tests read their English text.
    with translation.override("en"):
        yield


@pytest.fixture
def assignment():
    return jf.assignment(jf.RoundFactory())


def criteria(assignment) -> list[Criterion]:
    return list(assignment.round.rubric.criteria.all())


def full(assignment, value: str = "10") -> dict:
    return {str(c.pk): value for c in criteria(assignment)}


def save(assignment, values, **kwargs):
    return sheets.sheet_save(assignment=assignment, actor=assignment.judge, values=values, **kwargs)


def nothing_written(assignment) -> bool:
    return not ScoreSheet.objects.filter(assignment=assignment).exists()


# --- Values


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12.3", "Scores go in steps of 0.5."),
        ("20.5", "Enter a score from 0 to 20."),
        ("21", "Enter a score from 0 to 20."),
        ("-0.5", "Enter a score from 0 to 20."),
        ("abc", "Enter a number."),
        ("NaN", "Enter a number."),
        ("sNaN", "Enter a number."),
        ("Infinity", "Enter a number."),
        ("1e400", "Enter a score from 0 to 20."),
        ("1e-400", "Scores go in steps of 0.5."),
        ("12,5", "Enter a number."),
        ("0x10", "Enter a number."),
        (True, "Enter a number."),
        ([1], "Enter a number."),
    ],
)
def test_a_bad_value_is_refused_naming_its_criterion_and_nothing_is_saved(assignment, raw, message):
    first = criteria(assignment)[0]  # 选题与设计: 0–20 in steps of 0.5
    with pytest.raises(ValidationFailed) as caught:
        save(assignment, {str(first.pk): raw})
    assert [str(m) for m in caught.value.fields[f"criterion_{first.pk}"]] == [message]
    assert nothing_written(assignment)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("0", "0.00"), ("20", "20.00"), ("12.5", "12.50"), (" 7 ", "7.00"), ("1E+1", "10.00")],
)
def test_values_on_the_step_within_the_range_are_kept(assignment, raw, stored):
    first = criteria(assignment)[0]
    sheet = save(assignment, {str(first.pk): raw})
    assert str(Score.objects.get(sheet=sheet, criterion=first).value) == stored
    assert sheet.revisions.get().values[str(first.pk)] == stored


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_an_empty_value_leaves_the_criterion_unscored(assignment, raw):
    first = criteria(assignment)[0]
    sheet = save(assignment, {str(first.pk): raw})
    assert Score.objects.get(sheet=sheet, criterion=first).value is None
    assert sheet.total is None


def test_unknown_criteria_are_refused(assignment):
    other = jf.RubricFactory().criteria.first()  # a criterion of another rubric
    with pytest.raises(ValidationFailed) as caught:
        save(assignment, {str(other.pk): "1", "abc": "2"})
    assert f"{other.pk}" in str(caught.value.fields["criteria"][0])
    assert "abc" in str(caught.value.fields["criteria"][0])
    assert nothing_written(assignment)


def test_an_over_long_comment_is_refused(assignment):
    first = criteria(assignment)[0]
    with pytest.raises(ValidationFailed) as caught:
        save(assignment, {}, comments={str(first.pk): "评" * 2001})
    assert f"comment_{first.pk}" in caught.value.fields
    assert nothing_written(assignment)


def test_the_total_is_the_weighted_sum(assignment):
    first, second, *_ = criteria(assignment)
    Criterion.objects.filter(pk=first.pk).update(weight=Decimal("1.5"))
    sheet = save(assignment, {str(first.pk): "10.5", str(second.pk): "20"})
    assert sheet.total == Decimal("35.75")  # 10.5 × 1.5 + 20 × 1


# --- Revisions


def test_every_save_appends_one_revision_with_author_values_and_total(assignment):
    first, second, *_ = criteria(assignment)
    save(assignment, {str(first.pk): "10"})
    sheet = save(
        assignment, {str(first.pk): "12.5", str(second.pk): "3"}, comments={str(second.pk): "好"}
    )
    revisions = list(sheet.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert all(r.author == assignment.judge and r.action == "save" for r in revisions)
    assert revisions[0].values[str(first.pk)] == "10.00"
    assert revisions[1].values[str(first.pk)] == "12.50"
    assert revisions[1].comments == {str(second.pk): "好"}
    assert revisions[1].total == Decimal("15.50") == sheet.total
    assert sheet.version == 2
    assert ScoreSheet.objects.filter(assignment=assignment).count() == 1
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.IN_PROGRESS


def test_a_stale_version_is_refused_and_writes_nothing(assignment):
    first = criteria(assignment)[0]
    save(assignment, {str(first.pk): "10"}, expected_version=0)
    with pytest.raises(Conflict) as caught:
        save(assignment, {str(first.pk): "11"}, expected_version=0)
    assert caught.value.code == "stale_version"
    assert ScoreRevision.objects.count() == 1
    assert Score.objects.get(criterion=first).value == Decimal("10")


# --- Submission, locks, window, recusal


def test_submit_needs_every_criterion_and_required_comments(assignment):
    first, second, *_ = criteria(assignment)
    Criterion.objects.filter(pk=second.pk).update(comment_required=True)
    values = full(assignment)
    del values[str(first.pk)]
    with pytest.raises(ValidationFailed) as caught:
        sheets.sheet_submit(assignment=assignment, actor=assignment.judge, values=values)
    assert set(caught.value.fields) == {f"criterion_{first.pk}", f"comment_{second.pk}"}
    assert str(caught.value.message) == "Complete the sheet before submitting it."
    assert nothing_written(assignment)


def test_submit_without_values_submits_what_was_saved(assignment):
    save(assignment, full(assignment, "10"))
    sheet = sheets.sheet_submit(assignment=assignment, actor=assignment.judge)
    assert sheet.state == ScoreSheet.State.SUBMITTED and sheet.total == Decimal("50.00")
    submitted = sheet.revisions.get(number=2)
    assert submitted.action == "submit" and submitted.values == full(assignment, "10.00")


def test_a_submitted_sheet_is_locked(assignment):
    sheets.sheet_submit(assignment=assignment, actor=assignment.judge, values=full(assignment))
    with pytest.raises(Conflict) as caught:
        save(assignment, full(assignment, "1"))
    assert caught.value.code == "locked"
    assert str(caught.value.message) == "This score sheet is submitted and locked."
    with pytest.raises(Conflict):
        sheets.sheet_submit(assignment=assignment, actor=assignment.judge, values=full(assignment))
    assert ScoreRevision.objects.count() == 1


def test_nothing_is_written_after_the_window_closed(assignment):
    Round.objects.filter(pk=assignment.round_id).update(
        closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assignment.refresh_from_db()
    with pytest.raises(Conflict) as caught:
        save(assignment, full(assignment))
    assert caught.value.code == "window_closed"
    assert "closed" in str(caught.value.message)
    assert nothing_written(assignment)


@pytest.mark.parametrize("state", [Round.State.CLOSED, Round.State.FROZEN, Round.State.DRAFT])
def test_nothing_is_written_in_a_round_that_is_not_open(assignment, state):
    Round.objects.filter(pk=assignment.round_id).update(state=state)
    with pytest.raises(Conflict) as caught:
        save(assignment, full(assignment))
    assert caught.value.code == "window_closed"


def test_another_judge_cannot_write_the_sheet(assignment):
    stranger = jf.judge(assignment.round.contest).user
    with pytest.raises(PermissionDeniedError):
        sheets.sheet_save(assignment=assignment, actor=stranger, values=full(assignment))
    with pytest.raises(PermissionDeniedError):
        sheets.playback_record(assignment=assignment, actor=stranger, position=1, furthest=1)
    assert nothing_written(assignment)


def test_a_recusal_needs_a_reason_and_then_ends_the_assignment(assignment):
    with pytest.raises(ValidationFailed):
        sheets.assignment_recuse(assignment=assignment, actor=assignment.judge, reason="  ")
    with pytest.raises(ValidationFailed):
        sheets.assignment_recuse(assignment=assignment, actor=assignment.judge, reason="x" * 1001)
    sheets.assignment_recuse(assignment=assignment, actor=assignment.judge, reason="我认识作者")
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.RECUSED
    conflict = ConflictOfInterest.objects.get(judge=assignment.judge, work=assignment.work)
    assert conflict.source == "declared" and conflict.reason == "我认识作者"
    with pytest.raises(Conflict) as caught:
        save(assignment, full(assignment))
    assert caught.value.code == "recused"


def test_a_submitted_sheet_cannot_be_recused(assignment):
    sheets.sheet_submit(assignment=assignment, actor=assignment.judge, values=full(assignment))
    with pytest.raises(Conflict):
        sheets.assignment_recuse(assignment=assignment, actor=assignment.judge, reason="迟了")


# --- Reopening


def test_an_organiser_reopens_a_sheet_with_a_reason_recorded(assignment):
    organiser = factories.OrganiserFactory(contest=assignment.round.contest).user
    sheets.sheet_submit(assignment=assignment, actor=assignment.judge, values=full(assignment))
    with pytest.raises(ValidationFailed):
        sheets.sheet_reopen(assignment=assignment, actor=organiser, reason=" ")
    sheet = sheets.sheet_reopen(assignment=assignment, actor=organiser, reason="第三项评分有误")
    reopened = sheet.revisions.get(number=2)
    assert reopened.action == "reopen" and reopened.author == organiser
    assert reopened.reason == "第三项评分有误"
    assert reopened.values == full(assignment, "10.00")
    assert sheet.state == ScoreSheet.State.DRAFT
    # The judge may change it again, and submit it again.
    save(assignment, full(assignment, "9"), expected_version=2)
    sheets.sheet_submit(assignment=assignment, actor=assignment.judge)
    assert [r.action for r in sheet.revisions.order_by("number")] == [
        "submit",
        "reopen",
        "save",
        "submit",
    ]


def test_only_a_submitted_sheet_can_be_reopened(assignment):
    save(assignment, full(assignment))
    with pytest.raises(Conflict) as caught:
        sheets.sheet_reopen(assignment=assignment, actor=assignment.judge, reason="为什么")
    assert caught.value.code == "not_submitted"


# --- Playback and flags


@pytest.mark.parametrize("bad", ["abc", "NaN", "-1", "Infinity", ""])
def test_playback_refuses_what_is_not_a_time(assignment, bad):
    with pytest.raises(ValidationFailed):
        sheets.playback_record(
            assignment=assignment, actor=assignment.judge, position=bad, furthest=1
        )


def test_playback_keeps_the_furthest_point_and_caps_it_at_the_video(assignment):
    judge = assignment.judge
    sheets.playback_record(assignment=assignment, actor=judge, position="30.123", furthest="60")
    sheets.playback_record(assignment=assignment, actor=judge, position="12", furthest="40")
    assignment.refresh_from_db()
    assert assignment.resume_at == Decimal("12.00") and assignment.played_seconds == Decimal("60")
    sheets.playback_record(assignment=assignment, actor=judge, position="1e9", furthest="1e400")
    assignment.refresh_from_db()
    assert assignment.played_seconds == assignment.resume_at == Decimal("415.00")  # its length


def test_an_author_flag_needs_a_note(assignment):
    with pytest.raises(ValidationFailed):
        sheets.author_flag_create(assignment=assignment, actor=assignment.judge, note=" ")
    flag = sheets.author_flag_create(
        assignment=assignment, actor=assignment.judge, note="片头出现了学校名称"
    )
    assert AuthorFlag.objects.get() == flag and flag.note == "片头出现了学校名称"


def _save_queries(n_criteria: int) -> int:
    from decimal import Decimal as D

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rubric = jf.RubricFactory(
        criteria=[
            {"name": f"项{i}", "max_points": D(10), "step": D("0.5")} for i in range(n_criteria)
        ]
    )
    round_ = jf.RoundFactory(contest=rubric.contest, rubric=rubric)
    assignment = jf.assignment(round_)
    values = {str(c.pk): "5" for c in rubric.criteria.all()}
    sheets.sheet_save(assignment=assignment, actor=assignment.judge, values=values)  # rows made
    with CaptureQueriesContext(connection) as ctx:
        sheets.sheet_save(assignment=assignment, actor=assignment.judge, values=values)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_an_autosave_costs_the_same_queries_whatever_the_number_of_criteria():
    assert _save_queries(2) == _save_queries(8)
