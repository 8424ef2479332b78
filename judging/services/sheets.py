"""Score sheets: draft saves, submission, reopening, recusal, playback and author flags.

Every save writes an append-only ScoreRevision. The assignment row is locked for the whole write,
so two saves of one sheet queue up instead of losing one, and the (assignment) unique key on the
sheet means an assignment never gets a second sheet.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import DecimalField, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from contest.errors import Conflict, PermissionDeniedError, ValidationFailed
from contest.models import User
from judging.models import (
    Assignment,
    AuthorFlag,
    Criterion,
    Round,
    Score,
    ScoreRevision,
    ScoreSheet,
)
from judging.models import Conflict as ConflictOfInterest

A = Assignment.State
CENT = Decimal("0.01")


def scoring_open(round_: Round, now=None) -> bool:
    now = now or timezone.now()
    return round_.state == Round.State.OPEN and round_.opens_at <= now < round_.closes_at


def _locked_assignment(assignment: Assignment, actor: User) -> tuple[Assignment, dt.datetime]:
    """The assignment, locked, if the actor may write its sheet now; and that moment.

    The moment is taken once the lock is held, so a write decided just before the window's end
    is stamped before it, however long it waited for the lock."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("round__rubric", "work")
        .get(pk=assignment.pk)
    )
    now = timezone.now()
    if assignment.judge_id != actor.pk:
        raise PermissionDeniedError()
    if assignment.state == A.RECUSED:
        raise Conflict(_("You recused yourself from this work."), code="recused")
    if assignment.state == A.SUBMITTED:
        raise Conflict(_("This score sheet is submitted and locked."), code="locked")
    if not scoring_open(assignment.round, now):
        raise Conflict(_("The scoring window of this round is closed."), code="window_closed")
    return assignment, now


def parse_score(raw, criterion: Criterion) -> Decimal | None:
    """A criterion's value from user input: None when empty; otherwise within [0, max] on the
    criterion's step. Raises ValidationFailed naming the criterion."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    field = f"criterion_{criterion.pk}"
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(fields={field: [_("Enter a number.")]}) from None
    if not value.is_finite():
        raise ValidationFailed(fields={field: [_("Enter a number.")]})
    if value < 0 or value > criterion.max_points:
        raise ValidationFailed(
            fields={field: [_("Enter a score from 0 to %s.") % _plain(criterion.max_points)]}
        )
    if value % criterion.step != 0:
        raise ValidationFailed(
            fields={field: [_("Scores go in steps of %s.") % _plain(criterion.step)]}
        )
    # One spelling per value in the history ("1E+1", "10.0" and "-0" are 10.00 and 0.00); steps
    # have at most two decimals, so this never rounds.
    return abs(value).quantize(CENT)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _parse_all(criteria: list[Criterion], values: dict, comments: dict) -> tuple[dict, dict]:
    known = {str(c.pk) for c in criteria}
    unknown = ({str(k) for k in values} | {str(k) for k in comments}) - known
    if unknown:
        raise ValidationFailed(
            fields={"criteria": [_("Unknown criteria: %s.") % ", ".join(sorted(unknown))]}
        )
    errors, parsed, notes = {}, {}, {}
    for criterion in criteria:
        key = str(criterion.pk)
        try:
            parsed[criterion.pk] = parse_score(_get(values, criterion.pk), criterion)
        except ValidationFailed as exc:
            errors.update(exc.fields)
        note = str(_get(comments, criterion.pk) or "").strip()
        if len(note) > 2000:
            errors[f"comment_{key}"] = [_("Use at most %d characters.") % 2000]
        notes[criterion.pk] = note
    if errors:
        raise ValidationFailed(fields=errors)
    return parsed, notes


def _get(mapping: dict, pk: int):
    return mapping.get(str(pk), mapping.get(pk))


def sheet_total(criteria: list[Criterion], parsed: dict) -> Decimal | None:
    """Σ score × weight over the scored criteria; None when nothing is scored yet."""
    scored = [(c, parsed[c.pk]) for c in criteria if parsed.get(c.pk) is not None]
    if not scored:
        return None
    return sum((value * c.weight for c, value in scored), Decimal(0)).quantize(CENT)


def _store_scores(sheet: ScoreSheet, criteria: list[Criterion], parsed: dict, notes: dict) -> None:
    """The sheet's current Score rows, one per criterion, in two queries whatever the rubric."""
    existing = {score.criterion_id: score for score in sheet.scores.all()}
    fresh = []
    for criterion in criteria:
        score = existing.get(criterion.pk) or Score(sheet=sheet, criterion=criterion)
        score.value, score.comment = parsed.get(criterion.pk), notes.get(criterion.pk, "")
        if score.pk is None:
            fresh.append(score)
    Score.objects.bulk_update([s for s in existing.values()], ["value", "comment"])
    Score.objects.bulk_create(fresh)


