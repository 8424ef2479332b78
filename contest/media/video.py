"""Checking an uploaded video against a contest's rules, and making the judges' blind copy."""

import math
import os
from dataclasses import dataclass

import av
from av.container import InputContainer

from contest.media import remux, transcode
from contest.media.errors import MediaRejected, duration_text
from contest.media.files import MP4_OPTIONS, atomic_destination, open_video, pick_streams
from contest.media.sniff import VideoContainer, sniff_video

MAX_WIDTH, MAX_HEIGHT = 7680, 4320
# How far past the cut the first keyframe may lie before we re-encode instead of copying: a
# remux starts at a keyframe, so everything between the cut and it is lost to the judges.
MAX_REMUX_LOSS = 2.0
# Frames decoded after seeking near the end before giving up on reaching it (and accepting).
_END_CHECK_FRAMES = 3000
_COPY_CONTAINER = VideoContainer("mp4", "mov")


@dataclass
class VideoRequirements:
    """A contest's rules for videos. An empty `allowed_formats` accepts every supported format."""

    allowed_formats: list[str]
    min_duration: float
    max_duration: float
    min_width: int
    min_height: int
    audio_required: bool = True


@dataclass(frozen=True)
class VideoProbe:
    format: str
    video_codec: str
    audio_codec: str | None
    width: int
    height: int
    duration: float
    fps: float
    has_audio: bool
    pix_fmt: str | None = None
    rotation: int = 0


@dataclass(frozen=True)
class BlindCopy:
    """The judges' copy: how it was made, where in the source it starts, and what it is."""

    method: str
    start: float
    duration: float
    width: int
    height: int


def probe_video(path: str | os.PathLike, requirements: VideoRequirements) -> VideoProbe:
    """Describe a video and check it against `requirements`, or raise MediaRejected."""
    container = sniff_video(path)
    allowed = [f.lower() for f in requirements.allowed_formats]
    if allowed and container.format not in allowed:
        shown = ", ".join(f.upper() for f in allowed)
        raise MediaRejected("format_not_allowed", allowed=shown, format=container.format.upper())
    try:
        with open_video(path, container) as source:
            return _probe_open(source, container.format, requirements)
    except av.error.FFmpegError as exc:
        raise MediaRejected("damaged", detail=str(exc)) from exc


def _probe_open(source: InputContainer, fmt: str, req: VideoRequirements) -> VideoProbe:
    video, audio = pick_streams(source)
    if video is None:
        raise MediaRejected("no_video_stream")
    if audio is None and req.audio_required:
        raise MediaRejected("no_audio_stream")
    width, height = video.codec_context.width, video.codec_context.height
    _check_size(width, height, req)
    duration = _duration(source, video)
    _check_duration(duration, req)
    first = _first_frames(source, video)
    _check_end(source, video, duration)
    return VideoProbe(
        format=fmt,
        video_codec=video.codec.canonical_name,
        audio_codec=audio.codec.canonical_name if audio else None,
        width=width,
        height=height,
        duration=duration,
        fps=float(video.average_rate or video.guessed_rate or 0),
        has_audio=audio is not None,
        pix_fmt=video.codec_context.pix_fmt,
        rotation=first.rotation,
    )


def _check_size(width: int, height: int, req: VideoRequirements) -> None:
    if width > MAX_WIDTH or height > MAX_HEIGHT:
        raise MediaRejected(
            "too_large", width=width, height=height, max_width=MAX_WIDTH, max_height=MAX_HEIGHT
        )
    if width < req.min_width or height < req.min_height:
        raise MediaRejected(
            "too_small",
            width=width,
            height=height,
            min_width=req.min_width,
            min_height=req.min_height,
        )


def _check_duration(duration: float, req: VideoRequirements) -> None:
    # Rounded away from the limit, so that 299.6 s against 300 s does not read "5:00 < 5:00".
    if duration < req.min_duration:
        raise MediaRejected(
            "too_short",
            duration=round(duration, 3),
            duration_text=duration_text(math.floor(duration)),
            min_duration=req.min_duration,
            min_duration_text=duration_text(req.min_duration),
        )
    if duration > req.max_duration:
        raise MediaRejected(
            "too_long",
            duration=round(duration, 3),
            duration_text=duration_text(math.ceil(duration)),
            max_duration=req.max_duration,
            max_duration_text=duration_text(req.max_duration),
        )


def _duration(source: InputContainer, video: av.VideoStream) -> float:
    """Seconds, from the container, else the stream, else the last packet of the video."""
    if source.duration:
        return source.duration / av.time_base
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    first = last = None
    for packet in source.demux(video):
        if packet.pts is None:
            continue
        begins = packet.pts * packet.time_base
        ends = begins + (packet.duration or 0) * packet.time_base
        first = begins if first is None else min(first, begins)
        last = ends if last is None else max(last, ends)
    source.seek(0)
    return float(last - first) if last is not None else 0.0


