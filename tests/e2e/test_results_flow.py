"""From submitted sheets to public results in a real browser: the organiser compares the methods,
freezes, reads a work's explanation, sets up the awards, settles a tie at a cut-off on the
preview page, confirms and publishes the notice; a visitor sees the awarded works; the entrant
of the work that lost the tie appeals from their result page.

Four works of one category scored by two judges (two criteria, weights 1):
W1 45+45 / 44+44 → 89; W2 and W3 35+35 / 36+36 → 71 each (equal on everything); W4 → 51.
一等奖 × 1 and 二等奖 × 1: W2 and W3 share rank 2 across the 二等奖 cut-off.
"""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from awards.models import Award
from judging.models import Round
from judging.services import sheets
from publication.models import Appeal, Notice
from results.models import ResultSnapshot
from tests import factories
from tests import judging_factories as jf
from tests.e2e.test_judge_scoring import log_in

CHINA = ZoneInfo("Asia/Shanghai")
SHEETS = {  # work → each judge's (criterion 1, criterion 2)
    "W1": [("45", "45"), ("44", "44")],
    "W2": [("35", "35"), ("36", "36")],
    "W3": [("35", "35"), ("36", "36")],
    "W4": [("25", "25"), ("26", "26")],
}


@pytest.fixture
def the(transactional_db, live_server):
    """A closed round of four scored works, its organiser and works by name."""
    contest = factories.ContestFactory(phase="judging", slug="results-e2e")
    organiser = factories.OrganiserFactory(contest=contest).user
    rubric = jf.RubricFactory(
        contest=contest,
        criteria=[
            {"name": name, "max_points": Decimal(50), "step": Decimal("0.5")}
            for name in ("教学设计", "教学效果")
        ],
    )
    round_ = jf.RoundFactory(
        contest=contest, rubric=rubric, name="初评", judges_per_work=2, tolerance=Decimal(10)
    )
    category = factories.CategoryFactory(contest=contest, name="初中数学")
    judges = [jf.judge(contest).user for _ in range(2)]
    criteria = list(rubric.criteria.order_by("order"))
    works = {}
    for name, rows in SHEETS.items():
        work = jf.accepted_work(round_, category=category, title=f"勾股定理·{name}")
        for judge, row in zip(judges, rows, strict=True):
            assignment = jf.assignment(round_, work=work, judge_user=judge)
            values = {str(c.pk): v for c, v in zip(criteria, row, strict=True)}
            sheets.sheet_submit(assignment=assignment, actor=judge, values=values)
        works[name] = work
    Round.objects.filter(pk=round_.pk).update(state=Round.State.CLOSED)
    return contest, round_, organiser, works


