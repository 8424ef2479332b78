"""Small synthetic media for the demo contest: a teaching-video stand-in and documents.

The clip opens with a red title card (片头) that the judges' copy cuts off, then shows a slowly
changing picture with a tone, at a low frame rate so that seeding stays quick.
"""

import io
import math
from array import array
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw
from pypdf import PdfWriter

FPS = 2
RATE = 16000


def _frame(second: float, size: tuple[int, int], title_seconds: float, label: str) -> Image.Image:
    width, height = size
    if second < title_seconds:
        image = Image.new("RGB", size, (200, 30, 30))
    else:
        shade = int(60 + 60 * math.sin(second / 20))
        image = Image.new("RGB", size, (30, 60 + shade // 2, 120 + shade))
    draw = ImageDraw.Draw(image)
    x = int((second * 40) % width)
    draw.rectangle([x, height - 60, x + 80, height - 20], fill=(240, 240, 240))
    draw.text(
        (40, 40), f"{label}  {int(second) // 60:02d}:{int(second) % 60:02d}", fill=(255, 255, 255)
    )
    return image


def write_demo_clip(
    path: Path, *, seconds: int, size=(1280, 720), title_seconds: float = 5, label: str = "demo"
) -> Path:
    """An H.264/AAC MP4 of `seconds` seconds (two frames a second, a quiet tone)."""
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=FPS, options={"preset": "ultrafast"})
        video.width, video.height, video.pix_fmt = *size, "yuv420p"
        video.codec_context.gop_size = FPS  # a keyframe every second: the judges' copy is a remux
        audio = out.add_stream("aac", rate=RATE)
        audio.layout = "mono"
        for index in range(seconds * FPS):
            image = _frame(index / FPS, size, title_seconds, label)
            frame = av.VideoFrame.from_image(image).reformat(format="yuv420p")
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        _write_tone(out, audio, seconds)
    return path


def _write_tone(out, audio, seconds: int) -> None:
    # 500 Hz at 16 kHz repeats every 32 samples, so one buffer of 1024 serves every frame.
    samples_per_frame = 1024
    wave = array(
        "h", (int(1500 * math.sin(2 * math.pi * 500 * i / RATE)) for i in range(samples_per_frame))
    ).tobytes()
    for start in range(0, seconds * RATE, samples_per_frame):
        frame = av.AudioFrame(format="s16", layout="mono", samples=samples_per_frame)
        frame.planes[0].update(wave)
        frame.sample_rate, frame.pts, frame.time_base = RATE, start, Fraction(1, RATE)
        out.mux(audio.encode(frame))
    out.mux(audio.encode(None))


def demo_pdf(author: str, title: str) -> bytes:
    """A one-page PDF whose properties name its author (the judges' copy removes them)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Author": author, "/Title": title, "/Creator": "demo"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
