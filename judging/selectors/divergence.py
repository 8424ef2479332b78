"""Reads about divergence cases (三评 / 仲裁): the organisers' lists and histories, the chief
judges' arbitration queue and blind case pages, and a round's cases for the results.

Organisers see everything, judges' names included. A chief judge sees a case through
`judging.rules.arbitrable_by` only, and what is read for them is blind (DESIGN §7): the work by
its anonymous code, title and summary, its judges' copies, and the counted sheets labelled
"Judge 1", "Judge 2"… in a fixed order, never a judge's or the entrant's name. Lists run a
constant number of queries whatever their length.
"""

from dataclasses import dataclass
from decimal import Decimal

import rules
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from contest.errors import NotFound, PermissionDeniedError
from contest.models import Attachment, ProcessingState, User, VideoAsset
from judging.models import (
    Assignment,
    CaseEvent,
    ChiefJudge,
    DivergenceCase,
    Round,
    Rubric,
    ScoreSheet,
)
from judging.rules import VISIBLE_ROUNDS, arbitrable_by
from judging.selectors.rounds import rubric_total

S = DivergenceCase.State
CENT = Decimal("0.01")
MANAGE = "judging.manage_round"


@dataclass(frozen=True)
class CaseSummary:
    state: str
    arbitrator_id: int | None
    score: Decimal | None


def round_cases(round_: Round) -> dict[int, CaseSummary]:
    """The round's cases by work id: state, arbitrator (user id) and arbitrated score."""
    rows = DivergenceCase.objects.filter(round=round_).values_list(
        "work_id", "state", "arbitrator_id", "arbitrated_score"
    )
    return {work: CaseSummary(state, who, score) for work, state, who, score in rows}


def rubric_max_total(rubric: Rubric) -> Decimal:
    return rubric_total(rubric).quantize(CENT)


def may_arbitrate(user: User, case: DivergenceCase) -> bool:
    """An organiser of the case's contest, or a chief judge who may review the case."""
    if user.has_perm(MANAGE, case.round):
        return True
    return DivergenceCase.objects.filter(arbitrable_by(user), pk=case.pk).exists()


# --- Organisers


def cases_of_round(round_: Round, *, state: str = "") -> QuerySet[DivergenceCase]:
    cases = (
        DivergenceCase.objects.filter(round=round_)
        .select_related("work__category", "arbitrator")
        .order_by("-opened_at", "-pk")
    )
    return cases.filter(state=state) if state in S.values else cases


def case_counts(round_: Round) -> list[tuple[str, str, int]]:
    """(state, label, number of cases) for every state, in one query."""
    counts = dict(
        DivergenceCase.objects.filter(round=round_)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(value, label, counts.get(value, 0)) for value, label in S.choices]


def access_case(user: User, pk: int, *, slug: str | None = None) -> DivergenceCase:
    """A case for its contest's organisers: not found for those who may not see the contest
    (or under another contest's `slug`), 403 for others who see it."""
    case = (
        DivergenceCase.objects.select_related(
            "round__contest", "round__rubric", "work__category", "arbitrator"
        )
        .filter(pk=pk)
        .first()
    )
    if (
        case is None
        or (slug is not None and case.round.contest.slug != slug)
        or not rules.has_perm("contest.view_contest", user, case.round.contest)
    ):
        raise NotFound()
    if not user.has_perm(MANAGE, case.round):
        raise PermissionDeniedError()
    return case


def case_of_round(round_: Round, pk: int) -> DivergenceCase:
    case = cases_of_round(round_).select_related("round__contest", "round__rubric").filter(pk=pk)
    case = case.first()
    if case is None:
        raise NotFound()
    return case


def case_history(case: DivergenceCase) -> list[CaseEvent]:
    """The case's events, oldest first, each with `totals`: [(assignment id, judge name,
    total)] from its detail, for organisers."""
    events = list(case.events.select_related("actor").order_by("created_at", "pk"))
    judges = dict(
        Assignment.objects.filter(round_id=case.round_id, work_id=case.work_id).values_list(
            "pk", "judge__real_name"
        )
    )
    for event in events:
        shown = event.detail.get("totals", {}) if isinstance(event.detail, dict) else {}
        event.totals = [(int(pk), judges.get(int(pk), "?"), total) for pk, total in shown.items()]
        added = event.detail.get("assignments", []) if isinstance(event.detail, dict) else []
        event.added = [judges.get(int(pk), "?") for pk in added]
    return events


