"""Exporting a 100,000-row ranking to Excel: time against openpyxl alone, and memory.

Builds a scratch SQLite database with a frozen round of N works in 10 categories (each its own
pool), every work with 3 judges' totals, the five methods' scores and one co-author in three.
Then, interleaved, REPEAT times each:

- ours: the "ranking" exporter written by `write_xlsx`, from the database query to the saved
  file (an all-categories sheet and one sheet per category, styled header, number formats);
- openpyxl: a write-only workbook with the same sheets and the same rows, appended as plain
  values from a list prepared beforehand (not timed).

Reports the median wall and CPU times and their ratios (goal ≤ 1.5; CPU time is the steadier on
a shared machine), and the peak growth of the process's
resident memory during our export (goal < 150 MiB), sampled every 5 ms in a fresh process on
the same database. Run from the project root:

    .venv/bin/python benchmarks/bench_export.py [--works 100000] [--repeat 3]

Three to five minutes, most of it building the data.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATEGORIES = 10
JUDGES = 3
BATCH = 5_000
TIME_GOAL = 1.5
MEMORY_GOAL_MIB = 150


def configure(directory: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=f"sqlite:///{directory}/bench.sqlite3",
        PRIVATE_MEDIA_ROOT=f"{directory}/private",
        ALLOWED_HOSTS="testserver",
        HUEY_FILENAME=f"{directory}/huey.sqlite3",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def seed(size: int):
    """A contest with a frozen round of `size` works and its snapshot; returns the round."""
    import datetime as dt

    from django.utils import timezone

    from contest.models import Category, CoAuthor, Contest, Institution, Work
    from judging.models import Round, Rubric
    from results.models import ResultSnapshot

    contest = Contest.objects.create(title="bench", slug="bench", year=2026, phase="results")
    categories = Category.objects.bulk_create(
        Category(contest=contest, code=f"c{i}", name=f"初中·学科{i}·教师组", order=i)
        for i in range(CATEGORIES)
    )
    institutions = Institution.objects.bulk_create(
        Institution(name=f"第{i}实验中学", kind="senior", province="33", city="杭州市")
        for i in range(200)
    )
    entrants = _people(size, institutions)
    works = Work.objects.bulk_create(
        (
            Work(
                contest=contest,
                category=categories[i % CATEGORIES],
                entrant=entrant,
                title=f"勾股定理的证明与应用{i}",
                anonymous_code=f"B{i:07d}",
                status="accepted",
            )
            for i, entrant in enumerate(entrants)
        ),
        batch_size=BATCH,
    )
    CoAuthor.objects.bulk_create(
        (
            CoAuthor(work=work, name="欧阳燚", institution="杭州市犇鑫实验学校")
            for work in works[::3]
        ),
        batch_size=BATCH,
    )
    now = timezone.now()
    round_ = Round.objects.create(
        contest=contest,
        name="初评",
        rubric=Rubric.objects.create(contest=contest, name="评分标准"),
        state="frozen",
        opens_at=now - dt.timedelta(days=20),
        closes_at=now - dt.timedelta(days=1),
    )
    pools = [
        {"key": f"category-{c.pk}", "name": c.name, "pool": None, "categories": [c.pk]}
        for c in categories
    ]
    snapshot = ResultSnapshot.objects.create(
        round=round_,
        method="mean",
        recommended_method="mean",
        input_hash="0" * 64,
        params={"pools": pools, "methods": list(_METHODS)},
        work_count=size,
    )
    _entries(snapshot, works)
    return round_


_METHODS = ("mean", "trimmed_mean", "median", "zscore_calibrated", "judge_bias_model")


def _people(count: int, institutions):
    from django.contrib.auth.hashers import make_password

    from contest.models import User

    unusable = make_password(None)
    return User.objects.bulk_create(
        (
            User(
                email=f"entrant{i}@bench.example.cn",
                real_name=f"王喆{i}",
                institution=institutions[i % len(institutions)],
                password=unusable,
            )
            for i in range(count)
        ),
        batch_size=BATCH,
    )


def _entries(snapshot, works) -> None:
    from results.models import SnapshotEntry

    per_category: dict[int, int] = {}
    rows = []
    for i, work in enumerate(works):
        rank = per_category[work.category_id] = per_category.get(work.category_id, 0) + 1
        score = 95 - rank * 0.0005 - (i % 7) * 0.01
        totals = [
            {"judge": 1000 + j, "total": round(score + j - 1, 2), "counted": True}
            for j in range(JUDGES)
        ]
        rows.append(
            SnapshotEntry(
                snapshot=snapshot,
                work=work,
                pool_key=f"category-{work.category_id}",
                category_id=work.category_id,
                rank=rank,
                score=Decimal(str(round(score, 4))),
                method_scores={m: round(score + k * 0.1, 4) for k, m in enumerate(_METHODS)},
                judge_totals=totals,
                sheet_count=JUDGES,
            )
        )
    SnapshotEntry.objects.bulk_create(rows, batch_size=BATCH)


def exporter_for(round_):
    from reports.exporters.base import Filters, exporter_class

    return exporter_class("ranking")(round_.contest, Filters(round=round_))


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    """(wall, CPU) seconds since `start`: CPU time is what other processes' load cannot
    inflate on a shared machine."""
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def ours(round_) -> tuple[float, float]:
    from reports.exporters.writers import write_xlsx

    with tempfile.TemporaryFile() as out:
        start = _clock()
        write_xlsx(exporter_for(round_), out)
        return _since(start)


def openpyxl_alone(header: list[str], rows: list, split: int) -> tuple[float, float]:
    """The same sheets and rows, appended as plain values from a prepared list."""
    from openpyxl import Workbook

    with tempfile.TemporaryFile() as out:
        start = _clock()
        book = Workbook(write_only=True)
        everything = book.create_sheet("all")
        everything.append(header)
        sheets = {}
        for row in rows:
            everything.append(row)
            key = row[split]
            if key not in sheets:
                sheets[key] = book.create_sheet(f"s{len(sheets)}")
                sheets[key].append(header)
            sheets[key].append(row)
        book.save(out)
        return _since(start)


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_growth(func) -> int:
    """How far the resident memory rose above its level at the start while `func` ran,
    sampled every 5 ms (run it in a fresh process: memory freed earlier would hide growth)."""
    base = rss()
    peak = base
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        func()
    finally:
        done.set()
        sampler.join()
    return max(peak, rss()) - base


def measure_memory(directory: str) -> None:
    """In a fresh process on the seeded database: print the export's peak memory growth."""
    configure(directory)
    from django.utils import translation

    from contest.models import Contest
    from judging.models import Round
    from reports.exporters import catalogue  # noqa: F401 -- imported before measuring

    translation.activate("zh-hans")
    round_ = Round.objects.select_related("contest").get(contest=Contest.objects.get())
    print(peak_growth(lambda: ours(round_)))


