"""Reads about rubrics and rounds: permission-checked access, N+1-free lists, counts, export.

Organisers of a contest manage its rubrics and rounds; its judges may read them (they score
against the rubric) but never a round's list of works.
"""

from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet, Sum
from django.utils import timezone

from contest.errors import NotFound, PermissionDeniedError
from contest.models import Contest, ProcessingState, User, VideoAsset
from contest.selectors import access_contest
from judging.models import Assignment, Criterion, Round, Rubric

MANAGE = "contest.manage_contest"
# Once a round using a rubric has been opened, its sheets refer to the rubric's criteria.
OPENED = (Round.State.OPEN, Round.State.CLOSED, Round.State.FROZEN)


def may_read_judging(user: User, contest: Contest) -> bool:
    return user.has_perm(MANAGE, contest) or user.has_perm("contest.judge_contest", contest)


def access_judging(user: User, slug: str, *, manage: bool) -> Contest:
    """The contest, if the user may manage its judging set-up (`manage`) or read it (judges)."""
    if manage:
        return access_contest(user, slug, MANAGE)
    contest = access_contest(user, slug)
    if not may_read_judging(user, contest):
        raise PermissionDeniedError()
    return contest


def _frozen() -> Exists:
    return Exists(Round.objects.filter(rubric=OuterRef("pk"), state__in=OPENED))


def access_rubric(user: User, pk: int, *, manage: bool = False) -> Rubric:
    """A rubric its contest's organisers (and, to read, judges) may reach; others get 404."""
    rubric = (
        Rubric.objects.select_related("contest", "copied_from")
        .annotate(frozen=_frozen())
        .filter(pk=pk)
        .first()
    )
    if rubric is None or not may_read_judging(user, rubric.contest):
        raise NotFound()
    if manage and not user.has_perm(MANAGE, rubric.contest):
        raise PermissionDeniedError()
    return rubric


def access_round(user: User, pk: int, *, manage: bool = False) -> Round:
    round_ = Round.objects.select_related("contest", "rubric").filter(pk=pk).first()
    if round_ is None or not user.has_perm("judging.view_round", round_):
        raise NotFound()
    if manage and not user.has_perm("judging.manage_round", round_):
        raise PermissionDeniedError()
    return round_


def criterion_of(rubric: Rubric, pk: int) -> Criterion:
    criterion = rubric.criteria.filter(pk=pk).select_related("rubric").first()
    if criterion is None:
        raise NotFound()
    return criterion


def rubric_is_frozen(rubric: Rubric) -> bool:
    return rubric.rounds.filter(state__in=OPENED).exists()


def rubrics_of(contest: Contest) -> QuerySet[Rubric]:
    """The contest's rubrics with their criteria (prefetched), frozen flag, round count, number of
    criteria and total (Σ maximum × weight)."""
    rounds = Round.objects.filter(rubric=OuterRef("pk")).order_by().values("rubric")
    return (
        Rubric.objects.filter(contest=contest)
        .select_related("contest", "copied_from")
        .annotate(
            frozen=_frozen(),
            round_count=rounds.annotate(n=Count("pk")).values("n")[:1],
            criterion_count=Count("criteria"),
            total=Sum(F("criteria__max_points") * F("criteria__weight")),
        )
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk")))
        .order_by("name", "pk")
    )


def rubric_total(rubric: Rubric) -> Decimal:
    """Σ maximum × weight: the best total a sheet can reach."""
    return sum((c.max_points * c.weight for c in rubric.criteria.all()), Decimal(0))


def rounds_of(contest: Contest) -> QuerySet[Round]:
    """The contest's rounds in order (初评, 复评, 终评), with rubric, categories and work counts."""
    return (
        Round.objects.filter(contest=contest)
        .select_related("contest", "rubric")
        .prefetch_related("categories")
        .annotate(work_count=Count("round_works"))
        .order_by("order", "pk")
    )


def round_counts(round_: Round) -> dict:
    """How many works the round has, and its assignments by state (every state listed)."""
    by_state = dict(
        Assignment.objects.filter(round=round_)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "works": round_.round_works.count(),
        "assignments": [
            (value, label, by_state.get(value, 0)) for value, label in Assignment.State.choices
        ],
        "assignment_total": sum(by_state.values()),
    }


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def rubric_export(rubric: Rubric) -> dict:
    """The rubric in the shape of judging/data/rubrics/*.json, which the import reads back."""
    criteria = list(rubric.criteria.order_by("order", "pk"))
    return {
        "name": rubric.name,
        "note": rubric.note,
        "total": _number(sum((c.max_points * c.weight for c in criteria), Decimal(0))),
        "criteria": [
            {
                "name": c.name,
                "description": c.description,
                "max": _number(c.max_points),
                "step": _number(c.step),
                "weight": _number(c.weight),
                "levels": {level["label"]: level["text"] for level in c.levels},
                "comment_required": c.comment_required,
            }
            for c in criteria
        ],
    }


def videos_awaiting_full_copy() -> list[int]:
    """Current ready videos in open rounds that keep the title card, still without their uncut
    copy and with no worker making it (no live claim): the copies to queue again."""
    from contest.services.jobs import lease

    return list(
        VideoAsset.objects.filter(
            work__round_entries__round__state=Round.State.OPEN,
            work__round_entries__round__cut_title_card=False,
            is_current=True,
            state=ProcessingState.READY,
            full_file="",
        )
        .exclude(processing_started_at__gt=timezone.now() - lease())
        .values_list("pk", flat=True)
        .distinct()
    )


def round_videos_without_full_copy(round_id: int) -> list[int]:
    """Current ready videos of the round's works that have no uncut judges' copy yet."""
    return list(
        VideoAsset.objects.filter(
            work__round_entries__round_id=round_id,
            is_current=True,
            state=ProcessingState.READY,
            full_file="",
        ).values_list("pk", flat=True)
    )
