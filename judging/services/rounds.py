"""Judging rounds (评审轮次): settings, their works, and the state machine
draft → assigning → open → closed (→ frozen, which the results set).

Callers check permissions first (judging.selectors.rounds.access_round / access_judging).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contest.errors import Conflict, ValidationFailed, from_django_validation_error
from contest.models import Category, Contest, Work
from judging.models import Assignment, Round, RoundWork, Rubric, ScoreSheet

S = Round.State
# The settings of a round an organiser edits, in the order forms show them.
ROUND_FIELD_ORDER = (
    "name",
    "order",
    "rubric",
    "opens_at",
    "closes_at",
    "categories",
    "judges_per_work",
    "tolerance",
    "final_rule",
    "calibration_min_sheets",
    "min_play_percent",
    "cut_title_card",
    "same_city_conflict",
    "same_province_conflict",
    "expertise",
    "seed",
)
ROUND_FIELDS = frozenset(ROUND_FIELD_ORDER)
# Judges score against the rubric and within the categories once a round has opened.
FIXED_ONCE_OPEN = frozenset({"rubric", "categories"})
# A closed round keeps its settings: they explain its scores. Its closing time may move so
# that it can reopen for boundary re-review; a frozen round keeps everything but its name.
CHANGEABLE_WHEN_CLOSED = frozenset({"name", "closes_at"})
CHANGEABLE_WHEN_FROZEN = frozenset({"name"})
TRANSITIONS = {
    S.DRAFT: {S.ASSIGNING},
    S.ASSIGNING: {S.OPEN},
    S.OPEN: {S.CLOSED, S.ASSIGNING},
    # A closed round reopens (before its results are frozen) for boundary re-review.
    S.CLOSED: {S.OPEN},
    S.FROZEN: set(),
}
BATCH = 2000


def _check_round(round_: Round, categories: list[Category] | None) -> None:
    errors: dict[str, list[str]] = {}
    try:
        round_.full_clean(exclude=["contest"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(from_django_validation_error(exc).fields)
    rubric = getattr(round_, "rubric", None) if round_.rubric_id else None
    if rubric is not None and rubric.contest_id != round_.contest_id:
        errors["rubric"] = [_("Choose a rubric of this contest.")]
    if categories and any(c.contest_id != round_.contest_id for c in categories):
        errors["categories"] = [_("Choose categories of this contest.")]
    if round_.opens_at and round_.closes_at and round_.opens_at >= round_.closes_at:
        errors.setdefault("closes_at", []).append(_("Scoring must close after it opens."))
    others = Round.objects.filter(contest_id=round_.contest_id).exclude(pk=round_.pk)
    if "order" not in errors and others.filter(order=round_.order).exists():
        errors["order"] = [_("Another round of this contest has this position.")]
    if errors:
        raise ValidationFailed(fields=errors)


def _save(round_: Round, categories: list[Category] | None) -> Round:
    _check_round(round_, categories)
    try:
        with transaction.atomic():
            round_.save()
    except IntegrityError as exc:  # a concurrent round took the position
        raise ValidationFailed(
            fields={"order": [_("Another round of this contest has this position.")]}
        ) from exc
    if categories is not None:
        round_.categories.set(categories)
    return round_


def _apply(round_: Round, fields: dict) -> list[Category] | None:
    unknown = fields.keys() - ROUND_FIELDS
    if unknown:
        raise ValidationFailed(fields={name: [_("Unknown field.")] for name in sorted(unknown)})
    categories = fields.pop("categories", None)
    for name, value in fields.items():
        setattr(round_, name, " ".join(value.split()) if name == "name" else value)
    return None if categories is None else list(categories)


@transaction.atomic
def round_create(*, contest: Contest, **fields) -> Round:
    """A draft round. `categories` empty means every category of the contest."""
    round_ = Round(contest=contest)
    fields.setdefault("categories", [])
    categories = _apply(round_, fields)
    return _save(round_, categories)


@transaction.atomic
def round_update(*, round: Round, **changes) -> Round:
    """Change some settings. Rubric and categories are fixed once the round has opened; a
    closed round keeps everything but its name and closing time, a frozen one but its name."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    fixed, message = set(), ""
    if round_.state == S.FROZEN:
        fixed = changes.keys() - CHANGEABLE_WHEN_FROZEN
        message = _("This round's results are frozen: only its name can change.")
    elif round_.state == S.CLOSED:
        fixed = changes.keys() - CHANGEABLE_WHEN_CLOSED
        message = _(
            "This round is closed: only its name and closing time (to reopen it) can change."
        )
    elif round_.state == S.OPEN:
        fixed = changes.keys() & FIXED_ONCE_OPEN
        message = _("The round has opened: its rubric and categories can no longer change.")
    fixed = {name for name in fixed if _differs(round_, name, changes[name])}
    if fixed:
        raise Conflict(message, code="round_fixed", fields={n: [message] for n in sorted(fixed)})
    categories = _apply(round_, dict(changes))
    return _save(round_, categories)


