"""Factories for results: a closed round scored from a small table of criterion values.

`scored_round` writes submitted sheets directly (no score service: these tests are about what
happens after scoring), with totals computed as Σ value × weight like judging.services.sheets.
"""

from decimal import Decimal

from django.utils import timezone

from contest.models import Work
from judging.models import (
    Assignment,
    Criterion,
    DivergenceCase,
    Round,
    RoundWork,
    Score,
    ScoreSheet,
)
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf


def rubric(contest, criteria=((10, 1),)):
    """A rubric with criteria given as (max points, weight)."""
    rows = [
        {"name": f"C{i + 1}", "max_points": Decimal(str(m)), "weight": Decimal(str(w))}
        for i, (m, w) in enumerate(criteria)
    ]
    return jf.RubricFactory(contest=contest, criteria=rows)


def work(round_: Round, category=None, **fields) -> Work:
    """An accepted work entered in the round (no media: results never read it)."""
    if category is not None:
        fields["category"] = category
    made = wf.WorkFactory(contest=round_.contest, status=Work.Status.ACCEPTED, **fields)
    RoundWork.objects.create(round=round_, work=made)
    return made


def sheet(round_: Round, work_: Work, judge_user, values, *, submitted=True) -> ScoreSheet:
    """A sheet of `judge_user` on `work_` with one value per criterion (rubric order)."""
    criteria = list(Criterion.objects.filter(rubric=round_.rubric).order_by("order", "pk"))
    state = Assignment.State.SUBMITTED if submitted else Assignment.State.IN_PROGRESS
    assignment = Assignment.objects.create(round=round_, work=work_, judge=judge_user, state=state)
    parsed = [None if v is None else Decimal(str(v)) for v in values]
    scored = [(c, v) for c, v in zip(criteria, parsed, strict=True) if v is not None]
    total = sum((v * c.weight for c, v in scored), Decimal(0)) if scored else None
    made = ScoreSheet.objects.create(
        assignment=assignment,
        state=ScoreSheet.State.SUBMITTED if submitted else ScoreSheet.State.DRAFT,
        total=total,
        submitted_at=timezone.now() if submitted else None,
    )
    Score.objects.bulk_create(
        Score(sheet=made, criterion=c, value=v) for c, v in zip(criteria, parsed, strict=True)
    )
    return made


def scored_round(table, *, criteria=((10, 1),), state=Round.State.CLOSED, contest=None, **fields):
    """A round whose works (keys of `table`, labels) got sheets from judges (labels):
    ``{"A": {"j1": [7, 8], "j2": [6, 9]}, …}``. Returns (round, {label: work}, {label: user})."""
    contest = contest or factories.ContestFactory(phase="judging")
    round_ = jf.RoundFactory(
        contest=contest, rubric=rubric(contest, criteria), state=state, **fields
    )
    category = factories.CategoryFactory(contest=contest)
    works, judges = {}, {}
    for label, sheets in table.items():
        works[label] = work(round_, category)
        for judge_label, values in sheets.items():
            if judge_label not in judges:
                judges[judge_label] = jf.judge(contest).user
            sheet(round_, works[label], judges[judge_label], values)
    return round_, works, judges


def case(round_: Round, work_: Work, state=DivergenceCase.State.THIRD_MARKING, **fields):
    return DivergenceCase.objects.create(
        round=round_, work=work_, state=state, spread=Decimal("20"), **fields
    )
