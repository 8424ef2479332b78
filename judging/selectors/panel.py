"""Reads about the judge panel: members, invitations, chief judges and conflicts of interest.

Automatic conflicts (回避) are computed here, never stored, so they follow any change of a
person's institution: a judge conflicts with a work when the judge's institution is the
entrant's, or its name (normalised) is a co-author's or the supervising teacher's institution;
when the round says so, also when they share a city or a province.
"""

import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from contest.errors import NotFound
from contest.models import CoAuthor, Contest, Group, Stage, Subject, User, Work
from contest.regions import PROVINCE_CHOICES
from contest.selectors import access_contest
from judging.models import (
    Assignment,
    ChiefJudge,
    Conflict,
    Invitation,
    PanelMember,
    Round,
    RoundWork,
    ScoreSheet,
)

MANAGE_PANEL = "judging.manage_panel"
EXPERTISE_KINDS = (("subject", Subject), ("stage", Stage), ("group", Group))

REASONS = {
    "institution": _("Same institution as the entrant"),
    "co_author": _("Same institution as a co-author"),
    "supervisor": _("Same institution as the supervising teacher"),
    "city": _("Same city as the entrant"),
    "province": _("Same province as the entrant"),
}


def normalise_name(name: str) -> str:
    """An institution name for comparison: full-width folded, case-folded, without spaces."""
    return "".join(unicodedata.normalize("NFKC", name or "").casefold().split())


# --- Expertise tags ("subject:<code>", "stage:<code>", "group:<code>")


def expertise_options(contest: Contest) -> dict[str, list[tuple[str, str]]]:
    """The tags a judge of the contest may have, by kind: [(tag, name)], in the contest's order
    (one query)."""
    parts = [
        model.objects.filter(contest=contest)
        .annotate(kind=Value(index))
        .values_list("kind", "order", "id", "code", "name")
        .order_by()
        for index, (_kind, model) in enumerate(EXPERTISE_KINDS)
    ]
    rows = parts[0].union(*parts[1:], all=True).order_by("kind", "order", "id")
    options: dict[str, list[tuple[str, str]]] = {kind: [] for kind, _model in EXPERTISE_KINDS}
    for index, _order, _pk, code, name in rows:
        kind = EXPERTISE_KINDS[index][0]
        options[kind].append((f"{kind}:{code}", name))
    return options


def expertise_labels(contest: Contest) -> dict[str, str]:
    return {tag: name for options in expertise_options(contest).values() for tag, name in options}


# --- Members and invitations


def panel_of(contest: Contest) -> QuerySet[PanelMember]:
    """The contest's panel with each member's account and whether they have any score sheet."""
    sheets = ScoreSheet.objects.filter(
        assignment__judge=OuterRef("user_id"), assignment__round__contest=OuterRef("contest_id")
    )
    return (
        PanelMember.objects.filter(contest=contest)
        .select_related("user__institution")
        .annotate(has_sheets=Exists(sheets))
        .order_by("-active", "user__real_name", "pk")
    )


def access_panel_member(user: User, pk: int) -> PanelMember:
    """The panel member if the user manages the panel of its contest (else 404 / 403)."""
    member = PanelMember.objects.select_related("contest", "user__institution").filter(pk=pk)
    member = member.first()
    if member is None:
        raise NotFound()
    access_contest(user, member.contest.slug, MANAGE_PANEL)
    return member


def user_by_email(email: str) -> User | None:
    """The active account with this address (compared case-insensitively)."""
    return User.objects.filter(email__iexact=str(email).strip(), is_active=True).first()


def open_invitations(contest: Contest) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(contest=contest, accepted_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def invitations_of(contest: Contest) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(contest=contest)
        .select_related("invited_by", "accepted_by")
        .order_by("-created_at", "-pk")
    )


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation of a link, or None when the token is malformed or unknown."""
    try:
        value = uuid.UUID(str(token))
    except ValueError:
        return None
    return Invitation.objects.select_related("contest").filter(token=value).first()


# --- Chief judges


def chiefs_of(round_: Round) -> QuerySet[ChiefJudge]:
    return (
        ChiefJudge.objects.filter(round=round_)
        .select_related("user", "category")
        .order_by("category__order", "category__code", "user__real_name", "pk")
    )


def round_categories(round_: Round):
    """The categories a chief judge may be given: the round's own, or all of the contest's."""
    categories = round_.categories.all()
    if not categories.exists():
        categories = round_.contest.categories.all()
    return categories.order_by("order", "code")


# --- Stored conflicts and recusals


def conflicts_of(contest: Contest) -> QuerySet[Conflict]:
    return (
        Conflict.objects.filter(contest=contest)
        .select_related("judge__institution", "work", "created_by")
        .order_by("-created_at", "-pk")
    )


def access_conflict(user: User, pk: int) -> Conflict:
    conflict = Conflict.objects.select_related("contest").filter(pk=pk).first()
    if conflict is None:
        raise NotFound()
    access_contest(user, conflict.contest.slug, MANAGE_PANEL)
    return conflict


def recusals_of(contest: Contest) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(round__contest=contest, state=Assignment.State.RECUSED)
        .select_related("judge", "work", "round")
        .order_by("-updated_at", "-pk")
    )


def work_by_code(contest: Contest, code: str) -> Work | None:
    """A work of the contest by its anonymous code (as organisers type it)."""
    code = "".join(str(code).split()).upper()
    return Work.objects.filter(contest=contest, anonymous_code=code).first() if code else None


# --- Automatic conflicts


@dataclass
class AutoConflict:
    """A judge and a work of the round that conflict, with every reason found."""

    judge: User
    work: Work | None
    work_id: int
    reasons: list[str] = field(default_factory=list)

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[r]) for r in self.reasons]


@dataclass(frozen=True)
class RegionConflict:
    """The round's city or province rule keeps a judge from `works` works of their `place`."""

    judge: User
    kind: str
    place: str
    works: int

    @property
    def label(self) -> str:
        return str(REASONS[self.kind])


