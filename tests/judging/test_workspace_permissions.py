"""Who reaches the judge's pages, API and the judges' copies of the files: every endpoint ×
anonymous, entrant, assigned judge, unassigned judge, judge with a conflict (a recused
assignment of the same work), chief judge, organiser of this contest, organiser of another.

Everyone but the assigned judge gets 404 for an assignment (organisers have the screening
pages): an assignment id that is not yours does not exist."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from contest.models import ContestRole
from judging.models import Assignment, ChiefJudge, ScoreRevision
from judging.services import sheets
from tests import factories
from tests import judging_factories as jf

pytestmark = pytest.mark.django_db
USERS = [
    "anonymous",
    "entrant",
    "assigned",
    "unassigned",
    "conflicted",
    "chief",
    "organiser",
    "other_organiser",
]


@pytest.fixture
def scene():
    round_ = jf.RoundFactory()
    contest = round_.contest
    work = jf.accepted_work(round_)
    assigned = jf.judge(contest).user
    assignment = jf.assignment(round_, work=work, judge_user=assigned)
    conflicted = jf.judge(contest).user
    recused = jf.assignment(round_, work=work, judge_user=conflicted)
    sheets.assignment_recuse(assignment=recused, actor=conflicted, reason="同一学校")
    chief = jf.judge(contest, is_chief=True).user
    ChiefJudge.objects.create(round=round_, user=chief)
    users = {
        "anonymous": None,
        "entrant": work.entrant,
        "assigned": assigned,
        "unassigned": jf.judge(contest).user,
        "conflicted": conflicted,
        "chief": chief,
        "organiser": factories.OrganiserFactory(contest=contest).user,
        "other_organiser": factories.OrganiserFactory().user,
    }
    return round_, assignment, users


def scores(assignment) -> dict:
    return {f"criterion_{c.pk}": "10" for c in assignment.round.rubric.criteria.all()}


def api_scores(assignment) -> dict:
    return {str(c.pk): "10" for c in assignment.round.rubric.criteria.all()}


# (method, url, body) per endpoint; the assigned judge's status comes with it.
PAGES = {
    "autosave": ("post", "judge_autosave", lambda a: scores(a) | {"version": "0"}, 302),
    "submit": ("post", "judge_submit", lambda a: scores(a) | {"version": "0"}, 302),
    "recuse": ("post", "judge_recuse", lambda a: {"reason": "认识作者"}, 302),
    "flag": ("post", "judge_flag", lambda a: {"note": "片头有校名"}, 302),
    "playback": ("post", "judge_playback", lambda a: {"position": "1", "furthest": "2"}, 204),
    "score": ("get", "judge_score", lambda a: None, 200),
}
API = {
    "assignment": ("get", "api-judge-assignment", lambda a: None, 200),
    "sheet": ("put", "api-judge-sheet", lambda a: {"values": api_scores(a), "version": 0}, 200),
    "submit": ("post", "api-judge-submit", lambda a: {"values": api_scores(a)}, 200),
    "recuse": ("post", "api-judge-recuse", lambda a: {"reason": "认识作者"}, 200),
    "flag": ("post", "api-judge-flag", lambda a: {"note": "片头有校名"}, 201),
    "playback": ("post", "api-judge-playback", lambda a: {"position": 1, "furthest": 2}, 200),
}


def client_for(user, *, api: bool):
    client = APIClient() if api else Client()
    if user is not None:
        client.force_login(user)
    return client


def unchanged(assignment: Assignment) -> bool:
    assignment.refresh_from_db()
    return (
        assignment.state == Assignment.State.PENDING
        and assignment.played_seconds == 0
        and not ScoreRevision.objects.exists()
        and not assignment.flags.exists()
    )


@pytest.mark.parametrize("endpoint", list(PAGES))
@pytest.mark.parametrize("who", USERS)
def test_assignment_pages(scene, who, endpoint):
    _round, assignment, users = scene
    method, name, body, allowed = PAGES[endpoint]
    client = client_for(users[who], api=False)
    url = reverse(name, args=[assignment.pk])
    data = body(assignment)
    response = getattr(client, method)(url, data) if data is not None else client.get(url)
    if who == "assigned":
        assert response.status_code == allowed
    elif who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
    if who != "assigned":
        assert unchanged(assignment)


@pytest.mark.parametrize("endpoint", list(API))
@pytest.mark.parametrize("who", USERS)
def test_assignment_api(scene, who, endpoint):
    _round, assignment, users = scene
    method, name, body, allowed = API[endpoint]
    client = client_for(users[who], api=True)
    url = reverse(name, args=[assignment.pk])
    data = body(assignment)
    response = (
        getattr(client, method)(url, data, format="json") if data is not None else client.get(url)
    )
    expected = {"assigned": allowed, "anonymous": 401}.get(who, 404)
    assert response.status_code == expected, response.content
    if who != "assigned":
        assert set(response.json()) == {"code", "message", "fields"}
        assert unchanged(assignment)


# My rounds and my queue: every judge of the contest has them; others have none.
QUEUE = {
    "anonymous": None,
    "entrant": 404,
    "assigned": 200,
    "unassigned": 200,
    "conflicted": 200,
    "chief": 200,
    "organiser": 404,
    "other_organiser": 404,
}


@pytest.mark.parametrize("who", USERS)
def test_home_and_queue_pages(scene, who):
    round_, assignment, users = scene
    client = client_for(users[who], api=False)
    home = client.get(reverse("judge_home"))
    queue = client.get(reverse("judge_queue", args=[round_.pk]))
    if who == "anonymous":
        assert home.status_code == queue.status_code == 302
        return
    assert home.status_code == 200
    assert queue.status_code == QUEUE[who]
    listed = reverse("judge_score", args=[assignment.pk]) in queue.content.decode()
    assert listed == (who == "assigned")


@pytest.mark.parametrize("who", USERS)
def test_rounds_and_queue_api(scene, who):
    round_, assignment, users = scene
    client = client_for(users[who], api=True)
    rounds = client.get(reverse("api-judge-rounds"))
    queue = client.get(reverse("api-judge-queue", args=[round_.pk]))
    if who == "anonymous":
        assert rounds.status_code == queue.status_code == 401
        return
    listed = [r["id"] for r in rounds.json()["results"]]
    assert listed == ([round_.pk] if QUEUE[who] == 200 else [])
    assert queue.status_code == QUEUE[who]
    if queue.status_code == 200:
        ids = [item["id"] for item in queue.json()["results"]]
        assert (assignment.pk in ids) == (who == "assigned")


# The judges' copies: the assigned judge (through the assignment), the entrant, the organisers.
MEDIA = {
    "anonymous": 302,
    "entrant": 200,
    "assigned": 200,
    "unassigned": 404,
    "conflicted": 404,
    "chief": 404,
    "organiser": 200,
    "other_organiser": 404,
}


@pytest.mark.parametrize("who", USERS)
def test_judges_copies_of_the_files(scene, who):
    _round, assignment, users = scene
    video = assignment.work.videos.get()
    attachment = assignment.work.attachments.get()
    client = client_for(users[who], api=False)
    for url in [
        reverse("video_blind", args=[video.uuid]),
        reverse("video_poster", args=[video.uuid]),
        reverse("attachment_sanitised", args=[attachment.uuid]),
    ]:
        assert client.get(url).status_code == MEDIA[who], (who, url)
    original = client.get(reverse("video_original", args=[video.uuid])).status_code
    assert original == {"assigned": 404}.get(who, MEDIA[who])  # never the original to a judge


def test_a_judge_who_is_also_an_organiser_still_sees_only_their_own_assignments(scene):
    round_, assignment, users = scene
    organiser = users["organiser"]
    ContestRole.objects.create(contest=round_.contest, user=organiser, role="judge")
    client = client_for(organiser, api=False)
    assert client.get(reverse("judge_queue", args=[round_.pk])).status_code == 200
    assert client.get(reverse("judge_score", args=[assignment.pk])).status_code == 404
