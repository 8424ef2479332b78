"""Assignment (评审分配) of a round: preview and apply the engine's plan, staff works left
short, edit assignments by hand, and export or import them as Excel.

Every write locks the round's row first, so plans, fills and hand edits of one round queue up
instead of racing (on SQLite the IMMEDIATE transactions do the same).
"""

import logging
from collections import Counter
from dataclasses import dataclass, field, replace

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contest.errors import Conflict, ValidationFailed
from contest.models import Category, User, Work
from judging import assignment as engine
from judging.models import (
    Assignment,
    AuthorFlag,
    PanelMember,
    Round,
    RoundWork,
    Score,
    ScoreSheet,
)
from judging.models import Conflict as ConflictOfInterest
from judging.selectors import assignment as selectors
from judging.selectors import panel

logger = logging.getLogger(__name__)
A = Assignment.State
EDITABLE = (Round.State.ASSIGNING, Round.State.OPEN)
UNSTAFFED_SHOWN = 200
REASONS = {
    engine.NO_ELIGIBLE_JUDGE: gettext_lazy("No judge has the expertise this work needs."),
    engine.ALL_ELIGIBLE_JUDGES_CONFLICTED: gettext_lazy(
        "Every judge who could score it has a conflict of interest."
    ),
    engine.NOT_ENOUGH_ELIGIBLE_JUDGES: gettext_lazy(
        "Too few judges without a conflict of interest could score it."
    ),
    engine.ALL_ELIGIBLE_JUDGES_FULL: gettext_lazy(
        "The judges who could score it are at their maximum load."
    ),
}


@dataclass
class JudgeLoad:
    user_id: int
    name: str
    email: str
    max_load: int
    kept: int
    added: int
    active: bool = True

    @property
    def total(self) -> int:
        return self.kept + self.added


@dataclass
class Coverage:
    category: str
    works: int
    short: int

    @property
    def staffed(self) -> int:
        return self.works - self.short


@dataclass
class UnstaffedWork:
    code: str
    category: str
    missing: int
    reason: str


@dataclass
class PlanPreview:
    """What applying the plan would do. `withdrawn`: current assignments that now conflict
    and would be withdrawn; `unstaffed` lists at most UNSTAFFED_SHOWN of the short works."""

    incremental: bool
    works: int
    added_count: int
    kept_count: int
    withdrawn: int
    conflicts_avoided: int
    fallbacks: int
    load_min: int
    load_max: int
    judges: list[JudgeLoad] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    unstaffed_count: int = 0
    unstaffed: list[UnstaffedWork] = field(default_factory=list)


@dataclass
class ApplyResult:
    added_count: int
    withdrawn_count: int
    unstaffed_count: int


# --- Plans


def _run(round_: Round, incremental: bool, exclude=frozenset(), extra=None):
    """The engine's plan; `extra` (work id → n) asks for n more judges on those works."""
    inputs = selectors.engine_inputs(round_, keep_existing=incremental)
    judges = [replace(j, max_load=0) if j.id in exclude else j for j in inputs.judges]
    k_for = dict(inputs.k_for)
    for work, n in (extra or {}).items():
        k_for[work] = k_for.get(work, round_.judges_per_work) + n
    plan = engine.assign(
        judges,
        inputs.works,
        inputs.rules,
        conflicts=inputs.conflicts,
        existing=inputs.existing,
        k_for=k_for,
    )
    return plan, inputs


def round_plan(*, round: Round, incremental: bool = True) -> PlanPreview:
    """Run the engine on the round without saving anything, and summarise the plan."""
    plan, inputs = _run(round, incremental)
    return _summary(round, plan, inputs, incremental)


def _summary(round_: Round, plan, inputs, incremental: bool) -> PlanPreview:
    active = [plan.load[j.id] for j in inputs.judges if j.id not in inputs.inactive]
    return PlanPreview(
        incremental=incremental,
        works=len(inputs.works),
        added_count=len(plan.added),
        kept_count=len(inputs.existing) - len(plan.dropped),
        withdrawn=len(plan.dropped),
        conflicts_avoided=plan.conflicts_avoided,
        fallbacks=len(plan.fallbacks),
        load_min=min(active, default=0),
        load_max=max(active, default=0),
        judges=_judge_loads(round_, plan, inputs),
        coverage=_coverage(round_, plan, inputs),
        unstaffed_count=len(plan.unstaffed),
        unstaffed=_unstaffed(plan),
    )


