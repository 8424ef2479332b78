"""Real, tiny media files for tests: video clips made with PyAV, and hostile look-alikes.

Frames differ over time (a colour ramp and a moving white bar). The first `title_seconds` are
pure red, like a title card (片头) showing the entrant's name, so a test can tell whether any
of it leaked into a copy.
"""

import functools
import io
import math
import struct
from array import array
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw

TITLE_RED = (255, 0, 0)

FORMATS = {"mp4": "mp4", "mov": "mov", "mkv": "matroska", "webm": "webm", "avi": "avi"}
FORMATS |= {"flv": "flv", "wmv": "asf", "wav": "wav", "m4a": "ipod"}
VIDEO_OPTIONS = {
    "libx264": {"preset": "superfast"},
    "libx265": {"preset": "ultrafast", "x265-params": "log-level=none"},
    "libvpx-vp9": {"deadline": "realtime", "cpu-used": "8"},
}


def make_clip(
    path: str | Path,
    *,
    container: str = "mp4",
    vcodec: str | None = "libx264",
    acodec: str | None = "aac",
    seconds: float = 3.0,
    width: int = 320,
    height: int = 240,
    fps: int = 25,
    gop_seconds: float = 0.5,
    title_seconds: float = 0.0,
    frames: int | None = None,
    tags: dict[str, str] | None = None,
    stream_tags: dict[str, str] | None = None,
    cover_art: bool = False,
    subtitles: bool = False,
    rotation: int = 0,
    faststart: bool = False,
    sample_rate: int = 48000,
    encoder_options: dict[str, str] | None = None,
    texture: bool = False,
    live: bool = False,
) -> Path:
    """Write a clip and return its path. `frames` overrides `seconds` for the video.

    `live` writes through a pipe, as a browser's recorder does: the muxer cannot go back, so
    the file announces no duration and has no index.
    """
    path = Path(path)
    options = {"movflags": "+faststart"} if faststart else {}
    target = _Pipe() if live else str(path)
    with av.open(target, "w", format=FORMATS[container], options=options) as out:
        out.metadata.update(tags or {})
        options = VIDEO_OPTIONS.get(vcodec, {}) | (encoder_options or {})
        video = _video_stream(out, vcodec, (width, height), fps, gop_seconds, rotation, options)
        audio = out.add_stream(acodec, rate=sample_rate) if acodec else None
        if audio is not None and not acodec.startswith("pcm"):
            audio.bit_rate = 64000
        for stream in (video, audio):
            if stream is not None:
                stream.metadata.update(stream_tags or {})
        extras = _extras(out, container, cover_art, subtitles)
        count = frames if frames is not None else round(seconds * fps)
        total = count / fps if video is not None else seconds
        _write(out, (video, audio), count, fps, total, (title_seconds, texture))
        _write_extras(out, extras)
    if live:
        path.write_bytes(target.data)
    return path


class _Pipe(io.RawIOBase):
    """A write-only stream that cannot seek."""

    def __init__(self):
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.data += data
        return len(data)


def _video_stream(out, vcodec, size, fps, gop_seconds, rotation, options):
    if vcodec is None:
        return None
    stream = out.add_stream(vcodec, rate=fps, options=options)
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    stream.gop_size = max(1, round(gop_seconds * fps))
    if rotation:
        stream.set_display_rotation(rotation)
    return stream


def _write(out, streams, count, fps, total, looks):
    """Frames in time order, the sound interleaved with them, as a real file would be."""
    video, audio = streams
    samples_done = 0
    for index in range(count if video is not None else 0):
        time = index / fps
        frame = av.VideoFrame.from_image(picture(video.width, video.height, time, *looks))
        frame.pts = index
        out.mux(video.encode(frame))
        if audio is not None:
            samples_done = _write_audio(out, audio, samples_done, (index + 1) / fps)
    if audio is not None:
        _write_audio(out, audio, samples_done, total)
        out.mux(audio.encode(None))
    if video is not None:
        out.mux(video.encode(None))


