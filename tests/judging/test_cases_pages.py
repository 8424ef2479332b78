"""Divergence case pages: the organisers' list and case page (arbitrate, reopen), the chief
judges' queue and blind case page, the links to them; who may reach each one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from judging.models import ChiefJudge, DivergenceCase, Round
from judging.services.divergence import case_arbitrate
from tests import cases_factories as cf
from tests import factories
from tests import judging_factories as jf

pytestmark = pytest.mark.django_db
S = DivergenceCase.State


def login(client, user, language="en"):
    client.force_login(user)
    client.cookies["lang"] = language
    return client


def list_url(s) -> str:
    return f"/contests/{s.contest.slug}/judging/rounds/{s.round.pk}/cases/"


def case_url(s, case) -> str:
    return f"{list_url(s)}{case.pk}/"


# --- Organisers: the list


def test_the_organiser_lists_the_rounds_cases_with_counts(client):
    s, case = cf.in_arbitration()
    response = login(client, s.organiser).get(list_url(s))
    assert response.status_code == 200
    html = response.content.decode()
    assert s.work.anonymous_code in html and case_url(s, case) in html
    assert "Awaiting arbitration" in html
    assert [n for value, _l, n in response.context["counts"]] == [0, 1, 0, 0]


def test_the_list_filters_by_state(client):
    s, case = cf.in_arbitration()
    response = login(client, s.organiser).get(list_url(s), {"state": "resolved"})
    assert list(response.context["page"]) == []
    response = client.get(list_url(s), {"state": "arbitration"})
    assert list(response.context["page"]) == [case]
    response = client.get(list_url(s), {"state": "<script>"})
    assert list(response.context["page"]) == [case]


def test_the_list_runs_a_constant_number_of_queries(client):
    s, _case = cf.in_arbitration()
    login(client, s.organiser)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(list_url(s)).status_code == 200
        return len(queries)

    few = count()
    for _ in range(3):
        work = jf.accepted_work(s.round)
        DivergenceCase.objects.create(round=s.round, work=work, spread=20)
    assert count() == few


def test_the_round_page_links_to_the_cases(client):
    s, _case = cf.in_arbitration()
    response = login(client, s.organiser).get(
        f"/contests/{s.contest.slug}/judging/rounds/{s.round.pk}/"
    )
    assert list_url(s) in response.content.decode()


def test_who_may_not_see_the_list(client):
    s, case = cf.in_arbitration()
    chief = cf.chief(s)
    assert login(client, chief).get(list_url(s)).status_code == 403
    assert login(client, s.first[0].judge).get(case_url(s, case)).status_code == 403
    stranger = factories.OrganiserFactory().user  # organiser of another contest
    assert login(client, stranger).get(list_url(s)).status_code == 403  # a public contest
    wrong_slug = list_url(s).replace(s.contest.slug, factories.ContestFactory().slug)
    assert login(client, s.organiser).get(wrong_slug).status_code == 404
    client.logout()
    assert client.get(list_url(s)).status_code == 302


def test_a_case_of_another_round_is_not_found(client):
    s, case = cf.in_arbitration()
    other = jf.RoundFactory(contest=s.contest)
    url = f"/contests/{s.contest.slug}/judging/rounds/{other.pk}/cases/{case.pk}/"
    assert login(client, s.organiser).get(url).status_code == 404


# --- Organisers: a case


def test_the_case_page_shows_the_history_with_the_judges(client):
    s = cf.scene(tolerance="10")
    case = cf.submit_all(s, 50, 70)
    [third] = cf.new_assignments(s)
    third.judge.real_name = "第三位评委"
    third.judge.save(update_fields=["real_name"])
    response = login(client, s.organiser).get(case_url(s, case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Opened: the totals are too far apart" in html and "Another judge was added" in html
    assert f"{s.first[0].judge.real_name}: 50.00" in html and "第三位评委" in html
    assert response.context["arbitration_form"] is False  # third marking: nothing to arbitrate


def test_an_organiser_arbitrates_on_the_case_page(client):
    s, case = cf.in_arbitration()
    url = case_url(s, case)
    response = login(client, s.organiser).post(
        f"{url}arbitrate/", {"score": "67.5", "note": "无组长，组织方裁定"}
    )
    assert response.status_code == 302 and response["Location"] == url
    case.refresh_from_db()
    assert case.state == S.ARBITRATED and str(case.arbitrated_score) == "67.50"
    html = client.get(url).content.decode()
    assert "无组长，组织方裁定" in html and "Reopen for arbitration" in html


def test_a_wrong_score_on_the_case_page_keeps_the_input(client):
    s, case = cf.in_arbitration()
    response = login(client, s.organiser).post(
        f"{case_url(s, case)}arbitrate/", {"score": "180", "note": "说明"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a score from 0 to 100." in html and "说明" in html
    case.refresh_from_db()
    assert case.state == S.ARBITRATION


def test_an_organiser_reopens_a_case(client):
    s, case = cf.in_arbitration()
    case_arbitrate(case=case, actor=s.organiser, score="60", note="x")
    url = case_url(s, case)
    login(client, s.organiser)
    response = client.post(f"{url}reopen/", {"reason": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = client.post(f"{url}reopen/", {"reason": "申诉复核"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == S.ARBITRATION
    assert "申诉复核" in client.get(url).content.decode()


def test_writes_are_refused_to_others(client):
    s, case = cf.in_arbitration()
    url = case_url(s, case)
    judge = s.first[0].judge
    response = login(client, judge).post(f"{url}arbitrate/", {"score": "1", "note": "x"})
    assert response.status_code == 403
    assert client.post(f"{url}reopen/", {"reason": "x"}).status_code == 403
    assert client.get(f"{url}arbitrate/").status_code == 405
    case.refresh_from_db()
    assert case.state == S.ARBITRATION


def test_a_frozen_round_shows_no_forms(client):
    s, case = cf.in_arbitration()
    Round.objects.filter(pk=s.round.pk).update(state=Round.State.FROZEN)
    response = login(client, s.organiser).get(case_url(s, case))
    assert response.context["arbitration_form"] is False
    response = client.post(f"{case_url(s, case)}arbitrate/", {"score": "50", "note": "x"})
    assert "frozen" in response.content.decode()
    case.refresh_from_db()
    assert case.state == S.ARBITRATION


# --- Chief judges


def test_the_chief_judge_sees_a_link_and_the_queue(client):
    s, case = cf.in_arbitration()
    chief = cf.chief(s)
    html = login(client, chief).get("/judging/").content.decode()
    assert "/judging/arbitration/" in html and "Arbitration (chief judge)" in html
    response = client.get("/judging/arbitration/")
    assert response.status_code == 200
    assert list(response.context["page"]) == [case]
    assert f"/judging/arbitration/{case.pk}/" in response.content.decode()


def test_a_plain_judge_has_no_link_and_an_empty_queue(client):
    s, _case = cf.in_arbitration()
    judge = s.first[0].judge
    html = login(client, judge).get("/judging/").content.decode()
    assert "/judging/arbitration/" not in html
    assert list(client.get("/judging/arbitration/").context["page"]) == []
    client.logout()
    assert client.get("/judging/arbitration/").status_code == 302


def test_the_chief_arbitrates_on_a_blind_page(client):
    s, case = cf.in_arbitration()
    chief = cf.chief(s)
    url = f"/judging/arbitration/{case.pk}/"
    response = login(client, chief).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Judge 1" in html and "Judge 2" in html
    assert "<strong>40</strong>" in html and "<strong>80</strong>" in html
    assert s.work.title in html and s.work.anonymous_code in html
    for person in [a.judge for a in s.first] + [s.work.entrant]:
        assert person.real_name not in html
    response = client.post(url, {"score": "abc", "note": "x"})
    assert response.status_code == 200
    assert "Enter a number." in response.content.decode()
    response = client.post(url, {"score": "61", "note": "两位评委各有道理，取中"})
    assert response.status_code == 302 and response["Location"] == "/judging/arbitration/"
    case.refresh_from_db()
    assert case.state == S.ARBITRATED and case.arbitrator == chief
    html = client.get(url).content.decode()  # read-only once arbitrated
    assert "61" in html and 'name="score"' not in html


def test_who_may_not_open_an_arbitration_page(client):
    s, case = cf.in_arbitration()
    url = f"/judging/arbitration/{case.pk}/"
    assert login(client, s.first[0].judge).get(url).status_code == 403
    other_round = jf.RoundFactory(contest=s.contest)
    other_chief = jf.judge(s.contest).user
    ChiefJudge.objects.create(round=other_round, user=other_chief)
    assert login(client, other_chief).get(url).status_code == 403  # a judge, not chief here
    other_contest_chief = cf.chief(cf.scene())
    assert login(client, other_contest_chief).get(url).status_code == 404
    stranger = factories.UserFactory()
    assert login(client, stranger).get(url).status_code == 404
    third_marking = cf.submit_all(cf.scene(), 30, 90)
    response = login(client, cf.chief(s)).get(f"/judging/arbitration/{third_marking.pk}/")
    assert response.status_code == 404


def test_the_chief_may_view_the_blind_media_of_their_cases_only():
    s, _case = cf.in_arbitration()
    chief = cf.chief(s)
    assert chief.has_perm("contest.view_blind_media", s.work)
    assert not chief.has_perm("contest.view_original_media", s.work)
    plain = jf.judge(s.contest).user
    assert not plain.has_perm("contest.view_blind_media", s.work)
    other_work = jf.accepted_work(s.round)
    assert not chief.has_perm("contest.view_blind_media", other_work)


def test_the_chief_reads_the_judges_comments_by_label(client):
    from judging.services.divergence import work_check

    s = cf.scene(spare=0)
    cf.submit(s.first[0], 40, comment="画面清晰但内容单薄")
    cf.submit(s.first[1], 80, comment="设计新颖")
    case = work_check(round_id=s.round.pk, work_id=s.work.pk)
    html = login(client, cf.chief(s)).get(f"/judging/arbitration/{case.pk}/").content.decode()
    first = s.round.rubric.criteria.order_by("order").first().name
    assert f"Judge 1 · {first}" in html and "画面清晰但内容单薄" in html
    assert f"Judge 2 · {first}" in html and "设计新颖" in html
