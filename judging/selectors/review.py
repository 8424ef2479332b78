"""Reads for the organisers' review page of a round: author flags and submitted sheets."""

from django.db.models import QuerySet

from contest.errors import NotFound
from judging.models import Assignment, AuthorFlag, Round


def flags_of_round(round_: Round) -> QuerySet[AuthorFlag]:
    """The round's author flags, open ones first (organisers see the judges' names)."""
    return (
        AuthorFlag.objects.filter(assignment__round=round_)
        .select_related("assignment__work", "assignment__judge", "resolved_by")
        .order_by("resolved_at", "-created_at")
    )


def submitted_sheets(round_: Round, *, code: str = "") -> QuerySet[Assignment]:
    rows = (
        Assignment.objects.filter(round=round_, state=Assignment.State.SUBMITTED)
        .select_related("work", "judge", "sheet")
        .order_by("work__anonymous_code", "pk")
    )
    code = code.strip().upper()
    return rows.filter(work__anonymous_code=code) if code else rows


def flag_of_round(round_: Round, pk: int) -> AuthorFlag:
    flag = flags_of_round(round_).filter(pk=pk).first()
    if flag is None:
        raise NotFound()
    return flag
