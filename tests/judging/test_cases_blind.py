"""Blind review (DESIGN §7) for chief judges: a chief judge follows every link and URL the site
gives them, from the judge's home and the arbitration API, through the arbitration queue and
case (pages, API answers, the judges' copies of the video and documents), and nothing names the
entrant, their institution or region, or the judges who scored the work.

Uses the seed and the crawler of test_blind_crawler (real judges' copies of files full of
identifying metadata)."""

import pytest
from django.test import Client

from judging.models import CaseEvent, ChiefJudge, DivergenceCase
from judging.services import sheets
from tests import factories
from tests import judging_factories as jf
from tests.cases_factories import values_for
from tests.judging.test_blind_crawler import FORBIDDEN, Crawler, seed  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

JUDGES = [("上官翎羽", "shangguan.lingyu@example.cn"), ("慕容霁月", "murong.jiyue@example.cn")]


def logged_in(user, language: str | None) -> Client:
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["lang"] = language
    return client


@pytest.fixture
def arbitration(seed):  # noqa: F811 (the fixture imported above)
    work, _judge, assignment = seed
    round_ = assignment.round
    for (name, email), total in zip(JUDGES, (40, 85), strict=True):
        user = factories.UserFactory(real_name=name, email=email)
        scored = jf.assignment(
            round_, work=work, judge_user=jf.judge(round_.contest, user=user).user
        )
        values = values_for(round_, total)
        first = next(iter(values))
        sheets.sheet_submit(
            assignment=scored, actor=user, values=values, comments={first: "结构清楚"}
        )
    case = DivergenceCase.objects.create(
        round=round_, work=work, spread=45, state=DivergenceCase.State.ARBITRATION
    )
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.OPENED)
    chief = jf.judge(round_.contest, user=factories.UserFactory(real_name="评审组长")).user
    ChiefJudge.objects.create(round=round_, user=chief)
    return work, chief, case


@pytest.mark.parametrize("language", [None, "en"])
def test_nothing_a_chief_judge_can_reach_identifies_the_entrant_or_the_judges(
    arbitration, language
):
    work, chief, case = arbitration
    client = logged_in(chief, language)
    forbidden = FORBIDDEN + [name for name, _e in JUDGES] + [email for _n, email in JUDGES]
    crawler = Crawler(client, forbidden)
    crawler.run(["/judging/", "/api/v1/judging/arbitration/"])
    assert crawler.findings == []
    video = work.videos.get(is_current=True)
    design, slides = work.attachments.get(kind="design"), work.attachments.get(kind="slides")
    assert {
        "/judging/arbitration/",
        f"/judging/arbitration/{case.pk}/",
        f"/api/v1/judging/arbitration/{case.pk}/",
        f"/media/videos/{video.uuid}/blind.mp4",
        f"/media/videos/{video.uuid}/poster.jpg",
        f"/media/attachments/{design.uuid}/sanitised",
        f"/media/attachments/{slides.uuid}/sanitised",
    } <= set(crawler.visited)
    assert not any("/original" in url for url in crawler.visited)


def test_the_crawl_would_see_a_judges_name_on_the_arbitration_page(arbitration):
    work, chief, case = arbitration
    work.title = f"{JUDGES[0][0]}推荐的作品"
    work.save(update_fields=["title"])
    crawler = Crawler(logged_in(chief, "en"), [JUDGES[0][0]])
    crawler.run(["/judging/", "/api/v1/judging/arbitration/"])
    where = {(f.url, f.where) for f in crawler.findings}
    assert (f"/judging/arbitration/{case.pk}/", "body") in where
    assert (f"/api/v1/judging/arbitration/{case.pk}/", "json") in where
