"""After the load test: is every write the simulated people were told succeeded in the database
exactly once, and nothing else?

    check.py STATE.json RECORD.json

STATE.json (prepare.py) holds the last revision and video ids before the run; RECORD.json is
what the locustfile was told.

Checks: every confirmed submit is a submitted sheet with exactly one "submit" revision, and no
submit happened that was not confirmed (a duplicate); every confirmed autosave is exactly one
"save" revision (none lost, none doubled); every sheet's revision numbers are 1..version
without gaps or repeats; no assignment has two sheets; every confirmed upload is one video row,
and the worker processed them (waits up to --wait seconds for it). Exits 1 when a check fails.
"""

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.loadtest.settings")

import django

django.setup()

from django.db.models import Count, F, Max, Min  # noqa: E402

from contest.models import VideoAsset  # noqa: E402
from judging.models import ScoreRevision, ScoreSheet  # noqa: E402


def verify(state_path: str, record_path: str, wait: float = 180) -> bool:
    state = json.loads(Path(state_path).read_text())
    record = json.loads(Path(record_path).read_text())
    unknown = {(kind, pk) for kind, pk in record["unknown"]}
    new = ScoreRevision.objects.filter(pk__gt=state["revision"])
    results = [
        _submits(new, record["submits"], unknown),
        _autosaves(new, record["autosaves"], unknown),
        _numbering(),
        _uploads(state["video"], record["uploads"], wait),
    ]
    print(f"  answers never received (outcome unknown): {len(unknown)}")
    return all(results)


def _line(ok: bool, text: str) -> bool:
    print(f"  {'PASS' if ok else 'FAIL'}  {text}")
    return ok


def _submits(new, confirmed: list[int], unknown: set) -> bool:
    made = Counter(
        new.filter(action=ScoreRevision.Action.SUBMIT).values_list(
            "sheet__assignment_id", flat=True
        )
    )
    wanted = Counter(confirmed)
    doubled = [pk for pk, n in wanted.items() if n > 1]
    lost = [pk for pk in wanted if made[pk] != 1]
    extra = [pk for pk in made if pk not in wanted and ("submit", pk) not in unknown]
    locked = ScoreSheet.objects.filter(
        assignment_id__in=list(wanted), state="submitted", assignment__state="submitted"
    ).count()
    ok = not (doubled or lost or extra) and locked == len(wanted)
    return _line(
        ok,
        f"submits: {len(wanted):,} confirmed, {sum(made.values()):,} in the database, "
        f"{len(lost)} lost, {len(extra)} unconfirmed extra, {len(doubled)} confirmed twice, "
        f"{locked:,} sheets submitted and locked",
    )


def _autosaves(new, confirmed: dict[str, int], unknown: set) -> bool:
    made = Counter(
        new.filter(action=ScoreRevision.Action.SAVE).values_list("sheet__assignment_id", flat=True)
    )
    wanted = {int(pk): n for pk, n in confirmed.items()}
    wrong = [
        pk
        for pk in set(wanted) | set(made)
        if made[pk] != wanted.get(pk, 0) and ("autosave", pk) not in unknown
    ]
    return _line(
        not wrong,
        f"autosaves: {sum(wanted.values()):,} confirmed, {sum(made.values()):,} save revisions "
        f"written, {len(wrong)} sheets where they differ",
    )


def _numbering() -> bool:
    """Over the whole database: revision numbers 1..version, each once, per sheet."""
    per_sheet = ScoreRevision.objects.values("sheet").annotate(
        n=Count("pk"), low=Min("number"), high=Max("number"), numbers=Count("number", distinct=True)
    )
    bad = per_sheet.exclude(low=1, numbers=F("n"), high=F("n"))
    versions = ScoreSheet.objects.annotate(n=Count("revisions")).exclude(version=F("n"))
    sheets = ScoreSheet.objects.values("assignment").annotate(n=Count("pk")).filter(n__gt=1)
    return _line(
        not (bad.exists() or versions.exists() or sheets.exists()),
        f"revision numbers: {bad.count()} sheets with gaps or repeats, {versions.count()} "
        f"whose version is not their revision count, {sheets.count()} assignments with two sheets",
    )


def _uploads(after: int, confirmed: list[str], wait: float) -> bool:
    videos = VideoAsset.objects.filter(pk__gt=after)
    deadline = time.monotonic() + wait
    while videos.filter(state__in=["uploaded", "processing"]).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(2)
    found = Counter(str(u) for u in videos.values_list("uuid", flat=True))
    missing = [u for u in confirmed if found[u] != 1]
    states = Counter(videos.values_list("state", flat=True))
    ok = not missing and len(found) == len(confirmed) and set(states) <= {"ready"}
    return _line(
        ok,
        f"uploads: {len(confirmed):,} confirmed, {len(found):,} stored, {len(missing)} missing; "
        f"states {dict(states)}",
    )


if __name__ == "__main__":
    sys.exit(0 if verify(sys.argv[1], sys.argv[2]) else 1)
