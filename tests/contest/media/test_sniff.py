import shutil

import av
import pytest
from PIL import Image

from contest.media import MediaRejected, sniff_video
from tests.media_clips import encode_image, ffconcat_script, hls_playlist, write_bytes


@pytest.mark.parametrize(
    ("name", "fmt", "demuxer"),
    [
        ("h264.mp4", "mp4", "mov"),
        ("hevc.mov", "mov", "mov"),
        ("tagged.mkv", "mkv", "matroska"),
        ("vp9.webm", "webm", "matroska"),
        ("mpeg4.avi", "avi", "avi"),
        ("h264.flv", "flv", "flv"),
        ("wmv2.wmv", "wmv", "asf"),
    ],
)
def test_video_containers_are_known_by_their_first_bytes(clip, tmp_path, name, fmt, demuxer):
    renamed = shutil.copy(clip(name), tmp_path / "upload.mp4")

    container = sniff_video(renamed)

    assert (container.format, container.demuxer) == (fmt, demuxer)


@pytest.mark.parametrize(
    ("content", "looks_like"),
    [
        ("教案：第一课\n".encode(), "text"),
        ("教案：第一课\n".encode("gb18030"), "text"),
        (b"<!DOCTYPE html><html><body>video</body></html>", "html"),
        (hls_playlist(), "playlist"),
        (ffconcat_script(), "ffconcat"),
        (encode_image(Image.new("RGB", (8, 8)), "JPEG"), "jpeg"),
        (encode_image(Image.new("RGB", (8, 8)), "PNG"), "png"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "zip"),
    ],
)
def test_other_files_are_not_videos_and_the_message_says_what_they_look_like(
    tmp_path, content, looks_like
):
    path = write_bytes(tmp_path / "lesson.mp4", content)

    with pytest.raises(MediaRejected) as refused:
        sniff_video(path)

    assert refused.value.code == "not_video"
    assert refused.value.params == {"looks_like": looks_like}


def test_a_sound_recording_is_not_a_video(clip):
    with pytest.raises(MediaRejected) as refused:
        sniff_video(clip("sound.wav"))

    assert (refused.value.code, refused.value.params) == ("not_video", {"looks_like": "audio"})


def test_an_empty_file_is_refused_as_empty(tmp_path):
    with pytest.raises(MediaRejected) as refused:
        sniff_video(write_bytes(tmp_path / "lesson.mp4", b""))

    assert refused.value.code == "empty"


def test_random_bytes_are_not_a_video_without_a_guess(tmp_path):
    path = write_bytes(tmp_path / "lesson.mp4", bytes(range(256)) * 4)

    with pytest.raises(MediaRejected) as refused:
        sniff_video(path)

    assert (refused.value.code, refused.value.params) == ("not_video", {})


def test_an_mpeg_transport_stream_is_a_video_format_we_do_not_take(tmp_path):
    path = tmp_path / "lesson.ts"
    with av.open(str(path), "w", format="mpegts") as out:
        stream = out.add_stream("mpeg4", rate=25)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for index in range(10):
            frame = av.VideoFrame.from_image(Image.new("RGB", (64, 64), (0, index * 20, 0)))
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))

    with pytest.raises(MediaRejected) as refused:
        sniff_video(path)

    assert (refused.value.code, refused.value.params) == (
        "unsupported_format",
        {"format": "MPEG-TS"},
    )
