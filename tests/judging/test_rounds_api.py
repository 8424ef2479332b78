"""Rounds through the API: permissions, settings, the state machine, and the documentation."""

import datetime as dt

import pytest
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from judging.models import Round, RoundWork, Rubric
from tests import factories
from tests import judging_factories as jf
from tests.contest.test_api_helpers import API, assert_error, client_for, count_queries
from tests.judging.test_rounds_helpers import WHO, people, round_, rubric, snapshot

S = Round.State


@pytest.fixture
def the(db):
    return people()


@pytest.fixture
def draft(the):
    return round_(the.contest)


def _body(contest, **changes) -> dict:
    opens = timezone.now() + dt.timedelta(days=1)
    body = {
        "name": "初评",
        "order": 1,
        "rubric": rubric(contest).pk,
        "opens_at": opens.isoformat(),
        "closes_at": (opens + dt.timedelta(days=14)).isoformat(),
        "categories": [],
    }
    body.update(changes)
    return body


def _state(round_obj) -> str:
    return Round.objects.get(pk=round_obj.pk).state


# --- The permission matrix

READ = {"anonymous": 401, "entrant": 404, "judge": 200, "organiser": 200, "other_organiser": 404}
LIST = {**READ, "entrant": 403, "other_organiser": 403}
WRITE = {**READ, "judge": 403}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.django_db
def test_permission_matrix(the, draft, who):
    client = client_for(the.user(who))
    slug = the.contest.slug
    endpoints = [
        ("get", f"/contests/{slug}/rounds/", None, LIST),
        ("post", f"/contests/{slug}/rounds/", "new", {**LIST, "judge": 403, "organiser": 201}),
        ("get", f"/rounds/{draft.pk}/", None, READ),
        ("patch", f"/rounds/{draft.pk}/", {"tolerance": "12"}, WRITE),
        ("post", f"/rounds/{draft.pk}/state/", {"state": "assigning"}, WRITE),
        ("post", f"/rounds/{draft.pk}/works/refresh/", None, WRITE),
    ]
    for method, url, body, expected in endpoints:
        if body == "new":
            body = _body(the.contest, order=9)
        response = getattr(client, method)(API + url, body, format="json")
        assert response.status_code == expected[who], (method, url, response.content)
        if expected[who] >= 400:
            assert_error(response, expected[who])
    if who != "organiser":
        assert _state(draft) == S.DRAFT
        assert Round.objects.count() == 1


@pytest.mark.django_db
def test_judge_reads_rounds_but_no_works(the):
    current = round_(the.contest, state=S.OPEN)
    work = jf.accepted_work(current, title="泄露作品标题")
    body = client_for(the.judge).get(f"{API}/rounds/{current.pk}/")
    text = body.content.decode()
    assert body.json()["rubric"] == current.rubric_id
    assert "works" not in body.json()
    for leak in (work.title, work.entrant.real_name, work.entrant.email, work.anonymous_code):
        assert leak not in text
    listed = client_for(the.judge).get(f"{API}/contests/{the.contest.slug}/rounds/").json()
    assert [r["id"] for r in listed["results"]] == [current.pk]


@pytest.mark.django_db
def test_list_in_order_and_query_count_does_not_grow(the):
    client = client_for(the.organiser)
    url = f"{API}/contests/{the.contest.slug}/rounds/"
    category = factories.CategoryFactory(contest=the.contest)
    final = round_(the.contest, name="终评", order=3)
    final.categories.set([category])
    one = count_queries(lambda: client.get(url))
    for order, name in ((1, "初评"), (2, "复评")):
        more = round_(the.contest, name=name, order=order, state=S.ASSIGNING)
        more.categories.set([category])
        jf.accepted_work(more)
    body = client.get(url).json()
    assert [r["name"] for r in body["results"]] == ["初评", "复评", "终评"]
    assert body["results"][0]["work_count"] == 1
    assert count_queries(lambda: client.get(url)) == one


# --- Settings


