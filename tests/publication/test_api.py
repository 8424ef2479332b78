"""Publication API: permissions for everyone on every endpoint, the public JSON (what the contest
shows, final after the notice), the CSV (parsed back, formula injection), the entrant's own
result, appeals (timing, duplicates, answers), query counts and the documentation."""

import csv
import datetime as dt
import io

import pytest
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from contest.models import Work
from publication.models import Appeal, Notice
from publication.services.appeals import appeal_file
from tests import publication_factories as pf
from tests.contest.test_api_helpers import API, assert_error, client_for, count_queries
from tests.publication.conftest import WHO

ORGANISER = {
    "anonymous": 401,
    "entrant": 403,
    "other_entrant": 403,
    "judge": 403,
    "organiser": 200,
    "other_organiser": 403,
}
OWNER = {**dict.fromkeys(WHO, 404), "anonymous": 401, "entrant": 200}


def _times(start: float, end: float) -> dict:
    now = timezone.now()
    return {
        "starts_at": (now + dt.timedelta(days=start)).isoformat(),
        "ends_at": (now + dt.timedelta(days=end)).isoformat(),
    }


@pytest.mark.parametrize("who", WHO)
@pytest.mark.django_db
def test_read_permission_matrix(the, who):
    pf.notice(the.contest, state="open")
    appeal = appeal_file(work=the.work, user=the.entrant, text="请复核")
    client = client_for(the.user(who))
    slug = the.contest.slug
    endpoints = [
        (f"/contests/{slug}/notice/", ORGANISER),
        (f"/contests/{slug}/appeals/", ORGANISER),
        (f"/contests/{slug}/results.csv", ORGANISER),
        (f"/contests/{slug}/results/", dict.fromkeys(WHO, 200)),
        (f"/works/{the.work.pk}/result/", OWNER),
        (f"/works/{the.work.pk}/appeals/", OWNER),
        (f"/appeals/{appeal.pk}/", {**OWNER, "organiser": 200}),
    ]
    for url, expected in endpoints:
        response = client.get(API + url)
        assert response.status_code == expected[who], (url, who, response.content)
        if expected[who] >= 400:
            assert_error(response, expected[who])


@pytest.mark.parametrize("who", WHO)
@pytest.mark.django_db
def test_write_permission_matrix(the, who):
    client = client_for(the.user(who))
    slug = the.contest.slug
    response = client.put(API + f"/contests/{slug}/notice/", _times(1, 8), format="json")
    assert response.status_code == ORGANISER[who], response.content
    expected_publish = {**ORGANISER, "organiser": 200}
    response = client.post(API + f"/contests/{slug}/notice/publish/")
    if who != "organiser":
        assert_error(response, expected_publish[who])
        assert not Notice.objects.exists()
    else:
        assert response.json()["state"] == "scheduled"


@pytest.mark.parametrize("who", ["other_entrant", "judge", "organiser", "other_organiser"])
@pytest.mark.django_db
def test_nobody_else_appeals_for_a_work(the, who):
    pf.notice(the.contest, state="open")
    response = client_for(the.user(who)).post(
        API + f"/works/{the.work.pk}/appeals/", {"text": "冒名"}, format="json"
    )
    assert_error(response, 404)
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    "who,status",
    [
        ("anonymous", 401),
        ("entrant", 403),
        ("other_entrant", 404),
        ("judge", 404),
        ("other_organiser", 404),
    ],
)
@pytest.mark.django_db
def test_only_organisers_answer(the, who, status):
    pf.notice(the.contest, state="open")
    appeal = appeal_file(work=the.work, user=the.entrant, text="请复核")
    response = client_for(the.user(who)).post(
        API + f"/appeals/{appeal.pk}/answer/",
        {"outcome": "dismissed", "answer": "驳回"},
        format="json",
    )
    assert_error(response, status)
    assert Appeal.objects.get().state == Appeal.State.OPEN


# --- The notice


@pytest.mark.django_db
def test_notice_lifecycle(the):
    client = client_for(the.organiser)
    url = API + f"/contests/{the.contest.slug}/notice/"
    assert_error(client.get(url), 404)
    body = client.put(url, {**_times(1, 8), "show_authors": False}, format="json").json()
    assert body["state"] == "draft" and body["show_authors"] is False and body["final"] is False
    assert_error(client.patch(url, {"colour": "red"}, format="json"), 400, fields=["colour"])
    assert_error(client.patch(url, _times(5, 2), format="json"), 400, fields=["ends_at"])
    assert client.patch(url, {"text": "公示"}, format="json").json()["text"] == "公示"
    published = client.post(url + "publish/").json()
    assert published["state"] == "scheduled" and published["published_at"]
    assert_error(client.delete(url), 409, code="notice_published")
    assert client.post(url + "withdraw/").json()["state"] == "draft"
    assert client.delete(url).status_code == 204
    assert not Notice.objects.exists()