def _write_audio(out, audio, done, until):
    rate = audio.codec_context.sample_rate
    while done < round(until * rate):
        count = min(1024, round(until * rate) - done)
        out.mux(audio.encode(tone(count, rate, done)))
        done += count
    return done


def picture(
    width: int, height: int, time: float, title_seconds: float = 0.0, texture: bool = False
) -> Image.Image:
    """Red during the title card, then blue-green shades with a white bar that moves.

    `texture` lays a slowly panning grain over it, for realistic bitrates in benchmarks.
    """
    if time < title_seconds:
        return Image.new("RGB", (width, height), TITLE_RED)
    shade = int(60 + 120 * (0.5 + 0.5 * math.sin(time * 2.0)))
    image = Image.new("RGB", (width, height), (0, shade, 255 - shade // 2))
    if texture:
        pan = int(time * 24) % 256
        grain = _grain(width + 256, height).crop((pan, 0, pan + width, height))
        image = Image.blend(image, grain, 0.3)
    left = int((time * 0.37 % 1.0) * (width - width // 8))
    ImageDraw.Draw(image).rectangle([left, 0, left + width // 8, height - 1], fill=(255, 255, 255))
    return image


@functools.cache
def _grain(width: int, height: int) -> Image.Image:
    return Image.effect_noise((width, height), 48).convert("RGB")


def tone(count: int, rate: int, start: int) -> av.AudioFrame:
    """`count` samples of a 440 Hz tone, mono, starting at sample `start`."""
    values = array(
        "h", (int(6000 * math.sin(2 * math.pi * 440 * (start + i) / rate)) for i in range(count))
    )
    frame = av.AudioFrame(format="s16", layout="mono", samples=count)
    frame.planes[0].update(values.tobytes())
    frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
    return frame


def _extras(out, container, cover_art, subtitles):
    extras = []
    if cover_art:
        jpeg = encode_image(Image.new("RGB", (64, 64), TITLE_RED), "JPEG")
        if container in ("mkv", "webm"):
            out.add_attachment("cover.jpg", "image/jpeg", jpeg)
        else:
            cover = out.add_mux_stream("mjpeg", width=64, height=64)
            cover.disposition = av.stream.Disposition.attached_pic
            extras.append((cover, jpeg))
    if subtitles:
        text = "主讲 王喆 北京市第一六一中学".encode()
        if container in ("mp4", "mov"):
            stream = out.add_mux_stream("mov_text", time_base=Fraction(1, 1000))
            extras.append((stream, struct.pack(">H", len(text)) + text))
        else:
            stream = out.add_mux_stream("subrip", time_base=Fraction(1, 1000))
            extras.append((stream, text))
    return extras


def _write_extras(out, extras):
    for stream, data in extras:
        packet = av.Packet(data)
        packet.stream, packet.pts, packet.dts, packet.duration = stream, 0, 0, 1000
        packet.time_base = stream.time_base or Fraction(1, 1000)
        out.mux(packet)


def encode_image(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def write_bytes(path: str | Path, data: bytes) -> Path:
    path = Path(path)
    path.write_bytes(data)
    return path


def truncate_copy(src: Path, dst: str | Path, *, keep: float = 0.5) -> Path:
    """The first `keep` fraction of `src`, as an interrupted upload or copy leaves it."""
    data = src.read_bytes()
    return write_bytes(dst, data[: int(len(data) * keep)])


def hls_playlist() -> bytes:
    """An HLS playlist that would make FFmpeg read a local file if it probed the format."""
    return b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"


def ffconcat_script() -> bytes:
    return b"ffconcat version 1.0\nfile '/etc/passwd'\n"


def top_level_boxes(path: str | Path) -> list[str]:
    """The types of the top-level ISO BMFF boxes, in file order ('ftyp', 'moov', 'mdat'...)."""
    boxes = []
    with open(path, "rb") as file:
        while header := file.read(8):
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", file.read(8))[0] - 8
            boxes.append(kind.decode("latin-1"))
            if size == 0:
                break
            file.seek(size - 8, io.SEEK_CUR)
    return boxes
