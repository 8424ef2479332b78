"""Helpers shared by the rubric and round tests (this module holds no tests)."""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contest.models import Contest, User
from judging.models import Criterion, Round, Rubric
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
HEADINGS = ["名称", "说明", "满分", "权重", "步长", "等级描述", "必须评语"]


@dataclass
class People:
    """A contest in judging with everyone the permission matrix needs."""

    contest: Contest
    organiser: User
    judge: User
    entrant: User
    other_organiser: User

    def user(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)


def people() -> People:
    contest = factories.ContestFactory(phase="judging")
    entrant = wf.WorkFactory(contest=contest, status="accepted").entrant
    return People(
        contest=contest,
        organiser=factories.OrganiserFactory(contest=contest).user,
        judge=jf.judge(contest).user,
        entrant=entrant,
        other_organiser=factories.OrganiserFactory(
            contest=factories.ContestFactory(phase="judging")
        ).user,
    )


WHO = ["anonymous", "entrant", "judge", "organiser", "other_organiser"]


def rubric(contest, **fields) -> Rubric:
    """The C20 demo rubric (five criteria, 100 points) in the contest."""
    return jf.RubricFactory(contest=contest, **fields)


def empty_rubric(contest, name: str = "空白评分标准") -> Rubric:
    return jf.RubricFactory(contest=contest, name=name, criteria=[])


def window(days_from_now: int = 1, length: int = 14) -> dict:
    opens = timezone.now() + dt.timedelta(days=days_from_now)
    return {"opens_at": opens, "closes_at": opens + dt.timedelta(days=length)}


def round_(contest, *, state=Round.State.DRAFT, rubric_=None, **fields) -> Round:
    """A round of the contest (state draft unless given) using the demo rubric."""
    fields.setdefault("name", "初评")
    return jf.RoundFactory(
        contest=contest, rubric=rubric_ or rubric(contest), state=state, **fields
    )


def criterion_fields(**changes) -> dict:
    fields = {
        "name": "选题与设计",
        "description": "",
        "max_points": Decimal("20"),
        "weight": Decimal("1"),
        "step": Decimal("0.5"),
        "levels": [{"label": "优", "text": "选题聚焦"}, {"label": "良", "text": "选题明确"}],
        "comment_required": False,
    }
    fields.update(changes)
    return fields


def snapshot(rubric_: Rubric) -> tuple:
    """Everything about a rubric an edit could change, to prove one did not."""
    rubric_ = Rubric.objects.get(pk=rubric_.pk)
    criteria = Criterion.objects.filter(rubric=rubric_).order_by("order", "pk")
    return (
        rubric_.name,
        rubric_.note,
        [
            (c.pk, c.name, c.max_points, c.step, c.weight, c.order, c.levels, c.comment_required)
            for c in criteria
        ],
    )


def xlsx(rows: list[list], headings=HEADINGS, name: str = "评分标准.xlsx") -> SimpleUploadedFile:
    """An uploaded Excel workbook with a heading row and the given rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")
