"""Third marking (三评) and arbitration (仲裁) of works whose judges disagree (DESIGN §6).

`work_check` runs in a background task after each submission. A work is looked at only once
every live (not recused) assignment of it in the round is submitted and there are at least
judges_per_work of them:

- no case yet and the totals spread more than the round's tolerance (0: any difference) →
  a case opens in third marking and one more judge is asked for through the incremental
  assignment; when nobody can be added the case goes straight to arbitration;
- a case in third marking, once a sheet beyond those it opened with is in → resolved when the
  closest pair of totals is within the tolerance, else arbitration.

The check is idempotent and safe to run concurrently: decisions are re-taken under the round's
row lock, and (round, work) is unique. Chief judges (or the contest's organisers) then
arbitrate; organisers may reopen a closed case. A frozen round's cases never change.
"""

import logging
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from contest.errors import Conflict, DomainError, PermissionDeniedError, ValidationFailed
from contest.models import User
from judging.models import Assignment, CaseEvent, DivergenceCase, Round, RoundWork, ScoreSheet
from judging.scoring.final import closest_pair
from judging.selectors.divergence import may_arbitrate, rubric_max_total
from judging.services.assignment import extra_judges_add

logger = logging.getLogger(__name__)

A = Assignment.State
S = DivergenceCase.State
K = CaseEvent.Kind
CENT = Decimal("0.01")
MAX_NOTE = 2000


# --- Third marking


def _totals(round_id: int, work_id: int) -> dict[int, Decimal] | None:
    """Submitted totals by assignment id, or None while a live assignment is unsubmitted."""
    rows = (
        Assignment.objects.filter(round_id=round_id, work_id=work_id)
        .exclude(state=A.RECUSED)
        .values_list("pk", "state", "sheet__state", "sheet__total")
    )
    totals = {}
    for pk, state, sheet_state, total in rows:
        if state != A.SUBMITTED or sheet_state != ScoreSheet.State.SUBMITTED or total is None:
            return None
        totals[pk] = total
    return totals


def _spread(totals: dict[int, Decimal]) -> Decimal:
    values = list(totals.values())
    return max(values) - min(values) if len(values) >= 2 else Decimal(0)


def _closest_spread(totals: dict[int, Decimal]) -> Decimal:
    values = list(totals.values())
    pair = closest_pair([float(v) for v in values])
    return Decimal(0) if pair is None else abs(values[pair[0]] - values[pair[1]])


def _shown(totals: dict[int, Decimal]) -> dict[str, str]:
    return {str(pk): str(total) for pk, total in sorted(totals.items())}


def _opened_with(case: DivergenceCase) -> set[int]:
    opened = case.events.filter(kind=K.OPENED).order_by("pk").first()
    return {int(pk) for pk in (opened.detail.get("totals", {}) if opened else {})}


def _decision(round_: Round, totals, case: DivergenceCase | None) -> str | None:
    """What the check should do: "open", "settle" or nothing."""
    if round_.state == Round.State.FROZEN or not totals or len(totals) < round_.judges_per_work:
        return None
    if case is None:
        return "open" if _spread(totals) > round_.tolerance else None
    if case.state == S.THIRD_MARKING and set(totals) - _opened_with(case):
        return "settle"
    return None


def work_check(*, round_id: int, work_id: int) -> DivergenceCase | None:
    """Open or settle the work's divergence case if its sheets call for it; the case (if any).

    A first look without locks leaves the common case (nothing to do) cheap; anything to do is
    decided again under the round's row lock."""
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None:
        return None
    case = DivergenceCase.objects.filter(round_id=round_id, work_id=work_id).first()
    if _decision(round_, _totals(round_id, work_id), case) is None:
        return case
    with transaction.atomic():
        round_ = Round.objects.select_for_update(of=("self",), no_key=True).get(pk=round_id)
        case = (
            DivergenceCase.objects.select_for_update(of=("self",))
            .filter(round_id=round_id, work_id=work_id)
            .first()
        )
        totals = _totals(round_id, work_id)
        decision = _decision(round_, totals, case)
        if decision == "open":
            case = _open(round_, work_id, totals)
        elif decision == "settle":
            _settle(round_, case, totals)
    return case


def _live_ids(round_: Round, work_id: int) -> set[int]:
    live = Assignment.objects.filter(round=round_, work_id=work_id).exclude(state=A.RECUSED)
    return set(live.values_list("pk", flat=True))


def _open(round_: Round, work_id: int, totals: dict[int, Decimal]) -> DivergenceCase:
    spread = _spread(totals)
    try:
        with transaction.atomic():
            case = DivergenceCase.objects.create(round=round_, work_id=work_id, spread=spread)
    except IntegrityError:  # opened meanwhile by a check that did not take the lock
        return DivergenceCase.objects.get(round=round_, work_id=work_id)
    detail = {"totals": _shown(totals), "spread": str(spread), "tolerance": str(round_.tolerance)}
    CaseEvent.objects.create(case=case, kind=K.OPENED, detail=detail)
    added = _add_judge(round_, work_id)
    if added:
        CaseEvent.objects.create(case=case, kind=K.JUDGE_ADDED, detail={"assignments": added})
    else:
        CaseEvent.objects.create(case=case, kind=K.NO_JUDGE)
        case.state = S.ARBITRATION
        case.save(update_fields=["state"])
    logger.info("round %s, work %s: divergence case %s opened", round_.pk, work_id, case.pk)
    return case


