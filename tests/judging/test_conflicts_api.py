"""Conflicts of interest through the API: list, create (which recuses), delete."""

import pytest

from judging.models import Assignment
from judging.models import Conflict as ConflictOfInterest
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf
from tests.contest.test_api_helpers import API, assert_error, client_for, count_queries


@pytest.fixture
def round_(db):
    return jf.RoundFactory(judges_per_work=1)


@pytest.fixture
def contest(round_):
    return round_.contest


@pytest.fixture
def organiser(contest):
    return factories.OrganiserFactory(contest=contest).user


@pytest.fixture
def member(contest):
    return jf.judge(contest)


@pytest.fixture
def work(round_):
    return jf.accepted_work(round_)


def declared(member, work):
    return ConflictOfInterest.objects.create(
        contest=work.contest, judge=member.user, work=work, source="declared", reason="亲属"
    )


def url(contest):
    return f"{API}/contests/{contest.slug}/conflicts/"


@pytest.mark.django_db
def test_only_organisers_may_call(contest, member, work):
    conflict = declared(member, work)
    other = factories.OrganiserFactory(contest=factories.ContestFactory(phase="open")).user
    entrant = work.entrant
    data = {"judge": member.user_id, "work": work.pk, "reason": "r"}
    calls = [
        ("get", url(contest), None),
        ("post", url(contest), data),
        ("delete", f"{API}/conflicts/{conflict.pk}/", None),
    ]
    for method, address, body in calls:
        assert_error(getattr(client_for(), method)(address, body, format="json"), 401)
    for user in (entrant, member.user, other):
        for method, address, body in calls:
            response = getattr(client_for(user), method)(address, body, format="json")
            assert response.status_code == 403, (user, method, address)
    assert ConflictOfInterest.objects.count() == 1


@pytest.mark.django_db
def test_list_conflicts_with_constant_queries(contest, organiser):
    client = client_for(organiser)

    def queries(n):
        for _ in range(n):
            declared(jf.judge(contest), wf.WorkFactory(contest=contest, status="accepted"))
        return count_queries(lambda: client.get(url(contest)))

    assert queries(1) == queries(3)
    row = client.get(url(contest)).json()["results"][0]
    assert row["source"] == "declared" and row["reason"] == "亲属"
    assert set(row) >= {"judge", "judge_name", "work", "work_code", "created_at", "created_by"}


@pytest.mark.django_db
def test_create_recuses_the_live_assignment(
    round_, contest, organiser, member, work, django_capture_on_commit_callbacks
):
    other = jf.judge(contest)
    assignment = jf.assignment(round_, work=work, judge_user=member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(
            url(contest),
            {"judge": member.user_id, "work": work.pk, "reason": "同一教研组"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "organiser"
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.RECUSED
    new = Assignment.objects.filter(work=work).exclude(pk=assignment.pk)
    assert list(new.values_list("judge_id", flat=True)) == [other.user_id]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, fields",
    [
        ({"reason": ""}, ["reason"]),
        ({"reason": "长" * 1001}, ["reason"]),
        ({"judge": "abc"}, ["judge"]),
        ({"work": None}, ["work"]),
        ({"colour": "red"}, ["colour"]),
    ],
)
def test_create_refuses_bad_input(contest, organiser, member, work, change, fields):
    data = {"judge": member.user_id, "work": work.pk, "reason": "r", **change}
    response = client_for(organiser).post(url(contest), data, format="json")
    assert_error(response, 400, fields=fields)
    assert not ConflictOfInterest.objects.exists()


@pytest.mark.django_db
def test_create_refuses_other_contests_and_strangers(contest, organiser, member, work):
    client = client_for(organiser)
    foreign = wf.WorkFactory(status="accepted")
    stranger = factories.UserFactory()
    response = client.post(
        url(contest), {"judge": member.user_id, "work": foreign.pk, "reason": "r"}, format="json"
    )
    assert_error(response, 400, fields=["work"])
    response = client.post(
        url(contest), {"judge": stranger.pk, "work": work.pk, "reason": "r"}, format="json"
    )
    assert_error(response, 400, fields=["judge"])
    declared(member, work)
    response = client.post(
        url(contest), {"judge": member.user_id, "work": work.pk, "reason": "r"}, format="json"
    )
    assert_error(response, 409, "conflict_exists")
    assert ConflictOfInterest.objects.count() == 1


@pytest.mark.django_db
def test_delete_organiser_set_but_not_declared(contest, organiser, member, work):
    client = client_for(organiser, HTTP_ACCEPT_LANGUAGE="en")
    mine = declared(member, work)
    body = assert_error(client.delete(f"{API}/conflicts/{mine.pk}/"), 409, "declared_conflict")
    assert body["message"] == "A conflict the judge declared cannot be removed."
    mine.source = "organiser"
    mine.save()
    assert client.delete(f"{API}/conflicts/{mine.pk}/").status_code == 204
    assert not ConflictOfInterest.objects.exists()
    assert_error(client.delete(f"{API}/conflicts/{mine.pk}/"), 404)