def _members(round_: Round) -> list[PanelMember]:
    return list(
        PanelMember.objects.filter(contest_id=round_.contest_id)
        .select_related("user__institution")
        .order_by("user__real_name", "pk")
    )


def _institution_pairs(round_: Round, members: list[PanelMember]) -> dict:
    """{(judge id, work id): [reasons]} for the institution rules."""
    by_id, by_name = defaultdict(list), defaultdict(list)
    for member in members:
        institution = member.user.institution
        if institution is not None:
            by_id[institution.pk].append(member.user_id)
            by_name[normalise_name(institution.name)].append(member.user_id)
    pairs: dict[tuple[int, int], list[str]] = defaultdict(list)
    entries = RoundWork.objects.filter(round=round_)
    same = entries.filter(work__entrant__institution_id__in=list(by_id))
    for work_id, institution_id in same.values_list("work_id", "work__entrant__institution_id"):
        for judge_id in by_id[institution_id]:
            pairs[judge_id, work_id].append("institution")
    named = [
        (
            "co_author",
            CoAuthor.objects.filter(work__round_entries__round=round_),
            "work_id",
            "institution",
        ),
        (
            "supervisor",
            Work.objects.filter(round_entries__round=round_),
            "pk",
            "supervisor_institution",
        ),
    ]
    for reason, rows, work_key, name_key in named:
        for work_id, name in rows.exclude(**{name_key: ""}).values_list(work_key, name_key):
            for judge_id in by_name.get(normalise_name(name), ()):
                if reason not in pairs[judge_id, work_id]:
                    pairs[judge_id, work_id].append(reason)
    return pairs


def automatic_conflicts(round_: Round) -> list[AutoConflict]:
    """Every (judge, work) pair of the round that conflicts through an institution, in a
    constant number of queries."""
    members = _members(round_)
    pairs = _institution_pairs(round_, members)
    users = {m.user_id: m.user for m in members}
    works = Work.objects.only("pk", "anonymous_code", "title").in_bulk({w for _j, w in pairs})
    rows = [
        AutoConflict(judge=users[j], work=works.get(w), work_id=w, reasons=reasons)
        for (j, w), reasons in pairs.items()
    ]
    rows.sort(
        key=lambda c: (c.judge.real_name, c.judge.pk, c.work.anonymous_code if c.work else "")
    )
    return rows


def region_conflicts(round_: Round) -> list[RegionConflict]:
    """Per judge, how many works of the round the city and province rules keep from them
    (counted in the database: these rules can exclude a great many pairs)."""
    if not (round_.same_city_conflict or round_.same_province_conflict):
        return []
    works = RoundWork.objects.filter(round=round_).order_by()
    provinces = dict(
        works.values_list("work__entrant__institution__province").annotate(n=Count("pk"))
    )
    cities = {
        (p, c): n
        for p, c, n in works.values_list(
            "work__entrant__institution__province", "work__entrant__institution__city"
        ).annotate(n=Count("pk"))
    }
    names = dict(PROVINCE_CHOICES)
    rows = []
    for member in _members(round_):
        institution = member.user.institution
        if institution is None:
            continue
        place = (institution.province, institution.city)
        if round_.same_city_conflict and institution.city and cities.get(place):
            rows.append(RegionConflict(member.user, "city", institution.city, cities[place]))
        if round_.same_province_conflict and provinces.get(institution.province):
            label = str(names.get(institution.province, institution.province))
            rows.append(
                RegionConflict(member.user, "province", label, provinces[institution.province])
            )
    return rows


def conflict_pairs(round_: Round) -> set[tuple[int, int]]:
    """(judge id, work id) pairs of the round that must not be assigned, beyond what the
    assignment engine derives from institution ids, cities and provinces itself: the stored
    (declared or organiser-set) conflicts and the institution-name matches."""
    stored = Conflict.objects.filter(
        contest_id=round_.contest_id, work__round_entries__round=round_
    ).values_list("judge_id", "work_id")
    pairs = set(_institution_pairs(round_, _members(round_)))
    return pairs | set(stored)


def conflict_reasons(*, round_: Round, judge: User, work: Work) -> list[str]:
    """Why this judge may not score this work in the round ([] when nothing stands in the way):
    reason codes of REASONS, plus "declared" / "organiser" for stored conflicts."""
    reasons = list(Conflict.objects.filter(judge=judge, work=work).values_list("source", flat=True))
    mine = judge.institution
    theirs = work.entrant.institution
    if mine is None:
        return reasons
    if theirs is not None and theirs.pk == mine.pk:
        reasons.append("institution")
    name = normalise_name(mine.name)
    if any(normalise_name(c.institution) == name for c in work.co_authors.all()):
        reasons.append("co_author")
    if work.supervisor_institution and normalise_name(work.supervisor_institution) == name:
        reasons.append("supervisor")
    if theirs is not None and mine.province == theirs.province:
        if round_.same_city_conflict and mine.city and mine.city == theirs.city:
            reasons.append("city")
        if round_.same_province_conflict:
            reasons.append("province")
    return reasons
