"""Score sheets under concurrent writes, on SQLite (IMMEDIATE transactions serialise writers)
and on PostgreSQL (the assignment row lock): no lost revision, never a second sheet for an
assignment, revision numbers unique and consecutive; the window's end holds to the second.

Run on PostgreSQL too: DATABASE_URL=postgres://… pytest tests/judging/test_concurrency.py
"""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone, translation

from contest.errors import Conflict
from judging.models import Assignment, Round, ScoreRevision, ScoreSheet
from judging.services import sheets
from tests import judging_factories as jf

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count: int, target) -> list:
    """Run `target(index)` in `count` threads released at once; what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target(index)
        except Exception as exc:  # the test inspects what each thread raised
            results[index] = exc
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def scored(round_: Round, value: str = "10") -> dict:
    return {str(c.pk): value for c in round_.rubric.criteria.all()}


def assert_history_intact(assignment: Assignment, expected: int) -> None:
    """One sheet; revisions 1..n without a gap; the sheet's version is the last of them."""
    sheet = ScoreSheet.objects.get(assignment=assignment)
    numbers = list(sheet.revisions.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, expected + 1))
    assert sheet.version == expected


@pytest.fixture
def assignment():
    return jf.assignment(jf.RoundFactory())


def test_two_saves_of_one_sheet_at_once_both_land_one_after_the_other(assignment):
    round_ = assignment.round
    values = [scored(round_, "10"), scored(round_, "12.5")]

    def save(index: int):
        return sheets.sheet_save(
            assignment=assignment, actor=assignment.judge, values=values[index]
        )

    results = run_together(2, save)
    assert all(isinstance(r, ScoreSheet) for r in results), results
    assert ScoreSheet.objects.filter(assignment=assignment).count() == 1
    assert_history_intact(assignment, 2)
    last = ScoreRevision.objects.get(number=2)
    assert ScoreSheet.objects.get().total == last.total  # the sheet is the last revision


def test_two_saves_from_the_same_version_give_one_clean_conflict(assignment):
    def save(index: int):
        return sheets.sheet_save(
            assignment=assignment,
            actor=assignment.judge,
            values=scored(assignment.round, str(index + 1)),
            expected_version=0,
        )

    results = run_together(2, save)
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1 and conflicts[0].code == "stale_version", results
    assert sum(isinstance(r, ScoreSheet) for r in results) == 1
    assert_history_intact(assignment, 1)


def test_two_submits_of_one_sheet_at_once_submit_it_once(assignment):
    def submit(index: int):
        return sheets.sheet_submit(
            assignment=assignment, actor=assignment.judge, values=scored(assignment.round)
        )

    results = run_together(2, submit)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "ScoreSheet"], results
    assert next(r for r in results if isinstance(r, Conflict)).code == "locked"
    assert_history_intact(assignment, 1)
    assert ScoreRevision.objects.get().action == "submit"


def test_a_save_racing_a_submit_never_changes_a_submitted_sheet(assignment):
    round_ = assignment.round

    def act(index: int):
        service = sheets.sheet_submit if index == 0 else sheets.sheet_save
        return service(assignment=assignment, actor=assignment.judge, values=scored(round_, "5"))

    results = run_together(2, act)
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.state == ScoreSheet.State.SUBMITTED
    last = sheet.revisions.order_by("-number").first()
    assert last.action == "submit"  # a save after the submit was refused, not appended
    saved = results[1]
    if isinstance(saved, Conflict):
        assert saved.code == "locked"
        assert_history_intact(assignment, 1)
    else:
        assert_history_intact(assignment, 2)


def test_fifty_judges_submitting_at_once(assignment):
    round_ = assignment.round
    work = assignment.work
    assignments = [assignment] + [
        jf.assignment(round_, work=work, judge_user=jf.judge(round_.contest).user)
        for _ in range(49)
    ]

    def submit(index: int):
        mine = assignments[index]
        return sheets.sheet_submit(assignment=mine, actor=mine.judge, values=scored(round_))

    results = run_together(50, submit)
    failures = [r for r in results if not isinstance(r, ScoreSheet)]
    assert failures == []
    assert ScoreSheet.objects.filter(state=ScoreSheet.State.SUBMITTED).count() == 50
    assert ScoreSheet.objects.values("assignment").distinct().count() == 50
    assert ScoreRevision.objects.filter(action="submit").count() == 50
    assert set(ScoreRevision.objects.values_list("number", flat=True)) == {1}
    assert Assignment.objects.filter(state=Assignment.State.SUBMITTED).count() == 50


def test_a_submit_a_second_after_the_window_closed_is_refused(assignment):
    Round.objects.filter(pk=assignment.round_id).update(
        closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with translation.override("en"), pytest.raises(Conflict) as caught:
        sheets.sheet_submit(
            assignment=assignment, actor=assignment.judge, values=scored(assignment.round)
        )
    assert caught.value.code == "window_closed"
    assert str(caught.value.message) == "The scoring window of this round is closed."
    assert not ScoreSheet.objects.exists()


def test_submits_racing_the_end_of_the_window_land_before_it_or_not_at_all(assignment):
    """Judges press submit as the window closes: every sheet either was submitted before the
    end, or was refused; none is written after it."""
    round_ = assignment.round
    others = [
        jf.assignment(round_, work=assignment.work, judge_user=jf.judge(round_.contest).user)
        for _ in range(7)
    ]
    mine = [assignment, *others]
    closes_at = timezone.now() + dt.timedelta(milliseconds=300)
    Round.objects.filter(pk=round_.pk).update(closes_at=closes_at)

    def submit(index: int):
        while timezone.now() < closes_at - dt.timedelta(milliseconds=150):
            pass
        return sheets.sheet_submit(
            assignment=mine[index], actor=mine[index].judge, values=scored(round_)
        )

    results = run_together(len(mine), submit)
    for result in results:
        assert isinstance(result, ScoreSheet) or (
            isinstance(result, Conflict) and result.code == "window_closed"
        ), result
    for sheet in ScoreSheet.objects.all():
        assert sheet.submitted_at < closes_at
