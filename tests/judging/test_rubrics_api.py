"""Rubrics and criteria through the API: permissions, bad input, frozen copies, import, export."""

import json
from pathlib import Path

import pytest

from judging.models import Criterion, Round, Rubric
from tests.contest.test_api_helpers import API, assert_error, client_for, count_queries
from tests.judging.test_rounds_helpers import (
    SCRIPT,
    WHO,
    empty_rubric,
    people,
    round_,
    rubric,
    snapshot,
)

RUBRICS = Path(__file__).resolve().parents[2] / "judging" / "data" / "rubrics"


@pytest.fixture
def the(db):
    return people()


@pytest.fixture
def demo(the):
    return rubric(the.contest)


def _criterion(**changes) -> dict:
    data = {
        "name": "新评分项",
        "max_points": "10",
        "step": "0.5",
        "weight": "1",
        "levels": [{"label": "优", "text": "很好"}, {"label": "差", "text": "不好"}],
        "comment_required": True,
    }
    data.update(changes)
    return data


# --- The permission matrix

# (method, path template, body) → expected status per person. {c}: contest slug, {r}: rubric,
# {k}: a criterion. Judges read; organisers of the contest write; others see nothing.
READ = {"anonymous": 401, "entrant": 404, "judge": 200, "organiser": 200, "other_organiser": 404}
LIST = {**READ, "entrant": 403, "other_organiser": 403}
WRITE = {**READ, "judge": 403}
CONTEST_WRITE = {**LIST, "judge": 403}
ENDPOINTS = [
    ("get", "/contests/{c}/rubrics/", None, LIST),
    ("post", "/contests/{c}/rubrics/", {"name": "新标准"}, {**CONTEST_WRITE, "organiser": 201}),
    ("post", "/contests/{c}/rubrics/import/", "c20", {**CONTEST_WRITE, "organiser": 201}),
    ("get", "/rubrics/{r}/", None, READ),
    ("patch", "/rubrics/{r}/", {"note": "改"}, WRITE),
    ("get", "/rubrics/{r}/export/", None, READ),
    ("get", "/rubrics/{r}/criteria/", None, READ),
    ("post", "/rubrics/{r}/criteria/", _criterion(), {**WRITE, "organiser": 201}),
    ("get", "/rubrics/{r}/criteria/{k}/", None, READ),
    ("patch", "/rubrics/{r}/criteria/{k}/", {"weight": "2"}, WRITE),
    ("post", "/rubrics/{r}/criteria/order/", "order", WRITE),
    ("delete", "/rubrics/{r}/criteria/{k}/", None, {**WRITE, "organiser": 204}),
]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.django_db
def test_permission_matrix(the, demo, who):
    client = client_for(the.user(who))
    ids = list(demo.criteria.order_by("order").values_list("pk", flat=True))
    before = snapshot(demo)
    for method, template, body, expected in ENDPOINTS:
        path = template.format(c=the.contest.slug, r=demo.pk, k=ids[0])
        if body == "c20":
            body = json.loads((RUBRICS / "c20-demo.json").read_text())
        elif body == "order":
            body = {"order": list(demo.criteria.values_list("pk", flat=True))}
        response = getattr(client, method)(API + path, body, format="json")
        assert response.status_code == expected[who], (method, path, response.content)
        if expected[who] >= 400:
            assert_error(response, expected[who])
    if who != "organiser":
        assert snapshot(demo) == before
        assert Rubric.objects.count() == 1


@pytest.mark.django_db
def test_judge_reads_the_rubric_with_levels(the, demo):
    body = client_for(the.judge).get(f"{API}/rubrics/{demo.pk}/").json()
    assert body["name"] == demo.name
    assert body["total"] == "100.00"
    assert body["frozen"] is False
    assert [c["max_points"] for c in body["criteria"]] == [
        "20.00",
        "25.00",
        "25.00",
        "15.00",
        "15.00",
    ]
    assert body["criteria"][0]["levels"][0] == {
        "label": "优",
        "text": body["criteria"][0]["levels"][0]["text"],
    }


@pytest.mark.django_db
def test_list_query_count_does_not_grow(the, demo):
    client = client_for(the.judge)
    url = f"{API}/contests/{the.contest.slug}/rubrics/"
    one = count_queries(lambda: client.get(url))
    rubric(the.contest, name="二")
    round_(the.contest, rubric_=rubric(the.contest, name="三"), state=Round.State.OPEN)
    assert client.get(url).json()["count"] == 3
    assert count_queries(lambda: client.get(url)) == one