@pytest.mark.django_db
def test_publish_without_confirmed_awards(db):
    made = pf.awarded_contest(2, confirmed=False)
    pf.notice(made.contest, state="draft")
    response = client_for(made.organiser).post(
        API + f"/contests/{made.contest.slug}/notice/publish/"
    )
    assert_error(response, 409, code="awards_not_confirmed")


@pytest.mark.django_db
def test_closed_notice_reports_final(the):
    pf.notice(the.contest, state="closed")
    client = client_for(the.organiser)
    body = client.get(API + f"/contests/{the.contest.slug}/notice/").json()
    assert body["state"] == "closed" and body["final"] is True
    response = client.patch(
        API + f"/contests/{the.contest.slug}/notice/", {"text": "改"}, format="json"
    )
    assert_error(response, 409, code="notice_closed")


# --- Public results


@pytest.mark.parametrize("state", ["draft", "scheduled"])
@pytest.mark.django_db
def test_public_results_wait_for_the_notice(the, state):
    pf.notice(the.contest, state=state)
    assert_error(client_for().get(API + f"/contests/{the.contest.slug}/results/"), 404)


@pytest.mark.django_db
def test_public_results_show_only_the_chosen_fields(the):
    pf.notice(the.contest, state="open", show_authors=False, show_institution=False)
    response = client_for().get(API + f"/contests/{the.contest.slug}/results/")
    body = response.json()
    assert response["Cache-Control"] == "public, max-age=60"
    assert body["final"] is False and body["count"] == 3
    first = body["results"][0]
    assert set(first) == {"rank", "category", "prize", "title"}
    assert first["prize"] == "一等奖" and first["rank"] == 1
    assert [row["rank"] for row in body["results"]] == [1, 2, 3]
    text = response.content.decode()
    for work in the.made.works:
        assert work.entrant.real_name not in text
        assert work.anonymous_code not in text
    assert "欧阳燚" not in text and "judge" not in text


@pytest.mark.django_db
def test_public_results_with_everything_and_final(the):
    pf.notice(the.contest, state="closed", show_score=True)
    body = client_for().get(API + f"/contests/{the.contest.slug}/results/").json()
    assert body["final"] is True
    first = body["results"][0]
    assert first["authors"] == [the.entrant.real_name, "欧阳燚1"]
    assert first["institution"] == the.entrant.institution.name
    assert first["score"] == "94.0000"


