"""Assignment pages and API: who may reach them, what they show and do, and query counts."""

import io

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from judging.models import Assignment, Round
from judging.services import assignment as services
from tests import factories
from tests.contest.test_api_helpers import API, assert_error, client_for
from tests.judging.test_assignment_service import make_round
from tests.judging.test_assignment_service_excel import xlsx

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def setup(db):
    return make_round(k=2, judges=4, works=3)


@pytest.fixture
def organiser(setup):
    return setup.organiser


def login(client, user, lang="en"):
    if user is not None:
        client.force_login(user)
    if lang:
        client.cookies["lang"] = lang
    return client


def page(name, setup, *extra) -> str:
    return reverse(name, args=[setup.contest.slug, setup.round.pk, *extra])


def people(setup) -> dict:
    other = factories.OrganiserFactory(contest=factories.ContestFactory(phase="judging")).user
    return {
        "anonymous": None,
        "entrant": setup.works[0].entrant,
        "judge": setup.judges[0].user,
        "other_organiser": other,
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Permission matrix


def two_assignments(setup) -> list[Assignment]:
    return [
        Assignment.objects.create(round=setup.round, work=setup.works[0], judge=m.user)
        for m in setup.judges[:2]
    ]


def page_requests(setup):
    first, second = two_assignments(setup)
    yield "get", page("round_assignment", setup), {}
    yield "get", page("round_assignment", setup) + "?mode=incremental", {}
    yield "get", page("round_assignment_export", setup), {}
    yield "post", page("round_assignment_apply", setup), {"mode": "incremental"}
    add = {"code": setup.works[1].anonymous_code, "judge_email": setup.judges[2].user.email}
    yield "post", page("round_assignment_add", setup), add
    yield "post", page("round_assignment_remove", setup, first.pk), {}
    move = {"judge_email": setup.judges[3].user.email}
    yield "post", page("round_assignment_move", setup, second.pk), move
    yield "post", page("round_assignment_import", setup), {}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "entrant", "judge", "other_organiser"])
def test_pages_are_for_the_rounds_organisers_only(client, setup, who):
    user = people(setup)[who]
    login(client, user)
    for method, url, data in page_requests(setup):
        response = getattr(client, method)(url, data)
        if user is None:
            assert response.status_code == 302 and "/login" in response["Location"], url
        else:
            assert response.status_code == 403, url
    assert Assignment.objects.count() == 2


@pytest.mark.django_db
def test_organisers_reach_every_page(client, setup, organiser):
    login(client, organiser)
    for method, url, data in page_requests(setup):
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), (url, response.status_code)


@pytest.mark.django_db
def test_a_round_under_another_contests_address_is_not_found(client, setup):
    other = factories.ContestFactory(phase="judging")
    login(client, factories.OrganiserFactory(contest=other).user)
    url = reverse("round_assignment", args=[other.slug, setup.round.pk])
    assert client.get(url).status_code == 404
    login(client, setup.organiser)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_rounds_of_draft_contests_are_not_found_by_others(client, setup):
    type(setup.contest).objects.filter(pk=setup.contest.pk).update(phase="draft")
    login(client, setup.judges[0].user)
    assert client.get(page("round_assignment", setup)).status_code == 404


# --- The page


@pytest.mark.django_db
def test_the_preview_shows_the_plan_and_saves_nothing(client, setup, organiser):
    response = login(client, organiser).get(page("round_assignment", setup), {"mode": "full"})
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Plan: replace the current assignments", "Coverage by category", "Load per judge"):
        assert text in html
    assert setup.judges[0].user.real_name in html and setup.category.name in html
    assert 'name="mode" value="full"' in html
    assert Assignment.objects.count() == 0


@pytest.mark.django_db
def test_applying_from_the_page(client, setup, organiser):
    response = login(client, organiser).post(
        page("round_assignment_apply", setup), {"mode": "full"}
    )
    assert response.status_code == 302
    assert "6 new assignments" in messages_of(response)[0]
    assert Assignment.objects.filter(round=setup.round).count() == 6


