"""Groups, subjects, stages and categories of a contest through the API."""

import pytest

from contest.models import Category, Group, Stage, Subject
from tests import factories
from tests.contest.test_api_helpers import API, assert_error, client_for, count_queries

DIMENSIONS = [
    ("groups", Group, factories.GroupFactory),
    ("subjects", Subject, factories.SubjectFactory),
    ("stages", Stage, factories.StageFactory),
]


def _url(contest, kind: str, pk: int | None = None) -> str:
    return f"{API}/contests/{contest.slug}/{kind}/" + (f"{pk}/" if pk else "")


def _parts(contest) -> dict:
    return {
        "group": factories.GroupFactory(contest=contest).pk,
        "subject": factories.SubjectFactory(contest=contest).pk,
        "stage": factories.StageFactory(contest=contest).pk,
    }


@pytest.fixture
def other(db):
    """Another contest and its organiser."""
    contest = factories.ContestFactory(phase="open")
    return contest, factories.OrganiserFactory(contest=contest).user


# --- Categories: read


@pytest.mark.django_db
def test_categories_listed_to_anyone_who_sees_the_contest(contest):
    category = factories.CategoryFactory(contest=contest)
    factories.CategoryFactory(contest=factories.ContestFactory(phase="open"))
    response = client_for().get(_url(contest, "categories"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": category.pk,
            "code": category.code,
            "name": category.name,
            "group": category.group_id,
            "subject": category.subject_id,
            "stage": category.stage_id,
            "order": 0,
        }
    ]


@pytest.mark.django_db
def test_categories_of_a_draft_are_hidden(other):
    draft = factories.ContestFactory(phase="draft")
    factories.CategoryFactory(contest=draft)
    _contest, other_organiser = other
    assert_error(client_for().get(_url(draft, "categories")), 404, "not_found")
    assert_error(client_for(other_organiser).get(_url(draft, "categories")), 404, "not_found")
    organiser = factories.OrganiserFactory(contest=draft).user
    assert client_for(organiser).get(_url(draft, "categories")).json()["count"] == 1


@pytest.mark.django_db
def test_category_of_another_contest_is_not_found_under_this_one(contest, other):
    foreign = factories.CategoryFactory(contest=other[0])
    assert_error(client_for().get(_url(contest, "categories", foreign.pk)), 404, "not_found")


@pytest.mark.parametrize("kind", ["categories", "groups"])
@pytest.mark.django_db
def test_list_query_count_does_not_grow(contest, organiser, kind):
    client = client_for(organiser)
    factories.CategoryFactory(contest=contest)
    one = count_queries(lambda: client.get(_url(contest, kind)))
    factories.CategoryFactory.create_batch(2, contest=contest)
    assert client.get(_url(contest, kind)).json()["count"] == 3
    assert count_queries(lambda: client.get(_url(contest, kind))) == one


@pytest.mark.django_db
def test_categories_are_paginated(contest):
    factories.CategoryFactory.create_batch(3, contest=contest)
    body = client_for().get(_url(contest, "categories"), {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"]


# --- Categories: write


@pytest.mark.django_db
def test_organiser_creates_a_category(organiser, contest):
    data = {"code": "junior-math-t", "name": "初中·数学·教师组", **_parts(contest)}
    response = client_for(organiser).post(_url(contest, "categories"), data, format="json")
    assert response.status_code == 201, response.content
    category = Category.objects.get(contest=contest)
    assert response.json() == {**data, "id": category.pk, "order": 0}


@pytest.mark.django_db
def test_category_without_parts_is_allowed(organiser, contest):
    response = client_for(organiser).post(
        _url(contest, "categories"), {"code": "all", "name": "全部", "group": None}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["group"] is None


@pytest.mark.parametrize("part", ["group", "subject", "stage"])
@pytest.mark.django_db
def test_category_with_another_contests_item_is_refused(organiser, contest, other, part):
    data = {"code": "c1", "name": "类别", **_parts(contest)}
    data[part] = _parts(other[0])[part]
    response = client_for(organiser).post(_url(contest, "categories"), data, format="json")
    assert_error(response, 400, "validation_failed", fields=[part])
    assert not Category.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "有 空格"}, "code"),
        ({"code": "c" * 31}, "code"),
        ({"name": "名" * 121}, "name"),
        ({"name": ""}, "name"),
        ({"order": "first"}, "order"),
        ({"order": -1}, "order"),
        ({"group": "abc"}, "group"),
        ({"group": 999999}, "group"),
        ({"contest": 1}, "contest"),
        ({"nmae": "x"}, "nmae"),
    ],
)
@pytest.mark.django_db
def test_category_bad_input_is_refused(organiser, contest, data, field):
    body = {"code": "c1", "name": "类别", **data}
    response = client_for(organiser).post(_url(contest, "categories"), body, format="json")
    assert_error(response, 400, "validation_failed", fields=[field])
    assert not Category.objects.exists()


