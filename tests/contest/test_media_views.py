"""Media URLs: who may fetch which file, what the responses reveal, and the page's uploads."""

import datetime as dt
import hashlib
import io
import os
from urllib.parse import quote

import pytest
import rules
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from contest.media.streaming import MB, temporary_dir
from contest.models import Attachment, ProcessingState, VideoAsset
from contest.rules import is_work_entrant
from contest.services.works import work_create
from contest.storage import new_private_name, private_path, private_root
from tests import factories

ORIGINAL_NAME = "王喆-勾股定理-第一中学.mp4"
VIDEO = os.urandom(4096)
BLIND = os.urandom(3000)
POSTER = b"\xff\xd8\xff\xe0" + os.urandom(500)
PDF = b"%PDF-1.4\n" + os.urandom(2000)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = ""


def store(prefix: str, data: bytes, suffix: str = "") -> str:
    name = new_private_name(prefix, suffix)
    path = private_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return name


def make_work(contest, **entrant):
    category = factories.CategoryFactory(contest=contest)
    person = factories.UserFactory(**entrant)
    return work_create(contest=contest, entrant=person, category=category, title="勾股定理")


def make_video(work, *, state=ProcessingState.READY, current=True) -> VideoAsset:
    return VideoAsset.objects.create(
        work=work,
        file=store("videos", VIDEO),
        original_name=ORIGINAL_NAME,
        size=len(VIDEO),
        sha256=hashlib.sha256(VIDEO).hexdigest(),
        state=state,
        is_current=current,
        container="mp4" if state == ProcessingState.READY else "",
        blind_file=store("blind", BLIND, ".mp4"),
        poster_file=store("posters", POSTER, ".jpg"),
    )


def make_attachment(work, *, doc_type="pdf", state=ProcessingState.READY) -> Attachment:
    return Attachment.objects.create(
        work=work,
        kind="design",
        file=store("attachments", PDF),
        original_name="王喆的教学设计.pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        state=state,
        is_current=True,
        doc_type=doc_type,
        sanitised_file=store("sanitised", PDF),
    )


@pytest.fixture
def work(contest):
    return make_work(contest, real_name="王喆", email="wangzhe@example.cn")


@pytest.fixture
def video(work):
    return make_video(work)


@pytest.fixture
def attachment(work):
    return make_attachment(work)


def login(client, user, lang="en"):
    client.force_login(user)
    client.cookies["lang"] = lang
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def media_urls(video, attachment) -> dict[str, str]:
    return {
        "video_original": reverse("video_original", args=[video.uuid]),
        "video_blind": reverse("video_blind", args=[video.uuid]),
        "video_poster": reverse("video_poster", args=[video.uuid]),
        "attachment_original": reverse("attachment_original", args=[attachment.uuid]),
        "attachment_sanitised": reverse("attachment_sanitised", args=[attachment.uuid]),
    }


# --- Who may fetch what


def people(contest, work) -> dict:
    other_contest = factories.ContestFactory(phase="open")
    return {
        "entrant": work.entrant,
        "other_entrant": make_work(contest).entrant,
        "organiser": factories.OrganiserFactory(contest=contest).user,
        "other_organiser": factories.OrganiserFactory(contest=other_contest).user,
        "judge": factories.JudgeFactory(contest=contest).user,
    }


EXPECTED = {
    "entrant": 200,
    "organiser": 200,
    "other_entrant": 404,
    "other_organiser": 404,
    "judge": 404,  # judges get access through their assignments (the judging issue)
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(EXPECTED))
def test_permission_matrix_for_every_media_url(client, contest, work, video, attachment, who):
    user = people(contest, work)[who]
    login(client, user)
    for name, url in media_urls(video, attachment).items():
        response = client.get(url)
        assert response.status_code == EXPECTED[who], (name, who)
        body(response)


@pytest.mark.django_db
def test_anonymous_people_are_sent_to_log_in(client, video, attachment):
    for url in media_urls(video, attachment).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_unknown_uuids_are_not_found(client, work):
    login(client, work.entrant)
    unknown = "8e2b1c3a-0000-4000-8000-000000000000"
    for name in ("video_original", "video_blind", "attachment_sanitised"):
        assert client.get(reverse(name, args=[unknown])).status_code == 404


@pytest.fixture
def blind_media_for_entrants_only():
    """What the judging app will do: change who sees judges' copies (here: the entrant only)."""
    original = rules.permissions.permissions["contest.view_blind_media"]
    rules.set_perm("contest.view_blind_media", is_work_entrant)
    yield
    rules.set_perm("contest.view_blind_media", original)