@pytest.mark.django_db
def test_a_refused_apply_is_explained(client, setup, organiser):
    Round.objects.filter(pk=setup.round.pk).update(state=Round.State.CLOSED)
    response = login(client, organiser).post(page("round_assignment_apply", setup), {"mode": "x"})
    assert "Choose how to apply the plan." in messages_of(response)
    response = client.post(page("round_assignment_apply", setup), {"mode": "incremental"})
    assert "Assignments change only" in messages_of(response)[-1]
    assert Assignment.objects.count() == 0


@pytest.mark.django_db
def test_the_list_shows_judges_and_codes_never_entrants(client, setup, organiser):
    judge = setup.judges[0].user
    judge.real_name = SCRIPT
    judge.save()
    services.round_apply(round=setup.round, actor=None)
    html = login(client, organiser).get(page("round_assignment", setup)).content.decode()
    assert ESCAPED in html and SCRIPT not in html
    for work in setup.works:
        assert work.anonymous_code in html
        assert work.entrant.real_name not in html and work.title not in html


@pytest.mark.django_db
def test_the_list_filters_by_code_judge_and_state(client, setup, organiser):
    services.round_apply(round=setup.round, actor=None)
    login(client, organiser)
    code = setup.works[0].anonymous_code
    html = client.get(page("round_assignment", setup), {"q": code}).content.decode()
    assert "2 assignments" in html
    judge = setup.judges[1].user
    html = client.get(page("round_assignment", setup), {"judge": judge.email}).content.decode()
    assert judge.email in html and setup.judges[2].user.email not in html
    html = client.get(page("round_assignment", setup), {"state": "submitted"}).content.decode()
    assert "No assignments match." in html


@pytest.mark.django_db
def test_adding_by_hand_shows_refusals_beside_the_fields(client, setup, organiser):
    login(client, organiser)
    url = page("round_assignment_add", setup)
    code = setup.works[0].anonymous_code
    response = client.post(url, {"code": "NOPE", "judge_email": setup.judges[0].user.email})
    assert "No work of the round has this code." in response.content.decode()
    response = client.post(url, {"code": code, "judge_email": "nobody@example.cn"})
    assert "No judge of the contest has this e-mail address." in response.content.decode()
    response = client.post(url, {"code": SCRIPT, "judge_email": "not an e-mail"})
    assert response.status_code == 200 and SCRIPT not in response.content.decode()
    assert Assignment.objects.count() == 0
    response = client.post(url, {"code": code, "judge_email": setup.judges[0].user.email})
    assert response.status_code == 302
    response = client.post(url, {"code": code, "judge_email": setup.judges[0].user.email})
    assert "This judge already has this work." in response.content.decode()
    assert Assignment.objects.count() == 1


@pytest.mark.django_db
def test_removing_and_moving_from_the_page(client, setup, organiser):
    login(client, organiser)
    first = Assignment.objects.create(
        round=setup.round, work=setup.works[0], judge=setup.judges[0].user
    )
    url = page("round_assignment_move", setup, first.pk)
    response = client.post(url, {"judge_email": setup.judges[1].user.email})
    assert "moved to" in messages_of(response)[0]
    moved = Assignment.objects.get(round=setup.round)
    assert moved.judge_id == setup.judges[1].user_id
    response = client.post(url, {"judge_email": setup.judges[2].user.email})
    assert response.status_code == 404
    response = client.post(page("round_assignment_move", setup, moved.pk), {"judge_email": "x"})
    assert "Enter the e-mail address" in messages_of(response)[-1]
    client.post(page("round_assignment_remove", setup, moved.pk))
    assert Assignment.objects.count() == 0


@pytest.mark.django_db
def test_an_assignment_of_another_round_is_not_found(client, setup, organiser):
    other = make_round(works=1, judges=1)
    foreign = Assignment.objects.create(
        round=other.round, work=other.works[0], judge=other.judges[0].user
    )
    response = login(client, organiser).post(page("round_assignment_remove", setup, foreign.pk))
    assert response.status_code in (403, 404)
    assert Assignment.objects.filter(pk=foreign.pk).exists()