def _judge_loads(round_: Round, plan, inputs) -> list[JudgeLoad]:
    added = Counter(judge for judge, _work in plan.added)
    people = User.objects.filter(
        Q(panel_memberships__contest_id=round_.contest_id) | Q(pk__in=inputs.inactive)
    ).values_list("pk", "real_name", "email")
    names = {pk: (name, email) for pk, name, email in people}
    rows = [
        JudgeLoad(
            user_id=j.id,
            name=names.get(j.id, ("", ""))[0],
            email=names.get(j.id, ("", ""))[1],
            max_load=j.max_load,
            kept=plan.load[j.id] - added[j.id],
            added=added[j.id],
            active=j.id not in inputs.inactive,
        )
        for j in inputs.judges
    ]
    return sorted(rows, key=lambda row: (-row.total, row.name, row.user_id))


def _coverage(round_: Round, plan, inputs) -> list[Coverage]:
    works = Counter(inputs.category_of.values())
    short = Counter(inputs.category_of[w] for w in plan.unstaffed)
    categories = Category.objects.filter(pk__in=works.keys()).order_by("order", "code")
    return [Coverage(c.name, works[c.pk], short[c.pk]) for c in categories]


def _unstaffed(plan) -> list[UnstaffedWork]:
    shown = sorted(plan.unstaffed)[:UNSTAFFED_SHOWN]
    works = Work.objects.filter(pk__in=shown).values_list("pk", "anonymous_code", "category__name")
    labels = {pk: (code, category) for pk, code, category in works}
    return [
        UnstaffedWork(
            code=labels[pk][0],
            category=labels[pk][1],
            missing=plan.unstaffed[pk].missing,
            reason=str(REASONS.get(plan.unstaffed[pk].reason, plan.unstaffed[pk].reason)),
        )
        for pk in shown
    ]


def locked_round(round_: Round) -> Round:
    """The round, its row locked for the transaction, if its assignments may change now."""
    locked = Round.objects.select_for_update(of=("self",), no_key=True).select_related("contest")
    locked = locked.get(pk=round_.pk)
    if locked.state not in EDITABLE:
        raise Conflict(
            _("Assignments change only while the round is being assigned or is open."),
            code="round_not_editable",
        )
    return locked


@transaction.atomic
def round_apply(*, round: Round, actor: User | None, incremental: bool = True) -> ApplyResult:
    """Save the engine's plan. Incremental keeps every current assignment and adds the
    missing judges; a full plan replaces the current one, and only while the round is being
    assigned and nobody has a score sheet yet."""
    round_ = locked_round(round)
    if not incremental:
        _check_replaceable(round_)
        _delete_live(round_)
    result = _apply(round_, incremental)
    logger.info(
        "round %s: plan applied by %s (incremental=%s): %s",
        round_.pk,
        getattr(actor, "pk", None),
        incremental,
        result,
    )
    return result


def _check_replaceable(round_: Round) -> None:
    if round_.state != Round.State.ASSIGNING:
        raise Conflict(
            _("A new plan can replace the current one only while the round is being assigned."),
            code="round_not_assigning",
        )
    if ScoreSheet.objects.filter(assignment__round=round_).exists():
        raise Conflict(
            _("Judges have started scoring: only missing judges can be added now."),
            code="sheets_exist",
        )


def _apply(round_: Round, incremental: bool, exclude=frozenset()) -> ApplyResult:
    plan, _inputs = _run(round_, incremental, exclude)
    _withdraw(round_, plan.dropped)
    _insert(round_, sorted(plan.added))
    return ApplyResult(len(plan.added), len(plan.dropped), len(plan.unstaffed))