@pytest.mark.django_db
@pytest.mark.usefixtures("blind_media_for_entrants_only")
def test_who_sees_the_work_but_not_the_file_gets_403(client, contest, work, video, attachment):
    login(client, factories.OrganiserFactory(contest=contest).user)
    urls = media_urls(video, attachment)
    assert client.get(urls["video_blind"]).status_code == 403
    assert client.get(urls["attachment_sanitised"]).status_code == 403
    assert client.get(urls["video_original"]).status_code == 200


@pytest.mark.django_db
def test_a_download_takes_few_queries(client, work, video, django_assert_max_num_queries):
    login(client, work.entrant)
    with django_assert_max_num_queries(4):
        body(client.get(reverse("video_blind", args=[video.uuid])))


# --- What responses carry


@pytest.mark.django_db
def test_the_blind_copy_carries_the_anonymous_code_and_nothing_about_the_entrant(
    client, contest, work, video
):
    login(client, factories.OrganiserFactory(contest=contest).user)
    url = reverse("video_blind", args=[video.uuid])
    response = client.get(url)
    assert response.status_code == 200
    assert body(response) == BLIND
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"] == f'inline; filename="{work.anonymous_code}.mp4"'
    revealing = [
        work.entrant.real_name,
        work.entrant.email,
        ORIGINAL_NAME,
        "王喆",
        "wangzhe",
        work.title,
    ]
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    for text in revealing:
        assert text not in headers
        assert quote(text) not in headers
    assert url == f"/media/videos/{video.uuid}/blind.mp4"


