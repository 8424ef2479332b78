"""/api/v1/contests/: list, retrieve, create, update, phase; who may, and bad input."""

import pytest

from contest.models import Contest, ContestRole
from tests import factories
from tests.contest.test_api_helpers import API, assert_error, client_for, count_queries

CONTESTS = f"{API}/contests/"


def _url(contest, suffix: str = "") -> str:
    return f"{CONTESTS}{contest.slug}/{suffix}"


def _new(**overrides) -> dict:
    data = {"title": "2027年全国中小学教师微视频大奖赛", "slug": "weike-2027", "year": 2027}
    return {**data, **overrides}


def _slugs(response) -> set[str]:
    return {c["slug"] for c in response.json()["results"]}


@pytest.fixture
def draft(db):
    return factories.ContestFactory(phase="draft")


@pytest.fixture
def other_organiser(db):
    """An organiser of another contest, who has no say in the contests under test."""
    return factories.OrganiserFactory(contest=factories.ContestFactory(phase="open")).user


# --- List and retrieve


@pytest.mark.django_db
def test_list_shows_public_contests_to_anyone(contest, draft):
    response = client_for().get(CONTESTS)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert _slugs(response) == {contest.slug}
    assert body["results"][0]["title"] == contest.title


@pytest.mark.django_db
def test_list_shows_drafts_only_to_their_organisers(contest, draft, other_organiser):
    mine = factories.OrganiserFactory(contest=draft).user
    assert draft.slug in _slugs(client_for(mine).get(CONTESTS))
    assert draft.slug not in _slugs(client_for(other_organiser).get(CONTESTS))
    assert draft.slug not in _slugs(client_for(factories.UserFactory()).get(CONTESTS))


@pytest.mark.django_db
def test_list_filters_by_year_and_phase(db):
    a = factories.ContestFactory(phase="open", year=2025)
    b = factories.ContestFactory(phase="judging", year=2026)
    assert _slugs(client_for().get(CONTESTS, {"year": 2025})) == {a.slug}
    assert _slugs(client_for().get(CONTESTS, {"phase": "judging"})) == {b.slug}
    assert _slugs(client_for().get(CONTESTS, {"year": 2026, "phase": "open"})) == set()


@pytest.mark.parametrize(
    ("query", "field"), [({"year": "abc"}, "year"), ({"phase": "finished"}, "phase")]
)
@pytest.mark.django_db
def test_list_bad_filter_is_a_clear_error(query, field):
    assert_error(client_for().get(CONTESTS, query), 400, "validation_failed", fields=[field])


@pytest.mark.django_db
def test_list_is_paginated(db):
    factories.ContestFactory.create_batch(3, phase="open")
    response = client_for().get(CONTESTS, {"page_size": 2})
    body = response.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"] and body["previous"] is None
    page2 = client_for().get(body["next"]).json()
    assert len(page2["results"]) == 1
    assert_error(client_for().get(CONTESTS, {"page": 9}), 404, "not_found")


@pytest.mark.parametrize("who", ["anonymous", "organiser"])
@pytest.mark.django_db
def test_list_query_count_does_not_grow(who):
    user = factories.UserFactory() if who == "organiser" else None
    client = client_for(user)

    def add_contest():
        contest = factories.ContestFactory(phase="open")
        factories.CategoryFactory(contest=contest)
        if user:
            factories.OrganiserFactory(contest=factories.ContestFactory(), user=user)

    add_contest()
    one = count_queries(lambda: client.get(CONTESTS))
    add_contest()
    add_contest()
    assert client.get(CONTESTS).json()["count"] == (6 if user else 3)
    assert count_queries(lambda: client.get(CONTESTS)) == one


@pytest.mark.django_db
def test_retrieve_public_contest(contest):
    response = client_for().get(_url(contest))
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == contest.slug
    assert body["phase"] == "open"
    assert body["allowed_formats"] == ["mp4"]


@pytest.mark.django_db
def test_retrieve_draft_is_hidden_from_all_but_its_organisers(draft, other_organiser):
    assert_error(client_for().get(_url(draft)), 404, "not_found")
    assert_error(client_for(other_organiser).get(_url(draft)), 404, "not_found")
    assert_error(client_for().get(f"{CONTESTS}no-such-contest/"), 404, "not_found")
    organiser = factories.OrganiserFactory(contest=draft).user
    assert client_for(organiser).get(_url(draft)).status_code == 200


# --- Create


