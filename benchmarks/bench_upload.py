"""Upload of a large file through the real upload endpoint, against copying it on the same disk.

Starts the platform with gunicorn (one sync worker on 127.0.0.1, a throw-away SQLite database and
private folder under var/, no background processing), creates a contest with a 2 GiB cap, an
entrant and a work, then PUTs the file to /media/works/<id>/video with http.client, streaming it
from disk. Measures:

- wall time and throughput of the upload, and of shutil.copyfile of the same file on the same
  disk, taken in turns (copy, upload, copy, upload, ...) and compared by their medians, as a
  ratio (goal: >= 0.5), because a shared machine's speed varies from one second to the next;
  the same again until the bytes are synced to the disk;
- the web worker's CPU time per upload and its memory: VmRSS before, VmRSS sampled during and
  VmHWM (peak) after (goal: peak growth < 64 MiB).

Usage: .venv/bin/python benchmarks/bench_upload.py [--size-mib 1024] [--rounds 3]
It removes everything it created and stops by itself (every wait has a time limit).
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024
START_TIMEOUT = 60
UPLOAD_TIMEOUT = 600
TICKS = os.sysconf("SC_CLK_TCK")

SETUP = """
import datetime as dt, json, secrets
from django.test import Client
from django.utils import timezone
from contest.models import Category, Contest, User
from contest.services.works import work_create
now = timezone.now()
contest = Contest.objects.create(
    title="Upload benchmark", slug="bench-upload", year=2026, phase="open",
    submission_opens_at=now - dt.timedelta(days=1),
    submission_closes_at=now + dt.timedelta(days=1),
    max_file_size_mb=2048, allowed_formats=["mp4"],
)
category = Category.objects.create(contest=contest, code="bench", name="Benchmark")
user = User.objects.create_user(
    "bench@example.cn", secrets.token_urlsafe(), real_name="Bench", email_verified_at=now
)
work = work_create(contest=contest, entrant=user, category=category, title="Benchmark")
client = Client()
client.force_login(user)
print(json.dumps({"work": work.pk, "session": client.cookies["sessionid"].value}))
"""


# --- The platform


def environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        PRIVATE_MEDIA_ROOT=str(workdir / "private"),
        PRIVATE_MEDIA_ACCEL_PREFIX="",
        HUEY_IMMEDIATE="0",
        HUEY_FILENAME=str(workdir / "huey.sqlite3"),
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "1", "--worker-class", "sync", "--timeout", str(UPLOAD_TIMEOUT),
        "--no-control-socket", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(  # noqa: S603 (fixed arguments)
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {server.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start in time")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def worker_pid(master: int) -> int:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("no gunicorn worker")


# --- What is measured


def memory_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _sep, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def cpu_seconds(pid: int) -> float:
    """User + system time of the process, all threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Sampler(threading.Thread):
    """The worker's VmRSS every 20 ms while the uploads run."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, memory_kib(self.pid)["VmRSS"])
            time.sleep(0.02)


def make_source(path: Path, size: int) -> None:
    """A file of random bytes: incompressible, like video, and no two blocks alike."""
    block = os.urandom(16 * MIB)
    with open(path, "wb") as out:
        written = 0
        while written < size:
            piece = (secrets.token_bytes(32) + block[32:])[: size - written]
            out.write(piece)
            written += len(piece)


def put(port: int, path: str, source: Path, session: str) -> tuple[int, dict]:
    """PUT the file as the raw body, streamed from disk."""
    size = source.stat().st_size
    token = secrets.token_hex(16)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=UPLOAD_TIMEOUT)
    connection.putrequest("PUT", path)
    for name, value in (
        ("Content-Length", str(size)),
        ("Content-Type", "video/mp4"),
        ("Cookie", f"sessionid={session}; csrftoken={token}"),
        ("X-CSRFToken", token),
        ("X-File-Name", "bench.mp4"),
    ):
        connection.putheader(name, value)
    connection.endheaders()
    with open(source, "rb") as body:
        # Straight from the page cache to the socket, as a browser's network stack would: the
        # client's own copying should not compete with the server for the CPU.
        connection.sock.sendfile(body, 0, size)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, json.loads(data or b"{}")


def flushed(started: float) -> tuple[float, float]:
    """(seconds until the bytes were in the page cache, seconds until they were on the disk)."""
    cached = time.perf_counter() - started
    os.sync()
    return cached, time.perf_counter() - started


def timed_copy(source: Path) -> tuple[float, float]:
    target = source.with_suffix(".copy")
    os.sync()  # no dirty pages of an earlier step slow this one down
    started = time.perf_counter()
    shutil.copyfile(source, target)
    times = flushed(started)
    target.unlink()
    return times


def timed_upload(server: dict, source: Path) -> tuple[float, float]:
    os.sync()
    started = time.perf_counter()
    status, data = put(server["port"], server["url"], source, server["session"])
    times = flushed(started)
    if status != 201 or data.get("size") != source.stat().st_size:
        raise RuntimeError(f"upload failed: {status} {data}")
    # Free the disk for the next round: each upload stores another copy of the file.
    shutil.rmtree(server["private"] / "videos", ignore_errors=True)
    return times


def measure(server: dict, source: Path, rounds: int) -> dict:
    """Copies and uploads taken in turns, so that the machine's noise touches both alike."""
    pid = server["pid"]
    copies, uploads = [timed_copy(source)], []
    before, cpu_before = memory_kib(pid), cpu_seconds(pid)
    sampler = Sampler(pid)
    sampler.start()
    try:
        for _ in range(rounds):
            uploads.append(timed_upload(server, source))
            copies.append(timed_copy(source))
    finally:
        sampler.stop.set()
        sampler.join()
    after = memory_kib(pid)
    return {
        "uploads": uploads, "copies": copies,
        "cpu": (cpu_seconds(pid) - cpu_before) / rounds,
        "rss_before": before["VmRSS"], "hwm_after": after["VmHWM"], "rss_peak": sampler.peak,
    }  # fmt: skip


