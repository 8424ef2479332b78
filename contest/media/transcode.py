"""The judges' copy by re-encoding to H.264 and AAC: for anything a browser may not play.

Decoded frames before the cut are dropped; timestamps restart at the first kept video frame.
The encoders get fresh settings, so nothing of the source's tags or codec user data survives.
"""

import math
from fractions import Fraction

import av
from av.audio.fifo import AudioFifo
from av.container import InputContainer, OutputContainer

from contest.media.errors import MediaRejected, duration_text

MAX_LINES = 1080
DEFAULT_FPS = Fraction(25)
AUDIO_RATES = (44100, 48000)
AAC_FRAME = 1024
# Captions and user data carried on decoded frames must not be written into the new stream.
X264_OPTIONS = {"preset": "veryfast", "crf": "23", "a53cc": "0", "udu_sei": "0"}
VIDEO_TIME_BASE = Fraction(1, 90000)


def target_size(width: int, height: int) -> tuple[int, int]:
    """At most 1080 lines on the shorter side (portrait too), aspect kept, both sides even."""
    scale = min(1.0, MAX_LINES / min(width, height))
    return _even(width * scale), _even(height * scale)


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def encode_streams(
    source: InputContainer,
    video: av.VideoStream,
    audio: av.AudioStream | None,
    out: OutputContainer,
    *,
    cut: float,
    rotation: int = 0,
) -> float:
    """Encode from the first frame at or after `cut` seconds; return where that frame lies."""
    stream_start = float(video.start_time * video.time_base) if video.start_time else 0.0
    video.thread_type = "AUTO"
    video_track = _VideoTrack(out, video, rotation, start=stream_start, cut_at=stream_start + cut)
    audio_track = _AudioTrack(out, audio) if audio is not None else None
    streams = [s for s in (video, audio) if s is not None]
    for packet in source.demux(streams):
        for frame in packet.decode():
            if packet.stream is video:
                video_track.add(frame)
            elif video_track.zero is None:
                audio_track.hold(frame, cut_at=stream_start + cut)
            else:
                audio_track.add(frame, zero=video_track.zero)
    if video_track.zero is None:
        duration = video_track.last_time - stream_start
        raise MediaRejected(
            "too_short",
            duration=round(duration, 3),
            duration_text=duration_text(math.floor(duration)),
            min_duration=cut,
            min_duration_text=duration_text(cut),
        )
    video_track.finish()
    if audio_track is not None:
        audio_track.finish(zero=video_track.zero)
    return video_track.zero - stream_start


class _VideoTrack:
    """H.264 frames from `cut_at` on; `zero` is the time of the first kept frame, once known."""

    def __init__(
        self,
        out: OutputContainer,
        source: av.VideoStream,
        rotation: int,
        *,
        start: float,
        cut_at: float,
    ):
        rate = source.average_rate or source.guessed_rate or DEFAULT_FPS
        self.out = out
        self.cut_at = cut_at
        self.frame_duration = 1 / float(rate)
        self.stream = out.add_stream("libx264", rate=rate, options=X264_OPTIONS)
        self.stream.width, self.stream.height = target_size(
            source.codec_context.width, source.codec_context.height
        )
        self.stream.pix_fmt = "yuv420p"
        # Frame threads, as the ffmpeg command uses; PyAV asks for slice threads, which x264
        # documents as lower throughput.
        self.stream.thread_type = "FRAME"
        self.stream.gop_size = max(1, round(2 * float(rate)))
        self.stream.codec_context.time_base = VIDEO_TIME_BASE
        if rotation:
            self.stream.set_display_rotation(rotation)
        self.zero = None
        self.last_time = start - self.frame_duration
        self.last_pts = -1

    def add(self, frame: av.VideoFrame) -> None:
        # Frames without a timestamp (some AVI files) are placed one frame after the last one.
        time = frame.time if frame.time is not None else self.last_time + self.frame_duration
        self.last_time = time
        if time < self.cut_at - 1e-6:
            return
        if self.zero is None:
            self.zero = time
        pts = max(round((time - self.zero) / VIDEO_TIME_BASE), self.last_pts + 1)
        self.last_pts = pts
        scaled = frame.reformat(self.stream.width, self.stream.height, format="yuv420p")
        scaled.pts, scaled.time_base = pts, VIDEO_TIME_BASE
        self.out.mux(self.stream.encode(scaled))

    def finish(self) -> None:
        self.out.mux(self.stream.encode(None))


class _AudioTrack:
    """Stereo AAC; frames decoded before the video's first kept frame is known wait in `held`."""

    def __init__(self, out: OutputContainer, source: av.AudioStream):
        source_rate = source.codec_context.sample_rate
        self.rate = source_rate if source_rate in AUDIO_RATES else 48000
        self.out = out
        # bitexact: the encoder writes no "Lavc" version string into the stream.
        self.stream = out.add_stream("aac", rate=self.rate, options={"flags": "+bitexact"})
        self.stream.layout = "stereo"
        self.stream.format = "fltp"
        self.stream.bit_rate = 128_000
        self.resampler = av.AudioResampler(format="fltp", layout="stereo", rate=self.rate)
        self.fifo = AudioFifo()
        self.held = []
        self.samples = None

    def hold(self, frame: av.AudioFrame, *, cut_at: float) -> None:
        """Keep a frame until the video's start is known; the title card's sound never is."""
        if frame.time is None or frame.time >= cut_at - 1e-6:
            self.held.append(frame)

    def add(self, frame: av.AudioFrame, *, zero: float) -> None:
        self._add_held(zero)
        self._add(frame, zero)

    def _add(self, frame: av.AudioFrame, zero: float) -> None:
        if frame.time is not None and frame.time < zero - 1e-6:
            return
        if self.samples is None:
            offset = frame.time - zero if frame.time is not None else 0.0
            self.samples = round(offset * self.rate)
        for resampled in self.resampler.resample(frame):
            resampled.pts = None
            self.fifo.write(resampled)
        self._encode(self.fifo.read_many(AAC_FRAME))

    def finish(self, *, zero: float) -> None:
        self._add_held(zero)
        for resampled in self.resampler.resample(None):
            resampled.pts = None
            self.fifo.write(resampled)
        rest = self.fifo.read(partial=True)
        self._encode([rest] if rest is not None else [])
        self.out.mux(self.stream.encode(None))

    def _add_held(self, zero: float) -> None:
        for held in self.held:
            self._add(held, zero)
        self.held.clear()

    def _encode(self, frames: list[av.AudioFrame]) -> None:
        for frame in frames:
            frame.pts = self.samples
            frame.time_base = Fraction(1, self.rate)
            self.samples += frame.samples
            self.out.mux(self.stream.encode(frame))
