"""Whether a judge's pages slow down as the round grows: the scoring page and the queue
endpoint (and the queue page) at 1,000 and at 100,000 works in the round.

Builds a scratch SQLite database with two contests side by side, each with one open round of
N works (a ready video and a design document each), 3 judges per work and the same load for
every judge (150 works), so only the size of the round differs. Then, as one judge of each
round, requests each URL through Django's test client (the full middleware stack) and reports
the median server time of 30 requests, the query count, and the ratio 100,000 / 1,000. Run
from the project root:

    .venv/bin/python benchmarks/bench_judge_pages.py

Three to five minutes, most of it building the data. Goal: ratio ≤ 1.2.
"""

import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (1_000, 100_000)
K = 3
LOAD = 150
REQUESTS = 30
GOAL = 1.2
BATCH = 5_000


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
    """A contest with an open round of `size` works; returns (the first judge, the round)."""
    import datetime as dt

    from django.utils import timezone

    from contest.models import Category, Contest, ContestRole, Institution, User, Work
    from judging.models import Criterion, PanelMember, Round, RoundWork, Rubric

    slug = f"bench-{size}"
    contest = Contest.objects.create(title=slug, slug=slug, year=2026, phase="judging")
    category = Category.objects.create(contest=contest, code="c", name="初中·数学·教师组")
    institutions = Institution.objects.bulk_create(
        Institution(name=f"{slug}-学校{i}", kind="senior", province="33", city="杭州市")
        for i in range(100)
    )
    entrants = _people(slug, "entrant", size, institutions)
    works = Work.objects.bulk_create(
        (
            Work(
                contest=contest,
                category=category,
                entrant=entrant,
                title=f"作品{i}",
                anonymous_code=f"B{i:07d}",
                status="accepted",
            )
            for i, entrant in enumerate(entrants)
        ),
        batch_size=BATCH,
    )
    _media(works)
    rubric = Rubric.objects.create(contest=contest, name="评分标准")
    for order, name in enumerate(("教学设计", "内容", "技术", "创新", "效果")):
        Criterion.objects.create(rubric=rubric, name=name, max_points=Decimal(20), order=order)
    now = timezone.now()
    round_ = Round.objects.create(
        contest=contest,
        name="初评",
        rubric=rubric,
        state="open",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=14),
    )
    RoundWork.objects.bulk_create(
        (RoundWork(round=round_, work=work) for work in works), batch_size=BATCH
    )
    judges = _people(slug, "judge", size * K // LOAD, institutions)
    ContestRole.objects.bulk_create(
        ContestRole(contest=contest, user=judge, role="judge") for judge in judges
    )
    PanelMember.objects.bulk_create(
        PanelMember(contest=contest, user=judge, max_load=LOAD) for judge in judges
    )
    _assign(round_, works, judges)
    return User.objects.get(pk=judges[0].pk), round_


def _people(slug: str, kind: str, count: int, institutions):
    from django.contrib.auth.hashers import make_password

    from contest.models import User

    unusable = make_password(None)
    return User.objects.bulk_create(
        (
            User(
                email=f"{kind}{i}@{slug}.example.cn",
                real_name=f"{kind}{i}",
                institution=institutions[i % len(institutions)],
                password=unusable,
            )
            for i in range(count)
        ),
        batch_size=BATCH,
    )


def _media(works) -> None:
    from contest.models import Attachment, VideoAsset

    common = {"size": 1, "sha256": "0" * 64, "state": "ready", "is_current": True}
    VideoAsset.objects.bulk_create(
        (
            VideoAsset(
                work=work,
                file=f"videos/{work.pk}",
                blind_file=f"blind/{work.pk}.mp4",
                poster_file=f"posters/{work.pk}.jpg",
                duration=Decimal(420),
                blind_duration=Decimal(415),
                **common,
            )
            for work in works
        ),
        batch_size=BATCH,
    )
    Attachment.objects.bulk_create(
        (
            Attachment(
                work=work,
                kind="design",
                doc_type="pdf",
                file=f"attachments/{work.pk}",
                sanitised_file=f"sanitised/{work.pk}",
                **common,
            )
            for work in works
        ),
        batch_size=BATCH,
    )


def _assign(round_, works, judges) -> None:
    """Work i goes to judges i, i+1, i+2 (modulo the panel): every judge gets LOAD works."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    rows = [
        (round_.pk, work.pk, judges[(i + r) % len(judges)].pk, "pending", "", "0", "0", now, now)
        for i, work in enumerate(works)
        for r in range(K)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO judging_assignment (round_id, work_id, judge_id, state, recusal_reason,"
            " played_seconds, resume_at, created_at, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def urls(judge, round_) -> dict[str, str]:
    from django.urls import reverse

    from judging.models import Assignment

    first = Assignment.objects.filter(round=round_, judge=judge).order_by("pk").first()
    return {
        "scoring page": reverse("judge_score", args=[first.pk]),
        "queue endpoint": reverse("api-judge-queue", args=[round_.pk]),
        "queue page": reverse("judge_queue", args=[round_.pk]),
    }


def measure(targets: list[tuple]) -> list[tuple[float, int]]:
    """For each (client, url): the median milliseconds of REQUESTS requests, made in turn with
    the other targets' so that all see the same load on the machine, and the query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for client, url in targets:
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))  # now: later requests clear the connection's log
    times: list[list[float]] = [[] for _ in targets]
    for _ in range(REQUESTS):
        for (client, url), spent in zip(targets, times, strict=True):
            start = time.perf_counter()
            client.get(url)
            spent.append((time.perf_counter() - start) * 1000)
    return [(statistics.median(spent), n) for spent, n in zip(times, counts, strict=True)]


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        configure(directory)
        from django.test import Client

        targets = {}
        for size in SIZES:
            start = time.perf_counter()
            judge, round_ = seed(size)
            print(f"built a round of {size:,} works in {time.perf_counter() - start:.0f} s")
            client = Client()
            client.force_login(judge)
            for name, url in urls(judge, round_).items():
                targets.setdefault(name, []).append((client, url))
        results = {}
        for name, pair in targets.items():
            for size, result in zip(SIZES, measure(pair), strict=True):
                results[name, size] = result
    _report(results)


def _report(results: dict) -> None:
    small, big = SIZES
    print(f"\n{'':16}{small:>10,} works{big:>12,} works{'ratio':>8}  queries")
    for name in dict.fromkeys(key[0] for key in results):
        (t_small, q_small), (t_big, q_big) = results[name, small], results[name, big]
        ratio = t_big / t_small
        verdict = "met" if ratio <= GOAL else "MISSED"
        print(
            f"{name:16}{t_small:>13.1f} ms{t_big:>15.1f} ms{ratio:>8.2f}  {q_small} → {q_big}"
            f"  (goal ≤ {GOAL}: {verdict})"
        )


if __name__ == "__main__":
    main()
