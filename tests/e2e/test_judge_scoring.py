"""A judge logs in, opens the queue, plays the blind video, scores with a live total, sees the
autosave, loses the network without losing a score, reloads, submits, and sees the sheet locked.

The video is a real clip turned into a judges' copy by the real media pipeline.
"""

import re
from decimal import Decimal

import pytest

from contest.models import ProcessingState, VideoAsset
from contest.services import media as media_services
from contest.storage import new_private_name, private_path
from judging.models import Assignment, RoundWork, Score, ScoreSheet
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf
from tests.media_clips import make_clip

SCORES = ["15", "20", "20", "12.5", "10"]  # 77.50 with the demo rubric's weights of 1
LAPTOP = {"width": 1366, "height": 900}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def assignment(transactional_db, tmp_path):
    contest = factories.ContestFactory(
        phase="judging",
        min_duration_seconds=1,
        min_width=160,
        min_height=120,
        allowed_formats=["mp4"],
        title_card_seconds=Decimal("0.5"),
        required_attachments=["design"],
    )
    work = wf.WorkFactory(contest=contest, status="accepted", title="勾股定理的七种证明")
    clip = make_clip(tmp_path / "lesson.mp4", seconds=6, width=320, height=240)
    name = new_private_name("videos")
    private_path(name).parent.mkdir(parents=True, exist_ok=True)
    private_path(name).write_bytes(clip.read_bytes())
    video = VideoAsset.objects.create(work=work, file=name, size=clip.stat().st_size, sha256="0")
    media_services.video_process(video_id=video.pk)
    assert VideoAsset.objects.get(pk=video.pk).state == ProcessingState.READY
    wf.AttachmentFactory(work=work, kind="design")
    round_ = jf.RoundFactory(contest=contest, name="初评")
    RoundWork.objects.create(round=round_, work=work)
    judge = jf.judge(contest, user=factories.UserFactory(real_name="评委甲")).user
    return jf.assignment(round_, work=work, judge_user=judge)


def log_in(page, live_server, user):
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def score_inputs(page):
    return page.locator("#score-form input[type=number]")


def open_the_work(page, live_server, assignment, screenshot):
    page.goto(f"{live_server.url}/judging/")
    page.click(f"a[href='/judging/rounds/{assignment.round_id}/']")
    queue = page.locator("main").inner_text()
    assert assignment.work.anonymous_code in queue and "0 of 1" in queue
    screenshot("judge-01-queue")
    page.click(f"a[href='/judging/assignments/{assignment.pk}/']")
    page.wait_for_url(re.compile(rf"/judging/assignments/{assignment.pk}/$"))


def play(page):
    page.wait_for_function("() => document.querySelector('#judge-video').readyState >= 1")
    page.click("[data-speed='1.5']")
    assert page.get_attribute("[data-speed='1.5']", "aria-pressed") == "true"
    page.evaluate("() => { const v = document.querySelector('#judge-video'); v.muted = true; }")
    page.evaluate("() => document.querySelector('#judge-video').play()")
    page.wait_for_function("() => document.querySelector('#judge-video').currentTime > 0.5")
    assert page.evaluate("document.querySelector('#judge-video').playbackRate") == 1.5
    with page.expect_response(re.compile(r"/playback/$")) as reported:
        page.evaluate("() => document.querySelector('#judge-video').pause()")
    assert reported.value.status == 204


def fill_scores(page):
    inputs = score_inputs(page)
    assert inputs.count() == len(SCORES)
    for index, value in enumerate(SCORES):
        inputs.nth(index).fill(value)
    assert page.inner_text("#live-total") == "77.50"


def wait_until_saved(page):
    page.locator("#autosave-status [data-autosave-state=saved]").wait_for(timeout=15_000)


def test_a_judge_scores_a_work_in_the_browser(live_server, page, screenshot, assignment):
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server, assignment.judge)
    open_the_work(page, live_server, assignment, screenshot)
    assert "欧阳" not in page.inner_text("main")

    play(page)
    fill_scores(page)
    wait_until_saved(page)
    assert "Saved at" in page.inner_text("#autosave-status")
    screenshot("judge-02-scored-laptop")
    sheet = ScoreSheet.objects.get(assignment=assignment)
    assert sheet.total == Decimal("77.50")
    # The player reported where it stopped, so the judge resumes there.
    assignment.refresh_from_db()
    assert assignment.played_seconds > 0

    # The keyboard reaches the comment right after its score.
    score_inputs(page).first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name").startswith("comment_")

    page.reload()
    assert [score_inputs(page).nth(i).input_value() for i in range(5)] == SCORES
    assert page.inner_text("#live-total") == "77.50"
    assert float(page.get_attribute("#judge-video", "data-resume-at")) > 0
    page.wait_for_function("() => document.querySelector('#judge-video').currentTime > 0")
    page.set_viewport_size(TABLET)
    screenshot("judge-03-reloaded-tablet")
    page.set_viewport_size(LAPTOP)

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[data-submit]")
    page.wait_for_selector("[data-locked=submitted]")
    assert "The sheet is locked." in page.inner_text("main")
    assert all(score_inputs(page).nth(i).is_disabled() for i in range(5))
    screenshot("judge-04-submitted")
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.SUBMITTED


def test_a_network_failure_loses_nothing(live_server, page, screenshot, assignment):
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server, assignment.judge)
    page.goto(f"{live_server.url}/judging/assignments/{assignment.pk}/")
    first = score_inputs(page).first
    first.fill("10")
    wait_until_saved(page)

    page.route("**/autosave/", lambda route: route.abort("internetdisconnected"))
    first.fill("18")
    page.locator("#autosave-status [data-autosave-state=retrying]").wait_for()
    assert "retrying" in page.inner_text("#autosave-status")
    screenshot("judge-05-offline")

    page.reload()  # the typed value comes back from this device, and is sent again
    assert score_inputs(page).first.input_value() == "18"
    page.unroute("**/autosave/")
    wait_until_saved(page)
    criterion = assignment.round.rubric.criteria.first()
    assert Score.objects.get(sheet__assignment=assignment, criterion=criterion).value == 18
    assert page.evaluate(f"localStorage.getItem('score-sheet:{assignment.pk}')") is None
    screenshot("judge-06-back-online")