@pytest.mark.django_db
def test_the_blind_copy_plays_with_ranges(client, work, video):
    login(client, work.entrant)
    url = reverse("video_blind", args=[video.uuid])
    response = client.get(url, headers={"Range": "bytes=-100"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {len(BLIND) - 100}-{len(BLIND) - 1}/{len(BLIND)}"
    assert body(response) == BLIND[-100:]


@pytest.mark.django_db
def test_the_poster_is_a_jpeg_named_by_the_code(client, work, video):
    login(client, work.entrant)
    response = client.get(reverse("video_poster", args=[video.uuid]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="{work.anonymous_code}.jpg"'
    assert body(response) == POSTER


@pytest.mark.django_db
def test_the_original_is_named_by_the_code_not_the_entrants_file_name(client, work, video):
    login(client, work.entrant)
    response = client.get(reverse("video_original", args=[video.uuid]))
    assert body(response) == VIDEO
    assert response["Content-Type"] == "video/mp4"
    name = f"{work.anonymous_code}-original.mp4"
    assert response["Content-Disposition"] == f'inline; filename="{name}"'


@pytest.mark.django_db
@pytest.mark.parametrize("state", [ProcessingState.UPLOADED, ProcessingState.FAILED])
def test_an_unchecked_original_is_only_ever_a_download(client, work, state):
    video = make_video(work, state=state, current=False)
    login(client, work.entrant)
    response = client.get(reverse("video_original", args=[video.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    name = f"{work.anonymous_code}-original.bin"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state, current",
    [
        (ProcessingState.UPLOADED, False),
        (ProcessingState.PROCESSING, False),
        (ProcessingState.FAILED, False),
        (ProcessingState.READY, False),
    ],
)
def test_judges_copies_exist_only_for_the_current_checked_upload(client, work, state, current):
    video = make_video(work, state=state, current=current)
    login(client, work.entrant)
    assert client.get(reverse("video_blind", args=[video.uuid])).status_code == 404
    assert client.get(reverse("video_poster", args=[video.uuid])).status_code == 404


@pytest.mark.django_db
def test_attachments_are_named_by_code_and_kind(client, work, attachment):
    login(client, work.entrant)
    code = work.anonymous_code
    response = client.get(reverse("attachment_sanitised", args=[attachment.uuid]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{code}-design.pdf"'
    assert body(response) == PDF
    response = client.get(reverse("attachment_original", args=[attachment.uuid]))
    assert response["Content-Disposition"] == f'attachment; filename="{code}-design-original.pdf"'
    assert "王喆" not in str(response.items())


@pytest.mark.django_db
def test_office_documents_are_downloaded_with_their_type(client, work):
    attachment = make_attachment(work, doc_type="docx")
    login(client, work.entrant)
    response = client.get(reverse("attachment_sanitised", args=[attachment.uuid]))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    disposition = f'attachment; filename="{work.anonymous_code}-design.docx"'
    assert response["Content-Disposition"] == disposition


@pytest.mark.django_db
def test_with_nginx_the_view_still_checks_permission(client, settings, contest, work, video):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private"
    login(client, work.entrant)
    response = client.get(reverse("video_blind", args=[video.uuid]))
    assert response["X-Accel-Redirect"] == f"/_private/{video.blind_file}"
    login(client, factories.OrganiserFactory(contest=factories.ContestFactory()).user)
    response = client.get(reverse("video_blind", args=[video.uuid]))
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


@pytest.mark.django_db
def test_media_urls_answer_only_get_and_head(client, work, video):
    login(client, work.entrant)
    url = reverse("video_blind", args=[video.uuid])
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


# --- Uploads with PUT (the page's JavaScript)


class Unreadable(io.RawIOBase):
    def read(self, size=-1):
        raise AssertionError("the body was read")


def video_url(work) -> str:
    return reverse("video_upload", args=[work.pk])


def put(client, url, data: bytes, **extra):
    headers = extra.pop("headers", {"X-File-Name": quote(ORIGINAL_NAME)})
    return client.put(url, data, content_type="application/octet-stream", headers=headers, **extra)


def leftovers() -> list:
    return [p for p in private_root().rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_the_entrant_uploads_a_video(client, work):
    login(client, work.entrant)
    data = os.urandom(3 * MB)
    response = put(client, video_url(work), data)
    assert response.status_code == 201
    payload = response.json()
    video = VideoAsset.objects.get(work=work)
    assert payload == {
        "id": str(video.uuid),
        "state": video.state,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    assert video.original_name == ORIGINAL_NAME
    assert private_path(video.file).read_bytes() == data
    assert "王喆" not in video.file and "勾股" not in video.file
    assert list(temporary_dir().iterdir()) == []


@pytest.mark.django_db
def test_the_request_body_is_never_loaded_whole(client, settings, work):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024  # request.body would refuse anything bigger
    login(client, work.entrant)
    assert put(client, video_url(work), os.urandom(MB)).status_code == 201


@pytest.mark.django_db
def test_the_entrant_uploads_an_attachment(client, work):
    login(client, work.entrant)
    response = put(
        client,
        reverse("attachment_upload", args=[work.pk, "design"]),
        PDF,
        headers={"X-File-Name": quote("教学设计.pdf")},
    )
    assert response.status_code == 201
    attachment = Attachment.objects.get(work=work)
    assert attachment.kind == "design"
    assert attachment.original_name == "教学设计.pdf"
    assert response.json()["id"] == str(attachment.uuid)


@pytest.mark.django_db
def test_a_file_name_with_a_path_keeps_only_the_name(client, work):
    login(client, work.entrant)
    headers = {"X-File-Name": quote("C:\\Users\\王喆\\课\r\n.mp4")}
    assert put(client, video_url(work), VIDEO, headers=headers).status_code == 201
    assert VideoAsset.objects.get().original_name == "课.mp4"


@pytest.mark.django_db
def test_others_cannot_upload_to_the_work(client, contest, work):
    for user in (make_work(contest).entrant, factories.OrganiserFactory(contest=contest).user):
        login(client, user)
        response = put(client, video_url(work), VIDEO)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert not VideoAsset.objects.exists()


@pytest.mark.django_db
def test_anonymous_put_is_401(client, work):
    response = put(client, video_url(work), VIDEO)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_an_unknown_work_or_kind_is_404(client, work):
    login(client, work.entrant)
    assert put(client, reverse("video_upload", args=[work.pk + 999]), VIDEO).status_code == 404
    wrong_kind = reverse("attachment_upload", args=[work.pk, "video"])
    assert put(client, wrong_kind, PDF).status_code == 404
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_an_upload_without_a_length_is_411(client, work):
    login(client, work.entrant)
    response = put(client, video_url(work), VIDEO, CONTENT_LENGTH="")
    assert response.status_code == 411
    assert response.json()["code"] == "length_required"


@pytest.mark.django_db
def test_a_declared_length_over_the_cap_is_413_without_reading(client, work):
    work.contest.max_file_size_mb = 1
    work.contest.save()
    login(client, work.entrant)
    response = put(
        client, video_url(work), b"", CONTENT_LENGTH=str(MB + 1), **{"wsgi.input": Unreadable()}
    )
    assert response.status_code == 413
    assert response.json() == {
        "code": "too_large",
        "message": "The file is larger than the limit of 1 MB.",
        "fields": {"file": ["The file is larger than the limit of 1 MB."]},
    }
    assert not VideoAsset.objects.exists()
    assert leftovers() == []


@pytest.mark.django_db
def test_attachments_have_their_own_cap(client, work):
    work.contest.max_attachment_size_mb = 1
    work.contest.save()
    login(client, work.entrant)
    url = reverse("attachment_upload", args=[work.pk, "design"])
    response = put(client, url, b"", CONTENT_LENGTH=str(MB + 1), **{"wsgi.input": Unreadable()})
    assert response.status_code == 413
    assert put(client, url, PDF).status_code == 201


@pytest.mark.django_db
def test_errors_come_in_chinese_by_default(client, work):
    login(client, work.entrant, lang="zh-hans")
    response = put(client, video_url(work), b"", CONTENT_LENGTH="0")
    assert response.status_code == 400
    assert response.json()["code"] == "empty"
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_after_the_deadline_the_service_refuses(client, work):
    contest = work.contest
    contest.submission_closes_at = timezone.now() - dt.timedelta(seconds=1)
    contest.save()
    login(client, work.entrant)
    response = put(client, video_url(work), VIDEO)
    assert response.status_code == 409
    assert response.json()["code"] == "deadline_passed"
    assert "deadline has passed" in response.json()["message"]
    assert not VideoAsset.objects.exists()
    assert leftovers() == []


@pytest.mark.django_db
def test_put_needs_the_csrf_token(work):
    client = login(Client(enforce_csrf_checks=True), work.entrant)
    assert put(client, video_url(work), VIDEO).status_code == 403
    token = get_random_string(32)
    client.cookies["csrftoken"] = token
    headers = {"X-CSRFToken": token, "X-File-Name": "a.mp4"}
    assert put(client, video_url(work), VIDEO, headers=headers).status_code == 201


@pytest.mark.django_db
def test_upload_urls_refuse_other_methods(client, work):
    login(client, work.entrant)
    assert client.get(video_url(work)).status_code == 405


# --- The no-JavaScript form post


def work_page(work) -> str:
    try:
        return reverse("work_detail", kwargs={"pk": work.pk})
    except NoReverseMatch:
        return reverse("dashboard")


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_the_form_post_uploads_the_file(client, work):
    login(client, work.entrant)
    upload = SimpleUploadedFile(ORIGINAL_NAME, VIDEO, content_type="video/mp4")
    response = client.post(video_url(work), {"file": upload, "note": "x"})
    assert response.status_code == 302
    assert response["Location"] == work_page(work)
    assert flash(response) == ["The file was received. It is being checked now."]
    video = VideoAsset.objects.get(work=work)
    assert private_path(video.file).read_bytes() == VIDEO
    assert video.sha256 == hashlib.sha256(VIDEO).hexdigest()
    assert video.original_name == ORIGINAL_NAME
    assert list(temporary_dir().iterdir()) == []


@pytest.mark.django_db
def test_the_form_post_of_an_attachment(client, work):
    login(client, work.entrant)
    upload = SimpleUploadedFile("设计.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("attachment_upload", args=[work.pk, "slides"]), {"file": upload})
    assert response.status_code == 302
    assert Attachment.objects.get(work=work).kind == "slides"


@pytest.mark.django_db
def test_the_form_post_over_the_cap_is_refused_from_its_length(client, work):
    work.contest.max_file_size_mb = 1
    work.contest.save()
    login(client, work.entrant)
    response = client.post(
        video_url(work),
        b"",
        content_type="application/octet-stream",  # replaced below: the body is not encoded
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(2 * MB),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 302
    assert flash(response) == ["The file is larger than the limit of 1 MB."]
    assert not VideoAsset.objects.exists()
    assert leftovers() == []


@pytest.mark.django_db
def test_the_form_post_is_refused_while_reading_once_the_file_passes_the_cap(client, work):
    work.contest.max_file_size_mb = 1
    work.contest.save()
    login(client, work.entrant)
    upload = SimpleUploadedFile("a.mp4", os.urandom(MB + 1000))  # within the multipart slack
    response = client.post(video_url(work), {"file": upload})
    assert flash(response) == ["The file is larger than the limit of 1 MB."]
    assert not VideoAsset.objects.exists()
    assert leftovers() == []


@pytest.mark.django_db
def test_the_form_post_without_a_file(client, work):
    login(client, work.entrant)
    response = client.post(video_url(work), {"note": "no file"})
    assert response.status_code == 302
    assert flash(response) == ["Choose a file to upload."]


@pytest.mark.django_db
def test_the_form_post_shows_the_services_refusal(client, work):
    login(client, work.entrant)
    upload = SimpleUploadedFile("empty.mp4", b"", content_type="video/mp4")
    response = client.post(video_url(work), {"file": upload})
    assert flash(response) == ["The file is empty."]
    assert not VideoAsset.objects.exists()


@pytest.mark.django_db
def test_the_form_post_is_for_the_entrant_only(client, contest, work):
    response = client.post(video_url(work), {"file": SimpleUploadedFile("a.mp4", VIDEO)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    login(client, make_work(contest).entrant)
    response = client.post(video_url(work), {"file": SimpleUploadedFile("a.mp4", VIDEO)})
    assert response.status_code == 404
    assert not VideoAsset.objects.exists()


@pytest.mark.django_db
def test_the_form_post_needs_the_csrf_token(work):
    client = login(Client(enforce_csrf_checks=True), work.entrant)
    response = client.post(video_url(work), {"file": SimpleUploadedFile("a.mp4", VIDEO)})
    assert response.status_code == 403
    assert not VideoAsset.objects.exists()
