"""/api/v1/ works: create, list, read, change, submit and withdraw; who may, and bad input."""

import datetime as dt

import pytest
from django.utils import timezone

from contest.models import CoAuthor, Contest, Work
from tests import factories
from tests import work_factories as wf
from tests.contest.test_api_helpers import API, assert_error, client_for, count_queries

SCRIPT = "<script>alert(1)</script>"


def works_url(contest) -> str:
    return f"{API}/contests/{contest.slug}/works/"


def work_url(work, suffix: str = "") -> str:
    return f"{API}/works/{work.pk}/{suffix}"


def new_work(category, /, **changes) -> dict:
    return {"title": "勾股定理的证明", "category": category.pk, "summary": "拼图证明", **changes}


@pytest.fixture
def category(contest):
    return factories.CategoryFactory(contest=contest)


@pytest.fixture
def entrant(db):
    return factories.UserFactory()


@pytest.fixture
def work(contest, category, entrant):
    return wf.WorkFactory(contest=contest, category=category, entrant=entrant)


def submitted(contest, **fields) -> Work:
    return wf.WorkFactory(
        contest=contest, status=Work.Status.SUBMITTED, submitted_at=timezone.now(), **fields
    )


# --- Create


@pytest.mark.django_db
def test_entrant_creates_a_draft_with_co_authors(contest, category, entrant):
    data = new_work(
        category,
        co_authors=[{"name": "欧阳燚", "institution": "犇鑫学校"}],
        supervisor_name="张老师",
    )
    response = client_for(entrant).post(works_url(contest), data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    work = Work.objects.get()
    assert body["id"] == work.pk and work.entrant == entrant
    assert body["anonymous_code"] == work.anonymous_code and len(work.anonymous_code) == 8
    assert body["status"] == "draft" and body["status_reason"] == ""
    assert body["category"] == {"id": category.pk, "code": category.code, "name": category.name}
    assert body["co_authors"] == [{"name": "欧阳燚", "institution": "犇鑫学校"}]
    assert body["editable"] is True
    assert body["missing"]  # no video yet
    assert body["entrant"] is None  # one's own work
    assert body["contest"] == contest.slug


@pytest.mark.django_db
def test_markup_round_trips_as_plain_json_text(contest, category, entrant):
    data = new_work(
        category,
        title=SCRIPT,
        summary=f"a & b {SCRIPT}",
        co_authors=[{"name": SCRIPT, "institution": ""}],
    )
    response = client_for(entrant).post(works_url(contest), data, format="json")
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["title"] == SCRIPT
    assert body["summary"] == f"a & b {SCRIPT}"
    assert body["co_authors"][0]["name"] == SCRIPT


@pytest.mark.django_db
def test_create_needs_an_account_that_may_enter(contest, category):
    data = new_work(category)
    assert_error(client_for().post(works_url(contest), data, format="json"), 401)
    unverified = factories.UserFactory(email_verified_at=None)
    organiser = factories.OrganiserFactory(contest=contest).user
    judge = factories.JudgeFactory(contest=contest).user
    for user in (unverified, organiser, judge):
        assert_error(
            client_for(user).post(works_url(contest), data, format="json"), 403, "permission_denied"
        )
    draft = factories.ContestFactory(phase="draft")
    response = client_for(factories.UserFactory()).post(works_url(draft), data, format="json")
    assert_error(response, 404)
    assert not Work.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ["a list"]}, "title"),
        ({"title": "长" * 121}, "title"),
        ({"title": ""}, "title"),
        ({"category": "abc"}, "category"),
        ({"category": 999999}, "category"),
        ({"titel": "typo"}, "titel"),
        ({"status": "accepted"}, "status"),
        ({"anonymous_code": "AAAAAAAA"}, "anonymous_code"),
        ({"summary": "x" * 2001}, "summary"),
        ({"co_authors": "王喆"}, "co_authors"),
        ({"co_authors": [{"name": "王喆", "email": "a@b.cn"}]}, "co_authors.email"),
        ({"co_authors": [{"name": "王" * 61}]}, "co_authors.name"),
        ({"co_authors": [{"institution": "犇鑫学校"}]}, "co_authors.name"),
        ({"co_authors": [{"name": f"作者{i}"} for i in range(11)]}, "co_authors"),
    ],
)
@pytest.mark.django_db
def test_create_refuses_bad_input(contest, category, entrant, changes, field):
    response = client_for(entrant).post(
        works_url(contest), new_work(category, **changes), format="json"
    )
    assert_error(response, 400, "validation_failed", fields=[field])
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_create_refuses_another_contests_category(contest, entrant):
    elsewhere = factories.CategoryFactory(contest=factories.ContestFactory(phase="open"))
    response = client_for(entrant).post(works_url(contest), new_work(elsewhere), format="json")
    assert_error(response, 400, fields=["category"])
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_create_refuses_more_co_authors_than_the_contest_allows(contest, category, entrant):
    Contest.objects.filter(pk=contest.pk).update(max_co_authors=1)
    authors = [{"name": "王喆"}, {"name": "李珺"}]
    response = client_for(entrant).post(
        works_url(contest), new_work(category, co_authors=authors), format="json"
    )
    body = assert_error(response, 400, fields=["co_authors"])
    assert "1" in body["fields"]["co_authors"][0]
    assert not Work.objects.exists() and not CoAuthor.objects.exists()


