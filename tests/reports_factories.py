"""Data for the reports tests: a judged round with works in two categories, scored sheets,
conflicts and a recusal. Names and titles include rare characters and formula-like text."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from contest.models import Category, Work
from judging.models import Assignment, Conflict, Round, Score, ScoreSheet
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf


@dataclass
class JudgedRound:
    round: Round
    categories: list[Category]
    works: list[Work]
    judges: list = field(default_factory=list)
    sheets: list[ScoreSheet] = field(default_factory=list)


def judged_round(contest=None, *, works_per_category: int = 2, judges: int = 3) -> JudgedRound:
    """A closed round of `contest` whose every work was scored by every judge (submitted)."""
    contest = contest or factories.ContestFactory(phase="judging")
    round_ = jf.RoundFactory(contest=contest, state=Round.State.CLOSED)
    categories = [
        factories.CategoryFactory(contest=contest, name="初中·数学·教师组", order=1),
        factories.CategoryFactory(contest=contest, name="小学·语文·师范生组", order=2),
    ]
    panel = [jf.judge(contest).user for _ in range(judges)]
    data = JudgedRound(round_, categories, [], panel)
    criteria = list(round_.rubric.criteria.order_by("order", "pk"))
    for category in categories:
        for n in range(works_per_category):
            work = jf.accepted_work(round_, category=category, title=f"勾股定理的证明{n}")
            wf.CoAuthorFactory(work=work)
            data.works.append(work)
            for j, judge in enumerate(panel):
                data.sheets.append(_sheet(round_, work, judge, criteria, j))
    return data


def _sheet(round_, work, judge, criteria, j) -> ScoreSheet:
    assignment = Assignment.objects.create(
        round=round_, work=work, judge=judge, state=Assignment.State.SUBMITTED
    )
    sheet = ScoreSheet.objects.create(
        assignment=assignment, state=ScoreSheet.State.SUBMITTED, submitted_at=timezone.now()
    )
    total = Decimal(0)
    for i, criterion in enumerate(criteria):
        value = min(criterion.max_points, Decimal(i + j) + Decimal("0.5"))
        Score.objects.create(sheet=sheet, criterion=criterion, value=value, comment=f"意见{i}")
        total += value * criterion.weight
    sheet.total = total
    sheet.save(update_fields=["total"])
    return sheet


def add_conflicts(data: JudgedRound, *, reason: str = "同一学校") -> None:
    """One conflict set by an organiser, one declared, and one recused assignment."""
    judge = data.judges[0]
    contest = data.round.contest
    Conflict.objects.create(
        contest=contest,
        judge=judge,
        work=data.works[0],
        source=Conflict.Source.ORGANISER,
        reason=reason,
    )
    Conflict.objects.create(
        contest=contest,
        judge=data.judges[1],
        work=data.works[-1],
        source=Conflict.Source.DECLARED,
        reason='=HYPERLINK("http://evil")',
    )
    recused = Assignment.objects.filter(round=data.round, work=data.works[1], judge=judge).get()
    Assignment.objects.filter(pk=recused.pk).update(
        state=Assignment.State.RECUSED, recusal_reason="+认识作者"
    )
