"""Scenes for divergence cases (三评 / 仲裁): a round, a panel, a work with its first judges,
sheets submitted to a chosen total, and a chief judge."""

from dataclasses import dataclass
from decimal import Decimal

from judging.models import Assignment, ChiefJudge, DivergenceCase, Round
from judging.services import sheets
from judging.services.divergence import work_check
from tests import factories
from tests import judging_factories as jf


@dataclass
class Scene:
    round: Round
    work: object
    first: list  # the work's first assignments
    spare: list  # panel users without an assignment yet
    organiser: object

    @property
    def contest(self):
        return self.round.contest


def scene(*, k: int = 2, spare: int = 1, tolerance: str = "10", **fields) -> Scene:
    """An open round with one work scored by `k` judges, and `spare` more judges who may be
    added (expertise ignored: anyone can take the work)."""
    round_ = jf.RoundFactory(
        judges_per_work=k, tolerance=Decimal(tolerance), expertise="ignore", **fields
    )
    work = jf.accepted_work(round_)
    first = [jf.assignment(round_, work=work) for _ in range(k)]
    others = [jf.judge(round_.contest).user for _ in range(spare)]
    organiser = factories.OrganiserFactory(contest=round_.contest).user
    return Scene(round_, work, first, others, organiser)


def values_for(round_: Round, total) -> dict:
    """Criterion values (steps of 0.5, weights 1) adding up to `total`."""
    left, values = Decimal(str(total)), {}
    for criterion in round_.rubric.criteria.order_by("order", "pk"):
        value = min(left, criterion.max_points)
        values[str(criterion.pk)] = str(value)
        left -= value
    assert left == 0, "the total is above the rubric's maximum"
    return values


def submit(assignment: Assignment, total, comment: str = "") -> None:
    values = values_for(assignment.round, total)
    first = next(iter(values))
    sheets.sheet_submit(
        assignment=assignment,
        actor=assignment.judge,
        values=values,
        comments={first: comment} if comment else {},
    )


def submit_all(s: Scene, *totals) -> DivergenceCase | None:
    """Submit the first judges' sheets with these totals, then run the check."""
    for assignment, total in zip(s.first, totals, strict=True):
        submit(assignment, total)
    return work_check(round_id=s.round.pk, work_id=s.work.pk)


def new_assignments(s: Scene) -> list[Assignment]:
    known = {a.pk for a in s.first}
    live = Assignment.objects.filter(round=s.round, work=s.work).exclude(state="recused")
    return [a for a in live.order_by("pk") if a.pk not in known]


def chief(s: Scene, *, category=None, user=None):
    """A judge of the contest made chief judge of the round (or of one category)."""
    user = user or jf.judge(s.contest).user
    ChiefJudge.objects.create(round=s.round, category=category, user=user)
    return user


def in_arbitration(**fields) -> tuple[Scene, DivergenceCase]:
    """A scene whose case waits for arbitration (no spare judge: straight there)."""
    s = scene(spare=0, **fields)
    case = submit_all(s, 40, 80)
    assert case.state == DivergenceCase.State.ARBITRATION
    return s, case