def run_server(env: dict, setup: dict, source: Path, rounds: int) -> dict:
    port = free_port()
    server = start_server(env, port)
    try:
        info = {
            "port": port,
            "pid": worker_pid(server.pid),
            "url": f"/media/works/{setup['work']}/video",
            "session": setup["session"],
            "private": Path(env["PRIVATE_MEDIA_ROOT"]),
        }
        small = source.with_name("small.bin")
        small.write_bytes(os.urandom(MIB))
        status, _data = put(port, info["url"], small, setup["session"])  # warm the worker up
        if status != 201:
            raise RuntimeError(f"warm-up upload failed: {status}")
        return measure(info, source, rounds)
    finally:
        stop(server)


def run(size: int, rounds: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="bench-upload-", dir=ROOT / "var"))
    try:
        env = environment(workdir)
        manage(env, "migrate", "--noinput")
        setup = json.loads(manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
        source = workdir / "source.bin"
        make_source(source, size)
        return run_server(env, setup, source, rounds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# --- The table


def rows_for(r: dict, mib: float) -> list[tuple[str, str]]:
    def median(items, index):
        return statistics.median(item[index] for item in items)

    upload, copy = median(r["uploads"], 0), median(r["copies"], 0)
    upload_disk, copy_disk = median(r["uploads"], 1), median(r["copies"], 1)
    growth = (max(r["hwm_after"], r["rss_peak"]) - r["rss_before"]) / 1024
    return [
        ("upload, each (s)", "  ".join(f"{t:.2f}" for t, _ in r["uploads"])),
        ("shutil.copyfile, each (s)", "  ".join(f"{t:.2f}" for t, _ in r["copies"])),
        ("upload, median", f"{upload:.2f} s = {mib / upload:.0f} MiB/s"),
        ("copy, median", f"{copy:.2f} s = {mib / copy:.0f} MiB/s"),
        ("RATIO upload/copy (goal >= 0.5)", f"{copy / upload:.2f}"),
        ("upload until synced, median", f"{upload_disk:.2f} s"),
        ("copy until synced, median", f"{copy_disk:.2f} s"),
        ("ratio until synced", f"{copy_disk / upload_disk:.2f}"),
        ("worker CPU per upload", f"{r['cpu']:.2f} s"),
        ("worker VmRSS before", f"{r['rss_before'] / 1024:.1f} MiB"),
        ("worker VmRSS peak (sampled)", f"{r['rss_peak'] / 1024:.1f} MiB"),
        ("worker VmHWM after", f"{r['hwm_after'] / 1024:.1f} MiB"),
        ("PEAK GROWTH (goal < 64 MiB)", f"{growth:.1f} MiB"),
    ]


def report(result: dict, size: int, rounds: int) -> None:
    print(f"{size / MIB:.0f} MiB file, {rounds} uploads, 1 gunicorn sync worker")
    rows = rows_for(result, size / MIB)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    report(run(args.size_mib * MIB, args.rounds), args.size_mib * MIB, args.rounds)


if __name__ == "__main__":
    main()
