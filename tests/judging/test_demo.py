"""The demo judging round: rubric, panel and assignments, so demo judges can score at once."""

import pytest
from django.core.management import call_command

from contest.models import User
from judging.models import Assignment, Round
from tests import factories


@pytest.mark.django_db
def test_seed_demo_opens_a_round_with_work_for_the_demo_judges(settings):
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
    round_ = Round.objects.get()
    assert round_.state == Round.State.OPEN and round_.rubric.criteria.count() == 5
    judge = User.objects.get(email="judge01@demo.cn")
    mine = Assignment.objects.filter(round=round_, judge=judge)
    assert mine.count() == round_.round_works.count() >= 2
    assert Assignment.objects.filter(round=round_).count() == 3 * round_.round_works.count()
