"""Ranking through the API: permissions of every endpoint, settings, comparison, freeze,
results JSON (query count) and CSV (injection neutralised, parsed back), explanation,
reproduce, advancement, pools, and the schema."""

import csv
import io

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from judging.models import Round, RoundWork
from results.models import Pool, PoolCategory, RankingSettings, ResultSnapshot
from results.services.snapshots import snapshot_freeze
from tests import factories
from tests import judging_factories as jf
from tests import results_factories as rf
from tests.contest.test_api_helpers import API, assert_error, client_for, count_queries
from tests.judging.test_rounds_helpers import WHO, people

pytestmark = pytest.mark.django_db

READ = {"anonymous": 401, "entrant": 404, "judge": 403, "other_organiser": 404, "organiser": 200}


@pytest.fixture
def the(db):
    return people()


@pytest.fixture
def scored(the):
    return rf.scored_round(
        {
            "A": {"j1": [8], "j2": [6]},
            "B": {"j1": [9], "j2": [9]},
            "C": {"j1": [5], "j2": [9]},
        },
        contest=the.contest,
    )


@pytest.fixture
def frozen(the, scored):
    round_, works, judges = scored
    RankingSettings.objects.create(round=round_, method="mean")
    return snapshot_freeze(round=round_, actor=the.organiser), works, judges


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix_before_freezing(the, scored, who):
    round_ = scored[0]
    client = client_for(the.user(who))
    base = f"{API}/rounds/{round_.pk}/ranking"
    endpoints = [
        ("get", f"{base}/settings/", None, READ),
        ("put", f"{base}/settings/", {"method": "median"}, READ),
        ("get", f"{base}/comparison/", None, READ),
        ("post", f"{base}/freeze/", None, {**READ, "organiser": 201}),
    ]
    for method, url, body, expected in endpoints:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == expected[who], (method, url, response.content)
        if expected[who] >= 400:
            assert_error(response, expected[who])
    if who != "organiser":
        assert not ResultSnapshot.objects.exists()


@pytest.mark.parametrize("who", WHO)
def test_permission_matrix_frozen(the, frozen, who):
    snapshot, works, _judges = frozen
    later = jf.RoundFactory(
        contest=the.contest, state=Round.State.DRAFT, order=snapshot.round.order + 1
    )
    client = client_for(the.user(who))
    base = f"{API}/rounds/{snapshot.round_id}/ranking"
    move = {"to_round": later.pk, "rule": "top_n", "value": "1"}
    endpoints = [
        ("get", f"{base}/snapshot/", None, READ),
        ("get", f"{base}/results/", None, READ),
        ("get", f"{base}/results.csv", None, READ),
        ("get", f"{base}/works/{works['A'].pk}/", None, READ),
        ("post", f"{base}/reproduce/", None, READ),
        ("post", f"{base}/advancement/preview/", move, READ),
        ("post", f"{base}/advancement/", move, {**READ, "organiser": 201}),
    ]
    for method, url, body, expected in endpoints:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == expected[who], (method, url, response.content)
        if expected[who] >= 400:
            assert_error(response, expected[who])
    expected_works = 1 if who == "organiser" else 0
    assert RoundWork.objects.filter(round=later).count() == expected_works


@pytest.mark.parametrize("who", ["judge", "entrant", "other_organiser", "anonymous"])
def test_unfreeze_forbidden(the, frozen, who):
    snapshot = frozen[0]
    response = client_for(the.user(who)).post(f"{API}/rounds/{snapshot.round_id}/ranking/unfreeze/")
    assert response.status_code in (401, 403, 404)
    assert ResultSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_settings_freeze_unfreeze(the, scored):
    round_ = scored[0]
    client = client_for(the.organiser)
    base = f"{API}/rounds/{round_.pk}/ranking"
    criterion = round_.rubric.criteria.get()
    body = {"method": "median", "tiebreak_criteria": [criterion.pk], "tiebreak_sheets": True}
    assert client.put(f"{base}/settings/", body, format="json").json() == body
    bad = client.put(f"{base}/settings/", {"tiebreak_criteria": [999999]}, format="json")
    assert_error(bad, 400, fields=["tiebreak_criteria"])
    assert_error(client.put(f"{base}/settings/", {"methd": "x"}, format="json"), 400)
    created = client.post(f"{base}/freeze/")
    assert created.status_code == 201
    assert created.json()["method"] == "median" and created.json()["pools"][0]["count"] == 3
    assert_error(client.post(f"{base}/freeze/"), 409, code="frozen")
    assert_error(client.put(f"{base}/settings/", body, format="json"), 409, code="frozen")
    assert client.post(f"{base}/unfreeze/").status_code == 204
    round_.refresh_from_db()
    assert round_.state == Round.State.CLOSED
    assert_error(client.get(f"{base}/snapshot/"), 404)


def test_freeze_errors(the, scored):
    round_, works, _judges = scored
    client = client_for(the.organiser)
    rf.case(round_, works["C"])
    body = assert_error(client.post(f"{API}/rounds/{round_.pk}/ranking/freeze/"), 409, "open_cases")
    assert works["C"].anonymous_code in body["message"]


def test_comparison(the, scored):
    round_ = scored[0]
    body = client_for(the.organiser).get(f"{API}/rounds/{round_.pk}/ranking/comparison/").json()
    assert body["recommended"] and body["reason"]
    assert body["count"] == 3 and body["pools"][0]["works"] == 3
    row = body["results"][0]
    assert set(row["methods"]) == {
        "mean",
        "trimmed_mean",
        "median",
        "zscore_calibrated",
        "judge_bias_model",
    }