@pytest.mark.django_db
def test_category_missing_fields_are_named(organiser, contest):
    response = client_for(organiser).post(_url(contest, "categories"), {}, format="json")
    assert_error(response, 400, "validation_failed", fields=["code", "name"])


@pytest.mark.django_db
def test_category_duplicates_are_refused(organiser, contest):
    existing = factories.CategoryFactory(contest=contest)
    client = client_for(organiser)
    same_code = client.post(
        _url(contest, "categories"), {"code": existing.code, "name": "另一个"}, format="json"
    )
    assert_error(same_code, 400, "validation_failed", fields=["code"])
    same_parts = client.post(
        _url(contest, "categories"),
        {
            "code": "new",
            "name": "重复组合",
            "group": existing.group_id,
            "subject": existing.subject_id,
            "stage": existing.stage_id,
        },
        format="json",
    )
    assert_error(same_parts, 400, "validation_failed", fields=["group"])
    assert Category.objects.count() == 1


@pytest.mark.django_db
def test_category_markup_round_trips_as_json_text(organiser, contest):
    name = "<script>alert(1)</script>数学"
    response = client_for(organiser).post(
        _url(contest, "categories"), {"code": "m", "name": name}, format="json"
    )
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert client_for().get(_url(contest, "categories")).json()["results"][0]["name"] == name


@pytest.mark.django_db
def test_organiser_updates_and_deletes_a_category(organiser, contest):
    category = factories.CategoryFactory(contest=contest)
    client = client_for(organiser)
    response = client.patch(
        _url(contest, "categories", category.pk), {"name": "新名字", "stage": None}, format="json"
    )
    assert response.status_code == 200, response.content
    category.refresh_from_db()
    assert (category.name, category.stage) == ("新名字", None)
    assert category.group is not None
    assert client.delete(_url(contest, "categories", category.pk)).status_code == 204
    assert not Category.objects.exists()


@pytest.mark.django_db
def test_category_patch_with_another_contests_item_is_refused(organiser, contest, other):
    category = factories.CategoryFactory(contest=contest)
    foreign_group = factories.GroupFactory(contest=other[0])
    response = client_for(organiser).patch(
        _url(contest, "categories", category.pk), {"group": foreign_group.pk}, format="json"
    )
    assert_error(response, 400, "validation_failed", fields=["group"])
    category.refresh_from_db()
    assert category.group.contest_id == contest.pk


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("plain", 403, "permission_denied"),
        ("judge", 403, "permission_denied"),
        ("other organiser", 403, "permission_denied"),
    ],
)
@pytest.mark.django_db
def test_category_writes_by_others_are_refused(contest, other, who, status, code):
    user = {
        "anonymous": None,
        "plain": factories.UserFactory(),
        "judge": factories.JudgeFactory(contest=contest).user,
        "other organiser": other[1],
    }[who]
    category = factories.CategoryFactory(contest=contest)
    client = client_for(user)
    url = _url(contest, "categories", category.pk)
    assert_error(
        client.post(_url(contest, "categories"), {"code": "x", "name": "x"}, format="json"),
        status,
        code,
    )
    assert_error(client.patch(url, {"name": "被改了"}, format="json"), status, code)
    assert_error(client.delete(url), status, code)
    assert_error(client.post(_url(contest, "categories") + "generate/"), status, code)
    category.refresh_from_db()
    assert category.name != "被改了"
    assert Category.objects.count() == 1


@pytest.mark.django_db
def test_other_organiser_cannot_reach_a_draft(other):
    draft = factories.ContestFactory(phase="draft")
    category = factories.CategoryFactory(contest=draft)
    client = client_for(other[1])
    url = _url(draft, "categories", category.pk)
    assert_error(client.patch(url, {"name": "被改了"}, format="json"), 404, "not_found")
    assert_error(client.delete(url), 404, "not_found")
    category.refresh_from_db()
    assert category.name != "被改了"


@pytest.mark.django_db
def test_organiser_cannot_write_another_contests_category_through_own_contest(
    organiser, contest, other
):
    foreign = factories.CategoryFactory(contest=other[0])
    client = client_for(organiser)
    url = _url(contest, "categories", foreign.pk)
    assert_error(client.patch(url, {"name": "被改了"}, format="json"), 404, "not_found")
    assert_error(client.delete(url), 404, "not_found")
    foreign.refresh_from_db()
    assert foreign.name != "被改了"


# --- Generate


