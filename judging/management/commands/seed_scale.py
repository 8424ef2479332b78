"""`manage.py seed_scale`: a contest at full scale for benchmarks and load tests, in minutes.

Builds one contest with N accepted works (one entrant each), institutions, categories (subject
× stage), a rubric, an open round, a panel of judges, assignments from the real assignment
engine (k judges per work, a share of works with one or two extra judges; no judge from the
entrant's institution) and submitted score sheets for a share of the assignments, each with
its scores and its one "submit" revision. Optionally a second contest open for submissions
with draft works, for upload tests.

Rows go in by COPY on PostgreSQL and by executemany in large batches elsewhere (judging/
management/commands/_bulk.py): no model instances, no save(), no signals. The same arguments
and --seed give the same data. Works have no video: the judges' pages do not need one (they
say the video is not ready), and a placeholder would only pretend.
"""

import datetime as dt
import json
import time
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from contest.models import Category, Contest, ContestRole, Institution, Stage, Subject, User, Work
from contest.services.works import CODE_ALPHABET, CODE_LENGTH
from judging import assignment as engine
from judging.management.commands._bulk import Loader
from judging.models import (
    Assignment,
    Criterion,
    PanelMember,
    Round,
    RoundWork,
    Rubric,
    Score,
    ScoreRevision,
    ScoreSheet,
)

SUBJECTS = (("chinese", "语文"), ("math", "数学"), ("english", "英语"), ("physics", "物理"))
SUBJECTS += (("art", "美术"), ("it", "信息技术"))
STAGES = (("junior", "初中"), ("senior", "高中"))
CRITERIA = ("教学设计", "教学内容", "教学效果", "技术规范", "创新与特色")
MAX_POINTS, STEP = 20, 0.5
EMAIL_DOMAIN = "example.cn"


class Command(BaseCommand):
    help = (
        "Seed a contest of N works with judges, assignments and submitted score sheets in bulk "
        "(COPY on PostgreSQL). Refuses a database that already has contests unless --force."
    )

    def add_arguments(self, parser):
        arg = parser.add_argument
        arg("--works", type=int, default=100_000, help="works (one entrant each)")
        arg("--judges", type=int, default=2_000, help="judges on the panel")
        arg("--judges-per-work", type=int, default=3, help="k of the round (1–15)")
        arg("--extra-share", type=float, default=0.05, help="share of works with 1–2 extra judges")
        arg("--submitted", type=float, default=1.0, help="share of assignments submitted (0–1)")
        arg("--institutions", type=int, default=400)
        arg("--uploaders", type=int, default=0, help="entrants of a second, open contest")
        arg("--slug", default="scale", help="the contest's short name (must be new)")
        arg("--seed", type=int, default=0)
        arg("--password", default="", help="one known password for every account made")
        arg("--manifest", default="", help="write logins and ids to this JSON file")
        arg("--force", action="store_true", help="seed beside existing contests")

    def handle(self, *args, **o):
        self._check(o)
        started = time.perf_counter()
        with transaction.atomic():
            seeder = Seeder(o)
            manifest = seeder.run()
            committing = time.perf_counter()
        # PostgreSQL checks the (deferred) foreign keys of every row at the commit.
        commit = time.perf_counter() - committing
        total = time.perf_counter() - started
        for table, rows, seconds in seeder.loader.timings:
            rate = rows / seconds if seconds else 0
            self.stdout.write(f"  {table:<28} {rows:>10,} rows {seconds:8.2f} s {rate:>12,.0f}/s")
        for step, seconds in (
            ("ids reserved", seeder.loader.reserving),
            ("assignment engine, small rows", seeder.other),
            ("commit", commit),
        ):
            self.stdout.write(f"  {step:<28} {'':>15} {seconds:8.2f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {manifest['contest']} by {seeder.loader.method}: "
                f"{o['works']:,} works, {o['judges']:,} judges, "
                f"{manifest['assignments']:,} assignments, {manifest['submitted']:,} submitted "
                f"sheets in {total:.1f} s"
            )
        )
        if o["manifest"]:
            with open(o["manifest"], "w", encoding="utf-8") as out:
                json.dump(manifest, out, ensure_ascii=False, indent=1)

    def _check(self, o) -> None:
        if o["works"] < 1 or o["judges"] < 1 or not 1 <= o["judges_per_work"] <= 15:
            raise CommandError("Give at least one work and one judge, and k from 1 to 15.")
        if o["judges_per_work"] + 2 > o["judges"]:
            raise CommandError("The panel needs at least k + 2 judges.")
        if not (0 <= o["submitted"] <= 1 and 0 <= o["extra_share"] <= 1):
            raise CommandError("--submitted and --extra-share are shares from 0 to 1.")
        slugs = {o["slug"], f"{o['slug']}-open"}
        if Contest.objects.filter(slug__in=slugs).exists():
            raise CommandError(f"A contest called {o['slug']!r} exists already: choose --slug.")
        if Contest.objects.exists() and not o["force"]:
            raise CommandError(
                "This database has contests. seed_scale is for benchmark databases: "
                "use a new database, or --force to seed beside them."
            )
        if o["password"] and not settings.DEBUG and not o["force"]:
            raise CommandError("Accounts with a known password: run with DEBUG=1, or --force.")


