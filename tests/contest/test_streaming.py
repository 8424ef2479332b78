"""Receiving uploads: caps checked before and while reading, hashes, random names, no leftovers."""

import hashlib
import io
import os
import re

import pytest
from django.utils import translation

from contest.errors import DomainError
from contest.media.streaming import (
    CHUNK,
    MB,
    CappedUploadHandler,
    UploadEmpty,
    UploadIncomplete,
    UploadTooLarge,
    receive_to_private,
    temporary_dir,
)
from contest.storage import private_path, private_root


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


class Unreadable:
    """A body that must never be read."""

    def read(self, size=-1):
        raise AssertionError("the body was read")


class Endless:
    """Zeros forever; remembers how much was asked for and handed out."""

    def __init__(self):
        self.handed_out = 0
        self.asked = []

    def read(self, size=-1):
        self.asked.append(size)
        self.handed_out += size
        return b"\0" * size


class BreaksAfter(io.BytesIO):
    """A client that goes away after sending some bytes."""

    def __init__(self, data: bytes, error: Exception):
        super().__init__(data)
        self.error = error

    def read(self, size=-1):
        chunk = super().read(size)
        if not chunk:
            raise self.error
        return chunk


def stored_files() -> list[str]:
    return sorted(
        str(p.relative_to(private_root())) for p in private_root().rglob("*") if p.is_file()
    )


def receive(stream, declared, max_bytes=2 * MB):
    return receive_to_private(
        stream, declared_length=declared, max_bytes=max_bytes, prefix="videos"
    )


def test_stores_the_bytes_with_their_hash_under_a_random_name():
    data = os.urandom(3 * MB + 12345)  # several chunks and a partial one
    received = receive(io.BytesIO(data), len(data), max_bytes=4 * MB)
    assert received.size == len(data)
    assert received.sha256 == hashlib.sha256(data).hexdigest()
    assert re.fullmatch(r"videos/[0-9a-f]{2}/[0-9a-f]{32}", received.name)
    path = private_path(received.name)
    assert path.read_bytes() == data
    assert path.stat().st_mode & 0o777 == 0o640
    assert stored_files() == [received.name]


def test_without_a_declared_length_the_count_decides():
    data = os.urandom(1000)
    received = receive(io.BytesIO(data), None)
    assert received.size == 1000
    assert received.sha256 == hashlib.sha256(data).hexdigest()


def test_two_uploads_of_the_same_bytes_get_different_random_names():
    first = receive(io.BytesIO(b"same bytes"), 10)
    second = receive(io.BytesIO(b"same bytes"), 10)
    assert first.name != second.name
    assert first.sha256 == second.sha256


def test_a_suffix_is_kept_on_the_random_name():
    received = receive_to_private(
        io.BytesIO(b"x"), declared_length=1, max_bytes=10, prefix="posters", suffix=".jpg"
    )
    assert re.fullmatch(r"posters/[0-9a-f]{2}/[0-9a-f]{32}\.jpg", received.name)


def test_a_declared_length_over_the_cap_is_refused_before_reading():
    with pytest.raises(UploadTooLarge) as caught:
        receive(Unreadable(), 2 * MB + 1)
    assert caught.value.status == 413
    assert caught.value.code == "too_large"
    assert isinstance(caught.value, DomainError)
    assert stored_files() == []


def test_the_refusal_names_the_limit_in_megabytes():
    with translation.override("en"), pytest.raises(UploadTooLarge) as caught:
        receive(Unreadable(), 500 * MB + 1, max_bytes=500 * MB)
    assert str(caught.value.message) == "The file is larger than the limit of 500 MB."
    assert caught.value.fields == {"file": ["The file is larger than the limit of 500 MB."]}


def test_bytes_past_the_cap_are_refused_as_soon_as_they_arrive():
    stream = Endless()
    with pytest.raises(UploadTooLarge):
        receive(stream, None, max_bytes=2 * MB)
    # One byte past the cap is enough to know; memory stays at one chunk.
    assert stream.handed_out == 2 * MB + 1
    assert max(stream.asked) <= CHUNK


def test_a_sender_lying_about_a_small_length_is_refused():
    with pytest.raises(UploadIncomplete) as caught:
        receive(io.BytesIO(b"0123456789"), 5, max_bytes=100)
    assert caught.value.code == "incomplete"
    assert caught.value.status == 400


