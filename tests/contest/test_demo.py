"""The demo data: a C20-style contest, people with rare characters, works in several states."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from contest.demo import seed_demo
from contest.models import Category, Contest, ContestRole, Institution, User, VideoAsset, Work
from tests import factories


@pytest.fixture
def quick_contest(db):
    # Seeding keeps an existing contest: a short minimum length keeps the demo clip small here.
    return factories.ContestFactory(
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


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Contest, Category, Institution, User, ContestRole, Work, VideoAsset)
    )


def test_seed_is_idempotent_and_complete(quick_contest):
    summary = seed_demo()
    first = counts()
    seed_demo()
    assert counts() == first
    contest = summary.contest
    assert contest.groups.count() == 2 and contest.stages.count() == 3
    assert contest.subjects.count() == 6 and contest.categories.count() == 32
    assert Institution.objects.count() >= 30
    names = "".join(User.objects.values_list("real_name", flat=True))
    assert all(ch in names for ch in "堃喆珺昇燚淼犇鑫垚")
    roles = {role for role, _email, _name in summary.logins}
    assert roles == {"admin", "organiser", "judge", "entrant"}
    statuses = set(Work.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "accepted", "returned"}
    assert set(VideoAsset.objects.values_list("state", flat=True)) == {"ready"}


def test_seed_command_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
