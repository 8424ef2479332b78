"""Reads for assignment: access to a round, the engine's inputs built from the database, and
the organisers' list of a round's assignments.

The engine's inputs are read with `values_list` only (no model instances), so a round of
100,000 works and 2,000 judges builds in seconds.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import rules
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contest.errors import NotFound, PermissionDeniedError, ValidationFailed
from contest.models import Category, CoAuthor, ContestRole, Institution, User, Work
from judging.assignment import Judge, Rules
from judging.assignment import Work as EngineWork
from judging.models import Assignment, Conflict, PanelMember, Round, RoundWork
from judging.selectors.panel import normalise_name

MANAGE = "judging.manage_round"
LIVE = ~Q(state=Assignment.State.RECUSED)


def access_round(user: User, pk: int, perm: str = MANAGE, *, slug: str | None = None) -> Round:
    """The round if the user may `perm` it. A round of a contest the user may not see, or
    of another contest than `slug`, is not found; one they see but may not `perm` is 403."""
    round_ = Round.objects.select_related("contest").filter(pk=pk).first()
    if (
        round_ is None
        or (slug is not None and round_.contest.slug != slug)
        or not rules.has_perm("contest.view_contest", user, round_.contest)
    ):
        raise NotFound()
    if not user.has_perm(perm, round_):
        raise PermissionDeniedError()
    return round_


@dataclass
class EngineInputs:
    """What `judging.assignment.assign` takes, for one round. Judge ids are user ids.

    `inactive`: judges who are no longer active panel members but still hold assignments in
    the round; they take part with a maximum load of 0, so their pairs are kept and they get
    no new ones. `category_of` maps each work id to its category id.
    """

    judges: list[Judge]
    works: list[EngineWork]
    rules: Rules
    conflicts: set[tuple[int, int]]
    existing: set[tuple[int, int]]
    inactive: set[int] = field(default_factory=set)
    category_of: dict[int, int] = field(default_factory=dict)
    k_for: dict[int, int] = field(default_factory=dict)


def round_rules(round_: Round) -> Rules:
    return Rules(
        k=round_.judges_per_work,
        same_city_conflict=round_.same_city_conflict,
        same_province_conflict=round_.same_province_conflict,
        expertise=round_.expertise,
        seed=round_.seed,
    )


def engine_inputs(round_: Round, *, keep_existing: bool = True) -> EngineInputs:
    """The round's judges, works, conflicts and (unless `keep_existing` is false) its current
    assignments, as the engine's plain values."""
    judges = active_judges(round_.contest_id)
    existing = live_pairs(round_) if keep_existing else set()
    inactive = {j for j, _w in existing} - judges.keys()
    judges.update(_judges_by_user(inactive))
    works, category_of = round_works(round_, judges.values())
    return EngineInputs(
        judges=list(judges.values()),
        works=works,
        rules=round_rules(round_),
        conflicts=stored_conflicts(round_),
        existing={(j, w) for j, w in existing if w in category_of},
        inactive=inactive,
        category_of=category_of,
        k_for=extra_demand(round_, category_of),
    )


def extra_demand(round_: Round, category_of: dict[int, int]) -> dict[int, int]:
    """Judges wanted per work where it differs from the round's k (third marking, boundary
    re-review), for the works the engine sees."""
    rows = RoundWork.objects.filter(round=round_, extra_judges__gt=0).values_list(
        "work_id", "extra_judges"
    )
    k = round_.judges_per_work
    return {work: k + extra for work, extra in rows if work in category_of}


def _judge_role(contest_id: int) -> Exists:
    return Exists(
        ContestRole.objects.filter(
            contest_id=contest_id, user_id=OuterRef("user_id"), role=ContestRole.Role.JUDGE
        )
    )


def active_panel(contest_id: int) -> QuerySet[PanelMember]:
    """Panel members who may be given work: active, with the judge role, with an account."""
    return PanelMember.objects.filter(
        _judge_role(contest_id), contest_id=contest_id, active=True, user__is_active=True
    )


def _place(province: str | None, city: str | None) -> str:
    """A city named with its province, so that two cities of one name never meet."""
    return f"{province}/{city}" if city else ""


