"""Opening untrusted videos safely, and writing results so that no half file is ever visible."""

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import av
from av.container import InputContainer
from av.stream import Disposition

from contest.media.sniff import VideoContainer

# The demuxer is always forced (see sniff.py) and only the `file` protocol is allowed, so no
# input can make FFmpeg open another file or a URL. The probe limits are FFmpeg's defaults,
# written out so that a change upstream cannot make probing read more.
INPUT_OPTIONS = {
    "protocol_whitelist": "file",
    "probesize": str(5 * 1024 * 1024),
    "analyzeduration": str(5 * 1000 * 1000),
}

# What every copy for the judges is written with: faststart so playback begins before the whole
# file arrives; bitexact so the muxer writes no "encoder" tag; empty handler names.
MP4_OPTIONS = {"movflags": "+faststart", "fflags": "+bitexact", "empty_hdlr_name": "1"}

PARTIAL_SUFFIX = ".partial"


def open_video(path: str | os.PathLike, container: VideoContainer) -> InputContainer:
    """Open with the demuxer `sniff_video` chose; FFmpeg never probes the format itself."""
    return av.open(os.fspath(path), mode="r", format=container.demuxer, options=INPUT_OPTIONS)


def pick_streams(container: InputContainer) -> tuple[av.VideoStream | None, av.AudioStream | None]:
    """The main video (never cover art) and audio streams, preferring those marked default."""
    videos = [s for s in container.streams.video if not s.disposition & Disposition.attached_pic]
    audios = [s for s in container.streams.audio if s.codec_context.channels]
    return _preferred(videos), _preferred(audios)


def _preferred(streams: list) -> av.VideoStream | av.AudioStream | None:
    defaults = [s for s in streams if s.disposition & Disposition.default]
    return (defaults or streams or [None])[0]


@contextlib.contextmanager
def atomic_destination(dst: str | os.PathLike) -> Iterator[Path]:
    """A temporary path next to `dst`, moved onto `dst` only when the block ends without error.

    A worker killed mid-write leaves at most a hidden `.<name>.<random>.partial` file beside the
    destination, never a half-written destination; running again replaces `dst` whole.
    """
    dst = Path(dst)
    fd, name = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=PARTIAL_SUFFIX)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _fsync(tmp)
        # mkstemp made it 0600: the group (nginx's, which sends private files) may read it too.
        tmp.chmod(0o640)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as file:
        os.fsync(file.fileno())
