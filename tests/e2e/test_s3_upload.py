"""With files in a bucket, the work page uploads straight to it (static/js/upload_s3.js): the
browser PUTs slices to presigned part URLs on the local S3 endpoint, our server only signs and
checks; then the judges' copy plays in the preview from a presigned URL, under the strict CSP."""

import time
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from contest.models import ProcessingState, VideoAsset
from tests import factories
from tests import s3_endpoint as endpoint
from tests import work_factories as wf
from tests.e2e.test_work_upload import log_in
from tests.media_clips import make_clip
from tests.s3_endpoint import keys

# The local S3 endpoint's fixtures, for this module.
s3 = endpoint.s3
s3_endpoint = endpoint.s3_endpoint


@pytest.fixture
def work(transactional_db):
    contest = factories.ContestFactory(
        phase="open",
        min_duration_seconds=1,
        min_width=160,
        min_height=120,
        title_card_seconds=Decimal("0.5"),
        required_attachments=[],
        max_file_size_mb=20,
    )
    return wf.WorkFactory(contest=contest, entrant__real_name="欧阳燚垚")


@pytest.fixture
def bucket_csp(settings, s3_endpoint):
    policy = {name: list(values) for name, values in settings.SECURE_CSP.items()}
    policy["connect-src"] = ["'self'", s3_endpoint]
    policy["img-src"].append(s3_endpoint)
    policy["media-src"].append(s3_endpoint)
    settings.SECURE_CSP = policy


def test_the_browser_uploads_in_parts_to_the_bucket_and_plays_the_copy(
    live_server, page, screenshot, s3, bucket_csp, work, tmp_path
):
    clip = make_clip(tmp_path / "我的微课.mp4", seconds=4, width=320, height=240)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    bucket_puts = []
    page.on("request", lambda r: bucket_puts.append(r) if r.method == "PUT" else None)
    log_in(page, live_server, work.entrant)
    page.goto(f"{live_server.url}/works/{work.pk}/")
    form = page.locator("form[data-upload-kind=video]")
    form.locator("input[type=file]").set_input_files(str(clip))
    with page.expect_navigation(timeout=60_000):
        form.locator("button[type=submit]").click()

    video = VideoAsset.objects.get(work=work)
    assert video.state == ProcessingState.READY, video.error_code
    assert video.original_name == "我的微课.mp4"
    assert len(bucket_puts) >= 3  # several parts, none through our server
    assert all(r.url.startswith(s3.meta.endpoint_url) for r in bucket_puts)
    assert video.blind_file in keys(s3)

    preview = page.locator("#judges-preview video")
    preview.wait_for()
    page.wait_for_function("() => document.querySelector('#judges-preview video').readyState >= 1")
    duration = page.evaluate("document.querySelector('#judges-preview video').duration")
    assert 3.0 < duration < 4.0
    assert refused == []
    screenshot("s3-upload-ready")


def test_a_dropped_part_is_sent_again_and_a_closed_page_resumes_with_the_missing_parts(
    live_server, page, s3, bucket_csp, work, tmp_path
):
    clip = make_clip(tmp_path / "微课.mp4", seconds=4, width=320, height=240)
    log_in(page, live_server, work.entrant)
    held = []

    def first_page_network(route):
        number = int(parse_qs(urlsplit(route.request.url).query).get("partNumber", ["0"])[0])
        if route.request.method == "PUT" and number == 1 and not held:
            held.append(number)
            route.abort("connectionreset")  # dropped once: retried with a fresh URL
        elif route.request.method == "PUT" and number >= 3:
            held.append(number)  # never answered, as on a network that went away
        else:
            route.continue_()

    page.route(f"{s3.meta.endpoint_url}/**", first_page_network)
    page.goto(f"{live_server.url}/works/{work.pk}/")
    form = page.locator("form[data-upload-kind=video]")
    form.locator("input[type=file]").set_input_files(str(clip))
    form.locator("button[type=submit]").click()
    upload = wait_for(page, lambda: s3.list_multipart_uploads(Bucket=s3.bucket).get("Uploads"))[0]
    wait_for(page, lambda: len(parts_held(s3, upload)) == 2)
    assert parts_held(s3, upload) == [1, 2] and held[0] == 1
    page.close()

    again = page.context.new_page()  # the same browser: localStorage keeps the ticket
    sent = []
    again.on("request", lambda r: sent.append(r.url) if r.method == "PUT" else None)
    again.goto(f"{live_server.url}/works/{work.pk}/")
    form = again.locator("form[data-upload-kind=video]")
    form.locator("input[type=file]").set_input_files(str(clip))
    with again.expect_navigation(timeout=60_000):
        form.locator("button[type=submit]").click()
    numbers = sorted(int(parse_qs(urlsplit(url).query)["partNumber"][0]) for url in sent)
    # Only what the bucket lacked: never parts 1 and 2 again, and the parts the first page never
    # got to (parts still hanging when it closed may have arrived meanwhile).
    assert numbers and not {1, 2} & set(numbers) and max(numbers) == max(held + numbers)
    video = VideoAsset.objects.get(work=work)
    assert video.state == ProcessingState.READY
    assert s3.get_object(Bucket=s3.bucket, Key=video.file)["Body"].read() == clip.read_bytes()


def parts_held(s3, upload) -> list[int]:
    found = s3.list_parts(Bucket=s3.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    return [part["PartNumber"] for part in found.get("Parts", [])]


def wait_for(page, check, seconds: float = 20):
    """Poll `check` while the browser runs (Playwright handles routes only inside its calls)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := check():
            return result
        page.wait_for_timeout(100)
    raise AssertionError("timed out")