def _first_frames(source: InputContainer, video: av.VideoStream) -> av.VideoFrame:
    """The first decoded frame; at least two must decode or the video is a still picture."""
    frames = []
    for frame in source.decode(video):
        frames.append(frame)
        if len(frames) == 2:
            return frames[0]
    raise MediaRejected("too_few_frames", frames=len(frames))


def _check_end(source: InputContainer, video: av.VideoStream, duration: float) -> None:
    """Decode the last second: a truncated file fails here rather than in a judge's player.

    Seeks to a keyframe before the last second and decodes to the end of the file; the last
    frame must lie within two frames of the end the file announces.
    """
    start = _stream_start(video)
    end = start + _video_seconds(video, duration)
    frame_time = 1 / float(video.average_rate or video.guessed_rate or 25)
    source.seek(round(max(end - 1.0, start) / video.time_base), stream=video, backward=True)
    last = None
    for count, frame in enumerate(source.decode(video)):
        last = frame.time if frame.time is not None else last
        if count >= _END_CHECK_FRAMES:
            return
    if last is None or last < end - 2 * frame_time - 0.05:
        raise MediaRejected("damaged", detail=f"last frame at {last}s of {end:.2f}s")


def make_blind_copy(
    src: str | os.PathLike,
    video_dst: str | os.PathLike,
    poster_dst: str | os.PathLike,
    *,
    probe: VideoProbe,
    cut_seconds: float,
) -> BlindCopy:
    """Write the judges' MP4 (no metadata, title card cut) and its JPEG poster, atomically.

    Precondition: `probe` came from `probe_video(src, ...)`. Copies the coded video and sound
    when browsers play them as they are and a keyframe follows the cut closely enough;
    re-encodes otherwise. Nothing before the cut reaches the copy. Running again overwrites
    both destinations whole.
    """
    try:
        with open_video(src, sniff_video(src)) as source:
            video, audio = pick_streams(source)
            keyframe = _remux_start(source, video, probe, cut_seconds)
            with atomic_destination(video_dst) as tmp_video:
                with av.open(str(tmp_video), "w", format="mp4", options=MP4_OPTIONS) as out:
                    if keyframe is not None:
                        remux.copy_streams(source, video, audio, out, start_pts=keyframe)
                        start = float(keyframe * video.time_base) - _stream_start(video)
                    else:
                        start = transcode.encode_streams(
                            source, video, audio, out, cut=cut_seconds, rotation=probe.rotation
                        )
                duration, width, height = _describe(tmp_video)
                with atomic_destination(poster_dst) as tmp_poster:
                    write_poster(tmp_video, tmp_poster)
    except av.error.FFmpegError as exc:  # damage in the middle, which probing does not read
        raise MediaRejected("damaged", detail=str(exc)) from exc
    method = "transcode" if keyframe is None else "remux"
    return BlindCopy(method, round(start, 3), round(duration, 3), width, height)


def write_poster(video_path: str | os.PathLike, poster_path: str | os.PathLike) -> None:
    """A JPEG of the first frame of our own copy, upright, with no EXIF or other metadata."""
    with open_video(video_path, _COPY_CONTAINER) as copy:
        frame = next(copy.decode(video=0))
        image = frame.to_image()
        if frame.rotation:
            image = image.rotate(frame.rotation, expand=True)
        image.save(poster_path, format="JPEG", quality=85)


def _remux_start(
    source: InputContainer, video: av.VideoStream, probe: VideoProbe, cut: float
) -> int | None:
    """The pts of the keyframe a remux would start at, or None when the copy must be encoded."""
    if not _remuxable(probe):
        return None
    keyframe = remux.first_keyframe(source, video, _stream_start(video) + cut)
    if keyframe is None:
        return None
    loss = float(keyframe * video.time_base) - _stream_start(video) - cut
    return keyframe if loss <= MAX_REMUX_LOSS else None


def _remuxable(probe: VideoProbe) -> bool:
    """H.264 (8-bit 4:2:0, at most 1080 lines) with AAC or no sound plays in every browser."""
    return (
        probe.format in ("mp4", "mov")
        and probe.video_codec == "h264"
        and probe.pix_fmt in ("yuv420p", "yuvj420p")
        and min(probe.width, probe.height) <= transcode.MAX_LINES
        and probe.audio_codec in (None, "aac")
    )


def _video_seconds(video: av.VideoStream, fallback: float) -> float:
    """The video track's own length, which may be shorter than the file's (longer sound)."""
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    try:  # Matroska keeps each track's length in a tag, "00:05:01.040000000"
        hours, minutes, seconds = video.metadata["DURATION"].split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    except (KeyError, ValueError):
        return fallback


def _stream_start(stream: av.VideoStream) -> float:
    return float(stream.start_time * stream.time_base) if stream.start_time is not None else 0.0


def _describe(path: os.PathLike) -> tuple[float, int, int]:
    """Duration, width and height of a copy we wrote, read back from the file."""
    with open_video(path, _COPY_CONTAINER) as copy:
        video = copy.streams.video[0]
        duration = copy.duration / av.time_base if copy.duration else 0.0
        return duration, video.codec_context.width, video.codec_context.height
