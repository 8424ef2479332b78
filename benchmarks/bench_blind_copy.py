"""How fast the judges' blind copy is made, in multiples of real time.

Makes a 60-second 720p H.264/AAC MP4 (copied: remux) and a 60-second 720p MPEG-4 Part 2/MP3 AVI
(re-encoded: transcode), both with grain over the picture and fixed bitrates so that they weigh
about what real lessons do, then makes the blind copy of each several times (cutting a 5 s title
card, poster included) and reports the median wall time, the CPU time, and the speed as
multiples of real time. A shared machine's speed varies, hence medians. Run from the project root:

    .venv/bin/python benchmarks/bench_blind_copy.py

Takes one to two minutes, a third of it making the inputs. Goal: remux at least 50× real time.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contest.media import VideoRequirements, make_blind_copy, probe_video
from tests.media_clips import make_clip

SECONDS = 60.0
CUT = 5.0
REMUX_GOAL = 50.0
RULES = VideoRequirements([], 1.0, 3600.0, 1280, 720)
INPUTS = {
    "remux": dict(
        container="mp4",
        vcodec="libx264",
        acodec="aac",
        gop_seconds=2.0,
        encoder_options={"b": "3M", "maxrate": "4M", "bufsize": "6M"},
    ),
    "transcode": dict(
        container="avi",
        vcodec="mpeg4",
        acodec="libmp3lame",
        sample_rate=44100,
        encoder_options={"b": "4M"},
    ),
}
ROUNDS = {"remux": 5, "transcode": 3}


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for method, options in INPUTS.items():
            src = Path(directory) / f"input.{options['container']}"
            make_clip(src, seconds=SECONDS, width=1280, height=720, texture=True, **options)
            probe = probe_video(src, RULES)
            wall, cpu = _measure(method, src, probe, Path(directory))
            rows.append((method, probe, src.stat().st_size, wall, cpu))
    _print_table(rows)
    remux_speed = rows[0][1].duration / rows[0][3]
    verdict = "met" if remux_speed >= REMUX_GOAL else "MISSED"
    print(f"remux goal ≥ {REMUX_GOAL:.0f}× real time: {verdict}")


def _measure(method: str, src: Path, probe, directory: Path) -> tuple[float, float]:
    """Median wall and CPU seconds (all threads of this process) of making the copy."""
    walls, cpus = [], []
    for _ in range(ROUNDS[method]):
        wall, cpu = time.perf_counter(), time.process_time()
        copy = make_blind_copy(
            src,
            directory / "judges.mp4",
            directory / "poster.jpg",
            probe=probe,
            cut_seconds=CUT,
        )
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert copy.method == method, copy
    return statistics.median(walls), statistics.median(cpus)


def _print_table(rows) -> None:
    columns = ("method", "input", "Mbit/s", "wall s", "CPU s", "× real time")
    header = "{:<10} {:<22} {:>6} {:>7} {:>6} {:>12}".format(*columns)
    print(header)
    print("-" * len(header))
    for method, probe, size, wall, cpu in rows:
        source = f"{probe.video_codec}/{probe.audio_codec} {probe.width}x{probe.height}"
        bitrate = size * 8 / probe.duration / 1e6
        speed = probe.duration / wall
        print(f"{method:<10} {source:<22} {bitrate:>6.1f} {wall:>7.2f} {cpu:>6.2f} {speed:>11.0f}×")
    print(
        f"\n{SECONDS:.0f} s inputs, {CUT:.0f} s title card cut, median of rounds, poster included."
    )


if __name__ == "__main__":
    main()
