"""Demo judging for the demo contest: the C20 demo rubric, a panel, and an open first round
whose accepted works are assigned, so that the demo judges have work to score."""

import datetime as dt
import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from contest.models import Contest, User
from judging.models import Round
from judging.services.assignment import round_apply
from judging.services.panel import panel_add
from judging.services.rounds import round_create, round_set_state
from judging.services.rubrics import rubric_import

RUBRIC = Path(__file__).resolve().parent / "data" / "rubrics" / "c20-demo.json"
PANEL = 3  # the first demo judges; k = 3 gives each of them every work


@transaction.atomic
def seed_judging(contest: Contest, organiser: User) -> Round | None:
    """Idempotent: nothing happens when the contest already has a round."""
    if contest.rounds.exists():
        return None
    rubric = rubric_import(contest=contest, data=json.loads(RUBRIC.read_text()))
    for number in range(1, PANEL + 1):
        judge = User.objects.get(email=f"judge{number:02d}@demo.cn")
        panel_add(contest=contest, user=judge, expertise=[], max_load=60, is_chief=number == 1)
    now = timezone.now()
    round_ = round_create(
        contest=contest,
        name="初评",
        order=1,
        rubric=rubric,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=20),
        judges_per_work=3,
    )
    round_ = round_set_state(round=round_, state=Round.State.ASSIGNING)
    round_apply(round=round_, actor=organiser, incremental=False)
    return round_set_state(round=round_, state=Round.State.OPEN)