def _write(
    assignment: Assignment,
    actor: User,
    criteria: list[Criterion],
    parsed: dict,
    notes: dict,
    action: str,
    expected_version: int | None,
    reason: str = "",
) -> ScoreSheet:
    sheet, _created = ScoreSheet.objects.get_or_create(assignment=assignment)
    if expected_version is not None and expected_version != sheet.version:
        raise Conflict(
            _("This sheet was changed in another window. Reload it to see the latest scores."),
            code="stale_version",
        )
    _store_scores(sheet, criteria, parsed, notes)
    sheet.total = sheet_total(criteria, parsed)
    sheet.version += 1
    ScoreRevision.objects.create(
        sheet=sheet,
        number=sheet.version,
        author=actor,
        action=action,
        reason=reason,
        values={str(k): (None if v is None else str(v)) for k, v in parsed.items()},
        comments={str(k): v for k, v in notes.items() if v},
        total=sheet.total,
    )
    return sheet


@transaction.atomic
def sheet_save(
    *,
    assignment: Assignment,
    actor: User,
    values: dict,
    comments: dict | None = None,
    expected_version: int | None = None,
) -> ScoreSheet:
    """A draft save (autosave): any subset of criteria, each value checked."""
    assignment, _now = _locked_assignment(assignment, actor)
    criteria = list(assignment.round.rubric.criteria.all())
    parsed, notes = _parse_all(criteria, values, comments or {})
    sheet = _write(
        assignment, actor, criteria, parsed, notes, ScoreRevision.Action.SAVE, expected_version
    )
    sheet.save()
    if assignment.state == A.PENDING:
        assignment.state = A.IN_PROGRESS
        assignment.save(update_fields=["state", "updated_at"])
    return sheet


def _check_complete(assignment: Assignment, criteria, parsed: dict, notes: dict) -> None:
    errors = {}
    for criterion in criteria:
        if parsed.get(criterion.pk) is None:
            errors[f"criterion_{criterion.pk}"] = [_("Score this criterion.")]
        if criterion.comment_required and not notes.get(criterion.pk):
            errors[f"comment_{criterion.pk}"] = [_("A comment is required for this criterion.")]
    if errors:
        raise ValidationFailed(_("Complete the sheet before submitting it."), fields=errors)
    needed = assignment.round.min_play_percent
    if needed:
        duration = _video_duration(assignment)
        if duration and assignment.played_seconds * 100 < duration * needed:
            raise Conflict(
                _("Watch at least %d%% of the video before submitting.") % needed,
                code="not_watched",
            )


def _video_duration(assignment: Assignment) -> Decimal | None:
    video = assignment.work.videos.filter(is_current=True).only("blind_duration").first()
    return video.blind_duration if video else None


def _saved_values(assignment: Assignment) -> tuple[dict, dict]:
    """The sheet's current scores and comments, as a save would send them."""
    scores = Score.objects.filter(sheet__assignment=assignment)
    values = {str(s.criterion_id): s.value for s in scores}
    return values, {str(s.criterion_id): s.comment for s in scores}


@transaction.atomic
def sheet_submit(
    *,
    assignment: Assignment,
    actor: User,
    values: dict | None = None,
    comments: dict | None = None,
    expected_version: int | None = None,
) -> ScoreSheet:
    """Submit a complete sheet; it is locked afterwards. Without `values`, the scores saved so
    far are submitted (read under the lock, so they are the latest)."""
    assignment, now = _locked_assignment(assignment, actor)
    criteria = list(assignment.round.rubric.criteria.all())
    if values is None:
        values, comments = _saved_values(assignment)
    parsed, notes = _parse_all(criteria, values, comments or {})
    _check_complete(assignment, criteria, parsed, notes)
    sheet = _write(
        assignment, actor, criteria, parsed, notes, ScoreRevision.Action.SUBMIT, expected_version
    )
    sheet.state, sheet.submitted_at = ScoreSheet.State.SUBMITTED, now
    sheet.save()
    assignment.state = A.SUBMITTED
    assignment.save(update_fields=["state", "updated_at"])
    from judging.tasks import check_divergence

    # Third marking is decided in the background, so the submission stays quick.
    round_id, work_id = assignment.round_id, assignment.work_id
    transaction.on_commit(lambda: check_divergence.enqueue(round_id, work_id))
    return sheet