@pytest.mark.django_db
def test_the_export_downloads_an_xlsx(client, setup, organiser):
    services.round_apply(round=setup.round, actor=None)
    response = login(client, organiser).get(page("round_assignment_export", setup))
    assert response.status_code == 200
    assert "assignments-round-" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].rows)
    assert len(rows) == 7


@pytest.mark.django_db
def test_an_import_with_a_bad_row_shows_the_report_and_saves_nothing(client, setup, organiser):
    file = xlsx(
        [
            (setup.works[0].anonymous_code, setup.judges[0].user.email),
            (SCRIPT, setup.judges[1].user.email),
        ]
    )
    file.name = "assignments.xlsx"
    response = login(client, organiser).post(page("round_assignment_import", setup), {"file": file})
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 row was refused, so nothing was imported." in html
    assert ESCAPED in html and SCRIPT not in html
    assert Assignment.objects.count() == 0


@pytest.mark.django_db
def test_an_import_saves_the_rows(client, setup, organiser):
    file = xlsx([(setup.works[0].anonymous_code, setup.judges[0].user.email)])
    file.name = "a.xlsx"
    response = login(client, organiser).post(page("round_assignment_import", setup), {"file": file})
    assert response.status_code == 302
    assert Assignment.objects.count() == 1


@pytest.mark.django_db
def test_an_unreadable_import_is_refused_on_the_form(client, setup, organiser):
    file = io.BytesIO(b"%PDF-1.4")
    file.name = "a.xlsx"
    response = login(client, organiser).post(page("round_assignment_import", setup), {"file": file})
    assert "This is not an Excel (.xlsx) file." in response.content.decode()


@pytest.mark.django_db
def test_pages_speak_chinese_by_default(client, setup, organiser):
    response = login(client, organiser, lang=None).get(page("round_assignment", setup))
    assert response["Content-Language"] == "zh-hans"


def page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_list_takes_the_same_queries_for_one_or_three_assignments(client, setup, organiser):
    login(client, organiser)
    url = page("round_assignment", setup)
    Assignment.objects.create(round=setup.round, work=setup.works[0], judge=setup.judges[0].user)
    one = page_queries(client, url)
    for n in (1, 2):
        Assignment.objects.create(
            round=setup.round, work=setup.works[n], judge=setup.judges[n].user
        )
    assert page_queries(client, url) == one


# --- API


def api_requests(setup):
    first, second = two_assignments(setup)
    rid = setup.round.pk
    yield "get", f"{API}/rounds/{rid}/plan/", None
    yield "get", f"{API}/rounds/{rid}/assignments/", None
    body = {"work": setup.works[1].pk, "judge": setup.judges[2].user_id}
    yield "post", f"{API}/rounds/{rid}/assignments/", body
    yield "post", f"{API}/rounds/{rid}/assignments/apply/", {"incremental": True}
    yield "patch", f"{API}/assignments/{first.pk}/", {"judge": setup.judges[3].user_id}
    yield "delete", f"{API}/assignments/{second.pk}/", None


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "entrant", "judge", "other_organiser"])
def test_the_api_is_for_the_rounds_organisers_only(setup, who):
    user = people(setup)[who]
    client = client_for(user)
    for method, url, body in api_requests(setup):
        response = getattr(client, method)(url, body, format="json")
        assert_error(response, 401 if user is None else 403)
    assert Assignment.objects.count() == 2


@pytest.mark.django_db
def test_organisers_use_every_endpoint(setup, organiser):
    client = client_for(organiser)
    expected = [200, 200, 201, 200, 200, 204]
    for (method, url, body), status in zip(api_requests(setup), expected, strict=True):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == status, (url, response.content)


@pytest.mark.django_db
def test_an_unknown_round_is_not_found(organiser):
    assert_error(client_for(organiser).get(f"{API}/rounds/999999/plan/"), 404, "not_found")


@pytest.mark.django_db
def test_the_plan_endpoint(setup, organiser):
    body = client_for(organiser).get(f"{API}/rounds/{setup.round.pk}/plan/?mode=full").json()
    assert body["incremental"] is False and body["added_count"] == 6
    assert body["coverage"] == [
        {"category": setup.category.name, "works": 3, "staffed": 3, "short": 0}
    ]
    assert len(body["judges"]) == 4 and body["unstaffed"] == []
    response = client_for(organiser).get(f"{API}/rounds/{setup.round.pk}/plan/?mode=all")
    assert_error(response, 400, fields=["mode"])


