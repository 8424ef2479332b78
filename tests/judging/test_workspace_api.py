"""The judges' API: my rounds, my queue, an assignment, draft saves, submit, recuse, flag,
playback; the bad inputs; errors in the one shape, in Chinese by default and English on request."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from judging.models import Assignment, AuthorFlag, Criterion, Round, ScoreRevision, ScoreSheet
from judging.services import sheets
from tests import factories
from tests import judging_factories as jf

pytestmark = pytest.mark.django_db
API = "/api/v1/judging"


@pytest.fixture
def scene():
    round_ = jf.RoundFactory()
    member = jf.judge(round_.contest)
    return round_, member.user, jf.assignment(round_, judge_user=member.user)


@pytest.fixture
def api():
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def as_user(api, user):
    api.force_authenticate(user)
    return api


def values(assignment, value: str = "10") -> dict:
    return {str(c.pk): value for c in assignment.round.rubric.criteria.all()}


def first_id(assignment) -> str:
    return str(assignment.round.rubric.criteria.first().pk)


def put(api, assignment, body: dict):
    return api.put(f"{API}/assignments/{assignment.pk}/sheet/", body, format="json")


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    if code:
        assert body["code"] == code
    return body


# --- Reading


def test_my_rounds_with_progress_and_queue_link(api, scene):
    round_, judge, _assignment = scene
    done = jf.assignment(round_, judge_user=judge)
    sheets.sheet_submit(assignment=done, actor=judge, values=values(done))
    jf.RoundFactory(contest=round_.contest, state=Round.State.DRAFT)
    response = as_user(api, judge).get(f"{API}/rounds/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == round_.pk and item["state"] == "open"
    assert item["progress"] == {"done": 1, "total": 2}
    assert item["queue"] == f"http://testserver{API}/rounds/{round_.pk}/queue/"
    assert item["contest"] == round_.contest.title


def test_anonymous_callers_get_401(api, scene):
    _round, _judge, assignment = scene
    assert_error(api.get(f"{API}/rounds/"), 401)
    assert_error(api.get(f"{API}/assignments/{assignment.pk}/"), 401)
    assert_error(put(api, assignment, {"values": {}, "version": 0}), 401)


def test_my_queue_with_the_judges_copies(api, scene):
    round_, judge, assignment = scene
    jf.assignment(round_)  # another judge's
    response = as_user(api, judge).get(f"{API}/rounds/{round_.pk}/queue/")
    [item] = response.json()["results"]
    video = assignment.work.videos.get()
    attachment = assignment.work.attachments.get()
    assert item["id"] == assignment.pk
    assert item["anonymous_code"] == assignment.work.anonymous_code
    assert item["category"] == assignment.work.category.name
    assert item["state"] == "pending" and item["total"] is None
    assert item["url"] == f"http://testserver{API}/assignments/{assignment.pk}/"
    assert item["media"]["video"] == {
        "blind": f"http://testserver/media/videos/{video.uuid}/blind.mp4",
        "poster": f"http://testserver/media/videos/{video.uuid}/poster.jpg",
    }
    assert item["media"]["attachments"] == [
        {
            "kind": "design",
            "doc_type": "pdf",
            "url": f"http://testserver/media/attachments/{attachment.uuid}/sanitised",
        }
    ]
    assert "entrant" not in str(item) and assignment.work.entrant.real_name not in str(item)


def test_queue_query_count_is_the_same_for_1_5_and_20_assignments(api, scene):
    round_, judge, _assignment = scene
    api.force_login(judge)  # a fresh user per request, as in production
    counts = []
    for target in (1, 5, 20):
        while Assignment.objects.filter(judge=judge).count() < target:
            jf.assignment(round_, judge_user=judge)
        with CaptureQueriesContext(connection) as captured:
            response = api.get(f"{API}/rounds/{round_.pk}/queue/")
        assert response.json()["count"] == target
        counts.append(len(captured))
    assert counts[0] == counts[1] == counts[2], counts


def test_queue_of_a_round_i_do_not_judge_is_404(api, scene):
    round_, _judge, _assignment = scene
    stranger = jf.judge(jf.RoundFactory().contest).user
    assert_error(as_user(api, stranger).get(f"{API}/rounds/{round_.pk}/queue/"), 404)
    assert_error(api.get(f"{API}/rounds/999999/queue/"), 404)


def test_an_assignment_with_rubric_sheet_and_version(api, scene):
    _round, judge, assignment = scene
    sheets.sheet_save(assignment=assignment, actor=judge, values={first_id(assignment): "12.5"})
    body = as_user(api, judge).get(f"{API}/assignments/{assignment.pk}/").json()
    assert body["anonymous_code"] == assignment.work.anonymous_code
    assert body["writable"] is True and body["max_total"] == "100.00"
    assert [c["name"] for c in body["criteria"]][:2] == ["选题与设计", "教学内容"]
    assert body["criteria"][0]["levels"][0] == {
        "label": "优",
        "text": "选题聚焦一个知识点，设计完整，适合学生自学",
    }
    assert body["sheet"]["version"] == 1 and body["sheet"]["total"] == "12.50"
    assert body["sheet"]["values"][first_id(assignment)] == "12.50"
    assert body["media"]["video"]["blind"].endswith("/blind.mp4")
    assert body["round"]["id"] == assignment.round_id


@pytest.mark.parametrize("who", ["other_judge", "organiser", "entrant"])
def test_someone_elses_assignment_is_404(api, scene, who):
    round_, _judge, assignment = scene
    user = {
        "other_judge": lambda: jf.judge(round_.contest).user,
        "organiser": lambda: factories.OrganiserFactory(contest=round_.contest).user,
        "entrant": lambda: assignment.work.entrant,
    }[who]()
    as_user(api, user)
    assert_error(api.get(f"{API}/assignments/{assignment.pk}/"), 404, "not_found")
    assert_error(put(api, assignment, {"values": values(assignment), "version": 0}), 404)
    assert_error(api.post(f"{API}/assignments/{assignment.pk}/submit/", {}, format="json"), 404)
    assert_error(
        api.post(f"{API}/assignments/{assignment.pk}/recuse/", {"reason": "x"}, format="json"),
        404,
    )
    assert not ScoreSheet.objects.exists()


# --- Draft saves


def test_a_draft_save_returns_the_sheet_and_bumps_the_version(api, scene):
    _round, judge, assignment = scene
    response = put(as_user(api, judge), assignment, {"values": values(assignment), "version": 0})
    assert response.status_code == 200
    assert response.json()["version"] == 1 and response.json()["total"] == "50.00"
    response = put(
        api,
        assignment,
        {
            "values": {first_id(assignment): 20},
            "comments": {first_id(assignment): "好"},
            "version": 1,
        },
    )
    body = response.json()
    assert body["version"] == 2 and body["total"] == "20.00"
    assert body["comments"][first_id(assignment)] == "好"
    revisions = ScoreRevision.objects.order_by("number")
    assert [r.number for r in revisions] == [1, 2] and {r.author for r in revisions} == {judge}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12.3", "Scores go in steps of 0.5."),
        (12.3, "Scores go in steps of 0.5."),
        ("20.5", "Enter a score from 0 to 20."),
        ("-0.5", "Enter a score from 0 to 20."),
        ("abc", "Enter a number."),
        ("NaN", "Enter a number."),
        ("1e400", "Enter a score from 0 to 20."),
    ],
)
def test_bad_scores_are_refused_with_a_field_message(api, scene, value, message):
    _round, judge, assignment = scene
    body = assert_error(
        put(
            as_user(api, judge), assignment, {"values": {first_id(assignment): value}, "version": 0}
        ),
        400,
        "validation_failed",
    )
    assert body["fields"] == {f"criterion_{first_id(assignment)}": [message]}
    assert not ScoreSheet.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"values": {"1": True}, "version": 0}, "values.1"),
        ({"values": {"1": {"a": 1}}, "version": 0}, "values.1"),
        ({"values": [], "version": 0}, "values"),
        ({"values": "10", "version": 0}, "values"),
        ({"values": {}, "version": "new"}, "version"),
        ({"values": {}, "version": -1}, "version"),
        ({"values": {}}, "version"),
        ({"version": 0}, "values"),
        ({"values": {}, "version": 0, "total": 100}, "total"),
        ({"values": {"1": "1" * 41}, "version": 0}, "values.1"),
    ],
)
def test_malformed_bodies_are_refused(api, scene, body, field):
    _round, judge, assignment = scene
    error = assert_error(put(as_user(api, judge), assignment, body), 400, "validation_failed")
    assert field in error["fields"]
    assert not ScoreSheet.objects.exists()


def test_an_empty_value_leaves_a_criterion_unscored(api, scene):
    _round, judge, assignment = scene
    response = put(
        as_user(api, judge), assignment, {"values": {first_id(assignment): ""}, "version": 0}
    )
    assert response.status_code == 200 and response.json()["total"] is None


def test_unknown_criteria_are_refused(api, scene):
    _round, judge, assignment = scene
    other = jf.RubricFactory().criteria.first()
    body = assert_error(
        put(as_user(api, judge), assignment, {"values": {str(other.pk): "1"}, "version": 0}), 400
    )
    assert str(other.pk) in body["fields"]["criteria"][0]


def test_a_stale_version_is_a_409_conflict(api, scene):
    _round, judge, assignment = scene
    put(as_user(api, judge), assignment, {"values": {}, "version": 0})
    body = assert_error(put(api, assignment, {"values": {}, "version": 0}), 409, "stale_version")
    assert "changed in another window" in body["message"]
    assert ScoreRevision.objects.count() == 1


def test_the_window_closed_a_second_ago_is_a_409(api, scene):
    round_, judge, assignment = scene
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    body = assert_error(
        put(as_user(api, judge), assignment, {"values": values(assignment), "version": 0}),
        409,
        "window_closed",
    )
    assert body["message"] == "The scoring window of this round is closed."
    submit = api.post(f"{API}/assignments/{assignment.pk}/submit/", {}, format="json")
    assert_error(submit, 409, "window_closed")
    assert not ScoreSheet.objects.exists()
    assert api.get(f"{API}/assignments/{assignment.pk}/").json()["writable"] is False


# --- Submit


def test_submit_locks_the_sheet(api, scene):
    _round, judge, assignment = scene
    put(as_user(api, judge), assignment, {"values": values(assignment), "version": 0})
    response = api.post(f"{API}/assignments/{assignment.pk}/submit/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "submitted" and response.json()["total"] == "50.00"
    body = assert_error(put(api, assignment, {"values": {}, "version": 2}), 409, "locked")
    assert body["message"] == "This score sheet is submitted and locked."
    again = api.post(f"{API}/assignments/{assignment.pk}/submit/", {}, format="json")
    assert_error(again, 409, "locked")
    assert ScoreRevision.objects.count() == 2


def test_submit_with_values_and_version(api, scene):
    _round, judge, assignment = scene
    body = {"values": values(assignment, "15"), "comments": {}, "version": 0}
    response = as_user(api, judge).post(
        f"{API}/assignments/{assignment.pk}/submit/", body, format="json"
    )
    assert response.status_code == 200 and response.json()["total"] == "75.00"


def test_submitting_an_incomplete_sheet_names_what_is_missing(api, scene):
    _round, judge, assignment = scene
    first = assignment.round.rubric.criteria.first()
    Criterion.objects.filter(pk=first.pk).update(comment_required=True)
    given = values(assignment)
    del given[str(first.pk)]
    body = assert_error(
        as_user(api, judge).post(
            f"{API}/assignments/{assignment.pk}/submit/", {"values": given}, format="json"
        ),
        400,
    )
    assert body["message"] == "Complete the sheet before submitting it."
    assert body["fields"] == {
        f"criterion_{first.pk}": ["Score this criterion."],
        f"comment_{first.pk}": ["A comment is required for this criterion."],
    }
    assert not ScoreSheet.objects.exists()


def test_submit_before_watching_enough_of_the_video_is_refused(api, scene):
    round_, judge, assignment = scene
    Round.objects.filter(pk=round_.pk).update(min_play_percent=80)
    as_user(api, judge)
    play = f"{API}/assignments/{assignment.pk}/playback/"
    assert api.post(play, {"position": "100", "furthest": "100"}, format="json").status_code == 200
    body = {"values": values(assignment)}
    submit = f"{API}/assignments/{assignment.pk}/submit/"
    assert_error(api.post(submit, body, format="json"), 409, "not_watched")
    api.post(play, {"position": "400", "furthest": "400"}, format="json")  # 400 of 415 s
    assert api.post(submit, body, format="json").status_code == 200


# --- Recuse, flag, playback


def test_recusing_needs_a_reason_then_ends_the_assignment(api, scene):
    _round, judge, assignment = scene
    url = f"{API}/assignments/{assignment.pk}/recuse/"
    as_user(api, judge)
    assert_error(api.post(url, {"reason": ""}, format="json"), 400)
    assert_error(api.post(url, {}, format="json"), 400)
    assert_error(api.post(url, {"reason": "x" * 1001}, format="json"), 400)
    response = api.post(url, {"reason": "作者是我的学生"}, format="json")
    assert response.json() == {
        "id": assignment.pk,
        "state": "recused",
        "recusal_reason": "作者是我的学生",
    }
    assert_error(put(api, assignment, {"values": {}, "version": 0}), 409, "recused")
    assert_error(api.post(url, {"reason": "again"}, format="json"), 409, "recused")
    detail = api.get(f"{API}/assignments/{assignment.pk}/").json()
    assert detail["media"] == {"video": None, "attachments": []}


def test_flagging_a_work(api, scene):
    _round, judge, assignment = scene
    url = f"{API}/assignments/{assignment.pk}/flag/"
    as_user(api, judge)
    assert_error(api.post(url, {"note": " "}, format="json"), 400)
    response = api.post(url, {"note": "片头有学校名称"}, format="json")
    assert response.status_code == 201 and response.json()["note"] == "片头有学校名称"
    assert AuthorFlag.objects.get().assignment == assignment


@pytest.mark.parametrize(
    "body",
    [{"position": "abc", "furthest": "1"}, {"position": "1"}, {"position": "NaN", "furthest": "1"}],
)
def test_bad_playback_reports_are_refused(api, scene, body):
    _round, judge, assignment = scene
    url = f"{API}/assignments/{assignment.pk}/playback/"
    assert_error(as_user(api, judge).post(url, body, format="json"), 400)


def test_playback_is_recorded(api, scene):
    _round, judge, assignment = scene
    url = f"{API}/assignments/{assignment.pk}/playback/"
    response = as_user(api, judge).post(url, {"position": 30, "furthest": "61.5"}, format="json")
    assert response.json() == {"resume_at": "30.00", "played_seconds": "61.50"}
    assignment.refresh_from_db()
    assert assignment.played_seconds == Decimal("61.5")


# --- Languages


def test_errors_are_chinese_by_default_and_english_on_request(scene):
    _round, judge, assignment = scene
    client = APIClient()
    client.force_authenticate(judge)
    body = {"values": {first_id(assignment): "12.3"}, "version": 0}
    chinese = put(client, assignment, body)
    assert chinese.status_code == 400 and chinese["Content-Language"] == "zh-hans"
    client.cookies["lang"] = "en"
    english = put(client, assignment, body)
    assert english["Content-Language"] == "en"
    assert english.json()["fields"] == {
        f"criterion_{first_id(assignment)}": ["Scores go in steps of 0.5."]
    }