@pytest.mark.django_db
def test_create_by_a_contest_creator(creator):
    response = client_for(creator).post(CONTESTS, _new(description="说明"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phase"] == "draft"
    assert body["allowed_formats"] == ["mp4"]
    contest = Contest.objects.get(slug="weike-2027")
    assert contest.roles.get().user == creator
    assert contest.roles.get().role == ContestRole.Role.ORGANISER


@pytest.mark.django_db
def test_create_anonymous_gets_401(db):
    response = client_for().post(CONTESTS, _new(), format="json")
    assert_error(response, 401, "not_authenticated")
    assert "WWW-Authenticate" in response
    assert not Contest.objects.exists()


@pytest.mark.parametrize("who", ["plain", "unverified creator", "organiser"])
@pytest.mark.django_db
def test_create_by_others_is_forbidden(who, organiser):
    user = {
        "plain": factories.UserFactory(),
        "unverified creator": factories.CreatorFactory(email_verified_at=None),
        "organiser": organiser,
    }[who]
    response = client_for(user).post(CONTESTS, _new(), format="json")
    assert_error(response, 403, "permission_denied")
    assert not Contest.objects.filter(slug="weike-2027").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"year": "abc"}, "year"),
        ({"year": 1999}, "year"),
        ({"max_file_size_mb": -1}, "max_file_size_mb"),
        ({"max_file_size_mb": 0}, "max_file_size_mb"),
        ({"min_width": "wide"}, "min_width"),
        ({"title": "题" * 201}, "title"),
        ({"title": ""}, "title"),
        ({"slug": "有 空格"}, "slug"),
        ({"slug": "a" * 61}, "slug"),
        ({"titel": "拼错"}, "titel"),
        ({"phase": "open"}, "phase"),
        ({"allowed_formats": ["exe"]}, "allowed_formats"),
        ({"allowed_formats": "mp4"}, "allowed_formats"),
        ({"required_attachments": ["photo"]}, "required_attachments"),
        ({"submission_opens_at": "next monday"}, "submission_opens_at"),
        ({"title_card_seconds": "121"}, "title_card_seconds"),
        ({"min_duration_seconds": 600, "max_duration_seconds": 300}, "max_duration_seconds"),
        (
            {
                "submission_opens_at": "2027-05-01T00:00:00+08:00",
                "submission_closes_at": "2027-04-01T00:00:00+08:00",
            },
            "submission_closes_at",
        ),
    ],
)
@pytest.mark.django_db
def test_create_bad_input_is_refused_and_nothing_saved(creator, data, field):
    response = client_for(creator).post(CONTESTS, _new(**data), format="json")
    assert_error(response, 400, "validation_failed", fields=[field])
    assert not Contest.objects.exists()
    assert not ContestRole.objects.exists()


@pytest.mark.django_db
def test_create_missing_fields_are_all_named(creator):
    response = client_for(creator).post(CONTESTS, {}, format="json")
    assert_error(response, 400, "validation_failed", fields=["title", "slug", "year"])


@pytest.mark.django_db
def test_create_duplicate_slug_is_refused(creator, contest):
    response = client_for(creator).post(CONTESTS, _new(slug=contest.slug), format="json")
    assert_error(response, 400, "validation_failed", fields=["slug"])
    assert Contest.objects.filter(slug=contest.slug).count() == 1
    assert not ContestRole.objects.filter(user=creator).exists()


@pytest.mark.django_db
def test_create_keeps_markup_verbatim_as_json_text(creator):
    text = '<script>alert("x")</script><b>规则</b> & "引号"'
    response = client_for(creator).post(
        CONTESTS, _new(title=text[:50], description=text, rules_text=text), format="json"
    )
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    contest = Contest.objects.get()
    assert contest.description == contest.rules_text == text
    body = client_for(creator).get(_url(contest)).json()
    assert (body["title"], body["description"]) == (text[:50], text)


# --- Update


@pytest.mark.django_db
def test_update_by_organiser(organiser, contest):
    response = client_for(organiser).patch(
        _url(contest), {"title": "新标题", "allowed_formats": ["mp4", "mov"]}, format="json"
    )
    assert response.status_code == 200, response.content
    contest.refresh_from_db()
    assert contest.title == "新标题"
    assert contest.allowed_formats == ["mp4", "mov"]


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
def test_update_by_others_is_refused_and_nothing_changed(
    contest, other_organiser, who, status, code
):
    user = {
        "anonymous": None,
        "plain": factories.UserFactory(),
        "judge": factories.JudgeFactory(contest=contest).user,
        "other organiser": other_organiser,
    }[who]
    response = client_for(user).patch(_url(contest), {"title": "被改了"}, format="json")
    assert_error(response, status, code)
    contest.refresh_from_db()
    assert contest.title != "被改了"


