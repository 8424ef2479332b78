"""Factories for judging: rubrics (the C20 demo rubric), rounds, panel members, assignments."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import factory
from django.utils import timezone

from contest.models import ContestRole
from judging.models import Assignment, Criterion, PanelMember, Round, RoundWork, Rubric
from tests import factories
from tests import work_factories as wf

RUBRICS = Path(__file__).resolve().parent.parent / "judging" / "data" / "rubrics"


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric
        skip_postgeneration_save = True

    contest = factory.SubFactory(factories.ContestFactory, phase="judging")
    name = "C20 微视频大奖赛评分标准（演示）"

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        """The five criteria of c20-demo.json (100 points, steps of 0.5) unless given."""
        if not create:
            return
        rows = extracted
        if rows is None:
            data = json.loads((RUBRICS / "c20-demo.json").read_text())
            rows = [
                {
                    "name": c["name"],
                    "max_points": Decimal(str(c["max"])),
                    "step": Decimal(str(c.get("step", 1))),
                    "levels": [{"label": k, "text": v} for k, v in c.get("levels", {}).items()],
                }
                for c in data["criteria"]
            ]
        for order, row in enumerate(rows):
            Criterion.objects.create(rubric=obj, order=order, **row)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    contest = factory.SubFactory(factories.ContestFactory, phase="judging")
    rubric = factory.SubFactory(RubricFactory, contest=factory.SelfAttribute("..contest"))
    name = "初评"
    order = factory.Sequence(lambda n: n + 1)
    state = Round.State.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))


def judge(contest, **fields) -> "PanelMember":
    """A panel member with the judge role in the contest."""
    user = fields.pop("user", None) or factories.UserFactory()
    ContestRole.objects.get_or_create(contest=contest, user=user, role=ContestRole.Role.JUDGE)
    return PanelMember.objects.create(contest=contest, user=user, **fields)


def accepted_work(round_: Round, **fields):
    """An accepted work of the round's contest with a ready video, entered in the round."""
    work = wf.WorkFactory(contest=round_.contest, status="accepted", **fields)
    wf.complete(work)
    RoundWork.objects.create(round=round_, work=work)
    return work


def assignment(round_: Round | None = None, *, work=None, judge_user=None, **fields) -> Assignment:
    round_ = round_ or RoundFactory()
    work = work or accepted_work(round_)
    judge_user = judge_user or judge(round_.contest).user
    return Assignment.objects.create(round=round_, work=work, judge=judge_user, **fields)
