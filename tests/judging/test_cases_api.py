"""The divergence-case API: the organisers' list, case and reopening; the chief judges' queue
and blind case with arbitration; who may reach each endpoint; errors in the one shape."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from judging.models import ChiefJudge, DivergenceCase, Round
from judging.services.divergence import case_arbitrate
from tests import cases_factories as cf
from tests import factories
from tests import judging_factories as jf

pytestmark = pytest.mark.django_db
API = "/api/v1"
S = DivergenceCase.State


@pytest.fixture
def api():
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def as_user(api, user):
    api.force_authenticate(user)
    return api


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    if code:
        assert body["code"] == code
    return body


# --- Organisers


def test_the_organiser_lists_the_rounds_cases(api):
    s, case = cf.in_arbitration()
    response = as_user(api, s.organiser).get(f"{API}/rounds/{s.round.pk}/cases/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == case.pk and item["state"] == "arbitration"
    assert item["anonymous_code"] == s.work.anonymous_code and item["spread"] == "40.00"
    assert item["url"] == f"http://testserver{API}/cases/{case.pk}/"
    assert api.get(f"{API}/rounds/{s.round.pk}/cases/", {"state": "resolved"}).json()["count"] == 0
    body = assert_error(
        api.get(f"{API}/rounds/{s.round.pk}/cases/", {"state": "nope"}), 400, "validation_failed"
    )
    assert "state" in body["fields"]


def test_the_list_runs_a_constant_number_of_queries(api):
    s, _case = cf.in_arbitration()
    as_user(api, s.organiser)
    case_arbitrate(case=_case, actor=s.organiser, score="50", note="x")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"{API}/rounds/{s.round.pk}/cases/").status_code == 200
        return len(queries)

    few = count()
    for _ in range(3):
        work = jf.accepted_work(s.round)
        DivergenceCase.objects.create(round=s.round, work=work, spread=20)
    assert count() == few


def test_the_organiser_reads_a_case_with_its_history(api):
    s = cf.scene(tolerance="10")
    case = cf.submit_all(s, 50, 70)
    [third] = cf.new_assignments(s)
    response = as_user(api, s.organiser).get(f"{API}/cases/{case.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert [e["kind"] for e in body["events"]] == ["opened", "judge_added"]
    opened = body["events"][0]
    assert {t["judge"] for t in opened["totals"]} == {a.judge.real_name for a in s.first}
    assert body["events"][1]["added"] == [third.judge.real_name]


def test_who_may_not_read_the_organisers_endpoints(api):
    s, case = cf.in_arbitration()
    chief = cf.chief(s)
    for url in (f"{API}/rounds/{s.round.pk}/cases/", f"{API}/cases/{case.pk}/"):
        assert_error(as_user(api, chief).get(url), 403, "permission_denied")
        api.force_authenticate(None)
        assert api.get(url).status_code == 401
    assert_error(as_user(api, chief).post(f"{API}/cases/{case.pk}/reopen/", {"reason": "x"}), 403)
    assert_error(as_user(api, s.organiser).get(f"{API}/cases/999999/"), 404, "not_found")


def test_the_organiser_reopens_a_case(api):
    s, case = cf.in_arbitration()
    url = f"{API}/cases/{case.pk}/reopen/"
    as_user(api, s.organiser)
    assert_error(api.post(url, {"reason": "x"}, format="json"), 409, "not_closed")
    case_arbitrate(case=case, actor=s.organiser, score="55", note="x")
    body = assert_error(api.post(url, {"reason": ""}, format="json"), 400)
    assert "reason" in body["fields"]
    assert_error(api.post(url, {"reason": "x", "extra": 1}, format="json"), 400)
    response = api.post(url, {"reason": "申诉复核"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "arbitration"
    assert response.json()["events"][-1]["kind"] == "reopened"


# --- Chief judges


def test_the_chief_judge_reads_the_queue(api):
    s, case = cf.in_arbitration()
    chief = cf.chief(s)
    response = as_user(api, chief).get(f"{API}/judging/arbitration/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == case.pk and item["anonymous_code"] == s.work.anonymous_code
    assert item["url"] == f"http://testserver{API}/judging/arbitration/{case.pk}/"


def test_the_queue_is_empty_for_others_and_closed_to_anonymous_callers(api):
    s, _case = cf.in_arbitration()
    assert as_user(api, s.first[0].judge).get(f"{API}/judging/arbitration/").json()["count"] == 0
    assert as_user(api, s.organiser).get(f"{API}/judging/arbitration/").json()["count"] == 0
    api.force_authenticate(None)
    assert api.get(f"{API}/judging/arbitration/").status_code == 401


def test_a_chief_of_one_category_sees_only_its_cases(api):
    s, case = cf.in_arbitration()
    own = cf.chief(s, category=s.work.category)
    elsewhere = cf.chief(s, category=factories.CategoryFactory(contest=s.contest))
    assert as_user(api, own).get(f"{API}/judging/arbitration/").json()["count"] == 1
    assert as_user(api, elsewhere).get(f"{API}/judging/arbitration/").json()["count"] == 0
    assert_error(api.get(f"{API}/judging/arbitration/{case.pk}/"), 403, "permission_denied")


def test_the_queue_runs_a_constant_number_of_queries(api):
    s, _case = cf.in_arbitration()
    chief = cf.chief(s)
    as_user(api, chief)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"{API}/judging/arbitration/").status_code == 200
        return len(queries)

    few = count()
    for _ in range(3):
        work = jf.accepted_work(s.round)
        DivergenceCase.objects.create(round=s.round, work=work, spread=20, state=S.ARBITRATION)
    assert count() == few
    assert api.get(f"{API}/judging/arbitration/").json()["count"] == 4


def test_the_chief_reads_a_blind_case_and_arbitrates(api):
    s, case = cf.in_arbitration()
    chief = cf.chief(s)
    url = f"{API}/judging/arbitration/{case.pk}/"
    response = as_user(api, chief).get(url)
    assert response.status_code == 200
    body = response.json()
    assert [sheet["label"] for sheet in body["sheets"]] == ["Judge 1", "Judge 2"]
    assert [sheet["total"] for sheet in body["sheets"]] == ["40.00", "80.00"]
    assert len(body["sheets"][0]["scores"]) == len(body["criteria"]) == 5
    assert body["max_total"] == "100.00" and body["writable"] is True
    assert body["media"]["video"]["blind"].endswith("/blind.mp4")
    text = response.content.decode()
    for person in [a.judge for a in s.first] + [s.work.entrant]:
        assert person.real_name not in text and person.email not in text
    response = api.post(url, {"score": 77.25, "note": "取两者之间"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "arbitrated" and body["arbitrated_score"] == "77.25"
    assert body["writable"] is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"score": "abc", "note": "x"}, "score"),
        ({"score": "101", "note": "x"}, "score"),
        ({"score": "-0.01", "note": "x"}, "score"),
        ({"score": "50", "note": " "}, "note"),
        ({"score": "50"}, "note"),
        ({"score": "50", "note": "x", "judge": 1}, "judge"),
    ],
)
def test_wrong_arbitration_input_is_refused(api, payload, field):
    s, case = cf.in_arbitration()
    response = as_user(api, cf.chief(s)).post(
        f"{API}/judging/arbitration/{case.pk}/", payload, format="json"
    )
    body = assert_error(response, 400)
    assert field in body["fields"]
    case.refresh_from_db()
    assert case.state == S.ARBITRATION


def test_arbitration_refusals_by_state(api):
    s, case = cf.in_arbitration()
    chief = cf.chief(s)
    url = f"{API}/judging/arbitration/{case.pk}/"
    as_user(api, chief).post(url, {"score": "50", "note": "x"}, format="json")
    assert_error(api.post(url, {"score": "60", "note": "y"}, format="json"), 409)
    other = cf.scene()
    third_marking = cf.submit_all(other, 30, 90)
    ChiefJudge.objects.create(round=other.round, user=chief)
    jf.judge(other.contest, user=chief)
    assert_error(api.get(f"{API}/judging/arbitration/{third_marking.pk}/"), 404)
    s2, case2 = cf.in_arbitration()
    chief2 = cf.chief(s2)
    Round.objects.filter(pk=s2.round.pk).update(state=Round.State.FROZEN)
    response = as_user(api, chief2).post(
        f"{API}/judging/arbitration/{case2.pk}/", {"score": "50", "note": "x"}, format="json"
    )
    assert_error(response, 409, "round_frozen")


def test_who_may_not_arbitrate(api):
    s, case = cf.in_arbitration()
    url = f"{API}/judging/arbitration/{case.pk}/"
    assert_error(as_user(api, s.first[0].judge).get(url), 403, "permission_denied")
    body = assert_error(api.post(url, {"score": "50", "note": "x"}, format="json"), 403)
    assert body["message"] == "Only a chief judge of this round may arbitrate this work."
    assert_error(as_user(api, factories.UserFactory()).get(url), 404)
    api.force_authenticate(None)
    assert api.post(url, {"score": "50", "note": "x"}, format="json").status_code == 401
    case.refresh_from_db()
    assert case.state == S.ARBITRATION


def test_an_organiser_may_arbitrate_through_the_api(api):
    s, case = cf.in_arbitration()
    payload = {"score": "42", "note": "组织方裁定"}
    response = as_user(api, s.organiser).post(
        f"{API}/judging/arbitration/{case.pk}/", payload, format="json"
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.arbitrator == s.organiser


def test_the_schema_documents_the_case_endpoints(tmp_path):
    import yaml
    from django.core.management import call_command

    path = tmp_path / "schema.yaml"
    call_command("spectacular", file=str(path))
    paths = yaml.safe_load(path.read_text())["paths"]
    assert {"get"} <= set(paths["/api/v1/rounds/{id}/cases/"])
    assert {"get"} <= set(paths["/api/v1/cases/{id}/"])
    assert {"post"} <= set(paths["/api/v1/cases/{id}/reopen/"])
    assert {"get"} <= set(paths["/api/v1/judging/arbitration/"])
    assert {"get", "post"} <= set(paths["/api/v1/judging/arbitration/{id}/"])
