"""How fast and how well the judge-assignment engine staffs a large round.

Builds, with a fixed seed, 2,000 judges from 40 institutions (50 each) and N works whose authors
come from 1 to 3 of those institutions plus others, so that about 5 % of (judge, work) pairs
conflict by institution. Expertise: 6 subjects × 3 stages; each judge holds 1–3 subjects and
1–2 stages; each work needs its category's subject and stage. Runs `assign` with k = 3 under
"ignore", "require" and "prefer" for 10,000 and 100,000 works, and checks the plan
independently: loads, conflicts (every pair checked against the institutions, the only kind
of conflict here), staffing, co-review pairs. Wall and CPU seconds are both shown: on a shared
machine the CPU time is the steadier figure, and the size ratio uses it. Run from the project
root:

    .venv/bin/python benchmarks/bench_assignment.py

Columns: spread = max − min load over all judges; group spread = the largest max − min within
a group of judges who may judge the same works; short = works with other than k judges,
counted from the pairs; unstaffed = works the plan reports as short; max pair = the most works
two judges share, and ideal a lower bound on it (per category, its pairs of judges over the
pairs its eligible judges can form); conflicting = share of all (judge, work) pairs that
conflict; avoided = the plan's `conflicts_avoided`.

About half a minute. Goal: 100,000 works in under 10 s, 0 conflicts, load spread ≤ 1 within each
group of judges with the same eligibility.
"""

import math
import random
import sys
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from judging.assignment import Judge, Rules, Work, assign

SEED = 20140601
JUDGES = 2_000
INSTITUTIONS = 40
SUBJECTS = [f"subject:{name}" for name in ("chinese", "math", "english", "physics", "art", "it")]
STAGES = [f"stage:{name}" for name in ("primary", "junior", "senior")]
K = 3
SIZES = (10_000, 100_000)
MODES = ("ignore", "require", "prefer")


def make_judges(rng: random.Random) -> list[Judge]:
    return [
        Judge(
            id=j,
            institution=j % INSTITUTIONS,
            expertise=frozenset(rng.sample(SUBJECTS, rng.randint(1, 3)))
            | frozenset(rng.sample(STAGES, rng.randint(1, 2))),
        )
        for j in range(JUDGES)
    ]


def make_works(rng: random.Random, count: int) -> list[Work]:
    works = []
    for w in range(count):
        shared = rng.sample(range(INSTITUTIONS), rng.randint(1, 3))
        others = [1_000 + rng.randrange(5_000) for _ in range(rng.randint(0, 2))]
        needs = frozenset({rng.choice(SUBJECTS), rng.choice(STAGES)})
        works.append(Work(id=w, institutions=frozenset(shared + others), needs=needs))
    return works


def measure(judges: list[Judge], works: list[Work], mode: str) -> dict:
    started, cpu_started = time.perf_counter(), time.process_time()
    plan = assign(judges, works, Rules(k=K, expertise=mode, seed=SEED))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    judge_by_id = {judge.id: judge for judge in judges}
    work_by_id = {work.id: work for work in works}
    violated = sum(
        judge_by_id[j].institution in work_by_id[w].institutions for j, w in plan.assignments
    )
    panels: dict[int, list[int]] = {}
    for j, w in plan.assignments:
        panels.setdefault(w, []).append(j)
    pairs = Counter(pair for panel in panels.values() for pair in combinations(sorted(panel), 2))
    return {
        "mode": mode,
        "works": len(works),
        "seconds": seconds,
        "cpu": cpu,
        "spread": _spread(plan.load.values()),
        "group spread": _group_spread(judges, works, plan.load, mode),
        "conflicts": violated,
        "short": sum(len(panels.get(work.id, ())) != K for work in works),
        "unstaffed": len(plan.unstaffed),
        "fallbacks": len(plan.fallbacks),
        "max pair": max(pairs.values()),
        "ideal": _ideal(judges, works, mode),
        "conflicting": _conflicting(judges, works),
        "avoided": plan.conflicts_avoided,
    }


def _conflicting(judges, works) -> float:
    """The share of all (judge, work) pairs that conflict by institution."""
    per_institution = Counter(judge.institution for judge in judges)
    pairs = sum(per_institution[i] for work in works for i in work.institutions)
    return pairs / (len(judges) * len(works))


def _spread(loads) -> int:
    loads = list(loads)
    return max(loads) - min(loads)


def _eligibility(judge: Judge, categories: list[frozenset[str]], mode: str) -> tuple:
    """Judges with the same key may judge the same works: interchangeable."""
    return () if mode == "ignore" else tuple(needs <= judge.expertise for needs in categories)


def _group_spread(judges, works, load, mode) -> int:
    categories = sorted({work.needs for work in works}, key=sorted)
    groups: dict[tuple, list[int]] = {}
    for judge in judges:
        groups.setdefault(_eligibility(judge, categories, mode), []).append(load[judge.id])
    return max(max(loads) - min(loads) for loads in groups.values())


def _ideal(judges, works, mode) -> int:
    """A lower bound on the busiest pair: per category, its pairs of judges over the pairs its
    eligible judges can form (the whole panel when expertise is ignored or only preferred)."""
    if mode != "require":
        return math.ceil(len(works) * math.comb(K, 2) / math.comb(len(judges), 2))
    per_category = Counter(work.needs for work in works)
    return max(
        math.ceil(
            count
            * math.comb(K, 2)
            / math.comb(sum(needs <= judge.expertise for judge in judges), 2)
        )
        for needs, count in per_category.items()
    )


COLUMNS = (  # name, width, format
    ("mode", 8, "<"),
    ("works", 8, ">,"),
    ("seconds", 8, ">.2f"),
    ("cpu", 6, ">.2f"),
    ("spread", 7, ">"),
    ("group spread", 13, ">"),
    ("conflicts", 10, ">"),
    ("short", 6, ">"),
    ("unstaffed", 10, ">"),
    ("fallbacks", 10, ">"),
    ("max pair", 9, ">"),
    ("ideal", 6, ">"),
    ("conflicting", 12, ">.2%"),
    ("avoided", 10, ">,"),
)


def main() -> None:
    rng = random.Random(SEED)
    judges = make_judges(rng)
    instances = {size: make_works(rng, size) for size in SIZES}
    print(" ".join(f"{name:{align[0]}{width}}" for name, width, align in COLUMNS))
    rows = []
    for mode in MODES:
        for size in SIZES:
            row = measure(judges, instances[size], mode)
            rows.append(row)
            cells = (f"{row[name]:{spec[0]}{width}{spec[1:]}}" for name, width, spec in COLUMNS)
            print(" ".join(cells), flush=True)
    print()
    for mode in MODES:
        small, large = (row["cpu"] for row in rows if row["mode"] == mode)
        print(f"{mode}: 100,000 works take {large / small:.1f}× the CPU time of 10,000")


if __name__ == "__main__":
    main()