@pytest.mark.django_db
def test_create_and_patch(the):
    client = client_for(the.organiser)
    category = factories.CategoryFactory(contest=the.contest)
    response = client.post(
        f"{API}/contests/{the.contest.slug}/rounds/",
        _body(the.contest, categories=[category.pk], same_city_conflict=True),
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["state"], created["categories"], created["next_states"]) == (
        "draft",
        [category.pk],
        ["assigning"],
    )
    assert created["same_city_conflict"] is True
    assert created["opens_at"].endswith("+08:00")
    response = client.patch(f"{API}/rounds/{created['id']}/", {"judges_per_work": 5}, format="json")
    assert response.json()["judges_per_work"] == 5


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closes_at": "2020-01-01T00:00:00+08:00"}, "closes_at"),
        ({"opens_at": "yesterday"}, "opens_at"),
        ({"judges_per_work": 0}, "judges_per_work"),
        ({"tolerance": "-1"}, "tolerance"),
        ({"min_play_percent": 101}, "min_play_percent"),
        ({"expertise": "psychic"}, "expertise"),
        ({"name": "名" * 61}, "name"),
        ({"state": "open"}, "state"),
        ({"colour": "red"}, "colour"),
        ({"rubric": "abc"}, "rubric"),
        ({"categories": "all"}, "categories"),
    ],
)
@pytest.mark.django_db
def test_bad_settings_are_refused(the, changes, field):
    response = client_for(the.organiser).post(
        f"{API}/contests/{the.contest.slug}/rounds/", _body(the.contest, **changes), format="json"
    )
    assert_error(response, 400, fields=[field])
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_rubric_and_categories_of_another_contest_are_refused(the):
    other = people().contest
    url = f"{API}/contests/{the.contest.slug}/rounds/"
    client = client_for(the.organiser)
    for changes, field in (
        ({"rubric": rubric(other).pk}, "rubric"),
        ({"categories": [factories.CategoryFactory(contest=other).pk]}, "categories"),
    ):
        response = client.post(url, _body(the.contest, **changes), format="json")
        assert_error(response, 400, fields=[field])
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_duplicate_position_is_refused(the, draft):
    response = client_for(the.organiser).post(
        f"{API}/contests/{the.contest.slug}/rounds/",
        _body(the.contest, order=draft.order),
        format="json",
    )
    assert_error(response, 400, fields=["order"])


@pytest.mark.django_db
def test_open_round_keeps_its_rubric(the):
    opened = round_(the.contest, state=S.OPEN)
    response = client_for(the.organiser).patch(
        f"{API}/rounds/{opened.pk}/", {"rubric": rubric(the.contest, name="新").pk}, format="json"
    )
    assert_error(response, 409, "round_fixed", fields=["rubric"])


# --- State


@pytest.mark.django_db
def test_state_machine_through_the_api(the, draft):
    client = client_for(the.organiser)
    url = f"{API}/rounds/{draft.pk}/state/"
    assert_error(client.post(url, {"state": "open"}, format="json"), 409, "invalid_state")
    response = client.post(url, {"state": "assigning"}, format="json")
    assert response.json()["state"] == "assigning"
    assert response.json()["work_count"] == 1  # the entrant's accepted work
    assert RoundWork.objects.filter(round=draft).count() == 1
    response = client.post(url, {"state": "open"}, format="json")
    assert response.json()["state"] == "open", response.content
    assert client.get(f"{API}/rubrics/{draft.rubric_id}/").json()["frozen"] is True
    assert_error(client.post(url, {"state": "frozen"}, format="json"), 409, "invalid_state")
    assert_error(client.post(url, {"state": "melted"}, format="json"), 400, fields=["state"])
    assert client.post(url, {"state": "closed"}, format="json").json()["next_states"] == ["open"]


@pytest.mark.django_db
def test_opening_without_criteria_is_refused(the):
    bare = Rubric.objects.create(contest=the.contest, name="空")
    assigning = round_(the.contest, state=S.ASSIGNING, rubric_=bare)
    jf.accepted_work(assigning)
    before = snapshot(bare)
    response = client_for(the.organiser, HTTP_ACCEPT_LANGUAGE="en").post(
        f"{API}/rounds/{assigning.pk}/state/", {"state": "open"}, format="json"
    )
    body = assert_error(response, 409, "not_ready")
    assert "The rubric has no criteria." in body["message"]
    assert response["Content-Language"] == "en"
    assert _state(assigning) == S.ASSIGNING and snapshot(bare) == before


@pytest.mark.django_db
def test_refresh_reports_how_many_were_added(the):
    current = round_(the.contest, state=S.OPEN)
    response = client_for(the.organiser).post(f"{API}/rounds/{current.pk}/works/refresh/")
    assert response.json() == {"added": 1}
    draft = round_(the.contest, order=5)
    response = client_for(the.organiser).post(f"{API}/rounds/{draft.pk}/works/refresh/")
    assert_error(response, 409, "bad_state")


# --- Documentation


@pytest.mark.django_db
def test_schema_documents_the_endpoints_without_warnings():
    GENERATOR_STATS.reset()
    patterns = [path("api/v1/", include("judging.api.rubrics_urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular warned, see the output"
    paths = schema["paths"]
    for expected in [
        "/api/v1/contests/{contest_slug}/rubrics/",
        "/api/v1/contests/{contest_slug}/rubrics/import/",
        "/api/v1/rubrics/{id}/",
        "/api/v1/rubrics/{id}/criteria/{criterion_pk}/",
        "/api/v1/rubrics/{id}/criteria/order/",
        "/api/v1/contests/{contest_slug}/rounds/",
        "/api/v1/rounds/{id}/",
        "/api/v1/rounds/{id}/state/",
    ]:
        assert expected in paths, sorted(paths)
    patch = paths["/api/v1/rubrics/{id}/"]["patch"]
    assert "X-Rubric-Copied-From" in patch["responses"]["200"]["headers"]
    assert "404" in patch["responses"] and "403" in patch["responses"]