# --- Chief judges


def arbitration_queue(user: User) -> QuerySet[DivergenceCase]:
    """The cases awaiting the user's arbitration, in rounds not yet frozen, oldest first."""
    return (
        DivergenceCase.objects.filter(arbitrable_by(user), state=S.ARBITRATION)
        .exclude(round__state=Round.State.FROZEN)
        .select_related("round__contest", "work__category")
        .only(
            "id",
            "state",
            "opened_at",
            "round__name",
            "round__contest__title",
            "work__anonymous_code",
            "work__title",
            "work__category__name",
        )
        .order_by("opened_at", "pk")
    )


def arbitration_count(user: User) -> int | None:
    """How many cases await the user's arbitration; None when the user is no chief judge of a
    round judges can see (the workspace then shows no link to the queue)."""
    if not user.is_authenticated:
        return None
    chief = ChiefJudge.objects.filter(user=user, round__state__in=VISIBLE_ROUNDS)
    return arbitration_queue(user).count() if chief.exists() else None


def access_arbitration(user: User, pk: int) -> DivergenceCase:
    """A case awaiting (or past) arbitration that the user may arbitrate: as a chief judge, or
    an organiser. A judge of the contest who may not gets 403; anyone else, not found."""
    case = (
        DivergenceCase.objects.select_related("round__contest", "round__rubric", "work__category")
        .filter(pk=pk, state__in=(S.ARBITRATION, S.ARBITRATED))
        .first()
    )
    if case is None:
        raise NotFound()
    if may_arbitrate(user, case):
        return case
    if rules.has_perm("contest.judge_contest", user, case.round.contest):
        raise PermissionDeniedError(_("Only a chief judge of this round may arbitrate this work."))
    raise NotFound()


def counted_sheets(case: DivergenceCase, criteria, *, with_judges: bool = False) -> list:
    """The work's submitted sheets of live assignments in the round, in a fixed order, each
    with `label` ("Judge 1"…) and `cells`: (criterion, its Score or None) in the order of
    `criteria`. Judges' names only `with_judges` (organisers). Two queries."""
    sheets = (
        ScoreSheet.objects.filter(
            assignment__round_id=case.round_id,
            assignment__work_id=case.work_id,
            assignment__state=Assignment.State.SUBMITTED,
            state=ScoreSheet.State.SUBMITTED,
        )
        .prefetch_related("scores")
        .order_by("assignment_id")
    )
    if with_judges:
        sheets = sheets.select_related("assignment__judge")
    sheets = list(sheets)
    for number, sheet in enumerate(sheets, start=1):
        sheet.label = _("Judge %d") % number
        by_criterion = {score.criterion_id: score for score in sheet.scores.all()}
        sheet.cells = [(c, by_criterion.get(c.pk)) for c in criteria]
    return sheets


def blind_media(case: DivergenceCase) -> dict:
    """The judges' copies of the work: its checked video (title card cut) and sanitised
    attachments."""
    work = case.work
    video = (
        VideoAsset.objects.filter(work=work, is_current=True, state=ProcessingState.READY)
        .only("id", "uuid", "work_id", "blind_duration")
        .first()
    )
    attachments = Attachment.objects.filter(
        work=work, is_current=True, state=ProcessingState.READY
    ).only("id", "uuid", "work_id", "kind", "doc_type")
    return {"video": video, "attachments": list(attachments.order_by("kind"))}


def case_bundle(case: DivergenceCase, *, with_judges: bool = False) -> dict:
    """What a case page shows of the work's scoring, in a constant number of queries: the
    rubric's criteria and best total, the counted sheets, and the judges' copies of the files.
    Blind unless `with_judges`."""
    criteria = list(case.round.rubric.criteria.order_by("order", "pk"))
    frozen = case.round.state == Round.State.FROZEN
    sheets = counted_sheets(case, criteria, with_judges=with_judges)
    return {
        "case": case,
        "work": case.work,
        "criteria": criteria,
        "max_total": sum((c.max_points * c.weight for c in criteria), Decimal(0)).quantize(CENT),
        "sheets": sheets,
        "commented": any(score and score.comment for s in sheets for _c, score in s.cells),
        "media": blind_media(case),
        "frozen": frozen,
        "writable": case.state == S.ARBITRATION and not frozen,
    }
