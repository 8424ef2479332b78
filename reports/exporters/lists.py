"""Exports of the contest's lists: works for screening, assignments, conflicts and recusals,
score details. Rows come from reports.selectors; here they only get their labels."""

from itertools import chain

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contest.models import Work
from contest.regions import PROVINCE_CHOICES
from judging.models import Assignment, Conflict, ScoreSheet
from reports.exporters.base import DATETIME, SCORE, Column, Exporter, register
from reports.selectors import judging as judging_selectors
from reports.selectors import works as work_selectors


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def _code_title_category() -> list[Column]:
    return [
        Column(_("Anonymous code"), width=12),
        Column(_("Title"), width=36),
        Column(_("Category"), width=22),
    ]


def _judge_columns() -> list[Column]:
    return [
        Column(_("Judge"), width=12),
        Column(_("Judge's e-mail"), width=26),
    ]


@register
class WorksExporter(Exporter):
    key = "works"
    name = gettext_lazy("Works for screening")
    description = gettext_lazy(
        "Every submitted work with its entrant, institution, co-authors and status."
    )
    split_column = 2

    def columns(self) -> list[Column]:
        return [
            *_code_title_category(),
            Column(_("Status"), width=12),
            Column(_("Reason given to the entrant"), width=30),
            Column(_("Entrant"), width=12),
            Column(_("E-mail"), width=26),
            Column(_("Phone"), width=14),
            Column(_("Institution"), width=26),
            Column(_("Province"), width=10),
            Column(_("City"), width=10),
            Column(_("Co-authors"), width=20),
            Column(_("Supervising teacher"), width=12),
            Column(_("Supervising teacher's institution"), width=26),
            Column(_("Submitted at"), DATETIME, width=17),
            Column(_("Video length (s)"), SCORE, width=10),
        ]

    def count(self) -> int:
        return work_selectors.works_in_scope(
            self.contest, round=self.round, category=self.category
        ).count()

    def rows(self):
        statuses = _labels(Work.Status.choices)
        provinces = _labels(PROVINCE_CHOICES)
        for row in work_selectors.screening_rows(
            self.contest, round=self.round, category=self.category
        ):
            row = list(row)
            row[3] = statuses.get(row[3], row[3])
            row[9] = provinces.get(row[9], row[9])
            yield row


@register
class AssignmentsExporter(Exporter):
    key = "assignments"
    name = gettext_lazy("Assignments")
    description = gettext_lazy("Each judge × work of a round, with its state and total.")
    round_required = True
    split_column = 2

    def columns(self) -> list[Column]:
        return [
            *_code_title_category(),
            *_judge_columns(),
            Column(_("Judge's institution"), width=26),
            Column(_("State"), width=10),
            Column(_("Total"), SCORE, width=9),
            Column(_("Submitted at"), DATETIME, width=17),
            Column(_("Seconds of video played"), SCORE, width=10),
        ]

    def count(self) -> int:
        return judging_selectors.assignments(self.round, category=self.category).count()

    def rows(self):
        states = _labels(Assignment.State.choices)
        for row in judging_selectors.assignment_rows(self.round, category=self.category):
            row = list(row)
            row[6] = states.get(row[6], row[6])
            yield row


@register
class ConflictsExporter(Exporter):
    key = "conflicts"
    name = gettext_lazy("Conflicts of interest and recusals")
    description = gettext_lazy(
        "Conflicts declared by judges or set by organisers, and recusals from assignments."
    )

    def columns(self) -> list[Column]:
        return [
            Column(_("Kind"), width=16),
            Column(_("Round"), width=10),
            *_code_title_category(),
            Column(_("Entrant's institution"), width=26),
            *_judge_columns(),
            Column(_("Judge's institution"), width=26),
            Column(_("Reason"), width=36),
            Column(_("Recorded at"), DATETIME, width=17),
            Column(_("Recorded by"), width=12),
        ]

    def _scope(self) -> dict:
        return {"round": self.round, "category": self.category}

    def count(self) -> int:
        return (
            judging_selectors.conflicts(self.contest, **self._scope()).count()
            + judging_selectors.recusals(self.contest, **self._scope()).count()
        )

    def rows(self):
        sources = _labels(Conflict.Source.choices)
        recusal = _("Recusal")
        conflicts = (
            (sources.get(source, source), "", *rest)
            for source, *rest in judging_selectors.conflict_rows(self.contest, **self._scope())
        )
        recusals = (
            (recusal, *row, "")
            for row in judging_selectors.recusal_rows(self.contest, **self._scope())
        )
        return chain(conflicts, recusals)


@register
class ScoresExporter(Exporter):
    key = "scores"
    name = gettext_lazy("Score details")
    description = gettext_lazy(
        "Each judge's score sheet for each work of a round: every criterion, the total and "
        "the comments."
    )
    round_required = True
    split_column = 2

    def __init__(self, contest, filters):
        super().__init__(contest, filters)
        self.criteria = judging_selectors.criteria_of(self.round)

    def columns(self) -> list[Column]:
        return [
            *_code_title_category(),
            *_judge_columns(),
            Column(_("Total"), SCORE, width=9),
            Column(_("State"), width=10),
            Column(_("Submitted at"), DATETIME, width=17),
            *(Column(criterion.name, SCORE, width=10) for criterion in self.criteria),
            Column(_("Comments"), width=40),
        ]

    def count(self) -> int:
        return judging_selectors.score_sheet_count(self.round, category=self.category)

    def rows(self):
        states = _labels(ScoreSheet.State.choices)
        for row in judging_selectors.score_detail_rows(
            self.round, self.criteria, category=self.category
        ):
            row = list(row)
            row[6] = states.get(row[6], row[6])
            yield row