def _add_judge(round_: Round, work_id: int) -> list[int]:
    """Ask the incremental assignment for one more judge; the new live assignments' ids. When
    nobody could be added the request is withdrawn, so that no later fill staffs a work that
    has gone to arbitration."""
    before = _live_ids(round_, work_id)
    try:
        with transaction.atomic():
            extra_judges_add(round=round_, work_ids=[work_id], count=1)
    except DomainError as exc:  # the round no longer takes assignments (closed)
        logger.info("round %s, work %s: no third judge: %s", round_.pk, work_id, exc.code)
        return []
    added = sorted(_live_ids(round_, work_id) - before)
    if not added:
        RoundWork.objects.filter(round=round_, work_id=work_id, extra_judges__gt=0).update(
            extra_judges=F("extra_judges") - 1
        )
    return added


def _settle(round_: Round, case: DivergenceCase, totals: dict[int, Decimal]) -> None:
    apart = _closest_spread(totals)
    detail = {"totals": _shown(totals), "closest_pair_spread": str(apart)}
    if apart <= round_.tolerance:
        case.state, case.closed_at = S.RESOLVED, timezone.now()
        CaseEvent.objects.create(case=case, kind=K.AGREED, detail=detail)
    else:
        case.state = S.ARBITRATION
        CaseEvent.objects.create(case=case, kind=K.STILL_APART, detail=detail)
    case.save(update_fields=["state", "closed_at"])


# --- Arbitration and reopening


def parse_arbitrated_score(raw, maximum: Decimal) -> Decimal:
    """A score from user input: a number from 0 to the rubric's best total, 2 decimals at most."""
    try:
        score = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(fields={"score": [_("Enter a number.")]}) from None
    if not score.is_finite():
        raise ValidationFailed(fields={"score": [_("Enter a number.")]})
    if score < 0 or score > maximum:
        message = _("Enter a score from 0 to %s.") % format(maximum.normalize(), "f")
        raise ValidationFailed(fields={"score": [message]})
    if score != score.quantize(CENT):
        raise ValidationFailed(fields={"score": [_("Use at most two decimals.")]})
    return abs(score).quantize(CENT)


def _clean_text(text, field: str, missing: str) -> str:
    text = str(text or "").strip()
    if not text:
        raise ValidationFailed(fields={field: [missing]})
    if len(text) > MAX_NOTE:
        raise ValidationFailed(fields={field: [_("Use at most %d characters.") % MAX_NOTE]})
    return text


def _locked_case(case: DivergenceCase) -> DivergenceCase:
    """The case, its row locked, if its round's results are not frozen."""
    case = (
        DivergenceCase.objects.select_for_update(of=("self",))
        .select_related("round__contest", "round__rubric", "work")
        .get(pk=case.pk)
    )
    if case.round.state == Round.State.FROZEN:
        raise Conflict(
            _("The results of this round are frozen: its cases no longer change."),
            code="round_frozen",
        )
    return case


@transaction.atomic
def case_arbitrate(*, case: DivergenceCase, actor: User, score, note: str) -> DivergenceCase:
    """The chief judge's (or an organiser's) score for a case awaiting arbitration, with a note.
    The score lies in [0, the rubric's best weighted total]."""
    case = _locked_case(case)
    if not may_arbitrate(actor, case):
        raise PermissionDeniedError(_("Only a chief judge of this round may arbitrate this work."))
    if case.state != S.ARBITRATION:
        raise Conflict(_("This work is not awaiting arbitration."), code="not_in_arbitration")
    value = parse_arbitrated_score(score, rubric_max_total(case.round.rubric))
    note = _clean_text(note, "note", _("Say why you give this score."))
    case.state, case.closed_at = S.ARBITRATED, timezone.now()
    case.arbitrator, case.arbitrated_score, case.arbitration_note = actor, value, note
    case.save(
        update_fields=["state", "closed_at", "arbitrator", "arbitrated_score", "arbitration_note"]
    )
    CaseEvent.objects.create(
        case=case, kind=K.ARBITRATED, actor=actor, note=note, detail={"score": str(value)}
    )
    return case


@transaction.atomic
def case_reopen(*, case: DivergenceCase, actor: User, reason: str) -> DivergenceCase:
    """An organiser sends a resolved or arbitrated case back to arbitration, with a reason; the
    earlier score stays in the history."""
    case = _locked_case(case)
    if not actor.has_perm("judging.manage_round", case.round):
        raise PermissionDeniedError()
    reason = _clean_text(reason, "reason", _("Give a reason."))
    if case.state not in (S.RESOLVED, S.ARBITRATED):
        raise Conflict(_("Only a resolved or arbitrated case can be reopened."), code="not_closed")
    detail = {"previous_state": case.state}
    if case.arbitrated_score is not None:
        detail["previous_score"] = str(case.arbitrated_score)
    case.state, case.closed_at = S.ARBITRATION, None
    case.arbitrator, case.arbitrated_score, case.arbitration_note = None, None, ""
    case.save(
        update_fields=["state", "closed_at", "arbitrator", "arbitrated_score", "arbitration_note"]
    )
    CaseEvent.objects.create(case=case, kind=K.REOPENED, actor=actor, note=reason, detail=detail)
    return case