@pytest.mark.django_db
def test_public_results_by_category_and_pages(the):
    pf.notice(the.contest, state="open")
    url = API + f"/contests/{the.contest.slug}/results/"
    body = client_for().get(url, {"category": the.made.category.code, "page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert body["category"] == the.made.category.name
    assert_error(client_for().get(url, {"category": "nope"}), 404)


@pytest.mark.django_db
def test_public_results_queries_do_not_grow(the):
    pf.notice(the.contest, state="open")
    url = API + f"/contests/{the.contest.slug}/results/"
    client = client_for()
    few = count_queries(lambda: client.get(url))
    for rank in range(5, 20):
        pf.award(the.made, pf.add_ranked(the.made, rank), "二等奖", rank)
    assert count_queries(lambda: client.get(url)) == few


# --- CSV


@pytest.mark.django_db
def test_csv_is_complete_and_injection_safe(the):
    pf.notice(the.contest, state="open", show_authors=False)
    Work.objects.filter(pk=the.work.pk).update(title='=HYPERLINK("http://evil","点我")')
    the.entrant.real_name = "+SUM(1,2)"
    the.entrant.save()
    response = client_for(the.organiser).get(API + f"/contests/{the.contest.slug}/results.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 4
    first = rows[1]
    assert first[0] == "一等奖" and first[1] == "1"
    assert first[4] == the.work.anonymous_code
    assert first[5] == '\'=HYPERLINK("http://evil","点我")'
    assert first[6].startswith("'+SUM(1,2)、欧阳燚1")
    for row in rows[1:]:
        assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row)


@pytest.mark.django_db
def test_csv_cells_neutralised():
    from publication.exports import safe_cell

    assert safe_cell("-1+2") == "'-1+2"
    assert safe_cell("@cmd") == "'@cmd"
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell("\rx") == "'\rx"
    assert safe_cell("龘靐") == "龘靐"
    assert safe_cell(None) == ""


# --- Own result


@pytest.mark.django_db
def test_own_result(the):
    pf.notice(the.contest, state="open")
    response = client_for(the.entrant).get(API + f"/works/{the.work.pk}/result/")
    body = response.json()
    assert body == {
        "work": the.work.pk,
        "title": the.work.title,
        "pool": the.made.category.name,
        "rank": 1,
        "pool_size": 4,
        "shares_rank": False,
        "score": "94.0000",
        "prizes": ["一等奖"],
        "final": False,
    }
    assert the.judge.real_name not in response.content.decode()


@pytest.mark.django_db
def test_own_result_of_a_ranked_unawarded_work_after_the_close(the):
    pf.notice(the.contest, state="closed")
    last = the.made.works[3]
    body = client_for(last.entrant).get(API + f"/works/{last.pk}/result/").json()
    assert body["rank"] == 4 and body["prizes"] == [] and body["final"] is True


@pytest.mark.django_db
def test_own_result_waits_for_the_notice(the):
    pf.notice(the.contest, state="scheduled")
    assert_error(client_for(the.entrant).get(API + f"/works/{the.work.pk}/result/"), 404)


# --- Appeals


@pytest.mark.django_db
def test_appeal_flow(the):
    pf.notice(the.contest, state="open")
    entrant = client_for(the.entrant)
    url = API + f"/works/{the.work.pk}/appeals/"
    created = entrant.post(url, {"text": "第二项评分偏低", "reason": "score"}, format="json")
    assert created.status_code == 201
    appeal_id = created.json()["id"]
    assert_error(entrant.post(url, {"text": "再次"}, format="json"), 409, code="duplicate_appeal")
    assert_error(entrant.post(url, {"text": "x", "mood": 1}, format="json"), 400, fields=["mood"])
    organiser = client_for(the.organiser)
    answer_url = API + f"/appeals/{appeal_id}/answer/"
    assert_error(
        organiser.post(answer_url, {"outcome": "upheld", "answer": "采纳"}, format="json"),
        400,
        fields=["changes"],
    )
    answered = organiser.post(
        answer_url,
        {"outcome": "upheld", "answer": "采纳", "changes": "重开评分表，总分 95"},
        format="json",
    ).json()
    assert answered["outcome"] == "upheld" and answered["answered_by"] == the.organiser.real_name
    assert_error(
        organiser.post(answer_url, {"outcome": "dismissed", "answer": "再"}, format="json"),
        409,
        code="already_answered",
    )
    mine = entrant.get(API + f"/appeals/{appeal_id}/").json()
    assert mine["answer"] == "采纳" and mine["changes"] == "重开评分表，总分 95"
    assert "answered_by" not in mine and "filed_by" not in mine
    assert entrant.get(url).json()[0]["state"] == "answered"


@pytest.mark.parametrize(
    "state,code", [("scheduled", "notice_not_started"), ("closed", "notice_closed")]
)
@pytest.mark.django_db
def test_appeals_outside_the_notice(the, state, code):
    pf.notice(the.contest, state=state)
    response = client_for(the.entrant).post(
        API + f"/works/{the.work.pk}/appeals/", {"text": "迟了"}, format="json"
    )
    assert_error(response, 409, code=code)
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_appeal_list_filters_and_queries(the):
    pf.notice(the.contest, state="open")
    for work in the.made.works:
        appeal_file(work=work, user=work.entrant, text="请复核")
    client = client_for(the.organiser)
    url = API + f"/contests/{the.contest.slug}/appeals/"
    body = client.get(url, {"state": "open"}).json()
    assert body["count"] == 4
    assert {row["anonymous_code"] for row in body["results"]} == {
        w.anonymous_code for w in the.made.works
    }
    assert client.get(url, {"state": "answered"}).json()["count"] == 0
    assert_error(client.get(url, {"state": "lost"}), 400, fields=["state"])
    few = count_queries(lambda: client.get(url))
    for rank in range(5, 15):
        work = pf.add_ranked(the.made, rank)
        appeal_file(work=work, user=work.entrant, text="请复核")
    assert count_queries(lambda: client.get(url)) == few


# --- Documentation


def test_schema_documents_every_endpoint():
    GENERATOR_STATS.reset()
    patterns = [path("api/v1/", include("publication.api.urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular warned, see the output"
    paths = schema["paths"]
    for expected in [
        "/api/v1/contests/{slug}/notice/",
        "/api/v1/contests/{slug}/notice/publish/",
        "/api/v1/contests/{slug}/notice/withdraw/",
        "/api/v1/contests/{slug}/results/",
        "/api/v1/contests/{slug}/results.csv",
        "/api/v1/contests/{slug}/appeals/",
        "/api/v1/works/{id}/result/",
        "/api/v1/works/{id}/appeals/",
        "/api/v1/appeals/{id}/",
        "/api/v1/appeals/{id}/answer/",
    ]:
        assert expected in paths, sorted(paths)
    # The public results need no login; the CSV is documented as CSV.
    assert {} in paths["/api/v1/contests/{slug}/results/"]["get"]["security"]
    csv_ok = paths["/api/v1/contests/{slug}/results.csv"]["get"]["responses"]["200"]
    assert "text/csv" in csv_ok["content"]
