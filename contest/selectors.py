"""Reads: permission-checked access to one object, and N+1-free lists."""

import rules
from django.db.models import Count, Q, QuerySet

from contest.errors import NotFound, PermissionDeniedError
from contest.models import Category, Contest, ContestRole, Institution, User


def access_contest(user: User, slug: str, perm: str = "contest.view_contest") -> Contest:
    """The contest with this slug if the user may `perm` it. Not-visible looks like not-found."""
    contest = Contest.objects.filter(slug=slug).first()
    if contest is None or not rules.has_perm("contest.view_contest", user, contest):
        raise NotFound()
    if perm != "contest.view_contest" and not user.has_perm(perm, contest):
        raise PermissionDeniedError()
    return contest


def contests_visible_to(user: User) -> QuerySet[Contest]:
    """Public contests, plus drafts the user organises; with their category counts."""
    visible = ~Q(phase=Contest.Phase.DRAFT)
    if user.is_authenticated:
        if user.is_superuser:
            visible = Q()
        else:
            visible |= Q(roles__user=user, roles__role=ContestRole.Role.ORGANISER)
    ids = Contest.objects.filter(visible).values("pk")
    return (
        Contest.objects.filter(pk__in=ids)
        .annotate(category_count=Count("categories"))
        .order_by("-year", "-created_at", "-pk")
    )


def contests_organised_by(user: User) -> QuerySet[Contest]:
    return Contest.objects.filter(roles__user=user, roles__role=ContestRole.Role.ORGANISER)


def user_roles(user: User) -> QuerySet[ContestRole]:
    return (
        ContestRole.objects.filter(user=user).select_related("contest").order_by("-contest__year")
    )


def categories_of(contest: Contest) -> QuerySet[Category]:
    return contest.categories.select_related("group", "subject", "stage")


def contest_people(contest: Contest) -> QuerySet[ContestRole]:
    return contest.roles.select_related("user", "user__institution").order_by(
        "role", "user__real_name"
    )


def contests_open_to(user: User) -> QuerySet[Contest]:
    """Contests open for submissions that the user may enter: none they organise or judge."""
    return (
        Contest.objects.filter(phase=Contest.Phase.OPEN)
        .exclude(roles__user=user)
        .order_by("submission_closes_at", "title")
    )


def contest_people_counts(contest: Contest) -> dict[str, int]:
    """How many people hold each role in the contest, in one query."""
    counts = dict(contest.roles.values_list("role").annotate(n=Count("pk")).order_by())
    return {role: counts.get(role, 0) for role in ContestRole.Role.values}


def dimensions_of(contest: Contest, model) -> QuerySet:
    """The contest's groups, subjects or stages (`model` is one of those classes)."""
    return model.objects.filter(contest=contest)


def institution_names_matching(typed: str, *, limit: int) -> list[str]:
    if not typed:
        return []
    return list(
        Institution.objects.filter(name__icontains=typed)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()[:limit]
    )


def unverified_user_by_email(email: str) -> User | None:
    return User.objects.filter(
        email__iexact=email, email_verified_at__isnull=True, is_active=True
    ).first()
