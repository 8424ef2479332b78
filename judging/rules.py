"""Who may do what in judging. Judges reach a work only through an assignment of theirs."""

import rules
from django.db.models import Exists, OuterRef, Q

from contest.models import ContestRole
from contest.rules import is_judge, is_organiser, is_work_entrant, is_work_organiser
from judging.models import Assignment, ChiefJudge, Conflict, DivergenceCase, Round

VISIBLE_ROUNDS = (Round.State.OPEN, Round.State.CLOSED, Round.State.FROZEN)


@rules.predicate
def is_assigned_judge(user, work) -> bool:
    """The user has a live (not recused) assignment to the work in a round judges can see."""
    if work is None or not user.is_authenticated:
        return False
    return (
        Assignment.objects.filter(work=work, judge=user, round__state__in=VISIBLE_ROUNDS)
        .exclude(state=Assignment.State.RECUSED)
        .exists()
    )


@rules.predicate
def is_assigned_judge_of_whole_copy(user, work) -> bool:
    """Assigned to the work in a visible round that keeps the title card."""
    if work is None or not user.is_authenticated:
        return False
    return (
        Assignment.objects.filter(
            work=work, judge=user, round__state__in=VISIBLE_ROUNDS, round__cut_title_card=False
        )
        .exclude(state=Assignment.State.RECUSED)
        .exists()
    )


@rules.predicate
def owns_assignment(user, assignment) -> bool:
    return assignment is not None and user.is_authenticated and assignment.judge_id == user.pk


@rules.predicate
def organises_round_of(user, obj) -> bool:
    """Organiser of the contest of a round, or of an assignment's round."""
    round_ = obj if isinstance(obj, Round) else getattr(obj, "round", None)
    return round_ is not None and is_organiser(user, round_.contest)


def arbitrable_by(user) -> Q:
    """The divergence cases (any state) the user may review as a chief judge (评审组长): a chief
    of the case's round, for the whole round or the work's category, still a judge of the
    contest, in a round judges can see, with no stored conflict with the work and not of the
    entrant's institution. Filters DivergenceCase: the queue, the pages and the media rule
    share it."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    chief = ChiefJudge.objects.filter(user=user, round=OuterRef("round")).filter(
        Q(category__isnull=True) | Q(category=OuterRef("work__category"))
    )
    judge = ContestRole.objects.filter(
        user=user, role=ContestRole.Role.JUDGE, contest=OuterRef("round__contest")
    )
    conflict = Conflict.objects.filter(judge=user, work=OuterRef("work"))
    allowed = Q(Exists(chief), Exists(judge), round__state__in=VISIBLE_ROUNDS)
    allowed &= ~Q(Exists(conflict))
    if user.institution_id:
        allowed &= ~Q(work__entrant__institution_id=user.institution_id)
    return allowed


@rules.predicate
def is_chief_of_case_work(user, work) -> bool:
    """A chief judge who may review a divergence case of the work (arbitration)."""
    if work is None or not user.is_authenticated:
        return False
    return DivergenceCase.objects.filter(arbitrable_by(user), work=work).exists()


# Judges see what judges may see (the blind copy, the sanitised documents) of assigned works;
# chief judges, of the works they may arbitrate.
rules.set_perm(
    "contest.view_blind_media",
    is_work_entrant | is_work_organiser | is_assigned_judge | is_chief_of_case_work,
)
rules.set_perm(
    "contest.view_full_media",
    is_work_entrant | is_work_organiser | is_assigned_judge_of_whole_copy,
)

rules.add_perm("judging.manage_round", organises_round_of)


@rules.predicate
def judges_round(user, round_) -> bool:
    return round_ is not None and is_judge(user, round_.contest)


rules.add_perm("judging.view_round", organises_round_of | judges_round)
rules.add_perm("judging.score", owns_assignment)
rules.add_perm("judging.view_assignment", owns_assignment | organises_round_of)
rules.add_perm("judging.manage_panel", is_organiser)
