"""Conflicts of interest (回避) that are stored: set by an organiser or declared by a judge.

Automatic conflicts (same institution, city, province) are computed by judging.selectors.panel
and never stored. Recording a conflict ends the judge's live assignment to the work, as a
judge's own recusal does (judging.services.sheets.assignment_recuse), and queues a refill of the
round so another judge takes the work.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contest.errors import Conflict, ValidationFailed
from contest.models import Contest, User, Work
from judging.models import Assignment, PanelMember, Round
from judging.models import Conflict as ConflictOfInterest
from judging.services.sheets import assignment_recuse

MAX_REASON = 1000
LIVE = (Assignment.State.PENDING, Assignment.State.IN_PROGRESS)
# Rounds whose assignments may still change: after closing, results rest on what was scored.
CHANGEABLE_ROUNDS = (Round.State.DRAFT, Round.State.ASSIGNING, Round.State.OPEN)


def _clean_reason(reason: str) -> str:
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Give a reason.")]})
    if len(reason) > MAX_REASON:
        raise ValidationFailed(fields={"reason": [_("Use at most %d characters.") % MAX_REASON]})
    return reason


def rounds_refill(round_ids) -> None:
    """Once the transaction commits, queue the staffing of each round's short works."""
    from judging.tasks import fill_round

    for round_id in sorted(set(round_ids)):
        transaction.on_commit(lambda round_id=round_id: fill_round.enqueue(round_id))


def assignments_recuse(*, judge: User, work: Work, reason: str) -> list[int]:
    """End the judge's live assignments to the work in rounds not yet closed, the way a
    judge's recusal does, and queue a refill of those rounds. Returns the rounds' ids.
    Call inside a transaction."""
    live = Assignment.objects.filter(
        judge=judge, work=work, state__in=LIVE, round__state__in=CHANGEABLE_ROUNDS
    )
    ids = list(live.select_for_update().values_list("pk", flat=True))
    affected = Assignment.objects.filter(pk__in=ids)
    round_ids = sorted(set(affected.values_list("round_id", flat=True)))
    affected.update(
        state=Assignment.State.RECUSED, recusal_reason=reason, updated_at=timezone.now()
    )
    rounds_refill(round_ids)
    return round_ids


@transaction.atomic
def conflict_set(
    *, contest: Contest, judge: User, work: Work, reason: str, actor: User
) -> ConflictOfInterest:
    """An organiser records that a panel member must not judge a work of the contest."""
    reason = _clean_reason(reason)
    errors = {}
    if not PanelMember.objects.filter(contest=contest, user=judge).exists():
        errors["judge"] = [_("Choose a member of the panel.")]
    if work.contest_id != contest.pk:
        errors["work"] = [_("Choose a work of this contest.")]
    if errors:
        raise ValidationFailed(fields=errors)
    conflict, created = ConflictOfInterest.objects.get_or_create(
        judge=judge,
        work=work,
        defaults={
            "contest": contest,
            "source": ConflictOfInterest.Source.ORGANISER,
            "reason": reason,
            "created_by": actor,
        },
    )
    if not created:
        message = _("A conflict is already recorded for this judge and work.")
        raise Conflict(message, code="conflict_exists", fields={"work": [message]})
    assignments_recuse(judge=judge, work=work, reason=reason)
    return conflict


@transaction.atomic
def conflict_remove(*, conflict: ConflictOfInterest) -> None:
    """Lift an organiser-set conflict. A judge's own declaration stands; recusals already made
    stay in the history."""
    if conflict.source != ConflictOfInterest.Source.ORGANISER:
        raise Conflict(
            _("A conflict the judge declared cannot be removed."), code="declared_conflict"
        )
    conflict.delete()


@transaction.atomic
def conflict_declare(*, judge: User, assignment: Assignment, reason: str) -> ConflictOfInterest:
    """A judge declares from their queue that they cannot judge a work (before or while
    scoring): the assignment is recused, the conflict recorded, and the round refilled."""
    assignment = assignment_recuse(assignment=assignment, actor=judge, reason=reason)
    return ConflictOfInterest.objects.get(judge=judge, work_id=assignment.work_id)
