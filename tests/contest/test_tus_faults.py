"""Resumable uploads refused or broken: wrong offsets, lengths over the cap or past the declared
length, expiry, checksums, missing protocol headers, a client that goes away, a crash that lost
bytes, a busy upload, the expiry task; and the body read in chunks, never whole."""

import base64
import datetime as dt
import fcntl
import hashlib
import io

import pytest
from django.conf import settings
from django.test.client import FakePayload
from django.utils import timezone

from contest import tasks
from contest.media.streaming import CHUNK, UploadIncomplete
from contest.models import Contest, ResumableUpload, VideoAsset
from contest.services import tus as services
from contest.storage import private_path, private_root
from tests import work_factories as wf
from tests.contest.tus_client import (
    COLLECTION,
    client_of,
    create,
    created,
    head,
    metadata,
    patch,
    stored_files,
)

MB = 1024 * 1024


@pytest.fixture
def work(contest):
    return wf.WorkFactory(contest=contest)


@pytest.fixture
def client(work):
    return client_of(work.entrant)


def partial(upload: ResumableUpload) -> bytes:
    return private_path(upload.file).read_bytes()


def sha1(data: bytes) -> str:
    return "sha1 " + base64.b64encode(hashlib.sha1(data).digest()).decode()  # noqa: S324


@pytest.mark.django_db
def test_a_wrong_offset_is_a_conflict_and_appends_nothing(work, client):
    url = created(client, work, 1000)
    patch(client, url, b"a" * 100, 0)
    for offset in (0, 50, 101, 999):
        response = patch(client, url, b"b" * 10, offset)
        assert response.status_code == 409, offset
        assert response.json()["code"] == "offset_mismatch"
    upload = ResumableUpload.objects.get()
    assert upload.offset == 100 and partial(upload) == b"a" * 100
    assert patch(client, url, b"b" * 10, 100).status_code == 204


@pytest.mark.django_db
def test_a_length_over_the_cap_is_refused_before_anything_is_stored(contest, work, client):
    Contest.objects.filter(pk=contest.pk).update(max_file_size_mb=10, max_attachment_size_mb=2)
    before = stored_files()
    response = create(client, work, 10 * MB + 1)
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large" and "10 MB" in body["message"]
    assert create(client, work, 2 * MB + 1, slot="slides").status_code == 413
    assert not ResumableUpload.objects.exists()
    assert stored_files() == before
    assert create(client, work, 10 * MB).status_code == 201


@pytest.mark.django_db
def test_bad_creation_requests_are_refused(work, client):
    def post(**headers):
        sent = {"Tus-Resumable": "1.0.0"} | headers
        return client.generic("POST", COLLECTION, b"", headers=sent)

    good = metadata(work=str(work.pk), slot="video", filename="a.mp4")
    assert post(**{"Upload-Metadata": good}).status_code == 400  # no length
    assert post(**{"Upload-Length": "-5", "Upload-Metadata": good}).status_code == 400
    assert post(**{"Upload-Length": "0", "Upload-Metadata": good}).json()["code"] == "empty"
    assert post(**{"Upload-Length": "10", "Upload-Metadata": "work !!!"}).status_code == 400
    no_work = metadata(slot="video")
    assert post(**{"Upload-Length": "10", "Upload-Metadata": no_work}).status_code == 400
    odd_slot = metadata(work=str(work.pk), slot="poster")
    response = post(**{"Upload-Length": "10", "Upload-Metadata": odd_slot})
    assert response.status_code == 400 and "slot" in response.json()["fields"]
    assert not ResumableUpload.objects.exists()


@pytest.mark.django_db
def test_a_piece_past_the_declared_length_is_refused_whole(work, client):
    url = created(client, work, 100)
    patch(client, url, b"a" * 60, 0)
    response = patch(client, url, b"b" * 41, 60)
    assert response.status_code == 413 and response.json()["code"] == "beyond_length"
    upload = ResumableUpload.objects.get()
    assert upload.offset == 60 and partial(upload) == b"a" * 60
    # A body longer than it said (no Content-Length to go by) is cut back too.
    with pytest.raises(services.BeyondLength):
        services.upload_append(
            upload=upload, offset=60, stream=io.BytesIO(b"c" * 41), content_length=None
        )
    upload.refresh_from_db()
    assert upload.offset == 60 and partial(upload) == b"a" * 60