def _insert(round_: Round, pairs: list[tuple[int, int]]) -> None:
    """Insert (judge, work) pairs as new assignments with one executemany: a round of
    100,000 works takes 300,000 rows, which bulk_create compiles six times slower."""
    now = timezone.now()
    fields = [f for f in Assignment._meta.concrete_fields if not f.primary_key]
    model = Assignment(round=round_, judge_id=0, work_id=0, created_at=now, updated_at=now)
    values = [f.get_db_prep_save(getattr(model, f.attname), connection) for f in fields]
    columns = [f.column for f in fields]
    judge, work = columns.index("judge_id"), columns.index("work_id")
    rows = []
    for pair in pairs:
        row = values.copy()
        row[judge], row[work] = pair
        rows.append(row)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 -- names from the model
        quote(Assignment._meta.db_table),
        ", ".join(quote(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _delete_live(round_: Round) -> None:
    """Delete the round's live assignments (no sheet exists: checked) in one statement, not
    through the ORM's collector, which loads every row to look for cascades."""
    live = Assignment.objects.filter(round=round_).exclude(state=A.RECUSED)
    AuthorFlag.objects.filter(assignment__in=live).delete()
    quote = connection.ops.quote_name
    sql = "DELETE FROM {} WHERE {} = %s AND {} <> %s".format(  # noqa: S608 -- model names
        quote(Assignment._meta.db_table), quote("round_id"), quote("state")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [round_.pk, A.RECUSED])


def _withdraw(round_: Round, pairs: set[tuple[int, int]]) -> None:
    """Current assignments that now conflict (a conflict recorded after they were made) end
    as recusals, which keeps their history; the engine staffs their works again."""
    if not pairs:
        return
    reason = _("Withdrawn: a conflict of interest was found when the plan was applied.")
    ordered = sorted(pairs)
    for start in range(0, len(ordered), 200):  # one UPDATE per 200 pairs (SQLite's depth limit)
        matches = Q()
        for judge, work in ordered[start : start + 200]:
            matches |= Q(judge_id=judge, work_id=work)
        Assignment.objects.filter(matches, round=round_).update(
            state=A.RECUSED, recusal_reason=reason, updated_at=timezone.now()
        )


@transaction.atomic
def round_fill(*, round_id: int, exclude_judges=frozenset()) -> ApplyResult:
    """Staff the works left short (after recusals, late works, new judges), keeping every
    current assignment; judges in `exclude_judges` get no new work. Safe to run repeatedly
    and concurrently: a second run finds nothing to add. Does nothing to a round that is
    not being assigned or open."""
    round_ = Round.objects.select_for_update(no_key=True).filter(pk=round_id).first()
    if round_ is None or round_.state not in EDITABLE:
        return ApplyResult(0, 0, 0)
    return _apply(round_, True, exclude_judges)


def _extra_entries(round_: Round, work_ids, count: int):
    """The round's entries of the works, checked, for asking `count` more judges on each."""
    if count < 1:
        raise ValidationFailed(fields={"count": [_("Ask for at least one more judge.")]})
    ids = sorted(set(work_ids))
    entries = RoundWork.objects.filter(round=round_, work_id__in=ids)
    if entries.count() != len(ids):
        raise ValidationFailed(_("Some of these works are not in the round."), code="not_in_round")
    return ids, entries


def extra_judges_preview(*, round: Round, work_ids, count: int = 1) -> PlanPreview:
    """What `extra_judges_add` would do, without saving anything: the incremental plan with
    `count` more judges wanted on each of the works (and any other work still short, which
    applying staffs too)."""
    ids, _entries = _extra_entries(round, work_ids, count)
    plan, inputs = _run(round, True, extra={work: count for work in ids})
    return _summary(round, plan, inputs, True)


@transaction.atomic
def extra_judges_add(*, round: Round, work_ids, count: int = 1) -> ApplyResult:
    """Ask for `count` more judges on each of the works (third marking, boundary re-review)
    and staff them at once through the incremental plan: conflicts and loads hold as for
    any other assignment. Works left short keep asking: later fills staff them."""
    if count < 1:
        raise ValidationFailed(fields={"count": [_("Ask for at least one more judge.")]})
    round_ = locked_round(round)
    _ids, entries = _extra_entries(round_, work_ids, count)
    entries.update(extra_judges=F("extra_judges") + count)
    return _apply(round_, True)


# --- Hand edits


def conflict_text(round_: Round, work: Work, judge: User) -> str:
    """Why the judge may not score the work in the round ("" if nothing stands in the way),
    by the rules of judging.selectors.panel that the organisers' list of conflicts shows."""
    work = Work.objects.select_related("entrant__institution").get(pk=work.pk)
    judge = User.objects.select_related("institution").get(pk=judge.pk)
    labels = {**panel.REASONS, **dict(ConflictOfInterest.Source.choices)}
    reasons = panel.conflict_reasons(round_=round_, judge=judge, work=work)
    return "; ".join(str(labels.get(reason, reason)) for reason in reasons)


def _check_addable(round_: Round, work: Work, judge: User, force: bool) -> None:
    """Refuse a pair the engine would never make: work outside the round, inactive judge,
    duplicate, conflict; over the maximum load or outside the required expertise unless
    `force`."""
    member, in_round = selectors.panel_place(round_, work, judge)
    if not in_round:
        raise ValidationFailed(fields={"work": [_("This work is not among the round's works.")]})
    if member is None:
        raise ValidationFailed(
            fields={"judge": [_("This person is not an active judge of the contest.")]}
        )
    current = Assignment.objects.filter(round=round_, work=work, judge=judge).first()
    if current is not None and current.state == A.RECUSED:
        raise Conflict(_("This judge recused themselves from this work."), code="recused")
    if current is not None:
        raise Conflict(_("This judge already has this work."), code="duplicate")
    reasons = conflict_text(round_, work, judge)
    if reasons:
        raise Conflict(
            _("Conflict of interest: %(reasons)s.") % {"reasons": reasons},
            code="conflict_of_interest",
        )
    if not force:
        _check_load_and_expertise(round_, work, member)


def _check_load_and_expertise(round_: Round, work: Work, member: PanelMember) -> None:
    load = Assignment.objects.filter(selectors.LIVE, round=round_, judge_id=member.user_id)
    load = load.count()
    if load >= member.max_load:
        raise Conflict(
            _("This judge already has %(load)d works, their maximum. Force it to add more.")
            % {"load": load},
            code="over_max_load",
        )
    needs = selectors.category_needs(round_.contest_id).get(work.category_id, frozenset())
    if round_.expertise == Round.Expertise.REQUIRE and not needs <= set(member.expertise):
        raise Conflict(
            _("The judge lacks the expertise this round requires. Force it to add anyway."),
            code="expertise",
        )


@transaction.atomic
def assignment_add(
    *, round: Round, work: Work, judge: User, actor: User | None, force: bool = False
) -> Assignment:
    """Give the work to the judge by hand, with the checks of `_check_addable`."""
    round_ = locked_round(round)
    _check_addable(round_, work, judge, force)
    assignment = Assignment.objects.create(round=round_, work=work, judge=judge)
    logger.info("assignment %s added by %s", assignment.pk, getattr(actor, "pk", None))
    return assignment


def has_scores(assignment: Assignment) -> bool:
    """Whether the assignment's judge has saved anything: a submitted or non-empty sheet."""
    if assignment.state == A.SUBMITTED:
        return True
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    if sheet is None:
        return False
    return sheet.state == ScoreSheet.State.SUBMITTED or (
        Score.objects.filter(sheet=sheet).filter(~Q(value=None) | ~Q(comment="")).exists()
    )


def _check_removable(assignment: Assignment) -> None:
    if assignment.state == A.RECUSED:
        raise Conflict(_("A recusal is kept as a record and cannot be removed."), code="recused")
    if has_scores(assignment):
        raise Conflict(
            _("The judge has already scored this work: the assignment cannot be removed."),
            code="scored",
        )


def _locked_assignment(assignment: Assignment) -> tuple[Round, Assignment]:
    round_ = locked_round(assignment.round)
    locked = Assignment.objects.select_for_update().select_related("work").get(pk=assignment.pk)
    return round_, locked


@transaction.atomic
def assignment_remove(*, assignment: Assignment, actor: User | None) -> None:
    """Take a work back from a judge who has not scored it (no sheet, or an empty draft)."""
    _round, assignment = _locked_assignment(assignment)
    _check_removable(assignment)
    logger.info("assignment %s removed by %s", assignment.pk, getattr(actor, "pk", None))
    assignment.delete()


@transaction.atomic
def assignment_move(
    *, assignment: Assignment, to_judge: User, actor: User | None, force: bool = False
) -> Assignment:
    """Give the work of an assignment to another judge: a removal and an addition, with both
    sets of checks."""
    round_, assignment = _locked_assignment(assignment)
    if assignment.judge_id == to_judge.pk:
        raise ValidationFailed(fields={"judge": [_("The work is already with this judge.")]})
    _check_removable(assignment)
    _check_addable(round_, assignment.work, to_judge, force)
    assignment.delete()
    moved = Assignment.objects.create(round=round_, work=assignment.work, judge=to_judge)
    logger.info("assignment moved to %s by %s", moved.pk, getattr(actor, "pk", None))
    return moved
