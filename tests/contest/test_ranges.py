"""HTTP Range for private files: 200/206/416, If-Range, HEAD, and the nginx hand-off."""

import os

import pytest
from django.http import Http404
from django.utils.http import http_date

from contest.media.ranges import Unsatisfiable, parse_range, ranged_file_response
from contest.storage import private_path

DATA = bytes(range(256)) * 64  # 16384 bytes, every offset recognisable
SIZE = len(DATA)
NAME = "blind/ab/ab0123456789abcdef0123456789abcd.mp4"
# Closing a response sends request_finished, which checks the database connections.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def video_file(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = ""
    path = private_path(NAME)
    path.parent.mkdir(parents=True)
    path.write_bytes(DATA)
    return path


def opened(path) -> int:
    """How many of this process's file descriptors point at `path`."""
    links = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            links.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            continue  # closed in between
    return links.count(str(path))


def fetch(rf, path, method="get", **headers):
    request = getattr(rf, method)("/media/x", headers=headers)
    response = ranged_file_response(
        request, path, content_type="video/mp4", download_name="K7P2QX9M.mp4"
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return response, body


def test_without_range_the_whole_file_with_its_validators(rf, video_file):
    response, body = fetch(rf, video_file)
    assert response.status_code == 200
    assert body == DATA
    assert response["Content-Length"] == str(SIZE)
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"] == 'inline; filename="K7P2QX9M.mp4"'
    assert response["Cache-Control"] == "private"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"] == http_date(int(video_file.stat().st_mtime))


@pytest.mark.parametrize(
    "header, first, last",
    [
        ("bytes=0-99", 0, 99),  # the first bytes
        ("bytes=100-199", 100, 199),  # the middle
        ("bytes=100-", 100, SIZE - 1),  # open-ended
        ("bytes=-500", SIZE - 500, SIZE - 1),  # suffix
        ("bytes=16000-99999", 16000, SIZE - 1),  # clipped at the end
        ("bytes=-99999", 0, SIZE - 1),  # a suffix longer than the file
        ("bytes=16383-16383", SIZE - 1, SIZE - 1),  # the last byte
        ("Bytes = 5-9", 5, 9),  # unit case and spaces
    ],
)
def test_a_single_range_is_partial_content(rf, video_file, header, first, last):
    response, body = fetch(rf, video_file, Range=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert response["Content-Length"] == str(last - first + 1)
    assert body == DATA[first : last + 1]
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"


def test_repeated_seeks_each_get_their_own_bytes(rf, video_file):
    for start in (8000, 0, 12000, 4096, 16383, 1):
        response, body = fetch(rf, video_file, Range=f"bytes={start}-{start + 1023}")
        end = min(start + 1023, SIZE - 1)
        assert response.status_code == 206
        assert body == DATA[start : end + 1]


@pytest.mark.parametrize(
    "header",
    [
        "bytes=16384-",
        "bytes=99999-100000",
        "bytes=-0",
        "bytes=abc-def",
        "bytes=5-2",
        "bytes=-",
        "bytes=",
        "bytes=1-2-3",
        "bytes=0x10-20",
    ],
)
def test_unsatisfiable_or_malformed_ranges_are_416(rf, video_file, header):
    response, body = fetch(rf, video_file, Range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert body == b""


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "bytes=0-1, 100-", "items=0-5", "0-5"])
def test_several_ranges_or_an_unknown_unit_get_the_whole_file(rf, video_file, header):
    response, body = fetch(rf, video_file, Range=header)
    assert response.status_code == 200
    assert body == DATA
    assert "Content-Range" not in response


def test_if_range_with_the_current_etag_or_date_serves_the_range(rf, video_file):
    etag = fetch(rf, video_file)[0]["ETag"]
    last_modified = http_date(int(video_file.stat().st_mtime))
    for validator in (etag, last_modified):
        response, body = fetch(rf, video_file, Range="bytes=0-9", **{"If-Range": validator})
        assert response.status_code == 206
        assert body == DATA[:10]


@pytest.mark.parametrize(
    "validator", ['"0-0"', 'W/"{etag}"', "Thu, 01 Jan 2015 00:00:00 GMT", "not a date"]
)
def test_if_range_that_does_not_match_gets_the_whole_file(rf, video_file, validator):
    etag = fetch(rf, video_file)[0]["ETag"].strip('"')
    validator = validator.replace("{etag}", etag)
    response, body = fetch(rf, video_file, Range="bytes=0-9", **{"If-Range": validator})
    assert response.status_code == 200
    assert body == DATA


def test_a_changed_file_has_a_new_etag(rf, video_file):
    before = fetch(rf, video_file)[0]["ETag"]
    video_file.write_bytes(DATA + b"more")
    after = fetch(rf, video_file)[0]["ETag"]
    assert before != after


def test_head_sends_the_headers_without_the_body(rf, video_file):
    response, body = fetch(rf, video_file, method="head")
    assert response.status_code == 200
    assert response["Content-Length"] == str(SIZE)
    assert response["Accept-Ranges"] == "bytes"
    assert body == b""
    response, body = fetch(rf, video_file, method="head", Range="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-19/{SIZE}"
    assert response["Content-Length"] == "10"
    assert body == b""


@pytest.mark.parametrize(
    "method, headers",
    [
        ("get", {}),
        ("get", {"Range": "bytes=0-9"}),
        ("get", {"Range": "bytes=99999-"}),
        ("head", {}),
    ],
)
def test_the_file_is_closed_after_every_kind_of_answer(rf, video_file, method, headers):
    request = getattr(rf, method)("/media/x", headers=headers)
    response = ranged_file_response(
        request, video_file, content_type="video/mp4", download_name="a.mp4"
    )
    if response.streaming:
        assert opened(video_file) == 1
        next(iter(response.streaming_content), None)  # a player that stops after one chunk
    response.close()
    assert opened(video_file) == 0


def test_a_large_file_is_streamed_in_chunks(rf, video_file):
    video_file.write_bytes(os.urandom(3 * 1024 * 1024))
    request = rf.get("/media/x", headers={"Range": "bytes=100-"})
    response = ranged_file_response(
        request, video_file, content_type="video/mp4", download_name="a.mp4"
    )
    chunks = list(response.streaming_content)
    response.close()
    assert len(chunks) > 1
    assert max(len(c) for c in chunks) <= 256 * 1024
    assert b"".join(chunks) == video_file.read_bytes()[100:]


def test_as_attachment_and_a_neutral_ascii_name(rf, video_file):
    request = rf.get("/media/x")
    response = ranged_file_response(
        request,
        video_file,
        content_type="application/pdf",
        download_name='王喆 "x"\r\n.pdf',
        as_attachment=True,
    )
    response.close()
    assert response["Content-Disposition"] == 'attachment; filename="____x___.pdf"'


def test_a_missing_file_is_not_found(rf, video_file):
    video_file.unlink()
    with pytest.raises(Http404):
        fetch(rf, video_file)


def test_with_an_accel_prefix_nginx_sends_the_bytes(rf, video_file, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private/"
    for headers in ({}, {"Range": "bytes=0-9"}):
        response, body = fetch(rf, video_file, **headers)
        assert response.status_code == 200
        assert response["X-Accel-Redirect"] == f"/_private/{NAME}"
        assert response["Content-Type"] == "video/mp4"
        assert response["Content-Disposition"] == 'inline; filename="K7P2QX9M.mp4"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert body == b""


@pytest.mark.parametrize(
    "header, size, expected",
    [
        ("bytes=0-0", 1, (0, 0)),
        ("bytes=-1", 10, (9, 9)),
        ("bytes=9-", 10, (9, 9)),
        ("bytes=0-1,3-4", 10, None),
        ("pages=1-2", 10, None),
    ],
)
def test_parse_range(header, size, expected):
    assert parse_range(header, size) == expected


@pytest.mark.parametrize("header", ["bytes=0-0", "bytes=-5", "bytes=0-"])
def test_an_empty_file_satisfies_no_range(header):
    with pytest.raises(Unsatisfiable):
        parse_range(header, 0)