def active_judges(contest_id: int) -> dict[int, Judge]:
    """The judges who may be given work, by user id."""
    rows = active_panel(contest_id).values_list(
        "user_id",
        "expertise",
        "max_load",
        "user__institution_id",
        "user__institution__city",
        "user__institution__province",
    )
    return {
        user_id: Judge(user_id, inst, _place(prov, city), prov or "", frozenset(tags or ()), cap)
        for user_id, tags, cap, inst, city, prov in rows
    }


def _judges_by_user(user_ids: set[int]) -> dict[int, Judge]:
    """Judges with no new work (maximum load 0), known only by their user rows."""
    if not user_ids:
        return {}
    rows = User.objects.filter(pk__in=user_ids).values_list(
        "pk", "institution_id", "institution__city", "institution__province"
    )
    return {
        pk: Judge(pk, inst, _place(prov, city), prov or "", max_load=0)
        for pk, inst, city, prov in rows
    }


def category_needs(contest_id: int) -> dict[int, frozenset[str]]:
    """The expertise tags each category of the contest needs."""
    rows = Category.objects.filter(contest_id=contest_id).values_list(
        "pk", "subject__code", "stage__code", "group__code"
    )
    return {
        pk: frozenset(
            f"{kind}:{code}"
            for kind, code in (("subject", subject), ("stage", stage), ("group", group))
            if code
        )
        for pk, subject, stage, group in rows
    }


def round_works(round_: Round, judges) -> tuple[list[EngineWork], dict[int, int]]:
    """The round's accepted works with their authors' institutions (as far as the `judges`
    are concerned) and the expertise they need; and the category of each work."""
    needs = category_needs(round_.contest_id)
    rows = list(
        RoundWork.objects.filter(round=round_, work__status=Work.Status.ACCEPTED).values_list(
            "work_id",
            "work__category_id",
            "work__entrant__institution_id",
            "work__entrant__institution__city",
            "work__entrant__institution__province",
        )
    )
    others = _named_institutions(round_, {j.institution for j in judges} - {None})
    works = [
        EngineWork(
            id=work_id,
            institutions=frozenset({inst, *others.get(work_id, ())} - {None}),
            cities=frozenset({_place(province, city)}),
            provinces=frozenset({province or ""}),
            needs=needs.get(category_id, frozenset()),
            category=str(category_id),
        )
        for work_id, category_id, inst, city, province in rows
    ]
    return works, {row[0]: row[1] for row in rows}


def _named_institutions(round_: Round, institution_ids: set[int]) -> dict[int, set[int]]:
    """For each work, the judges' institutions that its co-authors or supervising teacher
    name: those people are linked to an institution by its name only, compared as
    judging.selectors.panel compares them for the organisers' list of conflicts."""
    by_name: dict[str, set[int]] = defaultdict(set)
    names = Institution.objects.filter(pk__in=institution_ids).values_list("pk", "name")
    for pk, name in names:
        by_name[normalise_name(name)].add(pk)
    named = list(
        CoAuthor.objects.filter(work__round_entries__round=round_)
        .exclude(institution="")
        .values_list("work_id", "institution")
    )
    named += (
        Work.objects.filter(round_entries__round=round_)
        .exclude(supervisor_institution="")
        .values_list("pk", "supervisor_institution")
    )
    found: dict[int, set[int]] = defaultdict(set)
    for work_id, name in named:
        found[work_id].update(by_name.get(normalise_name(name), ()))
    return found


def stored_conflicts(round_: Round) -> set[tuple[int, int]]:
    """(judge, work) pairs that must not meet: the contest's declared and organiser-set
    conflicts, and the round's recusals."""
    pairs = set(
        Conflict.objects.filter(contest_id=round_.contest_id).values_list("judge_id", "work_id")
    )
    pairs.update(
        Assignment.objects.filter(round=round_, state=Assignment.State.RECUSED).values_list(
            "judge_id", "work_id"
        )
    )
    return pairs


def panel_place(round_: Round, work: Work, user: User) -> tuple[PanelMember | None, bool]:
    """The user's active membership of the round's contest panel (None if they are not an
    active judge), and whether the work is among the round's works."""
    member = active_panel(round_.contest_id).filter(user=user).first()
    in_round = RoundWork.objects.filter(
        round=round_, work=work, work__status=Work.Status.ACCEPTED
    ).exists()
    return member, in_round


