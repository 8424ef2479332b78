"""The boundary re-review API: review, preview, apply; allowed and forbidden; bad input; queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from judging.models import Assignment, Round
from tests import boundary_factories as bf
from tests import factories
from tests import results_factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return bf.scene()


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def url(s, tail=""):
    return f"/api/v1/rounds/{s.round.pk}/boundary/{tail}"


def test_review(s):
    response = api(s.organiser).get(url(s), {"margin": "2.5"})
    assert response.status_code == 200
    data = response.json()
    assert data["method"] == "mean" and data["tiers_from"] == "scheme"
    assert data["round_open"] is True and data["round_message"] == ""
    [pool] = data["pools"]
    assert [round(line["cutoff"], 3) for line in pool["lines"]] == [80.167, 68.0]
    assert [w["work_id"] for w in pool["uncertain"]] == [s.works[k].pk for k in "EFC"]
    assert pool["uncertain"][0]["code"] == s.works["E"].anonymous_code
    assert sorted(data["work_ids"]) == sorted(s.works[k].pk for k in "EFC")


def test_review_with_entered_tiers_and_a_closed_round():
    s = bf.scene(scheme=False, state=Round.State.CLOSED)
    response = api(s.organiser).get(url(s), {"mode": "count", "values": ["2", "3"]})
    assert response.status_code == 200
    data = response.json()
    assert data["tiers_from"] == "entered"
    assert data["round_open"] is False and "Reopen" in data["round_message"]
    response = api(s.organiser).get(url(s))
    assert response.status_code == 409 and response.json()["code"] == "no_tiers"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"margin": "x"}, "margin"),
        ({"margin": "6"}, "margin"),
        ({"values": ["10"]}, "mode"),
        ({"mode": "percent", "values": ["80", "30"]}, "values"),
        ({"mode": "nope", "values": ["1"]}, "mode"),
    ],
)
def test_review_bad_input(s, params, field):
    response = api(s.organiser).get(url(s), params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"code", "message", "fields"}
    assert field in body["fields"]


def test_preview_and_apply(s):
    e = s.works["E"].pk
    client = api(s.organiser)
    response = client.post(url(s, "preview/"), {"works": [e], "count": 2}, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["added_count"] == 2 and data["unstaffed_count"] == 0
    assert {j["user_id"] for j in data["judges"]} == {u.pk for u in s.spares}
    assert not Assignment.objects.filter(state=Assignment.State.PENDING).exists()
    response = client.post(url(s, "apply/"), {"works": [e], "count": 1}, format="json")
    assert response.status_code == 200
    assert response.json() == {"added_count": 1, "withdrawn_count": 0, "unstaffed_count": 0}
    assert Assignment.objects.filter(work_id=e, state=Assignment.State.PENDING).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [({"works": []}, "works"), ({"works": ["x"]}, "works"), ({"works": [1], "count": 9}, "count")],
)
def test_preview_and_apply_bad_input(s, body, field):
    for tail in ("preview/", "apply/"):
        response = api(s.organiser).post(url(s, tail), body, format="json")
        assert response.status_code == 400
        assert field in response.json()["fields"]
    assert not Assignment.objects.filter(state=Assignment.State.PENDING).exists()


def test_apply_on_a_closed_round_is_a_conflict():
    s = bf.scene(state=Round.State.CLOSED)
    response = api(s.organiser).post(url(s, "apply/"), {"works": [s.works["E"].pk]}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "round_not_open"
    assert not Assignment.objects.filter(state=Assignment.State.PENDING).exists()


def test_apply_foreign_work_is_refused(s):
    other = bf.scene()
    response = api(s.organiser).post(
        url(s, "apply/"), {"works": [other.works["A"].pk]}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "not_in_round"


def test_forbidden(s):
    body = {"works": [s.works["E"].pk]}
    for user in (s.judges["j1"], factories.UserFactory()):
        client = api(user)
        assert client.get(url(s)).status_code == 403
        assert client.post(url(s, "preview/"), body, format="json").status_code == 403
        assert client.post(url(s, "apply/"), body, format="json").status_code == 403
    anonymous = APIClient()
    assert anonymous.get(url(s)).status_code == 401
    assert anonymous.post(url(s, "apply/"), body, format="json").status_code == 401
    assert api(s.organiser).get("/api/v1/rounds/999999/boundary/").status_code == 404
    assert not Assignment.objects.filter(state=Assignment.State.PENDING).exists()


def test_review_query_count_does_not_grow_with_works_or_pools(s):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api(s.organiser).get(url(s), {"margin": "2.5"}).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first request also reads the organiser's roles, then cached on the user
    before = count()
    category = factories.CategoryFactory(contest=s.round.contest)
    for total in (90, 80, 70, 60, 50):
        work = rf.work(s.round, category)
        for judge in s.judges.values():
            rf.sheet(s.round, work, judge, [total + judge.pk % 3])
    assert count() == before