@transaction.atomic
def sheet_reopen(*, assignment: Assignment, actor: User, reason: str) -> ScoreSheet:
    """An organiser unlocks a submitted sheet, with a reason kept in its history."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Give a reason.")]})
    assignment = Assignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    if assignment.state != A.SUBMITTED or sheet is None:
        raise Conflict(_("Only a submitted sheet can be reopened."), code="not_submitted")
    sheet.state, sheet.submitted_at = ScoreSheet.State.DRAFT, None
    sheet.version += 1
    last = sheet.revisions.order_by("-number").first()
    ScoreRevision.objects.create(
        sheet=sheet,
        number=sheet.version,
        author=actor,
        action=ScoreRevision.Action.REOPEN,
        reason=reason,
        values=last.values,
        comments=last.comments,
        total=sheet.total,
    )
    sheet.save()
    assignment.state = A.IN_PROGRESS
    assignment.save(update_fields=["state", "updated_at"])
    return sheet


@transaction.atomic
def assignment_recuse(*, assignment: Assignment, actor: User, reason: str) -> Assignment:
    """The judge declares a conflict: the assignment ends and another judge is found."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why you cannot judge this work.")]})
    if len(reason) > 1000:
        raise ValidationFailed(fields={"reason": [_("Use at most %d characters.") % 1000]})
    assignment, _now = _locked_assignment(assignment, actor)
    ConflictOfInterest.objects.get_or_create(
        judge=actor,
        work=assignment.work,
        defaults={
            "contest": assignment.round.contest,
            "source": "declared",
            "reason": reason,
            "created_by": actor,
        },
    )
    assignment.state, assignment.recusal_reason = A.RECUSED, reason
    assignment.save(update_fields=["state", "recusal_reason", "updated_at"])
    from judging.tasks import fill_round

    round_id = assignment.round_id
    transaction.on_commit(lambda: fill_round.enqueue(round_id))
    return assignment


@transaction.atomic
def playback_record(*, assignment: Assignment, actor: User, position, furthest) -> Assignment:
    """Where the judge is in the video (to resume) and how far they have watched."""
    if assignment.judge_id != actor.pk:
        raise PermissionDeniedError()
    try:
        position, furthest = Decimal(str(position)), Decimal(str(furthest))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(fields={"position": [_("Enter a number.")]}) from None
    if not (position.is_finite() and furthest.is_finite()) or min(position, furthest) < 0:
        raise ValidationFailed(fields={"position": [_("Enter a number.")]})
    cap = _video_duration(assignment) or Decimal(86400)
    # The columns keep hundredths: quantise after capping, so a huge exponent cannot overflow.
    position = min(position, cap).quantize(CENT)
    furthest = min(furthest, cap).quantize(CENT)
    # One UPDATE: a second one of the same row in the transaction makes PostgreSQL check the
    # row's foreign keys again at commit (FOR KEY SHARE on the round), which then waits for an
    # assignment run holding the round's lock (third marking runs the engine for seconds).
    furthest = Value(furthest, output_field=DecimalField())
    Assignment.objects.filter(pk=assignment.pk).update(
        resume_at=position, played_seconds=Greatest("played_seconds", furthest)
    )
    assignment.refresh_from_db()
    return assignment


@transaction.atomic
def author_flag_create(*, assignment: Assignment, actor: User, note: str) -> AuthorFlag:
    """A judge reports that the work shows who made it; organisers decide."""
    note = note.strip()
    if assignment.judge_id != actor.pk:
        raise PermissionDeniedError()
    if not note or len(note) > 1000:
        raise ValidationFailed(
            fields={"note": [_("Describe what reveals the author (up to 1000 characters).")]}
        )
    return AuthorFlag.objects.create(assignment=assignment, note=note)


@transaction.atomic
def author_flag_resolve(*, flag: AuthorFlag, actor: User, resolution: str) -> AuthorFlag:
    """An organiser records what was decided about a flagged work (e.g. asked for a new video)."""
    resolution = resolution.strip()
    if not resolution or len(resolution) > 1000:
        raise ValidationFailed(
            fields={"resolution": [_("Say what was decided (up to 1000 characters).")]}
        )
    flag = AuthorFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.resolved_at is not None:
        raise Conflict(_("This flag is already resolved."), code="resolved")
    flag.resolution, flag.resolved_by, flag.resolved_at = resolution, actor, timezone.now()
    flag.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    return flag