def live_pairs(round_: Round) -> set[tuple[int, int]]:
    """The round's current (not recused) assignments as (judge, work) pairs."""
    return set(Assignment.objects.filter(LIVE, round=round_).values_list("judge_id", "work_id"))


# --- The organisers' list

ASSIGNMENT_FILTERS = ("judge", "category", "state", "q")


def assignments_of_round(
    round_: Round, *, judge: str = "", category: str = "", state: str = "", q: str = ""
) -> QuerySet[Assignment]:
    """The round's assignments for its organisers, filtered; constant queries per page.
    `judge` matches a judge's name or e-mail, `category` a category code, `q` a work's
    anonymous code."""
    rows = (
        Assignment.objects.filter(round=round_)
        .select_related("work__category", "judge")
        .order_by("work__anonymous_code", "judge__real_name", "pk")
    )
    if judge:
        rows = rows.filter(Q(judge__real_name__icontains=judge) | Q(judge__email__icontains=judge))
    if category:
        rows = rows.filter(work__category__code=category)
    if state:
        rows = rows.filter(state=state)
    if q:
        rows = rows.filter(work__anonymous_code__iexact=q.strip())
    return rows


EXPORT_COLUMNS = [
    ("code", gettext_lazy("Anonymous code")),
    ("category", gettext_lazy("Category")),
    ("email", gettext_lazy("Judge's e-mail")),
    ("name", gettext_lazy("Judge's name")),
    ("state", gettext_lazy("State")),
]


def assignment_export_rows(round_: Round):
    """(code, category, judge's e-mail, judge's name, state) of each of the round's
    assignments, read in chunks."""
    return (
        Assignment.objects.filter(round=round_)
        .order_by("work__anonymous_code", "judge__email", "pk")
        .values_list(
            "work__anonymous_code",
            "work__category__name",
            "judge__email",
            "judge__real_name",
            "state",
        )
        .iterator(chunk_size=2000)
    )


def column_names() -> dict[str, str]:
    """The export's column titles in every language of the platform (and the keys
    themselves), folded, to the column's key."""
    names = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.update({str(label).casefold(): key for key, label in EXPORT_COLUMNS})
    names.update({key: key for key, _label in EXPORT_COLUMNS})
    return names


def round_categories(round_: Round) -> QuerySet[Category]:
    """The categories the round's works are in (or, if it names them, its categories)."""
    ids = RoundWork.objects.filter(round=round_).values("work__category_id")
    return (
        Category.objects.filter(Q(pk__in=ids) | Q(rounds=round_))
        .distinct()
        .order_by("order", "code")
    )


def round_work_by_code(round_: Round, code: str) -> Work | None:
    return (
        Work.objects.filter(round_entries__round=round_, anonymous_code__iexact=code.strip())
        .select_related("category")
        .first()
    )


def round_work(round_: Round, pk: int) -> Work:
    """A work of the round by id; refused as a field error when it is not one."""
    work = Work.objects.filter(pk=pk, round_entries__round=round_).first()
    if work is None:
        raise ValidationFailed(fields={"work": [_("No work of the round has this id.")]})
    return work


def panel_user(round_: Round, pk: int) -> User:
    """A member of the round's contest panel by user id; refused as a field error if not."""
    user = User.objects.filter(pk=pk, panel_memberships__contest_id=round_.contest_id).first()
    if user is None:
        raise ValidationFailed(fields={"judge": [_("No judge of the contest has this id.")]})
    return user


def panel_user_by_email(round_: Round, email: str) -> User | None:
    """A member of the round's contest panel (active or not) with this e-mail address."""
    return User.objects.filter(
        panel_memberships__contest_id=round_.contest_id, email__iexact=email.strip()
    ).first()


def access_assignment(user: User, pk: int, perm: str = MANAGE) -> Assignment:
    """An assignment if the user may `perm` its round (organisers): else not found / 403."""
    assignment = (
        Assignment.objects.select_related("round__contest", "work", "judge").filter(pk=pk).first()
    )
    if assignment is None or not rules.has_perm(
        "contest.view_contest", user, assignment.round.contest
    ):
        raise NotFound()
    if not user.has_perm(perm, assignment.round):
        raise PermissionDeniedError()
    return assignment
