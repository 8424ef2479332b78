"""An entrant logs in, creates a work, uploads a real H.264/AAC clip with a progress bar, sees it
checked and the judges' copy in the preview, and submits the work.

The background worker runs tasks inline in tests, so the clip is checked inside the upload request
and the page shows it ready after its reload.
"""

import re
from decimal import Decimal

import pytest

from contest.models import Work
from tests import factories
from tests.media_clips import make_clip

# The upload is slowed to this many bytes a second so the progress bar has time to move.
UPLOAD_BYTES_PER_SECOND = 32 * 1024
# Records how far the bar got and what the status line said, in sessionStorage, which survives
# the reload that follows the upload. Injected by the browser driver, so CSP does not apply.
RECORDER = """
document.addEventListener("DOMContentLoaded", function () {
  var record = function () {
    var form = document.querySelector("form[data-upload-kind=video]");
    if (!form) { return; }
    var bar = form.querySelector("progress");
    var status = form.querySelector("[data-upload-status]");
    var best = Number(sessionStorage.getItem("maxProgress") || 0);
    if (bar && bar.value > best) { sessionStorage.setItem("maxProgress", String(bar.value)); }
    if (status && status.textContent) { sessionStorage.setItem("status", status.textContent); }
  };
  new MutationObserver(record).observe(document.body, {
    subtree: true, attributes: true, childList: true, characterData: true,
  });
});
"""


@pytest.fixture
def contest(transactional_db):
    contest = factories.ContestFactory(
        phase="open",
        slug="e2e-upload",
        title="微课上传浏览器测试大赛",
        min_duration_seconds=1,
        max_duration_seconds=600,
        min_width=160,
        min_height=120,
        title_card_seconds=Decimal("0.5"),
        allowed_formats=["mp4"],
        required_attachments=[],
        max_file_size_mb=20,
    )
    factories.CategoryFactory(contest=contest, name="初中·数学·教师组")
    return contest


@pytest.fixture
def clip(tmp_path):
    return make_clip(tmp_path / "我的微课.mp4", seconds=4, width=320, height=240)


def log_in(page, live_server, user):
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def create_work(page, live_server, contest, screenshot):
    page.goto(f"{live_server.url}/contests/{contest.slug}/")
    assert contest.title in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/accounts/dashboard/")
    page.click(f"a[href='/contests/{contest.slug}/works/new/']")
    page.fill("input[name=title]", "勾股定理的七种证明")
    page.select_option("select[name=category]", label="初中·数学·教师组")
    page.fill("textarea[name=summary]", "用拼图证明勾股定理。")
    page.fill("input[name=co_authors-0-name]", "欧阳燚")
    screenshot("work-00-form")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/works/\d+/$"))


def upload_slowly(page, clip, screenshot):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": UPLOAD_BYTES_PER_SECOND,
        },
    )
    form = page.locator("form[data-upload-kind=video]")
    form.locator("input[type=file]").set_input_files(str(clip))
    with page.expect_navigation(timeout=60_000):
        form.locator("button[type=submit]").click()
        page.wait_for_function(
            "() => document.querySelector('form[data-upload-kind=video] progress').value > 0"
        )
        screenshot("work-02-uploading")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": -1,
        },
    )


def test_entrant_uploads_a_clip_and_sees_the_judges_copy(
    live_server, page, screenshot, contest, clip
):
    user = factories.UserFactory(real_name="欧阳燚垚")
    page.add_init_script(RECORDER)
    log_in(page, live_server, user)
    create_work(page, live_server, contest, screenshot)
    screenshot("work-01-created")
    assert "Before you can submit, add:" in page.locator("main").inner_text()

    upload_slowly(page, clip, screenshot)
    assert float(page.evaluate("sessionStorage.getItem('maxProgress')")) > 0
    assert "uploaded" in page.evaluate("sessionStorage.getItem('status')").lower()

    slot = page.locator("[data-media-kind=video]")
    done = slot.locator("[data-state=ready], [data-state=failed]")
    done.wait_for(timeout=30_000)  # the page polls while the clip is being checked
    assert done.get_attribute("data-state") == "ready", slot.inner_text()
    preview = page.locator("#judges-preview")
    video = preview.locator("video")
    assert video.get_attribute("poster").endswith("/poster.jpg")
    assert video.get_attribute("preload") == "metadata"
    assert "欧阳燚垚" not in preview.inner_text()
    poster = page.request.get(live_server.url + video.get_attribute("poster"))
    assert poster.status == 200 and poster.headers["content-type"] == "image/jpeg"
    page.wait_for_function("() => document.querySelector('#judges-preview video').readyState >= 1")
    duration = page.evaluate("document.querySelector('#judges-preview video').duration")
    assert 3.0 < duration < 4.0  # four seconds less the half-second title card
    screenshot("work-03-ready")

    page.locator("main form[action$='/submit/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/works/\d+/$"))
    assert "The work was submitted." in page.locator("main").inner_text()
    assert Work.objects.get(entrant=user).status == Work.Status.SUBMITTED
    screenshot("work-04-submitted")