@pytest.mark.django_db
def test_update_of_a_draft_by_another_organiser_looks_not_found(draft, other_organiser):
    response = client_for(other_organiser).patch(_url(draft), {"title": "被改了"}, format="json")
    assert_error(response, 404, "not_found")
    draft.refresh_from_db()
    assert draft.title != "被改了"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"phase": "closed"}, "phase"),
        ({"id": 99}, "id"),
        ({"year": "abc"}, "year"),
        ({"titel": "x"}, "titel"),
        ({"title": "题" * 201}, "title"),
        ({"max_file_size_mb": -1}, "max_file_size_mb"),
    ],
)
@pytest.mark.django_db
def test_update_bad_input_is_refused(organiser, contest, data, field):
    before = Contest.objects.values().get(pk=contest.pk)
    response = client_for(organiser).patch(_url(contest), data, format="json")
    assert_error(response, 400, "validation_failed", fields=[field])
    assert Contest.objects.values().get(pk=contest.pk) == before


@pytest.mark.django_db
def test_update_to_a_taken_slug_is_refused(organiser, contest):
    taken = factories.ContestFactory()
    response = client_for(organiser).patch(_url(contest), {"slug": taken.slug}, format="json")
    assert_error(response, 400, "validation_failed", fields=["slug"])
    contest.refresh_from_db()
    assert contest.slug != taken.slug


@pytest.mark.django_db
def test_put_is_not_offered(organiser, contest):
    response = client_for(organiser).put(_url(contest), _new(), format="json")
    assert_error(response, 405, "method_not_allowed")


@pytest.mark.django_db
def test_delete_is_not_offered(organiser, contest):
    assert_error(client_for(organiser).delete(_url(contest)), 405, "method_not_allowed")
    assert Contest.objects.filter(pk=contest.pk).exists()


# --- Phase


@pytest.mark.django_db
def test_phase_moves_forward_for_organiser(draft):
    organiser = factories.OrganiserFactory(contest=draft).user
    factories.CategoryFactory(contest=draft)
    response = client_for(organiser).post(_url(draft, "phase/"), {"phase": "open"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["phase"] == "open"
    draft.refresh_from_db()
    assert draft.phase == "open"


@pytest.mark.django_db
def test_phase_open_needs_a_category(draft):
    organiser = factories.OrganiserFactory(contest=draft).user
    response = client_for(organiser).post(_url(draft, "phase/"), {"phase": "open"}, format="json")
    assert_error(response, 409, "no_categories")
    draft.refresh_from_db()
    assert draft.phase == "draft"


@pytest.mark.django_db
def test_phase_cannot_jump(organiser, contest):
    response = client_for(organiser).post(
        _url(contest, "phase/"), {"phase": "closed"}, format="json"
    )
    assert_error(response, 409, "invalid_phase")
    contest.refresh_from_db()
    assert contest.phase == "open"


@pytest.mark.parametrize("data", [{"phase": "finished"}, {}, {"phase": "open", "force": True}])
@pytest.mark.django_db
def test_phase_bad_input(organiser, contest, data):
    response = client_for(organiser).post(_url(contest, "phase/"), data, format="json")
    assert_error(response, 400, "validation_failed")
    contest.refresh_from_db()
    assert contest.phase == "open"


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("plain", 403, "permission_denied"),
        ("other organiser", 403, "permission_denied"),
    ],
)
@pytest.mark.django_db
def test_phase_by_others_is_refused(contest, other_organiser, who, status, code):
    user = {
        "anonymous": None,
        "plain": factories.UserFactory(),
        "other organiser": other_organiser,
    }[who]
    response = client_for(user).post(_url(contest, "phase/"), {"phase": "screening"}, format="json")
    assert_error(response, status, code)
    contest.refresh_from_db()
    assert contest.phase == "open"


# --- Language


@pytest.mark.django_db
def test_errors_in_english_with_accept_language(creator):
    client = client_for(creator, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(CONTESTS, _new(titel="x", year="abc"), format="json")
    body = assert_error(response, 400, "validation_failed", fields=["titel", "year"])
    assert body["message"] == "Some fields are not valid."
    assert body["fields"]["titel"] == ["Unknown field."]
    assert body["fields"]["year"] == ["A valid integer is required."]
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_errors_in_english_with_the_language_cookie(draft):
    client = client_for()
    client.cookies["lang"] = "en"
    body = assert_error(client.get(_url(draft)), 404, "not_found")
    assert body["message"] == "Not found."


@pytest.mark.django_db
def test_answers_in_chinese_by_default(creator):
    response = client_for(creator).post(CONTESTS, _new(year="abc"), format="json")
    assert_error(response, 400, "validation_failed", fields=["year"])
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_browsable_page_for_a_reader_who_may_not_write(contest, draft):
    client = client_for(factories.UserFactory())
    assert client.get(_url(contest), HTTP_ACCEPT="text/html").status_code == 200
    assert client.get(_url(draft), HTTP_ACCEPT="text/html").status_code == 404
