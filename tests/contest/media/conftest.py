"""Clips made once per test session (they take a fraction of a second each) and shared."""

import pytest

from tests.media_clips import make_clip

NAMES = {"title": "作者 王喆", "artist": "北京市第一六一中学", "comment": "学校 北京市第一六一中学"}
STREAM_NAMES = {"title": "王喆的微课", "handler_name": "王喆 北京市第一六一中学"}
# Keyframes every 12 frames (0.48 s) and none at scene changes, so tests know where they are.
FIXED_GOP = {"x264-params": "scenecut=0"}

CLIPS = {
    "h264.mp4": dict(title_seconds=1.0, encoder_options=FIXED_GOP),
    "tagged.mp4": dict(
        title_seconds=1.0,
        tags=NAMES,
        stream_tags=STREAM_NAMES,
        cover_art=True,
        subtitles=True,
        encoder_options=FIXED_GOP,
    ),
    "faststart.mp4": dict(faststart=True),
    "silent.mp4": dict(acodec=None, title_seconds=1.0, encoder_options=FIXED_GOP),
    "hevc.mov": dict(container="mov", vcodec="libx265", title_seconds=1.0, tags=NAMES),
    "vp9.webm": dict(container="webm", vcodec="libvpx-vp9", acodec="libopus", title_seconds=1.0),
    # MP3 in AVI shifts the whole timeline by the encoder delay (a frame): PCM keeps it exact.
    "mpeg4.avi": dict(container="avi", vcodec="mpeg4", acodec="pcm_s16le", title_seconds=1.0),
    "mp3.avi": dict(container="avi", vcodec="mpeg4", acodec="libmp3lame", sample_rate=44100),
    "tagged.mkv": dict(
        container="mkv",
        title_seconds=1.0,
        tags=NAMES,
        stream_tags=STREAM_NAMES,
        cover_art=True,
        subtitles=True,
    ),
    "live.webm": dict(
        container="webm", vcodec="libvpx-vp9", acodec="libopus", title_seconds=1.0, live=True
    ),
    "h264.flv": dict(container="flv", title_seconds=1.0),
    "wmv2.wmv": dict(container="wmv", vcodec="wmv2", acodec="wmav2", sample_rate=44100),
    "rotated.mp4": dict(rotation=90),
    "rotated.mov": dict(container="mov", vcodec="libx265", rotation=90),
    "long_gop.mp4": dict(seconds=4.0, gop_seconds=3.0, encoder_options=FIXED_GOP),
    "one_frame.mp4": dict(frames=1),
    "tiny.mp4": dict(width=160, height=120),
    "tall.mp4": dict(width=1920, height=1440, seconds=1.0, acodec=None),
    "wide.mp4": dict(width=2560, height=1440, seconds=1.0, acodec=None),
    "sound.m4a": dict(container="m4a", vcodec=None, seconds=1.0),
    "sound.wav": dict(container="wav", vcodec=None, acodec="pcm_s16le", seconds=1.0),
}


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    """`clip("h264.mp4")`: the path of that clip from CLIPS, made on first use."""
    directory = tmp_path_factory.mktemp("clips")
    made = {}

    def get(name: str):
        if name not in made:
            made[name] = make_clip(directory / name, **CLIPS[name])
        return made[name]

    return get