@pytest.mark.django_db
def test_the_list_endpoint_filters_and_paginates(setup, organiser):
    services.round_apply(round=setup.round, actor=None)
    url = f"{API}/rounds/{setup.round.pk}/assignments/"
    body = client_for(organiser).get(url, {"q": setup.works[0].anonymous_code}).json()
    assert body["count"] == 2
    item = body["results"][0]
    assert item["work"]["anonymous_code"] == setup.works[0].anonymous_code
    assert set(item["judge"]) == {"id", "name", "email"}
    assert "entrant" not in str(item) and setup.works[0].title not in str(item)
    assert_error(client_for(organiser).get(url, {"state": "done"}), 400, fields=["state"])
    second = client_for(organiser).get(url, {"page": 2, "page_size": 4, "state": ""}).json()
    assert second["count"] == 6 and len(second["results"]) == 2 and second["next"] is None


@pytest.mark.django_db
def test_adding_through_the_api_refuses_bad_input(setup, organiser):
    client = client_for(organiser)
    url = f"{API}/rounds/{setup.round.pk}/assignments/"
    other = make_round(works=1, judges=1)
    judge = setup.judges[0].user_id
    cases = [
        ({"work": "一", "judge": judge}, 400, ["work"]),
        ({"work": setup.works[0].pk}, 400, ["judge"]),
        ({"work": setup.works[0].pk, "judge": judge, "extra": 1}, 400, ["extra"]),
        ({"work": other.works[0].pk, "judge": judge}, 400, ["work"]),
        ({"work": setup.works[0].pk, "judge": other.judges[0].user_id}, 400, ["judge"]),
    ]
    for body, status, fields in cases:
        assert_error(client.post(url, body, format="json"), status, fields=fields)
    assert client.post(url, {"work": setup.works[0].pk, "judge": judge}).status_code == 201
    again = client.post(url, {"work": setup.works[0].pk, "judge": judge}, format="json")
    assert_error(again, 409, "duplicate")
    assert Assignment.objects.count() == 1


@pytest.mark.django_db
def test_api_errors_follow_accept_language(setup, organiser):
    client = client_for(organiser, HTTP_ACCEPT_LANGUAGE="en")
    Round.objects.filter(pk=setup.round.pk).update(state=Round.State.CLOSED)
    response = client.post(f"{API}/rounds/{setup.round.pk}/assignments/apply/", {}, format="json")
    body = assert_error(response, 409, "round_not_editable")
    assert body["message"].startswith("Assignments change only")
    chinese = client_for(organiser).post(f"{API}/rounds/{setup.round.pk}/assignments/apply/")
    assert chinese["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_moving_and_removing_through_the_api(setup, organiser):
    client = client_for(organiser)
    first = Assignment.objects.create(
        round=setup.round, work=setup.works[0], judge=setup.judges[0].user
    )
    url = f"{API}/assignments/{first.pk}/"
    assert_error(client.patch(url, {"judge": "x"}, format="json"), 400, fields=["judge"])
    response = client.patch(url, {"judge": setup.judges[1].user_id}, format="json")
    moved = response.json()
    assert moved["judge"]["id"] == setup.judges[1].user_id
    assert_error(client.delete(url), 404)
    assert client.delete(f"{API}/assignments/{moved['id']}/").status_code == 204
    assert Assignment.objects.count() == 0


@pytest.mark.django_db
def test_the_api_list_takes_the_same_queries_for_one_or_three(setup, organiser):
    client = client_for(organiser)
    url = f"{API}/rounds/{setup.round.pk}/assignments/"
    Assignment.objects.create(round=setup.round, work=setup.works[0], judge=setup.judges[0].user)
    one = page_queries(client, url)
    for n in (1, 2):
        Assignment.objects.create(
            round=setup.round, work=setup.works[n], judge=setup.judges[n].user
        )
    assert page_queries(client, url) == one