def test_a_sender_lying_below_the_cap_but_sending_past_it_is_refused_as_too_large():
    stream = Endless()
    with pytest.raises(UploadTooLarge):
        receive(stream, 2 * MB, max_bytes=2 * MB)
    assert stream.handed_out == 2 * MB + 1


def test_fewer_bytes_than_declared_are_refused():
    with pytest.raises(UploadIncomplete):
        receive(io.BytesIO(b"x" * 50), 100)


def test_a_client_that_goes_away_is_an_incomplete_upload():
    stream = BreaksAfter(b"x" * (CHUNK + 10), OSError("connection reset"))
    with pytest.raises(UploadIncomplete):
        receive(stream, None)


@pytest.mark.parametrize("declared", [0, None])
def test_empty_uploads_are_refused(declared):
    stream = Unreadable() if declared == 0 else io.BytesIO(b"")
    with pytest.raises(UploadEmpty) as caught:
        receive(stream, declared)
    assert caught.value.code == "empty"


@pytest.mark.parametrize(
    "stream, declared, error",
    [
        (lambda: Unreadable(), 3 * MB, UploadTooLarge),
        (lambda: Endless(), None, UploadTooLarge),
        (lambda: io.BytesIO(b"0123456789"), 5, UploadIncomplete),
        (lambda: io.BytesIO(b"x" * 50), 100, UploadIncomplete),
        (lambda: io.BytesIO(b""), None, UploadEmpty),
        (lambda: BreaksAfter(b"x" * 100, OSError("reset")), None, UploadIncomplete),
        (lambda: BreaksAfter(b"x" * 100, RuntimeError("bug")), None, RuntimeError),
    ],
)
def test_no_temporary_file_is_left_after_any_failure(stream, declared, error):
    with pytest.raises(error):
        receive(stream(), declared)
    assert stored_files() == []
    assert list(temporary_dir().iterdir()) == []


# --- The handler behind no-JavaScript form posts


def test_form_handler_refuses_a_declared_length_over_the_cap_before_reading():
    handler = CappedUploadHandler(max_bytes=MB)
    with pytest.raises(UploadTooLarge):
        handler.handle_raw_input(Unreadable(), {}, 2 * MB, b"boundary")
    assert handler.handle_raw_input(Unreadable(), {}, MB, b"boundary") is None


def test_form_handler_refuses_chunks_past_the_cap_and_leaves_nothing():
    handler = CappedUploadHandler(max_bytes=100)
    handler.new_file("file", "a.mp4", "video/mp4", None)
    handler.receive_data_chunk(b"x" * 60, 0)
    with pytest.raises(UploadTooLarge):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert list(temporary_dir().iterdir()) == []


def test_form_handler_keeps_the_first_file_field_only():
    from django.core.files.uploadhandler import SkipFile

    handler = CappedUploadHandler(max_bytes=100)
    with pytest.raises(SkipFile):
        handler.new_file("other", "a.txt", "text/plain", None)
    handler.new_file("file", "a.mp4", "video/mp4", None)
    handler.receive_data_chunk(b"abc", 0)
    uploaded = handler.file_complete(3)
    with pytest.raises(SkipFile):
        handler.new_file("file", "b.mp4", "video/mp4", None)
    assert uploaded.read() == b"abc"
    assert uploaded.size == 3
    uploaded.close()
    assert list(temporary_dir().iterdir()) == []


# --- Writing happens beside reading


class FullDisk:
    def write(self, data):
        raise OSError(28, "No space left on device")


def test_a_write_failure_reaches_the_reader_and_never_blocks_it():
    from contest.media.streaming import QUEUED_CHUNKS, _Writer

    writer = _Writer(FullDisk())
    writer.start()
    with pytest.raises(OSError, match="No space"):
        for _ in range(QUEUED_CHUNKS * 10):
            writer.put(b"x" * 100)
    writer.close()
    assert not writer.is_alive()
    with pytest.raises(OSError, match="No space"):
        writer.hexdigest()


def test_chunks_are_hashed_and_written_in_order():
    from contest.media.streaming import _Writer

    out = io.BytesIO()
    writer = _Writer(out)
    writer.start()
    pieces = [os.urandom(n) for n in (1, 1000, 70000, 3)]
    for piece in pieces:
        writer.put(piece)
    writer.close()
    assert out.getvalue() == b"".join(pieces)
    assert writer.hexdigest() == hashlib.sha256(b"".join(pieces)).hexdigest()
