import shutil

import av
import pytest

from contest.media import MediaRejected, VideoRequirements, probe_video
from contest.media.files import open_video
from contest.media.sniff import VideoContainer
from tests.media_clips import ffconcat_script, hls_playlist, truncate_copy, write_bytes


def rules(**changes) -> VideoRequirements:
    """Rules around the 3-second 320×240 test clips."""
    values = dict(
        allowed_formats=[], min_duration=1.0, max_duration=10.0, min_width=320, min_height=240
    )
    return VideoRequirements(**(values | changes))


def refusal(path, requirements=None) -> MediaRejected:
    with pytest.raises(MediaRejected) as refused:
        probe_video(path, requirements or rules())
    return refused.value


@pytest.mark.parametrize(
    ("name", "fmt", "video_codec", "audio_codec"),
    [
        ("h264.mp4", "mp4", "h264", "aac"),
        ("hevc.mov", "mov", "hevc", "aac"),
        ("vp9.webm", "webm", "vp9", "opus"),
        ("mpeg4.avi", "avi", "mpeg4", "pcm_s16le"),
        ("mp3.avi", "avi", "mpeg4", "mp3"),
        ("tagged.mkv", "mkv", "h264", "aac"),
        ("h264.flv", "flv", "h264", "aac"),
        ("wmv2.wmv", "wmv", "wmv2", "wmav2"),
    ],
)
def test_good_videos_are_described(clip, name, fmt, video_codec, audio_codec):
    probe = probe_video(clip(name), rules())

    assert (probe.format, probe.video_codec, probe.audio_codec) == (fmt, video_codec, audio_codec)
    assert (probe.width, probe.height, probe.fps, probe.has_audio) == (320, 240, 25.0, True)
    assert probe.duration == pytest.approx(3.0, abs=0.1)


def test_a_recording_that_announces_no_length_is_measured(clip):
    with av.open(str(clip("live.webm"))) as recording:
        assert recording.duration is None

    probe = probe_video(clip("live.webm"), rules())

    assert probe.duration == pytest.approx(3.0, abs=0.05)


def test_cover_art_is_not_taken_for_the_video(clip):
    probe = probe_video(clip("tagged.mp4"), rules())

    assert (probe.video_codec, probe.width, probe.height) == ("h264", 320, 240)


def test_rotation_is_reported(clip):
    assert probe_video(clip("rotated.mp4"), rules()).rotation == 90


def test_a_format_the_contest_does_not_allow_is_refused(clip):
    refused = refusal(clip("vp9.webm"), rules(allowed_formats=["mp4", "mov"]))

    assert refused.code == "format_not_allowed"
    assert refused.params == {"allowed": "MP4, MOV", "format": "WEBM"}


def test_a_silent_video_is_refused_when_sound_is_required(clip):
    assert refusal(clip("silent.mp4")).code == "no_audio_stream"


def test_a_silent_video_is_accepted_when_sound_is_optional(clip):
    probe = probe_video(clip("silent.mp4"), rules(audio_required=False))

    assert (probe.has_audio, probe.audio_codec) == (False, None)


def test_sound_without_picture_is_refused(clip):
    assert refusal(clip("sound.m4a")).code == "no_video_stream"


def test_a_single_picture_is_refused(clip):
    refused = refusal(clip("one_frame.mp4"), rules(min_duration=0.0))

    assert (refused.code, refused.params) == ("too_few_frames", {"frames": 1})


def test_too_short_and_too_long_say_both_lengths(clip):
    short = refusal(clip("h264.mp4"), rules(min_duration=300.0, max_duration=1200.0))
    long = refusal(clip("h264.mp4"), rules(min_duration=0.0, max_duration=2.0))

    assert short.code == "too_short"
    assert (short.params["duration_text"], short.params["min_duration_text"]) == ("0:03", "5:00")
    assert long.code == "too_long"
    assert (long.params["duration_text"], long.params["max_duration_text"]) == ("0:03", "0:02")


def test_a_small_picture_is_refused_with_both_sizes(clip):
    refused = refusal(clip("tiny.mp4"))

    assert refused.code == "too_small"
    assert refused.params == {"width": 160, "height": 120, "min_width": 320, "min_height": 240}


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_a_truncated_faststart_mp4_is_damaged(clip, tmp_path, keep):
    truncated = truncate_copy(clip("faststart.mp4"), tmp_path / "cut.mp4", keep=keep)

    assert refusal(truncated).code == "damaged"


@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_an_mp4_whose_index_at_the_end_is_cut_off_is_damaged(clip, tmp_path, keep):
    truncated = truncate_copy(clip("h264.mp4"), tmp_path / "cut.mp4", keep=keep)

    assert refusal(truncated).code == "damaged"


def test_a_truncated_webm_is_damaged(clip, tmp_path):
    truncated = truncate_copy(clip("vp9.webm"), tmp_path / "cut.webm", keep=0.7)

    assert refusal(truncated).code == "damaged"


def test_a_concat_script_renamed_mp4_is_refused_although_ffmpeg_would_play_it(clip, tmp_path):
    shutil.copy(clip("h264.mp4"), tmp_path / "other.mp4")
    script = write_bytes(tmp_path / "lesson.mp4", b"ffconcat version 1.0\nfile other.mp4\n")
    with av.open(str(script)) as guessed:  # what FFmpeg does when left to guess
        assert guessed.format.name == "concat"
        assert guessed.streams.video

    refused = refusal(script)

    assert (refused.code, refused.params) == ("not_video", {"looks_like": "ffconcat"})


@pytest.mark.parametrize(
    ("content", "hint"), [(hls_playlist(), "playlist"), (ffconcat_script(), "ffconcat")]
)
def test_playlists_and_scripts_pointing_at_local_files_are_refused(tmp_path, content, hint):
    refused = refusal(write_bytes(tmp_path / "lesson.mp4", content))

    assert (refused.code, refused.params) == ("not_video", {"looks_like": hint})


def test_even_past_the_sniffer_a_playlist_is_never_read_as_one(tmp_path):
    path = write_bytes(tmp_path / "lesson.mp4", hls_playlist())

    with pytest.raises(av.error.FFmpegError):
        open_video(path, VideoContainer("mp4", "mov"))