@pytest.mark.django_db
def test_after_expiry_pieces_and_questions_get_410(work, client):
    url = created(client, work, 100)
    patch(client, url, b"a" * 10, 0)
    ResumableUpload.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = patch(client, url, b"b" * 10, 10)
    assert response.status_code == 410 and response.json()["code"] == "upload_expired"
    assert head(client, url).status_code == 410
    upload = ResumableUpload.objects.get()
    assert upload.offset == 10 and partial(upload) == b"a" * 10


@pytest.mark.django_db
def test_each_piece_moves_the_expiry_on(work, client, settings):
    settings.TUS_UPLOAD_EXPIRY_HOURS = 2
    url = created(client, work, 100)
    ResumableUpload.objects.update(expires_at=timezone.now() + dt.timedelta(minutes=1))
    patch(client, url, b"a" * 10, 0)
    left = ResumableUpload.objects.get().expires_at - timezone.now()
    assert dt.timedelta(hours=1, minutes=59) < left <= dt.timedelta(hours=2)


@pytest.mark.django_db
def test_checksums(work, client):
    url = created(client, work, 100)
    good, bad = b"a" * 40, b"b" * 40
    response = patch(client, url, good, 0, headers={"Upload-Checksum": sha1(bad)})
    assert response.status_code == 460 and response.json()["code"] == "checksum_mismatch"
    upload = ResumableUpload.objects.get()
    assert upload.offset == 0 and partial(upload) == b""
    assert patch(client, url, good, 0, headers={"Upload-Checksum": sha1(good)}).status_code == 204
    md5 = {"Upload-Checksum": "md5 " + base64.b64encode(b"x" * 16).decode()}
    assert patch(client, url, bad, 40, headers=md5).status_code == 400
    garbled = {"Upload-Checksum": "sha1 ***"}
    assert patch(client, url, bad, 40, headers=garbled).status_code == 400
    upload.refresh_from_db()
    assert upload.offset == 40 and partial(upload) == good


@pytest.mark.django_db
def test_the_protocol_version_is_required(work, client):
    url = created(client, work, 100)
    for headers in ({}, {"Tus-Resumable": "0.2.2"}):
        response = client.generic("POST", COLLECTION, b"", headers=headers)
        assert response.status_code == 412 and response["Tus-Version"] == "1.0.0"
        response = client.generic(
            "PATCH",
            url,
            b"a" * 10,
            content_type="application/offset+octet-stream",
            headers=headers | {"Upload-Offset": "0"},
        )
        assert response.status_code == 412
        assert client.head(url, headers=headers).status_code == 412
    assert ResumableUpload.objects.count() == 1
    assert ResumableUpload.objects.get().offset == 0


@pytest.mark.django_db
def test_a_piece_needs_its_content_type_and_offset(work, client):
    url = created(client, work, 100)
    response = client.generic(
        "PATCH",
        url,
        b"a" * 10,
        content_type="application/octet-stream",
        headers={"Tus-Resumable": "1.0.0", "Upload-Offset": "0"},
    )
    assert response.status_code == 415
    assert patch(client, url, b"a", 0, headers={"Upload-Offset": "x"}).status_code == 400
    assert client.put(url, b"a").status_code == 405
    assert ResumableUpload.objects.get().offset == 0


class Breaking:
    """A request body whose sender goes away after `good` bytes."""

    def __init__(self, good: bytes):
        self.data = io.BytesIO(good)

    def read(self, size=-1):
        chunk = self.data.read(size)
        if not chunk:
            raise OSError("connection reset")
        return chunk


@pytest.mark.django_db
def test_a_dropped_connection_keeps_what_arrived_unless_a_checksum_was_asked(work, client):
    created(client, work, 100)
    upload = ResumableUpload.objects.get()
    with pytest.raises(UploadIncomplete):
        services.upload_append(
            upload=upload, offset=0, stream=Breaking(b"a" * 30), content_length=50
        )
    upload.refresh_from_db()
    assert upload.offset == 30 and partial(upload) == b"a" * 30
    checksum = ("sha1", hashlib.sha1(b"b" * 50).digest())  # noqa: S324
    with pytest.raises(UploadIncomplete):
        services.upload_append(
            upload=upload,
            offset=30,
            stream=Breaking(b"b" * 20),
            content_length=50,
            checksum=checksum,
        )
    upload.refresh_from_db()
    assert upload.offset == 30 and partial(upload) == b"a" * 30


@pytest.mark.django_db
def test_bytes_lost_in_a_crash_lower_the_offset(work, client):
    url = created(client, work, 100)
    patch(client, url, b"a" * 50, 0)
    upload = ResumableUpload.objects.get()
    with open(private_path(upload.file), "r+b") as fh:
        fh.truncate(20)
    assert patch(client, url, b"b" * 10, 50).status_code == 409
    assert head(client, url)["Upload-Offset"] == "20"
    assert patch(client, url, b"b" * 10, 20).status_code == 204