@pytest.mark.django_db
def test_generate_makes_every_missing_combination(organiser, contest):
    factories.GroupFactory.create_batch(2, contest=contest)
    factories.StageFactory(contest=contest)
    factories.SubjectFactory(contest=contest)
    client = client_for(organiser)
    response = client.post(_url(contest, "categories") + "generate/")
    assert response.status_code == 201, response.content
    assert len(response.json()) == 2
    assert Category.objects.filter(contest=contest).count() == 2
    again = client.post(_url(contest, "categories") + "generate/")
    assert again.status_code == 201
    assert again.json() == []


@pytest.mark.django_db
def test_generate_refuses_taken_codes(organiser, contest):
    # The generated category for group "g" alone would be coded "g", which is taken.
    factories.GroupFactory(contest=contest, code="g")
    factories.CategoryFactory(contest=contest, code="g", group=None, subject=None, stage=None)
    response = client_for(organiser).post(_url(contest, "categories") + "generate/")
    assert_error(response, 409, "code_taken")
    assert Category.objects.count() == 1


# --- Groups, subjects, stages


@pytest.mark.parametrize(("kind", "model", "factory"), DIMENSIONS)
@pytest.mark.django_db
def test_organiser_manages_dimension(organiser, contest, kind, model, factory):
    client = client_for(organiser)
    created = client.post(
        _url(contest, kind), {"name": " 初中 ", "code": "junior", "order": 2}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    expected = {"id": pk, "name": "初中", "code": "junior", "order": 2}
    if model is Group:
        expected["requires_supervisor"] = False
    assert created.json() == expected
    listed = client_for().get(_url(contest, kind)).json()
    assert [item["code"] for item in listed["results"]] == ["junior"]
    patched = client.patch(_url(contest, kind, pk), {"name": "初级中学"}, format="json")
    assert patched.status_code == 200
    assert model.objects.get(pk=pk).name == "初级中学"
    assert model.objects.get(pk=pk).code == "junior"
    assert client.delete(_url(contest, kind, pk)).status_code == 204
    assert not model.objects.filter(pk=pk).exists()


@pytest.mark.parametrize(("kind", "model", "factory"), DIMENSIONS)
@pytest.mark.django_db
def test_dimension_in_use_cannot_be_deleted(organiser, contest, kind, model, factory):
    category = factories.CategoryFactory(contest=contest)
    item = getattr(category, kind[:-1] if kind != "stages" else "stage")
    response = client_for(organiser).delete(_url(contest, kind, item.pk))
    assert_error(response, 409, "in_use")
    assert model.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize(("kind", "model", "factory"), DIMENSIONS)
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "not a slug"}, "code"),
        ({"code": "c" * 21}, "code"),
        ({"name": "名" * 61}, "name"),
        ({"order": "abc"}, "order"),
        ({"order": 40000}, "order"),
        ({"colour": "red"}, "colour"),
        ({"code": "taken"}, "code"),
    ],
)
@pytest.mark.django_db
def test_dimension_bad_input_is_refused(organiser, contest, kind, model, factory, data, field):
    factory(contest=contest, code="taken")
    response = client_for(organiser).post(
        _url(contest, kind), {"name": "x", "code": "ok", **data}, format="json"
    )
    assert_error(response, 400, "validation_failed", fields=[field])
    assert model.objects.count() == 1


@pytest.mark.parametrize(("kind", "model", "factory"), DIMENSIONS)
@pytest.mark.django_db
def test_dimension_writes_by_others_are_refused(contest, other, kind, model, factory):
    item = factory(contest=contest, name="原名")
    for user, status in [(None, 401), (factories.UserFactory(), 403), (other[1], 403)]:
        client = client_for(user)
        assert (
            client.post(_url(contest, kind), {"name": "x", "code": "x"}, format="json").status_code
            == status
        )
        assert_error(
            client.patch(_url(contest, kind, item.pk), {"name": "被改了"}, format="json"), status
        )
        assert_error(client.delete(_url(contest, kind, item.pk)), status)
    item.refresh_from_db()
    assert item.name == "原名"
    assert model.objects.count() == 1


@pytest.mark.django_db
def test_dimension_of_another_contest_is_not_found(organiser, contest, other):
    foreign = factories.GroupFactory(contest=other[0], name="原名")
    response = client_for(organiser).patch(
        _url(contest, "groups", foreign.pk), {"name": "x"}, format="json"
    )
    assert_error(response, 404, "not_found")
    foreign.refresh_from_db()
    assert foreign.name == "原名"


@pytest.mark.django_db
def test_options_shows_write_actions_only_to_organisers(contest, organiser):
    url = _url(contest, "categories")
    plain = client_for(factories.UserFactory()).options(url)
    assert plain.status_code == 200
    assert "POST" not in plain.json().get("actions", {})
    mine = client_for(organiser).options(url)
    assert mine.status_code == 200
    assert "code" in mine.json()["actions"]["POST"]
