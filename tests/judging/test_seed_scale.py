"""`manage.py seed_scale`: counts, constraints, determinism, refusal, and that what it seeds is
usable by the pages and the results. Runs on SQLite (executemany) and, with DATABASE_URL on
PostgreSQL, through COPY."""

import io
import json
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from contest.models import Contest, ContestRole, User, Work
from contest.services.works import CODE_ALPHABET, can_edit
from judging.models import (
    Assignment,
    PanelMember,
    Round,
    RoundWork,
    Score,
    ScoreRevision,
    ScoreSheet,
)
from results.services.aggregation import round_scores
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
SIZE = {"works": 120, "judges": 15, "judges_per_work": 3, "extra_share": 0.1}


def seed(slug: str = "scale", **options) -> str:
    out = io.StringIO()
    options = SIZE | {"slug": slug, "seed": 7, "submitted": 0.6} | options
    call_command("seed_scale", stdout=out, **options)
    return out.getvalue()


def test_seeds_every_table_and_times_each(tmp_path):
    manifest = tmp_path / "manifest.json"
    printed = seed(uploaders=2, password="load-test-pw", force=True, manifest=str(manifest))
    contest = Contest.objects.get(slug="scale")
    round_ = Round.objects.get(contest=contest)
    assert Work.objects.filter(contest=contest, status=Work.Status.ACCEPTED).count() == 120
    assert RoundWork.objects.filter(round=round_).count() == 120
    assert PanelMember.objects.filter(contest=contest).count() == 15
    assert ContestRole.objects.filter(contest=contest, role="judge").count() == 15
    assert User.objects.count() == 120 + 15 + 2
    for table in ("contest_user", "contest_work", "judging_assignment", "judging_score"):
        assert table in printed
    assert ("COPY" if connection.vendor == "postgresql" else "executemany") in printed
    data = json.loads(manifest.read_text())
    assert data["round"] == round_.pk and len(data["judges"]) == 15
    assert data["password"] == "load-test-pw" and len(data["uploads"]) == 2
    judge = User.objects.get(email=data["judges"][0])
    assert judge.check_password("load-test-pw")


def test_assignments_follow_the_round_rules():
    seed()
    round_ = Round.objects.get()
    wanted = {
        rw.work_id: round_.judges_per_work + rw.extra_judges
        for rw in RoundWork.objects.filter(round=round_)
    }
    assert 0 < sum(1 for k in wanted.values() if k > 3) < 120
    panels = defaultdict(list)
    rows = Assignment.objects.filter(round=round_).values_list(
        "work_id", "judge_id", "judge__institution_id", "work__entrant__institution_id"
    )
    for work, judge, judge_place, entrant_place in rows:
        panels[work].append(judge)
        assert judge_place != entrant_place  # no judge from the entrant's institution
    assert {work: len(judges) for work, judges in panels.items()} == wanted
    assert all(len(set(judges)) == len(judges) for judges in panels.values())
    loads = Counter(judge for judges in panels.values() for judge in judges)
    assert max(loads.values()) - min(loads.values()) <= 2
    codes = list(Work.objects.values_list("anonymous_code", flat=True))
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 8 and set(code) <= set(CODE_ALPHABET) for code in codes)


def test_submitted_sheets_are_complete_with_their_history():
    seed()
    submitted = Assignment.objects.filter(state=Assignment.State.SUBMITTED)
    assert 0.4 < submitted.count() / Assignment.objects.count() < 0.8
    assert ScoreSheet.objects.count() == submitted.count()
    assert not ScoreSheet.objects.exclude(assignment__state=Assignment.State.SUBMITTED).exists()
    for sheet in ScoreSheet.objects.prefetch_related("scores", "revisions")[:40]:
        values = {str(s.criterion_id): s.value for s in sheet.scores.all()}
        assert len(values) == 5
        assert all(
            Decimal(0) <= v <= Decimal(20) and v % Decimal("0.5") == 0 for v in values.values()
        )
        assert sheet.state == "submitted" and sheet.version == 1
        assert sheet.total == sum(values.values())
        (revision,) = sheet.revisions.all()
        assert (revision.number, revision.action) == (1, ScoreRevision.Action.SUBMIT)
        assert revision.author_id == sheet.assignment.judge_id
        assert {k: Decimal(v) for k, v in revision.values.items()} == values
        assert revision.total == sheet.total
    assert Score.objects.filter(value__isnull=True).count() == 0