@pytest.mark.django_db
def test_create_keeps_the_works_per_entrant_limit(contest, category, work):
    response = client_for(work.entrant).post(works_url(contest), new_work(category), format="json")
    assert_error(response, 409, "too_many_works")
    assert Work.objects.count() == 1


@pytest.mark.django_db
def test_create_after_the_deadline_is_a_conflict_and_stores_nothing(contest, category, entrant):
    Contest.objects.filter(pk=contest.pk).update(
        submission_closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client_for(entrant).post(works_url(contest), new_work(category), format="json")
    assert_error(response, 409, "submissions_closed")
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_errors_speak_english_on_request_and_chinese_by_default(contest, category, entrant):
    data = new_work(category, titel="typo")
    english = client_for(entrant, HTTP_ACCEPT_LANGUAGE="en").post(
        works_url(contest), data, format="json"
    )
    assert assert_error(english, 400)["fields"]["titel"] == ["Unknown field."]
    chinese = client_for(entrant).post(works_url(contest), data, format="json")
    assert_error(chinese, 400)
    assert chinese["Content-Language"] == "zh-hans"


# --- List


@pytest.mark.django_db
def test_entrant_lists_only_their_own_works(contest, work):
    submitted(contest)  # someone else's
    response = client_for(work.entrant).get(works_url(contest))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [w["id"] for w in results] == [work.pk]
    assert results[0]["entrant"] is None
    assert results[0]["video_ready"] is False


@pytest.mark.django_db
def test_organiser_lists_every_submitted_work_with_its_entrant(contest, organiser, work):
    other = submitted(contest)
    wf.VideoAssetFactory(work=other)
    results = client_for(organiser).get(works_url(contest)).json()["results"]
    assert [w["id"] for w in results] == [other.pk]  # drafts are not screened
    assert results[0]["entrant"] == {
        "id": other.entrant.pk,
        "name": other.entrant.real_name,
        "institution": other.entrant.institution.name,
    }
    assert results[0]["video_ready"] is True


@pytest.mark.django_db
def test_organiser_list_filters_like_the_screening_queue(contest, organiser):
    first = submitted(contest, title="勾股定理")
    second = submitted(contest, title="圆的面积")
    Work.objects.filter(pk=second.pk).update(status=Work.Status.ACCEPTED)
    wf.VideoAssetFactory(work=first, state="failed", is_current=False)
    client = client_for(organiser)

    def ids(**query):
        response = client.get(works_url(contest), query)
        assert response.status_code == 200, response.content
        return {w["id"] for w in response.json()["results"]}

    assert ids(status="accepted") == {second.pk}
    assert ids(q="勾股") == {first.pk}
    assert ids(q=second.anonymous_code) == {second.pk}
    assert ids(q=first.entrant.institution.name) == {first.pk}
    assert ids(category=first.category.code) == {first.pk}
    assert ids(state="failed") == {first.pk}


@pytest.mark.parametrize(
    "query", [{"status": "draft"}, {"state": "lost"}, {"category": "不是代码"}, {"q": "x" * 101}]
)
@pytest.mark.django_db
def test_organiser_list_refuses_bad_filters(contest, organiser, query):
    response = client_for(organiser).get(works_url(contest), query)
    assert_error(response, 400, "validation_failed", fields=list(query))


@pytest.mark.django_db
def test_list_needs_an_account_and_a_visible_contest(contest):
    assert_error(client_for().get(works_url(contest)), 401)
    draft = factories.ContestFactory(phase="draft")
    assert_error(client_for(factories.UserFactory()).get(works_url(draft)), 404)
    judge = factories.JudgeFactory(contest=contest).user
    submitted(contest)
    assert client_for(judge).get(works_url(contest)).json()["results"] == []


@pytest.mark.django_db
def test_list_query_counts_do_not_grow(contest, organiser):
    entrant = factories.UserFactory()
    Contest.objects.filter(pk=contest.pk).update(works_per_entrant=5)

    def add():
        work = submitted(contest, entrant=entrant)
        wf.complete(work)
        wf.CoAuthorFactory(work=work)

    add()
    as_organiser, as_entrant = client_for(organiser), client_for(entrant)
    one = (
        count_queries(lambda: as_organiser.get(works_url(contest))),
        count_queries(lambda: as_entrant.get(works_url(contest))),
    )
    add()
    add()
    three = (
        count_queries(lambda: as_organiser.get(works_url(contest))),
        count_queries(lambda: as_entrant.get(works_url(contest))),
    )
    assert one == three
    assert len(as_organiser.get(works_url(contest)).json()["results"]) == 3


# --- Read and change one work


@pytest.mark.django_db
def test_work_is_read_by_its_entrant_and_the_organisers(contest, organiser, work):
    wf.CoAuthorFactory(work=work, name="欧阳燚")
    mine = client_for(work.entrant).get(work_url(work)).json()
    assert mine["title"] == work.title and mine["entrant"] is None
    assert mine["co_authors"] == [{"name": "欧阳燚", "institution": "杭州市犇鑫实验学校"}]
    theirs = client_for(organiser).get(work_url(work)).json()
    assert theirs["entrant"]["name"] == work.entrant.real_name
    assert "judge" not in str(theirs).lower()


@pytest.mark.django_db
def test_work_is_hidden_from_everyone_else(contest, work):
    assert_error(client_for().get(work_url(work)), 401)
    elsewhere = factories.OrganiserFactory(contest=factories.ContestFactory(phase="open")).user
    for user in (factories.UserFactory(), factories.JudgeFactory(contest=contest).user, elsewhere):
        assert_error(client_for(user).get(work_url(work)), 404, "not_found")
    assert_error(client_for(factories.UserFactory()).get(f"{API}/works/999999/"), 404)


@pytest.mark.django_db
def test_entrant_changes_the_work_and_its_co_authors(work):
    wf.CoAuthorFactory(work=work)
    data = {"title": "  新  标题 ", "co_authors": [{"name": "李珺"}]}
    response = client_for(work.entrant).patch(work_url(work), data, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "新 标题"
    assert list(work.co_authors.values_list("name", flat=True)) == ["李珺"]
    response = client_for(work.entrant).patch(
        work_url(work), {"summary": "只改摘要"}, format="json"
    )
    work.refresh_from_db()
    assert (work.title, work.summary) == ("新 标题", "只改摘要")
    assert work.co_authors.count() == 1  # untouched when not sent


@pytest.mark.django_db
def test_only_the_entrant_changes_a_work(contest, organiser, work):
    data = {"title": "别人改的"}
    assert_error(client_for(organiser).patch(work_url(work), data, format="json"), 403)
    assert_error(
        client_for(factories.UserFactory()).patch(work_url(work), data, format="json"), 404
    )
    assert_error(client_for().patch(work_url(work), data, format="json"), 401)
    work.refresh_from_db()
    assert work.title != "别人改的"


@pytest.mark.django_db
def test_change_refuses_bad_input_and_saves_nothing(work):
    elsewhere = factories.CategoryFactory(contest=factories.ContestFactory(phase="open"))
    client = client_for(work.entrant)
    for data, field in [
        ({"category": elsewhere.pk}, "category"),
        ({"title": "x" * 121}, "title"),
        ({"id": 5}, "id"),
        ({"title": "好", "status": "accepted"}, "status"),
    ]:
        assert_error(client.patch(work_url(work), data, format="json"), 400, fields=[field])
    before = work.title
    work.refresh_from_db()
    assert (work.title, work.category.contest_id) == (before, work.contest_id)


@pytest.mark.django_db
def test_change_after_the_deadline_or_once_submitted_is_a_conflict(contest, work):
    Contest.objects.filter(pk=contest.pk).update(
        submission_closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client_for(work.entrant).patch(work_url(work), {"title": "晚了"}, format="json")
    assert_error(response, 409, "deadline_passed")
    sent = submitted(contest)
    response = client_for(sent.entrant).patch(work_url(sent), {"title": "晚了"}, format="json")
    assert_error(response, 409, "not_editable")
    assert not Work.objects.filter(title="晚了").exists()


# --- Submit and withdraw


@pytest.mark.django_db
def test_submit_says_what_is_missing(work):
    response = client_for(work.entrant, HTTP_ACCEPT_LANGUAGE="en").post(
        work_url(work, "submit/"), format="json"
    )
    body = assert_error(response, 409, "incomplete_work")
    assert "video" in body["message"]
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT


@pytest.mark.django_db
def test_submit_a_complete_work(work, mailoutbox, django_capture_on_commit_callbacks):
    wf.complete(work)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(work.entrant).post(
            work_url(work, "submit/"), {"accept_licence": True}, format="json"
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["missing"] == [] and body["editable"] is False
    assert [m.to for m in mailoutbox] == [[work.entrant.email]]


@pytest.mark.django_db
def test_submit_needs_the_licence_when_the_contest_has_one(contest, work):
    Contest.objects.filter(pk=contest.pk).update(licence_text="作品授权协议")
    wf.complete(work)
    client = client_for(work.entrant)
    assert_error(
        client.post(work_url(work, "submit/"), {}, format="json"), 400, fields=["accept_licence"]
    )
    assert_error(
        client.post(work_url(work, "submit/"), {"accept_licence": "maybe"}, format="json"),
        400,
        fields=["accept_licence"],
    )
    assert_error(
        client.post(work_url(work, "submit/"), {"accept": True}, format="json"),
        400,
        fields=["accept"],
    )
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT
    response = client.post(work_url(work, "submit/"), {"accept_licence": True}, format="json")
    assert response.json()["status"] == "submitted"
    work.refresh_from_db()
    assert work.licence_accepted_at is not None


@pytest.mark.django_db
def test_only_the_entrant_submits_or_withdraws(contest, organiser, work):
    wf.complete(work)
    for action in ("submit/", "withdraw/"):
        assert_error(client_for(organiser).post(work_url(work, action)), 403)
        assert_error(client_for(factories.UserFactory()).post(work_url(work, action)), 404)
        assert_error(client_for().post(work_url(work, action)), 401)
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT


@pytest.mark.django_db
def test_withdraw_and_not_twice(work):
    client = client_for(work.entrant)
    response = client.post(work_url(work, "withdraw/"))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert_error(client.post(work_url(work, "withdraw/")), 409, "not_withdrawable")
