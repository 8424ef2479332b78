"""Organisers reopen submitted sheets (with a reason) and resolve author flags: pages and API."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from judging.models import Assignment, AuthorFlag, ScoreRevision, ScoreSheet
from judging.services.sheets import author_flag_create, sheet_save, sheet_submit
from tests import factories
from tests import judging_factories as jf


@pytest.fixture
def submitted():
    assignment = jf.assignment()
    values = {str(c.pk): "10" for c in assignment.round.rubric.criteria.all()}
    sheet_submit(assignment=assignment, actor=assignment.judge, values=values)
    return assignment


def organiser_of(round_):
    return factories.OrganiserFactory(contest=round_.contest).user


def review_url(round_, name="round_review", *args):
    return reverse(name, args=[round_.contest.slug, round_.pk, *args])


@pytest.mark.django_db
def test_organiser_reopens_a_sheet_and_the_judge_can_score_again(client, submitted):
    round_ = submitted.round
    client.force_login(organiser_of(round_))
    client.cookies["lang"] = "en"
    page = client.get(review_url(round_)).content.decode()
    assert submitted.work.anonymous_code in page
    response = client.post(
        review_url(round_, "round_sheet_reopen", submitted.pk), {"reason": "评委误填总分"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == Assignment.State.IN_PROGRESS
    reopen = ScoreRevision.objects.get(sheet__assignment=submitted, action="reopen")
    assert reopen.reason == "评委误填总分"
    first = submitted.round.rubric.criteria.first()
    sheet_save(assignment=submitted, actor=submitted.judge, values={str(first.pk): "12"})
    assert ScoreSheet.objects.get(assignment=submitted).state == ScoreSheet.State.DRAFT


@pytest.mark.django_db
def test_reopening_needs_a_reason_and_a_submitted_sheet(client, submitted):
    round_ = submitted.round
    client.force_login(organiser_of(round_))
    client.cookies["lang"] = "en"
    response = client.post(review_url(round_, "round_sheet_reopen", submitted.pk), {"reason": " "})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    pending = jf.assignment(round_)
    response = client.post(
        review_url(round_, "round_sheet_reopen", pending.pk), {"reason": "试试"}, follow=True
    )
    assert "Only a submitted sheet can be reopened." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == Assignment.State.SUBMITTED


@pytest.mark.django_db
def test_flags_reach_the_organisers_and_are_resolved(client):
    assignment = jf.assignment()
    author_flag_create(assignment=assignment, actor=assignment.judge, note="片尾出现了学校名称")
    round_ = assignment.round
    client.force_login(organiser_of(round_))
    page = client.get(review_url(round_)).content.decode()
    assert "片尾出现了学校名称" in page and assignment.work.anonymous_code in page
    flag = AuthorFlag.objects.get()
    client.post(
        review_url(round_, "round_flag_resolve", flag.pk), {"resolution": "已请作者更换视频"}
    )
    flag.refresh_from_db()
    assert flag.resolved_at and flag.resolution == "已请作者更换视频"


@pytest.mark.parametrize("who", ["anonymous", "judge", "entrant", "other_organiser"])
@pytest.mark.django_db
def test_only_the_contests_organisers_may_review(client, submitted, who):
    round_ = submitted.round
    people = {
        "judge": submitted.judge,
        "entrant": submitted.work.entrant,
        "other_organiser": factories.OrganiserFactory().user,
    }
    if who != "anonymous":
        client.force_login(people[who])
    page = client.get(review_url(round_))
    reopen = client.post(review_url(round_, "round_sheet_reopen", submitted.pk), {"reason": "x"})
    assert page.status_code in (302, 403, 404) and reopen.status_code in (302, 403, 404)
    if who != "anonymous":
        assert page.status_code in (403, 404)
    submitted.refresh_from_db()
    assert submitted.state == Assignment.State.SUBMITTED


@pytest.mark.django_db
def test_api_reopen_and_flags(submitted):
    round_ = submitted.round
    api = APIClient()
    api.force_authenticate(organiser_of(round_))
    url = reverse("api-sheet-reopen", args=[submitted.pk])
    assert api.post(url, {}, format="json").status_code == 400
    assert api.post(url, {"reason": "复核"}, format="json").status_code == 204
    assert api.post(url, {"reason": "复核"}, format="json").json()["code"] == "not_submitted"
    author_flag_create(assignment=submitted, actor=submitted.judge, note="出现姓名")
    flags = api.get(reverse("api-round-flags", args=[round_.pk])).json()
    assert flags[0]["note"] == "出现姓名"
    resolve = reverse("api-flag-resolve", args=[round_.pk, flags[0]["id"]])
    assert api.post(resolve, {"resolution": "已处理"}, format="json").status_code == 200
    assert api.post(resolve, {"resolution": "再次"}, format="json").status_code == 409
    judge_api = APIClient()
    judge_api.force_authenticate(submitted.judge)
    assert judge_api.post(url, {"reason": "x"}, format="json").status_code in (403, 404)
    assert judge_api.get(reverse("api-round-flags", args=[round_.pk])).status_code in (403, 404)