def _differs(round_: Round, name: str, value) -> bool:
    """Whether a change really changes something (forms send every field back)."""
    if name == "categories":
        return {c.pk for c in value} != set(round_.categories.values_list("pk", flat=True))
    if name == "rubric":
        return getattr(value, "pk", value) != round_.rubric_id
    return getattr(round_, name) != value


# --- Works of a round


def accepted_works(round_: Round):
    """The contest's accepted works in the round's categories (all categories if none chosen)."""
    works = Work.objects.filter(contest_id=round_.contest_id, status=Work.Status.ACCEPTED)
    categories = list(round_.categories.values_list("pk", flat=True))
    return works.filter(category_id__in=categories) if categories else works


def _add_works(round_: Round, work_ids: Iterable[int]) -> int:
    rows = [RoundWork(round=round_, work_id=pk) for pk in work_ids]
    RoundWork.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def round_refresh_works(*, round: Round) -> int:
    """Add accepted works that are not in the round yet (late acceptances); the works already
    there stay. Returns how many were added."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.state not in (S.ASSIGNING, S.OPEN):
        raise Conflict(
            _("Works can be added while the round is being assigned or open."), code="bad_state"
        )
    if round_.works_given:
        raise Conflict(
            _("This round judges a given list of works; change the list instead."),
            code="works_given",
        )
    present = RoundWork.objects.filter(round=round_).values("work_id")
    missing = accepted_works(round_).exclude(pk__in=present).values_list("pk", flat=True)
    return _add_works(round_, list(missing))


@transaction.atomic
def round_set_works(*, round: Round, works: Iterable[Work]) -> int:
    """Make the round judge exactly these accepted works of its contest (advancement from an
    earlier round). Works that already have assignments cannot be taken out."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.state not in (S.DRAFT, S.ASSIGNING):
        raise Conflict(_("The works of an opened round cannot be replaced."), code="bad_state")
    wanted = {work.pk for work in works}
    valid = Work.objects.filter(
        pk__in=wanted, contest_id=round_.contest_id, status=Work.Status.ACCEPTED
    ).count()
    if valid != len(wanted):
        raise ValidationFailed(fields={"works": [_("Choose accepted works of this contest.")]})
    leaving = RoundWork.objects.filter(round=round_).exclude(work_id__in=wanted)
    if Assignment.objects.filter(round=round_, work_id__in=leaving.values("work_id")).exists():
        raise Conflict(
            _("Some of the works to take out already have judges; remove those first."),
            code="assigned",
        )
    leaving.delete()
    present = set(RoundWork.objects.filter(round=round_).values_list("work_id", flat=True))
    _add_works(round_, sorted(wanted - present))
    if not round_.works_given:
        round_.works_given = True
        round_.save(update_fields=["works_given"])
    return len(wanted)


# --- State


def _open_problems(round_: Round) -> list[str]:
    problems = []
    if not round_.rubric.criteria.exists():
        problems.append(_("The rubric has no criteria."))
    if not round_.round_works.exists():
        problems.append(_("The round has no works."))
    if round_.closes_at <= timezone.now():
        problems.append(_("The scoring window has already closed; set a later closing time."))
    return problems


@transaction.atomic
def round_set_state(*, round: Round, state: str) -> Round:
    """Move the round one step: draft → assigning (takes the accepted works unless a list was
    given) → open (freezes the rubric) → closed; open → assigning only before any sheet."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if state not in TRANSITIONS.get(round_.state, set()):
        raise Conflict(
            _("A round cannot move from “%(old)s” to “%(new)s”.")
            % {"old": round_.get_state_display(), "new": dict(S.choices).get(state, state)},
            code="invalid_state",
        )
    if state == S.ASSIGNING and round_.state == S.DRAFT and not round_.round_works.exists():
        _add_works(round_, accepted_works(round_).values_list("pk", flat=True).iterator())
    going_back = state == S.ASSIGNING and round_.state == S.OPEN
    if going_back and ScoreSheet.objects.filter(assignment__round=round_).exists():
        raise Conflict(
            _("Judges have started scoring: the round cannot go back to assigning."),
            code="scoring_started",
        )
    if state == S.OPEN:
        # Lock the rubric so that no edit of it runs while it becomes frozen.
        round_.rubric = Rubric.objects.select_for_update().get(pk=round_.rubric_id)
        problems = _open_problems(round_)
        if problems:
            raise Conflict(" ".join(problems), code="not_ready")
    round_.state = state
    round_.save(update_fields=["state"])
    if state == S.OPEN and not round_.cut_title_card:
        from judging.tasks import prepare_full_copies

        transaction.on_commit(lambda: prepare_full_copies.enqueue(round_.pk))
    return round_
