"""Reads for monitoring a round: progress by category and by judge, in a fixed number of
queries whatever the size of the round."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from judging.models import Assignment, Round, RoundWork
from judging.selectors.assignment import LIVE

A = Assignment.State
# Unfinished work counts as overdue once less than this remains before the round closes.
OVERDUE_WITHIN = dt.timedelta(hours=48)
UNFINISHED = (A.PENDING, A.IN_PROGRESS)


@dataclass
class Progress:
    """Counts of live (not recused) assignments. `key` names the category or the judge."""

    key: int | None
    label: str
    assigned: int = 0
    submitted: int = 0
    in_progress: int = 0
    overdue: int = 0
    email: str = ""
    works: int = 0

    @property
    def pending(self) -> int:
        return self.assigned - self.submitted - self.in_progress

    @property
    def unfinished(self) -> int:
        return self.assigned - self.submitted

    @property
    def percent(self) -> int:
        return self.submitted * 100 // self.assigned if self.assigned else 0


@dataclass
class RoundProgress:
    total: Progress
    categories: list[Progress] = field(default_factory=list)
    judges: list[Progress] = field(default_factory=list)
    late: bool = False
    recused: int = 0


def is_late(round_: Round, now=None) -> bool:
    """Whether unfinished work of the round is overdue: the round closes within
    OVERDUE_WITHIN, or has closed."""
    return (now or timezone.now()) >= round_.closes_at - OVERDUE_WITHIN


COUNTS = {
    "assigned": Count("pk"),
    "submitted": Count("pk", filter=Q(state=A.SUBMITTED)),
    "in_progress": Count("pk", filter=Q(state=A.IN_PROGRESS)),
}


def round_progress(round_: Round, now=None) -> RoundProgress:
    """The round's progress in total, by category and by judge (judges by name)."""
    late = is_late(round_, now)
    live = Assignment.objects.filter(LIVE, round=round_)
    by_category = live.values("work__category_id", "work__category__name").annotate(**COUNTS)
    works = dict(
        RoundWork.objects.filter(round=round_)
        .values_list("work__category_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    categories = [
        _progress(row, row["work__category_id"], row["work__category__name"], late)
        for row in by_category.order_by("work__category__order", "work__category__code")
    ]
    for item in categories:
        item.works = works.pop(item.key, 0)
    by_judge = live.values("judge_id", "judge__real_name", "judge__email").annotate(**COUNTS)
    judges = [
        _progress(row, row["judge_id"], row["judge__real_name"], late, row["judge__email"])
        for row in by_judge.order_by("judge__real_name", "judge_id")
    ]
    total = Progress(None, "", works=sum(c.works for c in categories) + sum(works.values()))
    for item in categories:
        total.assigned += item.assigned
        total.submitted += item.submitted
        total.in_progress += item.in_progress
        total.overdue += item.overdue
    recused = Assignment.objects.filter(round=round_, state=A.RECUSED).count()
    return RoundProgress(total, categories, judges, late, recused)


def _progress(row: dict, key, label: str, late: bool, email: str = "") -> Progress:
    item = Progress(key, label, row["assigned"], row["submitted"], row["in_progress"])
    item.email = email
    item.overdue = item.unfinished if late else 0
    return item


def judges_with_unfinished_work(round_: Round):
    """(user id, number of unfinished assignments) of each judge with some in the round."""
    return (
        Assignment.objects.filter(round=round_, state__in=UNFINISHED)
        .values_list("judge_id")
        .annotate(n=Count("pk"))
        .order_by("judge_id")
    )