def local(moment: dt.datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%dT%H:%M")


def test_rank_award_publish_and_appeal(browser, page, live_server, the, screenshot):
    contest, round_, organiser, works = the
    base = live_server.url
    main = page.locator("main")
    log_in(page, live_server, organiser)

    # Compare the methods, choose the mean, freeze.
    page.goto(f"{base}/contests/{contest.slug}/judging/rounds/{round_.pk}/ranking/")
    assert "Recommended method:" in main.inner_text()
    page.locator("select[name=method]").select_option("mean")
    page.locator("main form").filter(has=page.locator("select[name=method]")).get_by_role(
        "button", name="Save"
    ).click()
    page.get_by_text("The ranking settings were saved.").wait_for()
    page.get_by_role("button", name="Freeze the results").click()
    page.get_by_text("The results are frozen: 4 works ranked.").wait_for()
    assert Round.objects.get(pk=round_.pk).state == Round.State.FROZEN
    assert ResultSnapshot.objects.get(round=round_).method == "mean"
    screenshot("results-01-frozen")

    # The pool's ranking and the explanation of one of the tied works.
    page.get_by_role("link", name="初中数学").click()
    page.get_by_role("link", name=works["W3"].anonymous_code).click()
    page.get_by_text("Rank 2 with a score of 71.00.").wait_for()
    assert "shares its rank" in main.inner_text()
    assert f"Tied with {works['W2'].anonymous_code}" in main.inner_text()

    # The award scheme: two tiers by count.
    page.goto(f"{base}/contests/{contest.slug}/awards/")
    page.get_by_role("link", name="Set up the awards.").click()
    page.locator("select[name=round]").select_option(str(round_.pk))
    page.locator("select[name=mode]").select_option("count")
    for row, (name, value) in enumerate((("一等奖", "1"), ("二等奖", "1"))):
        page.locator(f"input[name=tiers-{row}-name]").fill(name)
        page.locator(f"input[name=tiers-{row}-value]").fill(value)
    page.locator("main").get_by_role("button", name="Save").click()
    page.get_by_text("The award scheme was saved.").wait_for()

    # The preview flags the tie; confirming waits for the decisions.
    page.get_by_role("link", name="Preview and confirm").click()
    page.get_by_text("2 ties wait for a decision").wait_for()
    confirm = page.get_by_role("button", name="Confirm the awards")
    assert confirm.is_disabled()
    screenshot("results-02-tie")
    decisions = (("W2", "二等奖", "教学设计更完整"), ("W3", "No tier", "同分，教学设计略弱"))
    for name, choice, reason in decisions:
        row = page.locator("tr").filter(has_text=works[name].anonymous_code)
        row.locator("select[name=choice]").select_option(label=choice)
        row.locator("input[name=reason]").fill(reason)
        row.get_by_role("button", name="Decide").click()
        row.get_by_role("button", name="Change").wait_for()  # the page came back decided
    confirm.click()
    page.get_by_text("The awards are confirmed.").wait_for()
    awarded = dict(Award.objects.values_list("work__title", "tier__name"))
    assert awarded == {"勾股定理·W1": "一等奖", "勾股定理·W2": "二等奖"}

    # The public notice, open from now for a week.
    page.goto(f"{base}/contests/{contest.slug}/notice/")
    now = timezone.now()
    page.locator("input[name=starts_at]").fill(local(now - dt.timedelta(minutes=2)))
    page.locator("input[name=ends_at]").fill(local(now + dt.timedelta(days=7)))
    page.locator("main form").first.get_by_role("button", name="Save").click()
    page.get_by_text("The notice was saved.").wait_for()
    page.get_by_role("button", name="Publish the notice").click()
    page.get_by_role("button", name="Publish the notice").wait_for(state="detached")
    notice = Notice.objects.get(contest=contest)
    assert notice.published_at and notice.state_at(timezone.now()) == Notice.State.OPEN

    # A visitor sees the awarded works.
    visitor = browser.new_context(locale="en-US").new_page()
    visitor.goto(f"{base}/contests/{contest.slug}/results/")
    text = visitor.locator("main").inner_text()
    assert "勾股定理·W1" in text and "勾股定理·W2" in text
    assert "勾股定理·W3" not in text and works["W1"].entrant.email not in text
    visitor.context.close()

    # The entrant of W3 sees their rank and appeals.
    entrant = browser.new_context(locale="en-US").new_page()
    log_in(entrant, live_server, works["W3"].entrant)
    entrant.goto(f"{base}/works/{works['W3'].pk}/result/")
    result = entrant.locator("main").inner_text()
    assert "No prize" in result and re.search(r"2 of 4 in 初中数学 \(shared\)", result)
    entrant.locator("select[name=reason]").select_option("tier")
    entrant.locator("textarea[name=text]").fill("与获奖作品同分同名次，请复核")
    entrant.get_by_role("button", name="File the appeal").click()
    entrant.get_by_text("Your appeal was filed.").wait_for()
    appeal = Appeal.objects.get()
    assert appeal.work == works["W3"] and appeal.reason == "tier"
    entrant.context.close()
