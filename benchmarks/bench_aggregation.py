"""The whole aggregation of a large round against only reading its rows.

Builds a scratch SQLite database (and, when DATABASE_URL points to PostgreSQL, uses that
database too: the tables get a throwaway contest that is deleted afterwards) with one closed
round of 100,000 works × 5 submitted sheets × 6 criteria among 2,000 judges (each with a
leniency, so the methods differ), inserted with raw multi-row statements. Then, in turn:

- read: the same sheet and score rows read with a raw SQL cursor (fetchall), nothing else;
- aggregate: `snapshot_freeze` — read through the selectors, every method, ranking with a
  tie-break, the input hash, and the 100,000-entry snapshot written — then unfrozen (untimed).

Reports the median of 3 runs of each, their ratio (goal ≤ 2.0) and the peak memory of one
aggregation (tracemalloc, Python and numpy allocations) next to the process's maximum RSS.
Run from the project root:

    .venv/bin/python benchmarks/bench_aggregation.py [--works 100000]

About two minutes on SQLite, most of it building the data.
"""

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHEETS = 5
CRITERIA = 6
JUDGES = 2_000
RUNS = 3
GOAL = 2.0
BATCH = 5_000


def configure(directory: str) -> str:
    """Settings on the scratch SQLite database unless DATABASE_URL is PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    engine = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    if engine == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        PRIVATE_MEDIA_ROOT=f"{directory}/private",
        ALLOWED_HOSTS="testserver",
        HUEY_FILENAME=f"{directory}/huey.sqlite3",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return engine


def insert(model, fields: list[str], rows) -> None:
    """Raw multi-row INSERTs (COPY on PostgreSQL) of tuples in `fields` order."""
    from django.db import connection

    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    mark = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(model._meta.db_table)
    rows = list(rows)
    step = max(1, min(BATCH, 30_000 // len(fields)))  # stay under parameter limits
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            values = ", ".join([mark] * len(chunk))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608
            cursor.execute(sql, [value for row in chunk for value in row])


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def seed(works: int, seed_value: int = 7):
    """A contest with one closed round of `works` works, each scored by SHEETS judges."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from contest.models import Category, Contest, User, Work
    from judging.models import Criterion, Round, RoundWork, Rubric

    rng = np.random.default_rng(seed_value)
    now = timezone.now()
    slug = f"bench-aggregation-{int(time.time())}"
    contest = Contest.objects.create(title=slug, slug=slug, year=2026, phase="judging")
    categories = Category.objects.bulk_create(
        Category(contest=contest, code=f"c{i}", name=f"类别{i}") for i in range(20)
    )
    unusable = make_password(None)
    first_user = _next_id(User)
    insert(
        User,
        [
            "id",
            "email",
            "real_name",
            "phone",
            "password",
            "is_staff",
            "is_active",
            "is_superuser",
            "date_joined",
            "language",
        ],
        (
            (
                first_user + i,
                f"u{i}@{slug}.example.cn",
                f"评委{i}",
                "",
                unusable,
                False,
                True,
                False,
                now,
                "zh-hans",
            )
            for i in range(JUDGES + 1)
        ),
    )
    entrant, judges = first_user, np.arange(first_user + 1, first_user + 1 + JUDGES)
    first_work = _next_id(Work)
    work_ids = np.arange(first_work, first_work + works)
    category_of = rng.integers(0, len(categories), works)
    insert(
        Work,
        [
            "id",
            "contest",
            "category",
            "entrant",
            "title",
            "summary",
            "supervisor_name",
            "supervisor_institution",
            "anonymous_code",
            "status",
            "status_reason",
            "created_at",
            "updated_at",
        ],
        (
            (
                int(w),
                contest.pk,
                categories[int(c)].pk,
                entrant,
                f"作品{i}",
                "",
                "",
                "",
                f"B{i:08d}",
                "accepted",
                "",
                now,
                now,
            )
            for i, (w, c) in enumerate(zip(work_ids, category_of, strict=True))
        ),
    )
    rubric = Rubric.objects.create(contest=contest, name="评分标准")
    criteria = Criterion.objects.bulk_create(
        Criterion(rubric=rubric, name=f"项{i}", max_points=20, step="0.5", order=i)
        for i in range(CRITERIA)
    )
    round_ = Round.objects.create(
        contest=contest,
        name="初评",
        rubric=rubric,
        state="closed",
        judges_per_work=SHEETS,
        opens_at=now - dt.timedelta(days=9),
        closes_at=now - dt.timedelta(days=1),
    )
    insert(
        RoundWork,
        ["round", "work", "extra_judges", "added_at"],
        ((round_.pk, int(w), 0, now) for w in work_ids),
    )
    _sheets(round_, work_ids, judges, criteria, rng, now)
    return round_