# --- Writing


@pytest.mark.django_db
def test_create_with_nested_criteria(the):
    body = {"name": "复评标准", "note": "", "criteria": [_criterion(), _criterion(name="第二项")]}
    response = client_for(the.organiser).post(
        f"{API}/contests/{the.contest.slug}/rubrics/", body, format="json"
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["contest"] == the.contest.slug
    assert [c["name"] for c in created["criteria"]] == ["新评分项", "第二项"]
    assert created["total"] == "20.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "criteria": [_criterion(max_points="10", step="3")]}, "criteria"),
        ({"name": "x", "criteria": [_criterion(), _criterion()]}, "criteria"),
        ({"name": "x", "criteria": [_criterion(step="0")]}, "criteria"),
        ({"name": "x", "criteria": [_criterion(weight="-1")]}, "criteria"),
        ({"name": "名" * 121}, "name"),
        ({"name": "x", "colour": "red"}, "colour"),
        ({"name": "x", "criteria": [_criterion(max_points="ten")]}, "criteria.max_points"),
        ({"name": "x", "criteria": [_criterion(name="名" * 61)]}, "criteria.name"),
        (
            {"name": "x", "criteria": [_criterion(levels=[{"label": "优"}, {"label": "优"}])]},
            "criteria",
        ),
        (
            {"name": "x", "criteria": [_criterion(levels=[{"label": "优", "colour": 1}])]},
            "criteria.levels.colour",
        ),
        ({"name": "x", "criteria": "all"}, "criteria.non_field_errors"),
        ({"name": ["x"]}, "name"),
    ],
)
@pytest.mark.django_db
def test_bad_rubric_input_is_refused_and_nothing_saved(the, body, field):
    response = client_for(the.organiser).post(
        f"{API}/contests/{the.contest.slug}/rubrics/", body, format="json"
    )
    assert_error(response, 400, fields=[field])
    assert not Rubric.objects.exists()
    assert not Criterion.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_criterion(max_points="10", step="3"), "max_points"),
        (_criterion(step="0"), "step"),
        (_criterion(weight="-2"), "weight"),
        (_criterion(name="选题与设计"), "name"),
        (_criterion(name=""), "name"),
        (_criterion(levels=[{"label": "优", "text": "a"}, {"label": "优", "text": "b"}]), "levels"),
        (_criterion(levels=[{"label": "优" * 21, "text": "a"}]), "levels.label"),
        (_criterion(levels="优:好"), "levels.non_field_errors"),
        (_criterion(rubric=1), "rubric"),
    ],
)
@pytest.mark.django_db
def test_bad_criterion_input_is_refused(the, demo, body, field):
    before = snapshot(demo)
    response = client_for(the.organiser).post(
        f"{API}/rubrics/{demo.pk}/criteria/", body, format="json"
    )
    assert_error(response, 400, fields=[field])
    assert snapshot(demo) == before