@pytest.mark.django_db
def test_an_upload_another_request_is_writing_to_answers_423(work, client):
    url = created(client, work, 100)
    upload = ResumableUpload.objects.get()
    with open(private_path(upload.file), "rb") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        response = patch(client, url, b"a" * 10, 0)
    assert response.status_code == 423
    assert ResumableUpload.objects.get().offset == 0


class CountingPayload(FakePayload):
    """The test client's request body, noting how much each read asked for."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.reads: list[int] = []

    def read(self, size=-1):
        self.reads.append(size)
        return super().read(size)


@pytest.mark.django_db
def test_a_piece_larger_than_djangos_memory_limit_is_streamed_in_chunks(work, client):
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE * 3 + 123
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    url = created(client, work, size + 10)
    body = CountingPayload(data)
    response = patch(client, url, data, 0, **{"wsgi.input": body})
    assert response.status_code == 204, response.content
    assert response["Upload-Offset"] == str(size)
    assert len(body.reads) >= size // CHUNK
    assert max(body.reads) <= CHUNK + 1 and min(body.reads) > 0  # never "read it all"
    upload = ResumableUpload.objects.get()
    assert hashlib.sha256(partial(upload)).digest() == hashlib.sha256(data).digest()


# --- Expiry


@pytest.mark.django_db
def test_the_expiry_task_deletes_expired_uploads_and_their_files(work, client, settings):
    settings.TUS_UPLOAD_EXPIRY_HOURS = 24
    for slot in ("video", "design", "slides"):
        patch(client, created(client, work, 100, slot=slot), b"a" * 10, 0)
    video, design, slides = (
        ResumableUpload.objects.get(slot=s) for s in ("video", "design", "slides")
    )
    past = timezone.now() - dt.timedelta(seconds=1)
    ResumableUpload.objects.filter(pk__in=[video.pk, design.pk]).update(expires_at=past)
    finished = wf.WorkFactory(contest=work.contest)
    old = ResumableUpload.objects.create(
        work=finished,
        uploader=finished.entrant,
        slot="video",
        length=5,
        offset=5,
        state="complete",
        expires_at=past,
    )
    ResumableUpload.objects.filter(pk=old.pk).update(updated_at=past - dt.timedelta(hours=24))
    with open(private_path(design.file), "rb") as fh:  # a request is writing to it right now
        fcntl.flock(fh, fcntl.LOCK_EX)
        tasks.expire_resumable_uploads()
    remaining = set(ResumableUpload.objects.values_list("slot", flat=True))
    assert remaining == {"design", "slides"}
    assert not private_path(video.file).exists()
    assert private_path(slides.file).exists()
    assert services.uploads_expire() == 1  # the design upload, now that nobody holds it
    assert not private_path(design.file).exists()
    assert list(ResumableUpload.objects.values_list("slot", flat=True)) == ["slides"]


@pytest.mark.django_db
def test_a_refusal_when_finishing_ends_the_upload(contest, work, client):
    url = created(client, work, 10)
    patch(client, url, b"a" * 5, 0)
    upload = ResumableUpload.objects.get()
    name = upload.file
    Contest.objects.filter(pk=contest.pk).update(max_file_size_mb=0)  # the cap fell meanwhile
    response = patch(client, url, b"a" * 5, 5)
    assert response.status_code == 413
    assert not ResumableUpload.objects.exists() and not private_path(name).exists()
    assert not VideoAsset.objects.exists()


@pytest.mark.django_db
def test_a_passing_failure_when_finishing_gives_the_last_byte_back(
    work, client, django_capture_on_commit_callbacks
):
    url = created(client, work, 10)
    patch(client, url, b"a" * 5, 0)
    scratch = private_root() / "tmp"
    aside = private_root() / "tmp-aside"
    if scratch.exists():
        scratch.rename(aside)
    scratch.write_bytes(b"")  # the scratch folder cannot be made: the disk "fails"
    try:
        with pytest.raises(OSError):
            patch(client, url, b"b" * 5, 5)
    finally:
        scratch.unlink()
        if aside.exists():
            aside.rename(scratch)
    assert not VideoAsset.objects.exists()
    assert head(client, url)["Upload-Offset"] == "9"  # the client sends the last byte again
    with django_capture_on_commit_callbacks(execute=True):
        assert patch(client, url, b"b", 9).status_code == 204
    assert ResumableUpload.objects.get().state == "complete"
    assert VideoAsset.objects.get().size == 10
