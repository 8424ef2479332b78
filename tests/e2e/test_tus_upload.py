"""Resumable uploads in a real browser (tus-js-client against our tus endpoint): a dropped
connection is retried by itself; a paused upload resumes; after the browser was closed, choosing
the same file again continues the same upload on the server; the video is then checked as usual.
"""

from decimal import Decimal

import pytest

from contest.models import ResumableUpload, VideoAsset
from tests import factories
from tests import work_factories as wf
from tests.e2e.conftest import OUTPUT
from tests.e2e.test_work_upload import log_in
from tests.media_clips import make_clip

UPLOAD_BYTES_PER_SECOND = 24 * 1024


@pytest.fixture
def work(transactional_db):
    contest = factories.ContestFactory(
        phase="open",
        slug="e2e-tus",
        min_duration_seconds=1,
        max_duration_seconds=600,
        min_width=160,
        min_height=120,
        title_card_seconds=Decimal("0.5"),
        allowed_formats=["mp4"],
        required_attachments=[],
        max_file_size_mb=20,
    )
    category = factories.CategoryFactory(contest=contest, name="初中·数学·教师组")
    return wf.WorkFactory(contest=contest, category=category, entrant=factories.UserFactory())


@pytest.fixture
def clip(tmp_path):
    return make_clip(tmp_path / "断点续传.mp4", seconds=4, width=320, height=240)


def tus_requests(page) -> list[tuple[str, str]]:
    seen = []
    page.on(
        "request",
        lambda request: (
            "/uploads/tus/" in request.url and seen.append((request.method, request.url))
        ),
    )
    return seen


def throttle(page, bytes_per_second: int) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    conditions = {"offline": False, "latency": 0, "downloadThroughput": -1}
    cdp.send(
        "Network.emulateNetworkConditions", conditions | {"uploadThroughput": bytes_per_second}
    )


def shoot(page, name: str) -> None:
    """A screenshot of a page the `screenshot` fixture does not know (a reopened browser's)."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def wait_until_checked(page) -> None:
    slot = page.locator("[data-media-kind=video]")
    done = slot.locator("[data-state=ready], [data-state=failed]")
    done.wait_for(timeout=60_000)
    assert done.get_attribute("data-state") == "ready", slot.inner_text()
    page.locator("#judges-preview video").wait_for()


def test_a_dropped_connection_is_retried_by_itself(live_server, page, screenshot, work, clip):
    log_in(page, live_server, work.entrant)
    seen = tus_requests(page)
    dropped = []

    def drop_first_piece(route):
        if route.request.method == "PATCH" and not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/uploads/tus/**", drop_first_piece)
    page.goto(f"{live_server.url}/works/{work.pk}/")
    form = page.locator("form[data-upload-kind=video]")
    form.locator("input[type=file]").set_input_files(str(clip))
    with page.expect_navigation(timeout=60_000):
        form.locator("button[type=submit]").click()
    wait_until_checked(page)
    methods = [method for method, _url in seen]
    assert methods[0] == "POST" and dropped
    assert methods.count("PATCH") >= 2  # the dropped piece was sent again
    assert "HEAD" in methods[methods.index("PATCH") :]  # after asking where the upload stood
    upload = ResumableUpload.objects.get()
    assert upload.state == "complete"
    assert VideoAsset.objects.get().uuid == upload.media_uuid
    screenshot("tus-01-retried")


def test_pause_then_resume_after_the_browser_was_closed(
    live_server, browser, page, screenshot, work, clip
):
    log_in(page, live_server, work.entrant)
    page.goto(f"{live_server.url}/works/{work.pk}/")
    throttle(page, UPLOAD_BYTES_PER_SECOND)
    form = page.locator("form[data-upload-kind=video]")
    form.locator("input[type=file]").set_input_files(str(clip))
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "() => document.querySelector('form[data-upload-kind=video] progress').value >= 10"
    )
    form.locator("[data-upload-pause]").click()
    resume = form.locator("[data-upload-resume]")
    resume.wait_for(state="visible")
    assert "Paused" in form.locator("[data-upload-status]").inner_text()
    assert form.locator("[data-upload-pause]").is_hidden()
    screenshot("tus-02-paused")
    upload = ResumableUpload.objects.get()
    assert upload.state == "receiving" and upload.offset < upload.length

    # The browser is closed; its storage (cookies and localStorage) is what a reopened one has.
    state = page.context.storage_state()
    page.context.close()
    context = browser.new_context(locale="en-US", storage_state=state)
    page = context.new_page()
    page.set_default_timeout(15_000)
    seen = tus_requests(page)
    page.goto(f"{live_server.url}/works/{work.pk}/")
    form = page.locator("form[data-upload-kind=video]")
    status = form.locator("[data-upload-status]")
    assert "was interrupted" in status.inner_text() and "断点续传.mp4" in status.inner_text()
    shoot(page, "tus-03-interrupted")
    form.locator("input[type=file]").set_input_files(str(clip))
    with page.expect_navigation(timeout=60_000):
        form.locator("button[type=submit]").click()
    wait_until_checked(page)
    methods = [method for method, _url in seen]
    assert "POST" not in methods  # no new upload: the same one went on
    assert methods[0] == "HEAD" and seen[0][1].endswith(str(upload.uuid))
    resumed = ResumableUpload.objects.get()
    assert resumed.pk == upload.pk and resumed.state == "complete"
    assert VideoAsset.objects.get().uuid == resumed.media_uuid
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tus::'))") == []
    shoot(page, "tus-04-resumed")
    context.close()