def test_same_seed_same_contest(tmp_path):
    seed("first")
    seed("second", force=True)

    def shape(slug: str) -> list[tuple]:
        rows = ScoreSheet.objects.filter(assignment__round__contest__slug=slug).values_list(
            "assignment__work__title", "assignment__judge__email", "total"
        )
        return sorted((title, email.split("@")[0], total) for title, email, total in rows)

    assert shape("first") == shape("second")
    codes = [
        list(Work.objects.filter(contest__slug=slug).order_by("pk").values_list("anonymous_code"))
        for slug in ("first", "second")
    ]
    assert codes[0] == codes[1]


def test_refuses_a_database_with_contests_unless_forced():
    factories.ContestFactory(slug="real")
    with pytest.raises(CommandError, match="has contests"):
        seed()
    assert not Work.objects.exists()
    seed(force=True)
    assert Work.objects.filter(contest__slug="scale").count() == 120
    with pytest.raises(CommandError, match="exists already"):
        seed(force=True)


def test_refuses_a_known_password_without_debug_or_force():
    with pytest.raises(CommandError, match="known password"):
        seed(password="load-test-pw")
    assert not Contest.objects.exists()


def test_ids_continue_after_the_seeded_rows():
    seed()
    user = factories.UserFactory()  # the sequences (or SQLite's AUTOINCREMENT) moved on
    assert user.pk > User.objects.exclude(pk=user.pk).order_by("-pk").first().pk


def test_a_seeded_judge_can_work_through_the_pages(client):
    seed()
    round_ = Round.objects.get()
    pending = Assignment.objects.filter(round=round_, state=Assignment.State.PENDING).first()
    client.force_login(pending.judge)
    queue = client.get(reverse("judge_queue", args=[round_.pk]))
    assert queue.status_code == 200
    assert pending.work.anonymous_code in queue.content.decode()
    assert pending.work.entrant.real_name not in queue.content.decode()
    assert client.get(reverse("judge_score", args=[pending.pk])).status_code == 200
    data = {"version": "0"}
    for criterion in round_.rubric.criteria.all():
        data[f"criterion_{criterion.pk}"] = "15"
        data[f"comment_{criterion.pk}"] = ""
    saved = client.post(reverse("judge_autosave", args=[pending.pk]), data, **HTMX)
    assert saved.status_code == 200
    submitted = client.post(reverse("judge_submit", args=[pending.pk]), data | {"version": "1"})
    assert submitted.status_code == 302
    sheet = ScoreSheet.objects.get(assignment=pending)
    assert (sheet.state, sheet.total, sheet.version) == ("submitted", Decimal(75), 2)


def test_round_scores_computes_on_the_seeded_round():
    seed(submitted=1.0)
    round_ = Round.objects.get()
    frame = round_scores(round_)
    assert len(frame) == 120
    expected = Counter(
        ScoreSheet.objects.filter(state="submitted").values_list("assignment__work_id", flat=True)
    )
    assert frame["sheets"].to_dict() == {work: expected[work] for work in frame.index}
    assert frame["score"].notna().all()
    assert frame["score"].between(0, 100).all()


def test_uploaders_get_a_draft_work_in_an_open_contest():
    seed(uploaders=3)
    works = Work.objects.filter(contest__slug="scale-open")
    assert works.count() == 3
    for work in works:
        assert work.status == Work.Status.DRAFT and can_edit(work)
        assert work.entrant.has_perm("contest.edit_work", work)
