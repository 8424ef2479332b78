"""Reads for the judging exports: assignments, conflicts and recusals, score details.

Every function returns rows as plain tuples read in chunks from one query (score details: one
query grouped in Python by sheet), so the number of queries never depends on the number of rows.
Judges' names are in these rows: only organisers' exports read them.
"""

from itertools import groupby

from django.db.models import QuerySet

from contest.models import Contest
from judging.models import Assignment, Conflict, Criterion, Round, Score, ScoreSheet

CHUNK = 2000
WORK_ORDER = ("work__category__order", "work__category__code", "work__anonymous_code")


def _in_scope(queryset: QuerySet, *, round: Round | None, category, prefix: str = "") -> QuerySet:
    if round is not None:
        queryset = queryset.filter(**{f"{prefix}round": round})
    if category is not None:
        queryset = queryset.filter(**{f"{prefix}work__category": category})
    return queryset


# --- Assignments

ASSIGNMENT_FIELDS = (
    "work__anonymous_code",
    "work__title",
    "work__category__name",
    "judge__real_name",
    "judge__email",
    "judge__institution__name",
    "state",
    "sheet__total",
    "sheet__submitted_at",
    "played_seconds",
)


def assignments(round: Round, *, category=None) -> QuerySet:
    return _in_scope(Assignment.objects.all(), round=round, category=category)


def assignment_rows(round: Round, *, category=None):
    """Tuples in ASSIGNMENT_FIELDS order, by category, work and judge."""
    return (
        assignments(round, category=category)
        .order_by(*WORK_ORDER, "judge__real_name", "pk")
        .values_list(*ASSIGNMENT_FIELDS)
        .iterator(chunk_size=CHUNK)
    )


# --- Conflicts of interest and recusals

CONFLICT_FIELDS = (
    "source",
    "work__anonymous_code",
    "work__title",
    "work__category__name",
    "work__entrant__institution__name",
    "judge__real_name",
    "judge__email",
    "judge__institution__name",
    "reason",
    "created_at",
    "created_by__real_name",
)
RECUSAL_FIELDS = (
    "round__name",
    "work__anonymous_code",
    "work__title",
    "work__category__name",
    "work__entrant__institution__name",
    "judge__real_name",
    "judge__email",
    "judge__institution__name",
    "recusal_reason",
    "updated_at",
)


def conflicts(contest: Contest, *, round: Round | None = None, category=None) -> QuerySet:
    """Stored conflicts (declared or set by an organiser) on the contest's works; with a round,
    only those on the round's works."""
    queryset = Conflict.objects.filter(contest=contest)
    if round is not None:
        queryset = queryset.filter(work__round_entries__round=round)
    return _in_scope(queryset, round=None, category=category)


def recusals(contest: Contest, *, round: Round | None = None, category=None) -> QuerySet:
    queryset = Assignment.objects.filter(round__contest=contest, state=Assignment.State.RECUSED)
    return _in_scope(queryset, round=round, category=category)


def conflict_rows(contest: Contest, *, round: Round | None = None, category=None):
    return (
        conflicts(contest, round=round, category=category)
        .order_by(*WORK_ORDER, "judge__real_name", "pk")
        .values_list(*CONFLICT_FIELDS)
        .iterator(chunk_size=CHUNK)
    )


def recusal_rows(contest: Contest, *, round: Round | None = None, category=None):
    return (
        recusals(contest, round=round, category=category)
        .order_by("round__order", *WORK_ORDER, "judge__real_name", "pk")
        .values_list(*RECUSAL_FIELDS)
        .iterator(chunk_size=CHUNK)
    )


# --- Score details

SHEET_FIELDS = (
    "sheet__assignment__work__anonymous_code",
    "sheet__assignment__work__title",
    "sheet__assignment__work__category__name",
    "sheet__assignment__judge__real_name",
    "sheet__assignment__judge__email",
    "sheet__total",
    "sheet__state",
    "sheet__submitted_at",
)


def criteria_of(round: Round) -> list[Criterion]:
    return list(round.rubric.criteria.order_by("order", "pk"))


def score_sheets(round: Round, *, category=None) -> QuerySet:
    return _in_scope(
        ScoreSheet.objects.all(), round=round, category=category, prefix="assignment__"
    )


def score_detail_rows(round: Round, criteria: list[Criterion], *, category=None):
    """One tuple per score sheet: SHEET_FIELDS, then each criterion's score in `criteria` order
    (None where not given), then the comments as "criterion: comment" lines.

    One query over the scores, ordered so that a sheet's scores are consecutive."""
    position = {criterion.pk: i for i, criterion in enumerate(criteria)}
    names = {criterion.pk: criterion.name for criterion in criteria}
    prefix = "sheet__assignment__"
    scores = (
        _in_scope(Score.objects.all(), round=round, category=category, prefix=prefix)
        .order_by(*(prefix + field for field in WORK_ORDER), prefix + "judge__real_name", "sheet")
        .values_list("sheet", *SHEET_FIELDS, "criterion", "value", "comment")
        .iterator(chunk_size=CHUNK)
    )
    for _sheet, items in groupby(scores, key=lambda row: row[0]):
        values = [None] * len(criteria)
        comments = []
        for row in items:
            *_, criterion, value, comment = row
            if criterion in position:
                values[position[criterion]] = value
                if comment:
                    comments.append((position[criterion], f"{names[criterion]}: {comment}"))
        # in the rubric's order, whatever order the database returned a sheet's scores in
        text = "\n".join(line for _position, line in sorted(comments))
        yield (*row[1 : 1 + len(SHEET_FIELDS)], *values, text)


def score_sheet_count(round: Round, *, category=None) -> int:
    """Sheets with at least one score: the rows of `score_detail_rows`."""
    return score_sheets(round, category=category).filter(scores__isnull=False).distinct().count()