class Seeder:
    """One run of the command; every random draw comes from one seeded generator."""

    def __init__(self, o: dict) -> None:
        self.o = o
        self.rng = np.random.default_rng(o["seed"])
        self.now = timezone.now().replace(microsecond=0)
        self.loader = Loader(self.now)
        password = o["password"] or None
        # One hash for all: hashing 100,000 passwords would take hours, and they are equal.
        self.password = make_password(password, salt="seedscale" if password else None)
        self.other = 0.0

    def _step(self, started: float) -> None:
        self.other += time.perf_counter() - started

    def run(self) -> dict:
        o, started = self.o, time.perf_counter()
        institutions = self._institutions()
        contest, categories, tags = self._contest()
        self._step(started)
        entrants = self._users("entrant", o["works"], institutions)
        judges = self._users("judge", o["judges"], institutions)
        works = self._works(contest, entrants, categories)
        round_, criteria = self._round(contest, categories)
        self._panel(contest, judges, tags)
        extra = self._round_works(round_, works)
        pairs = self._assign(round_, works, judges, extra)
        submitted = self._sheets(round_, pairs, criteria)
        uploads = self._uploaders(institutions) if o["uploaders"] else []
        return {
            "contest": contest.slug,
            "round": round_.pk,
            "judges": [f"judge{i:05d}@{contest.slug}.{EMAIL_DOMAIN}" for i in range(o["judges"])],
            "uploads": uploads,
            "password": o["password"],
            "assignments": len(pairs[0]),
            "submitted": submitted,
        }

    # --- People and places

    def _institutions(self) -> list[int]:
        count, slug = self.o["institutions"], self.o["slug"]
        made = Institution.objects.bulk_create(
            Institution(
                name=f"{slug}-学校{i:04d}", kind="senior", province="33", city=f"城市{i % 11}"
            )
            for i in range(count)
        )
        return [institution.pk for institution in made]

    def _users(self, kind: str, count: int, institutions: list[int]) -> np.ndarray:
        """`count` users `<kind><n>@<slug>.example.cn` spread over the institutions; returns
        their ids and (as .institution) their institutions' ids."""
        slug = self.o["slug"]
        ids = self.loader.reserve_ids(User, count)
        places = self.rng.integers(0, len(institutions), size=count)
        width = 6 if kind == "entrant" else 5
        rows = (
            (pk, f"{kind}{i:0{width}d}@{slug}.{EMAIL_DOMAIN}", f"{kind}{i}", institutions[place])
            for i, (pk, place) in enumerate(zip(ids, places.tolist(), strict=True))
        )
        self.loader.insert(
            User,
            ("id", "email", "real_name", "institution"),
            rows,
            password=self.password,
            email_verified_at=self.now,
            date_joined=self.now,
        )
        return np.array(ids), np.array(institutions)[places]

    # --- The contest

    def _contest(self):
        slug, now = self.o["slug"], self.now
        contest = Contest.objects.create(
            title=f"微课大赛（规模测试 {slug}）",
            slug=slug,
            year=now.year,
            phase=Contest.Phase.JUDGING,
            submission_opens_at=now - dt.timedelta(days=60),
            submission_closes_at=now - dt.timedelta(days=20),
        )
        subjects = [
            Subject.objects.create(contest=contest, code=code, name=name, order=i)
            for i, (code, name) in enumerate(SUBJECTS)
        ]
        stages = [
            Stage.objects.create(contest=contest, code=code, name=name, order=i)
            for i, (code, name) in enumerate(STAGES)
        ]
        categories, tags = [], []
        for stage in stages:
            for subject in subjects:
                categories.append(
                    Category.objects.create(
                        contest=contest,
                        subject=subject,
                        stage=stage,
                        code=f"{stage.code}-{subject.code}",
                        name=f"{stage.name}{subject.name}",
                        order=len(categories),
                    )
                )
                tags.append(frozenset({f"subject:{subject.code}", f"stage:{stage.code}"}))
        return contest, categories, tags

    def _codes(self, count: int) -> list[str]:
        """Distinct anonymous codes in the platform's alphabet, drawn from the seed."""
        base = len(CODE_ALPHABET)
        numbers = self.rng.choice(base**CODE_LENGTH, size=count, replace=False)
        alphabet = np.array(list(CODE_ALPHABET))
        digits = [alphabet[(numbers // base**p) % base] for p in range(CODE_LENGTH)]
        return ["".join(chars) for chars in zip(*digits, strict=True)]

    def _works(self, contest: Contest, entrants, categories: list[Category]) -> dict:
        count = self.o["works"]
        ids = self.loader.reserve_ids(Work, count)
        cats = self.rng.integers(0, len(categories), size=count)
        category_ids = [c.pk for c in categories]
        rows = (
            (pk, category_ids[cat], entrant, f"微课作品 {i + 1}", code)
            for i, (pk, cat, entrant, code) in enumerate(
                zip(ids, cats.tolist(), entrants[0].tolist(), self._codes(count), strict=True)
            )
        )
        self.loader.insert(
            Work,
            ("id", "category", "entrant", "title", "anonymous_code"),
            rows,
            contest=contest.pk,
            status=Work.Status.ACCEPTED,
            submitted_at=self.now - dt.timedelta(days=25),
            licence_accepted_at=self.now - dt.timedelta(days=25),
        )
        return {"ids": np.array(ids), "category": cats, "institution": entrants[1]}

    def _round(self, contest: Contest, categories: list[Category]):
        started = time.perf_counter()
        rubric = Rubric.objects.create(contest=contest, name="微课评分标准")
        criteria = Criterion.objects.bulk_create(
            Criterion(rubric=rubric, name=name, max_points=MAX_POINTS, step=Decimal(STEP), order=i)
            for i, name in enumerate(CRITERIA)
        )
        round_ = Round.objects.create(
            contest=contest,
            name="初评",
            rubric=rubric,
            state=Round.State.OPEN,
            opens_at=self.now - dt.timedelta(days=3),
            closes_at=self.now + dt.timedelta(days=30),
            judges_per_work=self.o["judges_per_work"],
            expertise=Round.Expertise.PREFER,
            seed=self.o["seed"],
        )
        round_.categories.set(categories)
        self._step(started)
        return round_, criteria

    def _panel(self, contest: Contest, judges, tags: list[frozenset]) -> None:
        ids = judges[0].tolist()
        self.judge_tags = [tags[i] for i in self.rng.integers(0, len(tags), size=len(ids))]
        role = ContestRole.Role.JUDGE
        self.loader.insert(
            ContestRole, ("user",), ((pk,) for pk in ids), contest=contest.pk, role=role
        )
        rows = (
            (pk, json.dumps(sorted(tag)), i == 0)
            for i, (pk, tag) in enumerate(zip(ids, self.judge_tags, strict=True))
        )
        # Room enough: the engine spreads the load evenly anyway.
        load = 2 * self.o["works"] * (self.o["judges_per_work"] + 2) // len(ids) + 10
        self.loader.insert(
            PanelMember,
            ("user", "expertise", "is_chief"),
            rows,
            contest=contest.pk,
            max_load=min(load, 10_000),
        )

    def _round_works(self, round_: Round, works: dict) -> np.ndarray:
        """RoundWork rows; returns each work's extra judges (0, 1 or 2)."""
        count = len(works["ids"])
        extra = np.where(
            self.rng.random(count) < self.o["extra_share"], self.rng.integers(1, 3, size=count), 0
        )
        rows = zip(works["ids"].tolist(), extra.tolist(), strict=True)
        self.loader.insert(RoundWork, ("work", "extra_judges"), rows, round=round_.pk)
        return extra

    def _assign(self, round_: Round, works: dict, judges, extra: np.ndarray):
        """The assignment engine's plan for the round: (judge ids, work ids) sorted by work."""
        started = time.perf_counter()
        k = self.o["judges_per_work"]
        panel = [
            engine.Judge(id=pk, institution=inst, expertise=tag)
            for pk, inst, tag in zip(
                judges[0].tolist(), judges[1].tolist(), self.judge_tags, strict=True
            )
        ]
        tags = self._category_tags()
        items = [
            engine.Work(id=pk, institutions=frozenset({inst}), needs=tags[cat])
            for pk, inst, cat in zip(
                works["ids"].tolist(),
                works["institution"].tolist(),
                works["category"].tolist(),
                strict=True,
            )
        ]
        k_for = {
            pk: k + e for pk, e in zip(works["ids"].tolist(), extra.tolist(), strict=True) if e
        }
        plan = engine.assign(
            panel, items, engine.Rules(k=k, expertise="prefer", seed=self.o["seed"]), k_for=k_for
        )
        pairs = np.array(sorted(plan.assignments, key=lambda p: (p[1], p[0])), dtype=np.int64)
        self._step(started)
        return pairs[:, 0], pairs[:, 1]

    def _category_tags(self) -> list[frozenset]:
        return [frozenset({f"subject:{s}", f"stage:{g}"}) for g, _n in STAGES for s, _m in SUBJECTS]

    # --- Assignments and sheets

    def _sheets(self, round_: Round, pairs, criteria: list[Criterion]) -> int:
        judge_ids, work_ids = pairs
        count = len(judge_ids)
        done = self.rng.random(count) < self.o["submitted"]
        ids = np.array(self.loader.reserve_ids(Assignment, count))
        state = np.where(done, Assignment.State.SUBMITTED, Assignment.State.PENDING)
        rows = zip(ids.tolist(), work_ids.tolist(), judge_ids.tolist(), state.tolist(), strict=True)
        self.loader.insert(Assignment, ("id", "work", "judge", "state"), rows, round=round_.pk)
        values = self._values(work_ids[done], judge_ids[done], len(criteria))
        self._write_sheets(ids[done], judge_ids[done], values, criteria)
        return int(done.sum())

    def _values(self, works: np.ndarray, judges: np.ndarray, width: int) -> np.ndarray:
        """Scores per (sheet, criterion): the work's quality, the judge's leniency and noise,
        on the criterion's steps within 0–max."""
        # Drawn per work and per judge in seeding order, not by id: ids depend on the database.
        work_ids, judge_ids = np.unique(works), np.unique(judges)
        quality = self.rng.normal(0.72, 0.09, size=len(work_ids))
        leniency = self.rng.normal(0.0, 0.04, size=len(judge_ids))
        share = (
            quality[np.searchsorted(work_ids, works)] + leniency[np.searchsorted(judge_ids, judges)]
        )
        noise = self.rng.normal(0.0, 0.06, size=(len(works), width))
        raw = (share[:, None] + noise) * MAX_POINTS
        return np.clip(np.round(raw / STEP) * STEP, 0, MAX_POINTS)

    def _write_sheets(self, assignment_ids, judge_ids, values, criteria) -> None:
        ids = self.loader.reserve_ids(ScoreSheet, len(assignment_ids))
        totals = values.sum(axis=1)  # every weight is 1
        total_text = [f"{t:.2f}" for t in totals.tolist()]
        value_text = np.char.mod("%.2f", values).tolist()
        submitted_at = self.now - dt.timedelta(hours=1)
        sheets = zip(ids, assignment_ids.tolist(), total_text, strict=True)
        self.loader.insert(
            ScoreSheet,
            ("id", "assignment", "total"),
            sheets,
            state=ScoreSheet.State.SUBMITTED,
            version=1,
            submitted_at=submitted_at,
        )
        crit = [c.pk for c in criteria]
        scores = (
            (sheet, c, v)
            for sheet, row in zip(ids, value_text, strict=True)
            for c, v in zip(crit, row, strict=True)
        )
        self.loader.insert(Score, ("sheet", "criterion", "value"), scores, comment="")
        keys = [f'"{c}": ' for c in crit]
        revisions = (
            (
                sheet,
                judge,
                "{" + ", ".join(f'{k}"{v}"' for k, v in zip(keys, row, strict=True)) + "}",
                total,
            )
            for sheet, judge, row, total in zip(
                ids, judge_ids.tolist(), value_text, total_text, strict=True
            )
        )
        self.loader.insert(
            ScoreRevision,
            ("sheet", "author", "values", "total"),
            revisions,
            number=1,
            action=ScoreRevision.Action.SUBMIT,
            comments={},
            reason="",
        )

    # --- A second contest, open, for upload tests

    def _uploaders(self, institutions: list[int]) -> list[dict]:
        started, slug, now = time.perf_counter(), f"{self.o['slug']}-open", self.now
        contest = Contest.objects.create(
            title=f"微课大赛（上传测试 {slug}）",
            slug=slug,
            year=now.year,
            phase=Contest.Phase.OPEN,
            submission_opens_at=now - dt.timedelta(days=1),
            submission_closes_at=now + dt.timedelta(days=30),
            min_duration_seconds=1,
            min_width=160,
            min_height=120,
            audio_required=False,
            max_file_size_mb=50,
        )
        category = Category.objects.create(contest=contest, code="open", name="开放组")
        self._step(started)
        people, _places = self._users("uploader", self.o["uploaders"], institutions)
        ids = self.loader.reserve_ids(Work, len(people))
        rows = (
            (pk, entrant, f"上传测试 {i + 1}", code)
            for i, (pk, entrant, code) in enumerate(
                zip(ids, people.tolist(), self._codes(len(people)), strict=True)
            )
        )
        self.loader.insert(
            Work,
            ("id", "entrant", "title", "anonymous_code"),
            rows,
            contest=contest.pk,
            category=category.pk,
            status=Work.Status.DRAFT,
        )
        return [
            {"email": f"uploader{i:05d}@{self.o['slug']}.{EMAIL_DOMAIN}", "work": pk}
            for i, pk in enumerate(ids)
        ]
