"""With files in a bucket, the work page uploads straight to it (static/js/upload_s3.js): the
browser PUTs slices to presigned part URLs on the local S3 endpoint, our server only signs and
checks; then the judges' copy plays in the preview from a presigned URL, under the strict CSP."""

from decimal import Decimal

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