def test_results_json_query_count_does_not_grow(the, frozen):
    snapshot, works, judges = frozen
    client = client_for(the.organiser)
    url = f"{API}/rounds/{snapshot.round_id}/ranking/results/"
    few = count_queries(lambda: client.get(url))
    body = client.get(url).json()
    assert [r["code"] for r in body["results"]] == [
        works[x].anonymous_code for x in ("B", "A", "C")
    ]
    assert body["results"][1]["shares_rank"] is True  # A and C tie at 7
    round_ = snapshot.round
    client.post(f"{API}/rounds/{round_.pk}/ranking/unfreeze/")
    for _ in range(4):
        rf.sheet(round_, rf.work(round_, works["A"].category), judges["j1"], [5])
    client.post(f"{API}/rounds/{round_.pk}/ranking/freeze/")
    assert client.get(url).json()["count"] == 7
    assert count_queries(lambda: client.get(url)) == few
    key = f"category-{works['A'].category_id}"
    assert client.get(url, {"pool": key}).json()["count"] == 7
    assert_error(client.get(url, {"pool": "pool-999"}), 404)


def test_csv_is_streamed_parsed_back_and_neutralised(the, frozen):
    snapshot, works, _judges = frozen
    work = works["A"]
    work.title = '=HYPERLINK("http://evil")'
    work.save()
    works["B"].title = "@SUM(1)"
    works["B"].save()
    response = client_for(the.organiser).get(
        f"{API}/rounds/{snapshot.round_id}/ranking/results.csv"
    )
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["pool", "rank", "shares_rank", "code"]
    titles = {r[3]: r[4] for r in rows[1:]}
    assert titles[work.anonymous_code] == '\'=HYPERLINK("http://evil")'
    assert titles[works["B"].anonymous_code] == "'@SUM(1)"
    assert [r[1] for r in rows[1:]] == ["1", "2", "2"]


def test_explanation_and_reproduce(the, frozen):
    snapshot, works, judges = frozen
    client = client_for(the.organiser)
    base = f"{API}/rounds/{snapshot.round_id}/ranking"
    body = client.get(f"{base}/works/{works['A'].pk}/").json()
    assert body["entry"]["rank"] == 2
    assert {j["name"] for j in body["judges"]} == {judges["j1"].real_name, judges["j2"].real_name}
    assert body["above"]["code"] == works["B"].anonymous_code and body["above"]["by"] == "score"
    assert body["ties"] == [works["C"].anonymous_code]
    assert_error(client.get(f"{base}/works/999999/"), 404)
    report = client.post(f"{base}/reproduce/").json()
    assert report["hash_matches"] and report["ranks_match"]


def test_advancement_preview_and_errors(the, frozen):
    snapshot, works, _judges = frozen
    later = jf.RoundFactory(
        contest=the.contest, state=Round.State.DRAFT, order=snapshot.round.order + 1
    )
    client = client_for(the.organiser)
    base = f"{API}/rounds/{snapshot.round_id}/ranking/advancement"
    plan = client.post(
        f"{base}/preview/", {"to_round": later.pk, "rule": "top_n", "value": "2"}, format="json"
    ).json()
    assert plan["count"] == 3 and plan["pools"][0]["tied"] == 2
    assert sorted(plan["tied_works"]) == sorted([works["A"].pk, works["C"].pk])
    bad = client.post(
        f"{base}/", {"to_round": later.pk, "rule": "top_n", "value": "1.5"}, format="json"
    )
    assert_error(bad, 400, fields=["value"])
    opened = jf.RoundFactory(
        contest=the.contest, state=Round.State.OPEN, order=snapshot.round.order + 2
    )
    refused = client.post(
        f"{base}/", {"to_round": opened.pk, "rule": "top_n", "value": "1"}, format="json"
    )
    assert_error(refused, 409)


@pytest.mark.parametrize("who", WHO)
def test_pools_permissions(the, who):
    pool = Pool.objects.create(contest=the.contest, name="数学")
    PoolCategory.objects.create(pool=pool, category=factories.CategoryFactory(contest=the.contest))
    client = client_for(the.user(who))
    expected = {**dict.fromkeys(WHO, 403), "anonymous": 401, "organiser": 200}
    for method, url, body in (
        ("get", f"{API}/contests/{the.contest.slug}/pools/", None),
        ("get", f"{API}/pools/{pool.pk}/", None),
        ("patch", f"{API}/pools/{pool.pk}/", {"name": "改名"}),
    ):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == expected[who], (url, response.content)
    if who != "organiser":
        pool.refresh_from_db()
        assert pool.name == "数学"


def test_pools_crud(the):
    client = client_for(the.organiser)
    one = factories.CategoryFactory(contest=the.contest)
    foreign = factories.CategoryFactory()
    url = f"{API}/contests/{the.contest.slug}/pools/"
    created = client.post(url, {"name": "数学", "categories": [one.pk]}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert_error(client.post(url, {"name": "x", "categories": [foreign.pk]}, format="json"), 400)
    assert_error(client.post(url, {"name": "y", "categories": [one.pk]}, format="json"), 400)
    assert client.patch(f"{API}/pools/{pk}/", {"order": 3}, format="json").json()["order"] == 3
    assert client.get(url).json()[0]["categories"] == [one.pk]
    assert client.delete(f"{API}/pools/{pk}/").status_code == 204


def test_schema_documents_the_endpoints_without_warnings():
    GENERATOR_STATS.reset()
    patterns = [path("api/v1/", include("results.api.ranking_urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular warned, see the output"
    assert "/api/v1/rounds/{id}/ranking/results.csv" in schema["paths"]