def memory_in_child(directory: str) -> int:
    import subprocess

    child = subprocess.run(  # noqa: S603 (our own script, our own arguments)
        [sys.executable, __file__, "--memory", directory],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(child.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", help=argparse.SUPPRESS)  # the child process's database
    args = parser.parse_args()
    if args.memory:
        measure_memory(args.memory)
        return
    with tempfile.TemporaryDirectory() as directory:
        configure(directory)
        from django.utils import translation

        translation.activate("zh-hans")
        start = time.perf_counter()
        round_ = seed(args.works)
        print(f"seeded {args.works:,} works in {time.perf_counter() - start:.0f} s")
        growth = memory_in_child(directory)  # also warms the database's cache
        exporter = exporter_for(round_)
        header = [str(column.header) for column in exporter.columns()]
        rows = [list(row) for row in exporter.rows()]
        mine, theirs = [], []
        for _ in range(args.repeat):
            mine.append(ours(round_))
            theirs.append(openpyxl_alone(header, rows, exporter.split_column))
        report(len(rows), len(header), growth, mine, theirs)


def report(rows: int, columns: int, growth: int, mine: list, theirs: list) -> None:
    mib = growth / 2**20
    print(f"rows {rows:,} × {columns} columns, written twice (all + per category)")
    print(f"{'':28}{'median s':>10}  runs (wall / CPU)")
    ratios = []
    for which, label in ((0, "wall"), (1, "CPU")):
        ours_s = statistics.median(t[which] for t in mine)
        base_s = statistics.median(t[which] for t in theirs)
        ratios.append((label, ours_s / base_s))
        runs = ", ".join(f"{t[which]:.2f}" for t in mine)
        print(f"{'ours (query + write), ' + label:28}{ours_s:10.2f}  {runs}")
        runs = ", ".join(f"{t[which]:.2f}" for t in theirs)
        print(f"{'openpyxl alone, ' + label:28}{base_s:10.2f}  {runs}")
    for label, ratio in ratios:
        verdict = "met" if ratio <= TIME_GOAL else "MISSED"
        print(f"time ratio ({label}) {ratio:.2f} (goal ≤ {TIME_GOAL}): {verdict}")
    print(
        f"peak memory growth {mib:.0f} MiB (goal < {MEMORY_GOAL_MIB}): "
        f"{'met' if mib < MEMORY_GOAL_MIB else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