def _sheets(round_, work_ids, judges, criteria, rng, now) -> None:
    """SHEETS distinct judges per work (random start, fixed stride); values = quality +
    leniency + noise, on the 0.5 step within [0, 20]."""
    from judging.models import Assignment, Score, ScoreSheet

    n = len(work_ids)
    start = rng.integers(0, len(judges), n)
    picks = (start[:, None] + np.arange(SHEETS)[None, :] * 389) % len(judges)
    quality = rng.normal(14, 2.5, n)
    leniency = rng.normal(0, 1.5, len(judges))
    base = quality[:, None] + leniency[picks]
    values = base[:, :, None] + rng.normal(0, 1.0, (n, SHEETS, len(criteria)))
    values = np.clip(np.round(values * 2) / 2, 0, 20)
    first = _next_id(Assignment)
    ids = first + np.arange(n * SHEETS)
    works = np.repeat(work_ids, SHEETS)
    judge_ids = judges[picks].ravel()
    insert(
        Assignment,
        [
            "id",
            "round",
            "work",
            "judge",
            "state",
            "recusal_reason",
            "played_seconds",
            "resume_at",
            "created_at",
            "updated_at",
        ],
        (
            (int(a), round_.pk, int(w), int(j), "submitted", "", 0, 0, now, now)
            for a, w, j in zip(ids, works, judge_ids, strict=True)
        ),
    )
    totals = values.sum(axis=2).ravel()
    insert(
        ScoreSheet,
        ["id", "assignment", "state", "total", "version", "submitted_at", "updated_at"],
        (
            (int(a), int(a), "submitted", f"{t:.2f}", 1, now, now)
            for a, t in zip(ids, totals, strict=True)
        ),
    )
    crit = np.array([c.pk for c in criteria])
    flat = values.reshape(n * SHEETS, len(criteria))
    insert(
        Score,
        ["sheet", "criterion", "value", "comment"],
        (
            (int(ids[i]), int(crit[c]), f"{flat[i, c]:.1f}", "")
            for i in range(len(ids))
            for c in range(len(criteria))
        ),
    )


def read_only(round_) -> int:
    """The baseline: the rows the aggregation reads (the selectors' queries: each submitted
    sheet with its work, judge and total; each of their scores by sheet id), with a raw
    cursor and fetchall, nothing converted or computed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, a.work_id, a.judge_id, s.total FROM judging_scoresheet s"
            " JOIN judging_assignment a ON a.id = s.assignment_id"
            " WHERE a.round_id = %s AND a.state = 'submitted' AND s.state = 'submitted'",
            [round_.pk],
        )
        sheets = cursor.fetchall()
        cursor.execute(
            "SELECT c.sheet_id, c.criterion_id, c.value FROM judging_score c"
            " JOIN judging_scoresheet s ON s.id = c.sheet_id"
            " JOIN judging_assignment a ON a.id = s.assignment_id"
            " WHERE a.round_id = %s AND a.state = 'submitted' AND s.state = 'submitted'",
            [round_.pk],
        )
        scores = cursor.fetchall()
    return len(sheets) + len(scores)


def aggregate(round_, actor) -> None:
    from results.services.snapshots import snapshot_freeze

    snapshot_freeze(round=round_, actor=actor)


def undo(round_) -> None:
    from results.services.snapshots import snapshot_unfreeze

    snapshot_unfreeze(round=round_)


def _timed(func, *args) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call (CPU time is steadier on a shared machine and,
    on SQLite, includes the database's own work, which runs in this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    func(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(round_, actor) -> dict:
    """Median wall and CPU seconds of read-only and of aggregation (interleaved)."""
    runs: dict[str, list[tuple[float, float]]] = {"read": [], "aggregate": []}
    for _ in range(RUNS):
        runs["read"].append(_timed(read_only, round_))
        runs["aggregate"].append(_timed(aggregate, round_, actor))
        undo(round_)
    return {
        name: tuple(statistics.median(t[i] for t in times) for i in (0, 1))
        for name, times in runs.items()
    }


def peak_memory(round_, actor) -> float:
    """MiB: the peak of traced allocations during one aggregation."""
    tracemalloc.start()
    aggregate(round_, actor)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    undo(round_)
    return peak / 2**20


def cleanup(round_) -> None:
    """On PostgreSQL, remove the throwaway contest (the SQLite file goes with its folder)."""
    from django.db import connection

    from contest.models import User

    if connection.vendor == "sqlite":
        return
    contest = round_.contest
    with connection.cursor() as cursor:
        for sql in (
            "DELETE FROM judging_score WHERE sheet_id IN (SELECT s.id FROM judging_scoresheet s"
            " JOIN judging_assignment a ON a.id = s.assignment_id WHERE a.round_id = %s)",
            "DELETE FROM judging_scoresheet WHERE assignment_id IN"
            " (SELECT id FROM judging_assignment WHERE round_id = %s)",
            "DELETE FROM judging_assignment WHERE round_id = %s",
            "DELETE FROM judging_roundwork WHERE round_id = %s",
        ):
            cursor.execute(sql, [round_.pk])
    round_.delete()
    contest.works.all()._raw_delete(using="default")
    contest.delete()
    User.objects.filter(email__endswith=f"@{contest.slug}.example.cn")._raw_delete(using="default")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--works", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        engine = configure(directory)
        from contest.models import User

        start = time.perf_counter()
        round_ = seed(args.works)
        print(
            f"{engine}: built {args.works:,} works × {SHEETS} sheets × {CRITERIA} criteria"
            f" in {time.perf_counter() - start:.0f} s"
        )
        actor = User.objects.get(email=f"u0@{round_.contest.slug}.example.cn")
        try:
            rows = read_only(round_)
            times = measure(round_, actor)
            peak = peak_memory(round_, actor)
        finally:
            cleanup(round_)
    (read, read_cpu), (whole, whole_cpu) = times["read"], times["aggregate"]
    ratio, ratio_cpu = whole / read, whole_cpu / read_cpu
    verdict = "met" if ratio <= GOAL else "MISSED"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"read only (raw cursor, {rows:,} rows): {read:6.2f} s wall, {read_cpu:6.2f} s CPU")
    print(f"whole aggregation (freeze):        {whole:6.2f} s wall, {whole_cpu:6.2f} s CPU")
    print(f"ratio {ratio:.2f} wall (goal ≤ {GOAL}: {verdict}), {ratio_cpu:.2f} CPU")
    print(f"peak traced memory of one aggregation {peak:.0f} MiB; process max RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