@pytest.mark.django_db
def test_patch_criterion_and_reorder(the, demo):
    client = client_for(the.organiser)
    ids = list(demo.criteria.order_by("order").values_list("pk", flat=True))
    response = client.patch(
        f"{API}/rubrics/{demo.pk}/criteria/{ids[0]}/", {"max_points": "30"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["max_points"] == "30.00"
    assert "X-Rubric-Copied-From" not in response
    response = client.post(
        f"{API}/rubrics/{demo.pk}/criteria/order/", {"order": ids[::-1]}, format="json"
    )
    assert [c["id"] for c in response.json()["criteria"]] == ids[::-1]
    response = client.post(
        f"{API}/rubrics/{demo.pk}/criteria/order/", {"order": ids[1:]}, format="json"
    )
    assert_error(response, 400, "validation_failed", fields=["order"])


@pytest.mark.django_db
def test_criterion_of_another_rubric_is_not_found(the, demo):
    other = rubric(the.contest, name="另一个").criteria.first()
    response = client_for(the.organiser).get(f"{API}/rubrics/{demo.pk}/criteria/{other.pk}/")
    assert_error(response, 404, "not_found")


# --- Frozen rubrics


@pytest.mark.django_db
def test_patch_of_a_frozen_rubric_answers_with_the_copy(the, demo):
    used_by = round_(the.contest, rubric_=demo, state=Round.State.OPEN)
    before = snapshot(demo)
    client = client_for(the.organiser)
    assert client.get(f"{API}/rubrics/{demo.pk}/").json()["frozen"] is True

    response = client.patch(f"{API}/rubrics/{demo.pk}/", {"name": "复评用"}, format="json")

    assert response.status_code == 200
    body = response.json()
    copy = Rubric.objects.get(copied_from=demo)
    assert response["X-Rubric-Copied-From"] == str(demo.pk)
    assert (body["id"], body["copied_from"], body["name"], body["frozen"]) == (
        copy.pk,
        demo.pk,
        "复评用",
        False,
    )
    assert len(body["criteria"]) == 5
    assert snapshot(demo) == before
    assert Round.objects.get(pk=used_by.pk).rubric_id == demo.pk


@pytest.mark.django_db
def test_criterion_edits_of_a_frozen_rubric_go_to_copies(the, demo):
    round_(the.contest, rubric_=demo, state=Round.State.CLOSED)
    before = snapshot(demo)
    client = client_for(the.organiser)
    first = demo.criteria.order_by("order").first()

    patched = client.patch(
        f"{API}/rubrics/{demo.pk}/criteria/{first.pk}/", {"weight": "2"}, format="json"
    )
    added = client.post(f"{API}/rubrics/{demo.pk}/criteria/", _criterion(), format="json")
    deleted = client.delete(f"{API}/rubrics/{demo.pk}/criteria/{first.pk}/")

    for response in (patched, added, deleted):
        assert response["X-Rubric-Copied-From"] == str(demo.pk)
    assert patched.status_code == 200 and patched.json()["rubric"] != demo.pk
    assert patched.json()["weight"] == "2.00"
    assert added.status_code == 201 and added.json()["rubric"] != demo.pk
    assert deleted.status_code == 200 and len(deleted.json()["criteria"]) == 4
    assert snapshot(demo) == before
    assert Rubric.objects.filter(copied_from=demo).count() == 3


# --- Import and export


@pytest.mark.parametrize(
    ("name", "count", "total"),
    [
        ("c20-demo", 5, "100.00"),
        ("china-microlesson", 4, "95.00"),
        ("college-microlesson-2013", 9, "100.00"),
    ],
)
@pytest.mark.django_db
def test_import_the_shared_files(the, name, count, total):
    data = json.loads((RUBRICS / f"{name}.json").read_text())
    response = client_for(the.organiser).post(
        f"{API}/contests/{the.contest.slug}/rubrics/import/", data, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (len(body["criteria"]), body["total"]) == (count, total)


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"name": "x", "criteria": [{"name": "a", "max": 10, "step": 3}]},
        {"name": "x", "criteria": [{"name": "a"}]},
        {"name": "x", "total": 50, "criteria": [{"name": "a", "max": 10}]},
    ],
)
@pytest.mark.django_db
def test_bad_imports_are_refused(the, body):
    response = client_for(the.organiser).post(
        f"{API}/contests/{the.contest.slug}/rubrics/import/", body, format="json"
    )
    assert_error(response, 400, "import_rejected")
    assert not Rubric.objects.exists()


@pytest.mark.django_db
def test_malformed_json_body_is_refused(the):
    response = client_for(the.organiser).post(
        f"{API}/contests/{the.contest.slug}/rubrics/import/",
        data='{"name": "x", criteria',
        content_type="application/json",
    )
    assert_error(response, 400)
    assert not Rubric.objects.exists()


@pytest.mark.django_db
def test_export_reads_back(the, demo):
    client = client_for(the.organiser)
    exported = client.get(f"{API}/rubrics/{demo.pk}/export/").json()
    response = client.post(
        f"{API}/contests/{the.contest.slug}/rubrics/import/", exported, format="json"
    )
    assert response.status_code == 201
    assert client.get(f"{API}/rubrics/{response.json()['id']}/export/").json() == exported


# --- Text


@pytest.mark.django_db
def test_markup_is_stored_as_text(the):
    client = client_for(the.organiser)
    response = client.post(
        f"{API}/contests/{the.contest.slug}/rubrics/", {"name": SCRIPT}, format="json"
    )
    assert response.json()["name"] == SCRIPT
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_errors_follow_the_language(the):
    url = f"{API}/rubrics/{empty_rubric(the.contest).pk}/criteria/"
    body = _criterion(max_points="10", step="3")
    english = client_for(the.organiser, HTTP_ACCEPT_LANGUAGE="en").post(url, body, format="json")
    assert "whole number of steps" in english.json()["fields"]["max_points"][0]
    assert english["Content-Language"] == "en"
    chinese = client_for(the.organiser).post(url, body, format="json")
    assert chinese["Content-Language"] == "zh-hans"
