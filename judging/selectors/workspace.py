"""Reads for the judge's workspace: my rounds, my queue, one assignment of mine.

Judges reach a work only through an assignment of theirs, by the assignment's id; nothing read
here for a judge carries the entrant (blind review, DESIGN §7). Lists run a constant number of
queries whatever the size of the round.
"""

import rules
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from contest.errors import NotFound
from contest.models import Attachment, ContestRole, ProcessingState, User, VideoAsset
from judging.models import Assignment, Round, ScoreSheet
from judging.rules import VISIBLE_ROUNDS
from judging.services.sheets import scoring_open, sheet_total

A = Assignment.State
# The rounds a judge's home page lists; a frozen round's queue stays reachable by its link.
LISTED_ROUNDS = (Round.State.OPEN, Round.State.CLOSED)
# Unfinished work first, then what is done.
_QUEUE_ORDER = Case(
    When(state=A.IN_PROGRESS, then=Value(0)),
    When(state=A.PENDING, then=Value(1)),
    When(state=A.SUBMITTED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def _progress(user: User, path: str = "") -> dict:
    """Annotations `done` and `total`: the user's live (not recused) assignments, reached from
    the queried model through `path` ("assignments__" from a round, "" on assignments)."""
    mine = Q(**{f"{path}judge": user}) & ~Q(**{f"{path}state": A.RECUSED})
    submitted = mine & Q(**{f"{path}state": A.SUBMITTED})
    counted = path.removesuffix("__") or "pk"
    return {"total": Count(counted, filter=mine), "done": Count(counted, filter=submitted)}


def rounds_of_judge(user: User) -> QuerySet[Round]:
    """Open and closed rounds of the contests the user judges, with `done` and `total`."""
    contests = ContestRole.objects.filter(user=user, role=ContestRole.Role.JUDGE).values(
        "contest_id"
    )
    return (
        Round.objects.filter(contest_id__in=contests, state__in=LISTED_ROUNDS)
        .select_related("contest")
        .annotate(**_progress(user, "assignments__"))
        .order_by("closes_at", "contest_id", "order")
    )


def access_round_for_judge(user: User, pk: int) -> Round:
    """A round the user judges and judges may see; any other round is "not found"."""
    round_ = Round.objects.select_related("contest").filter(pk=pk).first()
    if (
        round_ is None
        or round_.state not in VISIBLE_ROUNDS
        # The rule itself, not user.has_perm: superusers are not judges either.
        or not rules.has_perm("contest.judge_contest", user, round_.contest)
    ):
        raise NotFound()
    return round_


def round_progress(user: User, round_: Round) -> dict:
    """{"done", "total"} of the user's live assignments in the round, in one query."""
    return Assignment.objects.filter(round=round_, judge=user).aggregate(**_progress(user))


def _ready_videos() -> Prefetch:
    ready = VideoAsset.objects.filter(is_current=True, state=ProcessingState.READY)
    only = ready.only("id", "uuid", "work_id", "full_file")
    return Prefetch("work__videos", queryset=only, to_attr="ready_videos")


def _ready_attachments() -> Prefetch:
    ready = Attachment.objects.filter(is_current=True, state=ProcessingState.READY)
    return Prefetch(
        "work__attachments",
        queryset=ready.only("id", "uuid", "work_id", "kind", "doc_type").order_by("kind"),
        to_attr="ready_attachments",
    )


def queue_of(user: User, round_: Round, *, with_media: bool = False) -> QuerySet[Assignment]:
    """The user's assignments in the round, unfinished first, with their sheet's `total` and
    what a judge may know of the work: its code and category."""
    queue = (
        Assignment.objects.filter(round=round_, judge=user)
        .select_related("round", "work__category")
        .annotate(total=F("sheet__total"))
        .only(
            "id", "state", "round__cut_title_card", "work__anonymous_code", "work__category__name"
        )
        .order_by(_QUEUE_ORDER, "work__anonymous_code", "pk")
    )
    if with_media:
        queue = queue.prefetch_related(_ready_videos(), _ready_attachments())
    return queue


def access_assignment(user: User, pk: int) -> Assignment:
    """One of the user's own assignments, in a round judges may see, with what the scoring
    page needs. Anyone else's assignment is "not found", organisers' included: they have the
    screening pages."""
    assignment = (
        Assignment.objects.select_related("round__contest", "round__rubric", "work__category")
        .filter(pk=pk, round__state__in=VISIBLE_ROUNDS)
        .first()
    )
    if assignment is None or not rules.has_perm("judging.score", user, assignment):
        raise NotFound()
    return assignment


def sheet_of(assignment: Assignment) -> ScoreSheet | None:
    """The assignment's sheet with its scores, or None before the first save."""
    return ScoreSheet.objects.filter(assignment=assignment).prefetch_related("scores").first()


def media_of(assignment: Assignment) -> dict:
    """The judges' copies of the work: its checked video and sanitised attachments. None of
    them for a recused judge."""
    if assignment.state == A.RECUSED:
        return {"video": None, "attachments": []}
    work = assignment.work
    video = (
        work.videos.filter(is_current=True, state=ProcessingState.READY)
        .only("id", "uuid", "work_id", "blind_duration")
        .first()
    )
    attachments = work.attachments.filter(is_current=True, state=ProcessingState.READY).only(
        "id", "uuid", "work_id", "kind", "doc_type"
    )
    return {"video": video, "attachments": list(attachments.order_by("kind"))}


def criteria_of(assignment: Assignment) -> list:
    return list(assignment.round.rubric.criteria.all())


def sheet_writable(assignment: Assignment) -> bool:
    """Whether the judge may change the sheet now: not submitted or recused, window open."""
    return assignment.state in (A.PENDING, A.IN_PROGRESS) and scoring_open(assignment.round)


def scoring_bundle(assignment: Assignment) -> dict:
    """What the scoring page and the API show of one assignment, in a constant number of
    queries: the rubric's criteria, the sheet, the judges' copies of the files."""
    criteria = criteria_of(assignment)
    return {
        "assignment": assignment,
        "criteria": criteria,
        "max_total": sheet_total(criteria, {c.pk: c.max_points for c in criteria}),
        "sheet": sheet_of(assignment),
        "media": media_of(assignment),
        "writable": sheet_writable(assignment),
    }
