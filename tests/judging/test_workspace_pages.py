"""The judge's pages: my rounds, my queue, the scoring page, autosave, submit, recuse, flag,
playback. Only the anonymous code identifies a work; the assignment's id names it in URLs."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contest.models import ContestRole
from judging.models import Assignment, AuthorFlag, Criterion, Round, ScoreRevision, ScoreSheet
from judging.services import sheets
from tests import factories
from tests import judging_factories as jf

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def scene():
    round_ = jf.RoundFactory(closes_at=dt.datetime(2035, 6, 30, 4, 0, tzinfo=dt.UTC))
    member = jf.judge(round_.contest)
    assignment = jf.assignment(round_, judge_user=member.user)
    return round_, member.user, assignment


def en(client):
    client.cookies["lang"] = "en"
    return client


def form_data(assignment, value: str = "10", **extra) -> dict:
    data = {"version": "0"}
    for criterion in assignment.round.rubric.criteria.all():
        data[f"criterion_{criterion.pk}"] = value
        data[f"comment_{criterion.pk}"] = ""
    return data | extra


def all_scored(assignment, value: str = "10") -> dict:
    return {str(c.pk): value for c in assignment.round.rubric.criteria.all()}


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def first_criterion(assignment) -> Criterion:
    return assignment.round.rubric.criteria.first()


# --- My rounds


def test_home_lists_my_rounds_with_progress_and_due_date_in_china_time(client, scene):
    round_, judge, _assignment = scene
    second = jf.assignment(round_, judge_user=judge)
    jf.assignment(round_)  # another judge's
    sheets.sheet_submit(assignment=second, actor=judge, values=all_scored(second))
    jf.RoundFactory(contest=round_.contest, state=Round.State.DRAFT, name="终评")
    jf.RoundFactory(name="另一大赛的初评")  # a contest the judge does not judge
    en(client).force_login(judge)
    response = client.get(reverse("judge_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("judge_queue", args=[round_.pk]) in html
    assert 'data-progress="1/2"' in html
    assert "12:00" in html  # 04:00 UTC is noon in Beijing
    assert "终评" not in html and "另一大赛的初评" not in html


def test_home_asks_to_log_in(client):
    response = client.get(reverse("judge_home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_home_query_count_does_not_grow_with_rounds(client, django_assert_max_num_queries):
    judge = factories.UserFactory()

    def add_round():
        round_ = jf.RoundFactory()
        jf.judge(round_.contest, user=judge)
        jf.assignment(round_, judge_user=judge)

    add_round()
    client.force_login(judge)
    one = query_count(client, reverse("judge_home"))
    add_round()
    add_round()
    assert query_count(client, reverse("judge_home")) == one


# --- My queue


def test_queue_shows_my_assignments_with_state_total_and_recuse_forms(client, scene):
    round_, judge, assignment = scene
    submitted = jf.assignment(round_, judge_user=judge)
    sheets.sheet_submit(assignment=submitted, actor=judge, values=all_scored(submitted))
    recused = jf.assignment(round_, judge_user=judge)
    sheets.assignment_recuse(assignment=recused, actor=judge, reason="同校")
    others = jf.assignment(round_)
    en(client).force_login(judge)
    html = client.get(reverse("judge_queue", args=[round_.pk])).content.decode()
    assert assignment.work.anonymous_code in html and others.work.anonymous_code not in html
    assert reverse("judge_score", args=[assignment.pk]) in html
    assert reverse("judge_score", args=[recused.pk]) not in html  # no way back to a recusal
    assert recused.work.anonymous_code in html
    assert "50.00" in html  # my total of the submitted sheet
    assert 'data-progress="1/2"' in html  # the recusal does not count
    assert assignment.work.category.name in html
    assert reverse("judge_recuse", args=[assignment.pk]) in html
    assert reverse("judge_recuse", args=[submitted.pk]) not in html
    assert f'id="id_recuse_{assignment.pk}_reason"' in html
    assert f"/works/{assignment.work_id}/" not in html


def test_queue_lists_unfinished_work_first(client, scene):
    round_, judge, assignment = scene
    done = jf.assignment(round_, judge_user=judge)
    sheets.sheet_submit(assignment=done, actor=judge, values=all_scored(done, "1"))
    started = jf.assignment(round_, judge_user=judge)
    sheets.sheet_save(assignment=started, actor=judge, values={})
    client.force_login(judge)
    html = client.get(reverse("judge_queue", args=[round_.pk])).content.decode()
    order = [int(pk) for pk in re.findall(r'data-assignment="(\d+)"', html)]
    assert order == [started.pk, assignment.pk, done.pk]


def test_queue_is_paginated(client, scene):
    round_, judge, _assignment = scene
    for _ in range(50):
        jf.assignment(round_, judge_user=judge)
    client.force_login(judge)
    first = client.get(reverse("judge_queue", args=[round_.pk])).content.decode()
    assert first.count("data-assignment=") == 50 and "?page=2" in first
    second = client.get(reverse("judge_queue", args=[round_.pk]) + "?page=2").content.decode()
    assert second.count("data-assignment=") == 1


def test_queue_query_count_is_the_same_for_1_5_and_20_assignments(client, scene):
    round_, judge, _assignment = scene
    client.force_login(judge)
    url = reverse("judge_queue", args=[round_.pk])
    counts = []
    for target in (1, 5, 20):
        while Assignment.objects.filter(judge=judge).count() < target:
            jf.assignment(round_, judge_user=judge)
        counts.append(query_count(client, url))
    assert counts[0] == counts[1] == counts[2], counts


@pytest.mark.parametrize("state", [Round.State.DRAFT, Round.State.ASSIGNING])
def test_a_round_not_yet_open_to_judges_is_not_found(client, scene, state):
    round_, judge, _assignment = scene
    Round.objects.filter(pk=round_.pk).update(state=state)
    client.force_login(judge)
    assert client.get(reverse("judge_queue", args=[round_.pk])).status_code == 404


def test_a_closed_round_is_read_only(client, scene):
    round_, judge, assignment = scene
    Round.objects.filter(pk=round_.pk).update(state=Round.State.CLOSED)
    en(client).force_login(judge)
    html = client.get(reverse("judge_queue", args=[round_.pk])).content.decode()
    assert "closed" in html and reverse("judge_recuse", args=[assignment.pk]) not in html
    html = client.get(reverse("judge_score", args=[assignment.pk])).content.decode()
    assert 'data-locked="closed"' in html and "hx-post" not in html
    assert re.search(r'<input type="number"[^>]*disabled', html)


# --- The scoring page


def test_the_scoring_page_shows_the_blind_video_attachments_and_rubric(client, scene):
    _round, judge, assignment = scene
    Criterion.objects.filter(pk=first_criterion(assignment).pk).update(
        comment_required=True, weight=Decimal("1.5"), description="看<b>选题</b>"
    )
    Assignment.objects.filter(pk=assignment.pk).update(resume_at=Decimal("42.5"))
    video = assignment.work.videos.get()
    attachment = assignment.work.attachments.get()
    en(client).force_login(judge)
    response = client.get(reverse("judge_score", args=[assignment.pk]))
    html = response.content.decode()
    assert f'src="{reverse("video_blind", args=[video.uuid])}"' in html
    assert f'poster="{reverse("video_poster", args=[video.uuid])}"' in html
    assert 'data-resume-at="42.50"' in html
    assert f'data-playback-url="{reverse("judge_playback", args=[assignment.pk])}"' in html
    for speed in ("0.75", "1", "1.25", "1.5", "2"):
        assert f'data-speed="{speed}"' in html
    assert reverse("attachment_sanitised", args=[attachment.uuid]) in html
    assert reverse("attachment_original", args=[attachment.uuid]) not in html
    assert reverse("video_original", args=[video.uuid]) not in html
    assert "内容科学准确，重难点突出" in html  # a level descriptor
    first = first_criterion(assignment)
    assert re.search(
        rf'<input type="number" name="criterion_{first.pk}" min="0" max="20" step="0.5"', html
    )
    assert 'data-weight="1.5"' in html and "weight ×1.5" in html
    assert f'<label class="form-label" for="id_criterion_{first.pk}">' in html
    assert "(required)" in html and 'aria-required="true"' in html
    assert "看&lt;b&gt;选题&lt;/b&gt;" in html
    assert f'hx-post="{reverse("judge_autosave", args=[assignment.pk])}"' in html
    assert 'id="live-total"' in html and "/ 110.00" in html  # 20 × 1.5 + 25 + 25 + 15 + 15
    assert assignment.work.entrant.real_name not in html
    assert assignment.work.entrant.email not in html
    assert f"/works/{assignment.work_id}" not in html
    assert "js/scoring.js" in html and "js/player.js" in html


def test_the_work_title_and_summary_are_escaped(client, scene):
    _round, judge, assignment = scene
    work = assignment.work
    work.title, work.summary = "<script>alert(1)</script>", '<img src=x onerror="alert(2)">'
    work.save()
    client.force_login(judge)
    html = client.get(reverse("judge_score", args=[assignment.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html


def test_the_scoring_page_query_count_does_not_grow_with_the_round(client, scene):
    round_, judge, assignment = scene
    sheets.sheet_save(assignment=assignment, actor=judge, values={})
    client.force_login(judge)
    url = reverse("judge_score", args=[assignment.pk])
    alone = query_count(client, url)
    for _ in range(5):
        jf.assignment(round_, judge_user=judge)
        jf.assignment(round_)
    assert query_count(client, url) == alone


def test_a_recused_judge_sees_the_reason_but_not_the_work(client, scene):
    _round, judge, assignment = scene
    sheets.assignment_recuse(assignment=assignment, actor=judge, reason="作者是我的同事")
    en(client).force_login(judge)
    html = client.get(reverse("judge_score", args=[assignment.pk])).content.decode()
    assert 'data-locked="recused"' in html and "作者是我的同事" in html
    assert "<video" not in html and "/media/" not in html and "score-form" not in html


# --- Autosave


def test_autosave_saves_a_draft_and_answers_with_the_status_and_new_version(client, scene):
    _round, judge, assignment = scene
    en(client).force_login(judge)
    url = reverse("judge_autosave", args=[assignment.pk])
    response = client.post(url, form_data(assignment, "12.5"), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-autosave-state="saved"' in html and "Saved at" in html
    assert re.search(r'name="version" value="1" id="sheet-version" hx-swap-oob="true"', html)
    assert 'id="errors-criterion_' in html  # the fields' errors are cleared
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.total == Decimal("62.50") and sheet.version == 1
    revision = sheet.revisions.get()
    assert revision.author == judge and revision.action == "save"
    # The next save carries the new version.
    data = form_data(assignment, "10", version="1")
    assert client.post(url, data, **HTMX).status_code == 200
    assert ScoreRevision.objects.count() == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12.3", "Scores go in steps of 0.5."),
        ("20.5", "Enter a score from 0 to 20."),
        ("-1", "Enter a score from 0 to 20."),
        ("abc", "Enter a number."),
        ("NaN", "Enter a number."),
        ("1e400", "Enter a score from 0 to 20."),
    ],
)
def test_autosave_of_a_bad_value_answers_400_with_the_message_beside_the_field(
    client, scene, value, message
):
    _round, judge, assignment = scene
    first = first_criterion(assignment)
    en(client).force_login(judge)
    data = form_data(assignment, "", **{f"criterion_{first.pk}": value})
    response = client.post(reverse("judge_autosave", args=[assignment.pk]), data, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-autosave-state="error"' in html
    assert re.search(
        rf'id="errors-criterion_{first.pk}"[^>]*hx-swap-oob="true"><div>{re.escape(message)}', html
    )
    assert "sheet-version" not in html  # the version does not move
    assert not ScoreSheet.objects.exists()


def test_autosave_with_a_stale_version_answers_409_and_keeps_the_version(client, scene):
    _round, judge, assignment = scene
    sheets.sheet_save(assignment=assignment, actor=judge, values={})  # another window
    en(client).force_login(judge)
    response = client.post(
        reverse("judge_autosave", args=[assignment.pk]), form_data(assignment), **HTMX
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed in another window" in html and "sheet-version" not in html
    assert ScoreRevision.objects.count() == 1


def test_autosave_after_the_window_closed_answers_409(client, scene):
    round_, judge, assignment = scene
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    en(client).force_login(judge)
    response = client.post(
        reverse("judge_autosave", args=[assignment.pk]), form_data(assignment), **HTMX
    )
    assert response.status_code == 409
    assert "The scoring window of this round is closed." in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_a_plain_draft_save_redirects_with_a_message(client, scene):
    _round, judge, assignment = scene
    en(client).force_login(judge)
    url = reverse("judge_autosave", args=[assignment.pk])
    response = client.post(url, form_data(assignment, "5"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("judge_score", args=[assignment.pk])
    html = response.content.decode()
    assert "saved as a draft" in html and 'value="5"' in html


def test_a_plain_draft_save_with_errors_shows_them_beside_the_fields(client, scene):
    _round, judge, assignment = scene
    first = first_criterion(assignment)
    en(client).force_login(judge)
    data = form_data(assignment, "", **{f"criterion_{first.pk}": "12.3"})
    response = client.post(reverse("judge_autosave", args=[assignment.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'id="errors-criterion_{first.pk}"[^>]*><div>Scores go in steps of 0.5', html)
    assert 'value="12.3"' in html  # what was typed stays
    assert not ScoreSheet.objects.exists()


# --- Submit


def test_submit_locks_the_sheet(client, scene):
    _round, judge, assignment = scene
    en(client).force_login(judge)
    response = client.post(
        reverse("judge_submit", args=[assignment.pk]), form_data(assignment, "10"), follow=True
    )
    html = response.content.decode()
    assert "The sheet is now locked." in html and 'data-locked="submitted"' in html
    assert "hx-post" not in html and reverse("judge_recuse", args=[assignment.pk]) not in html
    assert len(re.findall(r'<input type="number"[^>]*disabled', html)) == 5
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.SUBMITTED
    assert ScoreSheet.objects.get().state == ScoreSheet.State.SUBMITTED
    # A second submit, or a save, is refused with the reason.
    again = client.post(reverse("judge_submit", args=[assignment.pk]), form_data(assignment, "1"))
    assert "This score sheet is submitted and locked." in again.content.decode()
    locked = client.post(
        reverse("judge_autosave", args=[assignment.pk]), form_data(assignment, "1"), **HTMX
    )
    assert locked.status_code == 409 and "submitted and locked" in locked.content.decode()
    assert ScoreRevision.objects.count() == 1


def test_submitting_an_incomplete_sheet_shows_what_is_missing(client, scene):
    _round, judge, assignment = scene
    first = first_criterion(assignment)
    Criterion.objects.filter(pk=first.pk).update(comment_required=True)
    en(client).force_login(judge)
    data = form_data(assignment, "10", **{f"criterion_{first.pk}": ""})
    response = client.post(reverse("judge_submit", args=[assignment.pk]), data)
    html = response.content.decode()
    assert "Complete the sheet before submitting it." in html
    assert re.search(rf'id="errors-criterion_{first.pk}"[^>]*><div>Score this criterion', html)
    assert re.search(rf'id="errors-comment_{first.pk}"[^>]*><div>A comment is required', html)
    assert not ScoreSheet.objects.exists()


# --- Recuse, flag, playback


def test_recusing_needs_a_reason(client, scene):
    _round, judge, assignment = scene
    en(client).force_login(judge)
    response = client.post(reverse("judge_recuse", args=[assignment.pk]), {"reason": " "})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.PENDING


def test_recusing_ends_the_assignment_and_returns_to_the_queue(client, scene):
    round_, judge, assignment = scene
    en(client).force_login(judge)
    response = client.post(
        reverse("judge_recuse", args=[assignment.pk]), {"reason": "作者是我的学生"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("judge_queue", args=[round_.pk])
    assert "Another judge will score it." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.RECUSED
    assert assignment.recusal_reason == "作者是我的学生"


def test_flagging_a_work_that_reveals_its_author(client, scene):
    _round, judge, assignment = scene
    en(client).force_login(judge)
    empty = client.post(reverse("judge_flag", args=[assignment.pk]), {"note": ""})
    assert "This field is required." in empty.content.decode() and not AuthorFlag.objects.exists()
    response = client.post(
        reverse("judge_flag", args=[assignment.pk]), {"note": "<b>01:20</b> 出现校名"}, follow=True
    )
    assert "The organisers will look at your note." in response.content.decode()
    assert AuthorFlag.objects.get().note == "<b>01:20</b> 出现校名"


def test_playback_is_recorded(client, scene):
    _round, judge, assignment = scene
    client.force_login(judge)
    url = reverse("judge_playback", args=[assignment.pk])
    assert client.post(url, {"position": "31.5", "furthest": "62.25"}).status_code == 204
    assignment.refresh_from_db()
    assert assignment.resume_at == Decimal("31.5") and assignment.played_seconds == Decimal("62.25")
    assert client.post(url, {"position": "abc", "furthest": "1"}).status_code == 400
    assert client.post(url, {"position": "1"}).status_code == 400
    assert client.get(url).status_code == 405


# --- Languages


def test_pages_are_chinese_by_default_and_errors_english_on_request(client, scene):
    _round, judge, assignment = scene
    client.force_login(judge)
    response = client.get(reverse("judge_score", args=[assignment.pk]))
    assert response["Content-Language"] == "zh-hans"
    first = first_criterion(assignment)
    data = form_data(assignment, "", **{f"criterion_{first.pk}": "12.3"})
    url = reverse("judge_autosave", args=[assignment.pk])
    chinese = client.post(url, data, **HTMX)
    assert chinese.status_code == 400 and chinese["Content-Language"] == "zh-hans"
    english = en(client).post(url, data, **HTMX)
    assert english["Content-Language"] == "en"
    assert "Scores go in steps of 0.5." in english.content.decode()


def test_judges_of_the_contest_only(client, scene):
    round_, _judge, assignment = scene
    organiser = factories.OrganiserFactory(contest=round_.contest).user
    client.force_login(organiser)
    assert client.get(reverse("judge_queue", args=[round_.pk])).status_code == 404
    assert client.get(reverse("judge_score", args=[assignment.pk])).status_code == 404
    ContestRole.objects.create(contest=round_.contest, user=organiser, role="judge")
    assert client.get(reverse("judge_queue", args=[round_.pk])).status_code == 200
    assert client.get(reverse("judge_score", args=[assignment.pk])).status_code == 404
