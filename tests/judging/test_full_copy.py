"""Rounds that keep the title card give judges a whole (but still stripped) copy of the video."""

import datetime as dt

import av
import pytest
from django.urls import reverse
from django.utils import timezone

from contest.models import VideoAsset
from contest.services.media import video_process
from contest.storage import new_private_name, private_path
from judging.models import Round
from judging.services.rounds import round_set_state
from tests import judging_factories as jf
from tests import work_factories as wf
from tests.media_clips import make_clip


def _red(frame) -> bool:
    r, g, b = frame.to_image().convert("RGB").resize((1, 1)).getpixel((0, 0))
    return r > 180 and g < 80 and b < 80


def _first_frame(path):
    with av.open(str(path)) as container:
        return next(container.decode(video=0))


@pytest.fixture
def scene(tmp_path):
    """An assigning round that keeps title cards, with one work whose clip opens with one red
    second, and its judge."""
    round_ = jf.RoundFactory(
        state=Round.State.ASSIGNING,
        cut_title_card=False,
        contest__title_card_seconds=1,
        contest__min_duration_seconds=1,
        contest__min_width=160,
        contest__min_height=120,
        opens_at=timezone.now() - dt.timedelta(hours=1),
    )
    work = wf.WorkFactory(contest=round_.contest, status="accepted")
    clip = make_clip(tmp_path / "lesson.mp4", seconds=3, title_seconds=1, tags={"artist": "王喆"})
    name = new_private_name("videos")
    private_path(name).parent.mkdir(parents=True, exist_ok=True)
    private_path(name).write_bytes(clip.read_bytes())
    video = VideoAsset.objects.create(
        work=work, file=name, size=clip.stat().st_size, sha256="0" * 64
    )
    video_process(video_id=video.pk)
    video.refresh_from_db()
    assert video.state == "ready"
    round_.round_works.create(work=work)
    assignment = jf.assignment(round_, work=work)
    return round_, video, assignment


@pytest.mark.django_db
def test_the_judge_waits_until_the_whole_copy_is_made(client, scene):
    round_, _video, assignment = scene
    Round.objects.filter(pk=round_.pk).update(state=Round.State.OPEN)
    client.force_login(assignment.judge)
    page = client.get(reverse("judge_score", args=[assignment.pk])).content.decode()
    assert "being prepared" in page or "正在准备" in page
    assert "/blind.mp4" not in page


@pytest.mark.django_db
def test_opening_the_round_makes_whole_copies_for_its_judges(
    client, scene, django_capture_on_commit_callbacks
):
    round_, video, assignment = scene
    with django_capture_on_commit_callbacks(execute=True):
        round_set_state(round=round_, state=Round.State.OPEN)
    video.refresh_from_db()
    assert video.full_file and private_path(video.full_file).exists()

    client.force_login(assignment.judge)
    page = client.get(reverse("judge_score", args=[assignment.pk])).content.decode()
    url = reverse("video_full", args=[video.uuid])
    assert url in page and reverse("video_blind", args=[video.uuid]) not in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "video/mp4"
    assert video.work.anonymous_code in response["Content-Disposition"]

    whole, cut = private_path(video.full_file), private_path(video.blind_file)
    assert _red(_first_frame(whole)) and not _red(_first_frame(cut))
    with av.open(str(whole)) as container:
        assert "王喆" not in str(dict(container.metadata))
        assert all("王喆" not in str(dict(s.metadata)) for s in container.streams)
        assert container.duration / 1e6 > 2.5


@pytest.mark.django_db
def test_another_judge_cannot_fetch_the_whole_copy(
    client, scene, django_capture_on_commit_callbacks
):
    round_, video, _assignment = scene
    with django_capture_on_commit_callbacks(execute=True):
        round_set_state(round=round_, state=Round.State.OPEN)
    stranger = jf.judge(round_.contest).user
    client.force_login(stranger)
    assert client.get(reverse("video_full", args=[video.uuid])).status_code == 404


@pytest.mark.django_db
def test_a_judge_of_a_round_that_cuts_cannot_see_the_title_card(
    client, scene, django_capture_on_commit_callbacks
):
    round_, video, _assignment = scene
    with django_capture_on_commit_callbacks(execute=True):
        round_set_state(round=round_, state=Round.State.OPEN)
    cutting = jf.RoundFactory(contest=round_.contest, rubric=round_.rubric, cut_title_card=True)
    judge = jf.assignment(cutting, work=video.work).judge
    client.force_login(judge)
    assert client.get(reverse("video_blind", args=[video.uuid])).status_code == 200
    assert client.get(reverse("video_full", args=[video.uuid])).status_code == 404
