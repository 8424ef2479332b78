"""The demo judging: an open round for the demo judges, and last year's closed round with cases."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from contest.models import User, VideoAsset, Work
from judging.models import Assignment, DivergenceCase, Round, ScoreSheet
from judging.selectors.divergence import may_arbitrate
from tests import factories


def _seed_twice(settings):
    settings.DEBUG = True
    # A short minimum length keeps the demo clip small in tests (the contest is kept if present).
    factories.ContestFactory(
        slug="c20-2026",
        phase="open",
        min_duration_seconds=2,
        max_duration_seconds=600,
        min_width=320,
        min_height=240,
        title_card_seconds=1,
        required_attachments=["design"],
        licence_text="同意",
    )
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_seed_demo_opens_a_round_with_work_for_the_demo_judges(settings):
    _seed_twice(settings)
    round_ = Round.objects.get(contest__slug="c20-2026")
    assert round_.state == Round.State.OPEN and round_.rubric.criteria.count() == 5
    judge = User.objects.get(email="judge01@demo.cn")
    mine = Assignment.objects.filter(round=round_, judge=judge)
    assert mine.count() == round_.round_works.count() >= 2
    assert Assignment.objects.filter(round=round_).count() == 3 * round_.round_works.count()


@pytest.mark.django_db
def test_seed_demo_has_last_years_closed_round_with_cases(settings):
    _seed_twice(settings)
    round_ = Round.objects.get(contest__slug="c20-2025")
    assert round_.state == Round.State.CLOSED and round_.closes_at.year < timezone.now().year
    works = Work.objects.filter(contest__slug="c20-2025", status=Work.Status.ACCEPTED)
    assert works.count() == round_.round_works.count() == 8
    # The videos are the 2026 demo's files, not new ones.
    files = set(VideoAsset.objects.filter(work__in=works).values_list("file", flat=True))
    assert len(files) == 1 and VideoAsset.objects.filter(
        work__contest__slug="c20-2026", file__in=files
    )
    # Every sheet is submitted: two per work, and a third on the two divergent works.
    sheets = ScoreSheet.objects.filter(assignment__round=round_)
    assert sheets.count() == sheets.filter(state=ScoreSheet.State.SUBMITTED).count() == 18
    assert not Assignment.objects.filter(round=round_).exclude(state="submitted").exists()
    assert sheets.values("assignment__judge").distinct().count() >= 4
    cases = {c.work.title: c for c in DivergenceCase.objects.filter(round=round_)}
    assert {t: c.state for t, c in cases.items()} == {
        "《背影》中的父爱": DivergenceCase.State.ARBITRATION,
        "现在进行时": DivergenceCase.State.RESOLVED,
    }
    assert [e.kind for e in cases["现在进行时"].events.all()] == ["opened", "judge_added", "agreed"]
    chief = User.objects.get(email="judge01@demo.cn")
    assert may_arbitrate(chief, cases["《背影》中的父爱"])
    assert not Assignment.objects.filter(round=round_, judge=chief).exists()
