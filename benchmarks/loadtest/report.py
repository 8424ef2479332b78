"""The load test's figures from a results folder (run.sh calls it): per request kind the
throughput and latency percentiles, the logins, CPU per process and PostgreSQL's sessions.

    .venv/bin/python benchmarks/loadtest/report.py var/loadtest/<time>
"""

import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

GOAL_AUTOSAVE_P95_MS = 200


def requests_table(folder: Path) -> None:
    rows = list(csv.DictReader((folder / "locust_stats.csv").open(encoding="utf-8")))
    print(
        f"  {'request':<14} {'count':>7} {'errors':>6} {'req/s':>7}"
        f" {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}  (ms)"
    )
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"  {name:<14} {int(row['Request Count']):>7} {int(row['Failure Count']):>6}"
            f" {float(row['Requests/s']):>7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
            f" {float(row['Max Response Time']):>6.0f}"
        )
        if name == "autosave":
            p95 = float(row["95%"])
            verdict = "met" if p95 < GOAL_AUTOSAVE_P95_MS else "MISSED"
            print(f"  goal autosave p95 < {GOAL_AUTOSAVE_P95_MS} ms: {verdict}")
    failures = folder / "locust_failures.csv"
    if failures.exists():
        for row in csv.DictReader(failures.open(encoding="utf-8")):
            print(f"  error: {row['Name']} × {row['Occurrences']}: {row['Error'][:160]}")


def logins(folder: Path) -> None:
    record = json.loads((folder / "record.json").read_text())
    for name, entry in record.get("login", {}).items():
        print(
            f"  {name:<14} {entry['requests']:>7} {entry['failures']:>6}"
            f"   p50 {entry['p50_ms']} ms, p95 {entry['p95_ms']} ms, max {entry['max_ms']:.0f} ms"
        )
    seconds = record["measured_until"] - record["measured_from"]
    print(f"  measured for {seconds:.0f} s after the last login")


def cpu(folder: Path) -> None:
    """Mean %CPU per command over top's frames (the first frame, since boot, is skipped), and
    the machine's mean idle and I/O wait."""
    frames = (folder / "top.log").read_text(errors="replace").split("\ntop - ")[1:]
    per_command: dict[str, float] = defaultdict(float)
    idle, wait = [], []
    for frame in frames:
        found = re.search(r"([\d.]+) id,\s+([\d.]+) wa", frame)
        if found:
            idle.append(float(found.group(1)))
            wait.append(float(found.group(2)))
        for line in frame.splitlines():
            parts = line.split()
            if len(parts) >= 12 and parts[0].isdigit():
                per_command[parts[11]] += float(parts[8])
    if not frames:
        return
    count = len(frames)
    top = sorted(per_command.items(), key=lambda item: -item[1])[:6]
    listed = ", ".join(f"{name} {total / count:.0f} %" for name, total in top)
    print(f"  CPU (2 cores = 200 %): {listed}")
    if idle:
        print(
            f"  machine idle {sum(idle) / len(idle):.0f} %, I/O wait {sum(wait) / len(wait):.1f} %"
        )


def database(folder: Path) -> None:
    rows = [line.split("|") for line in (folder / "pg_activity.log").read_text().splitlines()]
    rows = [row for row in rows if len(row) == 4]
    if not rows:
        return
    active = [int(row[1]) for row in rows]
    locks = [int(row[2]) for row in rows]
    ungranted = [int(row[3]) for row in rows]
    print(
        f"  PostgreSQL sessions active: mean {sum(active) / len(active):.1f}, max {max(active)};"
        f" waiting on a lock: max {max(locks)}; ungranted locks: max {max(ungranted)}"
        f" ({len(rows)} samples)"
    )


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    requests_table(folder)
    logins(folder)
    cpu(folder)
    database(folder)
